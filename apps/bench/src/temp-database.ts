import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

/** The machine's PostgreSQL for `--pg`: trust auth on loopback, database `test` to connect through. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/**
 * A database used by one pipeline phase and dropped after it: a SQLite file in a temporary folder,
 * or a fresh PostgreSQL database.
 */
export class TempDatabase {
  private constructor(
    readonly url: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async create(pg: boolean): Promise<TempDatabase> {
    if (!pg) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterpulse-bench-'));
      return new TempDatabase(`file:${path.join(dir, 'bench.db')}`, async () => fs.rmSync(dir, { recursive: true, force: true }));
    }
    const name = `cp_bench_${process.pid}_${Date.now()}`;
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    return new TempDatabase(url.toString(), async () => {
      const client = new Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    });
  }

  async drop(): Promise<void> {
    await this.cleanup();
  }
}
