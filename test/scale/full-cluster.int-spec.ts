import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiRoutes, type IngestStats } from '@clusterpulse/contracts';
import { Redis } from 'ioredis';
import { Client as PgClient } from 'pg';
import { PG_BASE_URL, waitFor } from '../../apps/server/test/harness';
import { repoRoot } from './support';

/**
 * scripts/full-cluster.mjs, the whole cluster on one machine, run small: two cluster-mode
 * instances and the simulator, started from nothing with --fresh and stopped with SIGINT.
 * --fresh empties a whole Redis database, so this file has one of its own (the other scale tests
 * share database 13 and clean up by cluster id).
 */

jest.setTimeout(120_000);

const REDIS_DB = Number(process.env.FULL_CLUSTER_TEST_REDIS_DB ?? 11);
const SCRIPT = path.join(repoRoot, 'scripts/full-cluster.mjs');

/** A base port whose next one is free too (the script takes consecutive ports per instance). */
async function twoFreePorts(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await free(base)) && (await free(base + 1))) return base;
  }
}

async function ingestStats(port: number): Promise<IngestStats | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${ApiRoutes.ingestStats}`);
    return res.ok ? ((await res.json()) as IngestStats) : null;
  } catch {
    return null; // not listening yet
  }
}

async function pg<T>(query: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new PgClient({ connectionString: PG_BASE_URL });
  await client.connect();
  try {
    return await query(client);
  } finally {
    await client.end();
  }
}

describe('scripts/full-cluster.mjs', () => {
  const schema = `fc_${process.pid}_${Date.now().toString(36)}`;
  const database = `${PG_BASE_URL}?schema=${schema}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterpulse-full-cluster-'));
  let child: ChildProcess | null = null;

  afterAll(async () => {
    // On a failure the script is still up with its instances and simulator: end the whole group.
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await pg((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    const redis = new Redis(`redis://127.0.0.1:6379/${REDIS_DB}`);
    await redis.flushdb();
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [['--fresh', '--database', `${PG_BASE_URL}?schema=public`, '--redis-db', String(REDIS_DB)], /name one other than public/],
    [['--fresh', '--database', database], /choose the one for this run with --redis-db/],
  ])('refuses --fresh where it would delete what the run does not own: %j', (args, message) => {
    const result = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('starts two instances and the simulator on an emptied schema and Redis database, and stops them on SIGINT', async () => {
    // What an earlier run left behind.
    await pg(async (c) => {
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`CREATE TABLE "${schema}".leftover (id int)`);
    });
    const redis = new Redis(`redis://127.0.0.1:6379/${REDIS_DB}`);
    await redis.set('leftover', '1');

    const http = await twoFreePorts();
    const mqtt = await twoFreePorts();
    const args = [
      SCRIPT,
      '--fresh',
      '--makers', '6',
      '--http-port', String(http),
      '--mqtt-port', String(mqtt),
      '--database', database,
      '--redis-db', String(REDIS_DB),
      '--credentials', path.join(dir, 'credentials.json'),
      '--logs', path.join(dir, 'logs'),
      '--', '--report-interval', '1',
    ];
    let output = '';
    // A process group of its own, so that a failed test can stop everything the script started.
    child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    try {
      // Reports of all six makers reach the cluster; either instance shows the whole of it.
      for (const port of [http, http + 1]) {
        const stats = await waitFor(
          () => ingestStats(port),
          (s) => (s?.accepted ?? 0) >= 12,
          60_000,
        );
        expect(stats!.rejected).toBe(0);
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\nfull-cluster output:\n${output}`);
    }
    expect(output).toContain(`--fresh: dropped schema ${schema} and emptied Redis database ${REDIS_DB}`);
    const tables = await pg((c) => c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]));
    expect(tables.rows.map((r: { table_name: string }) => r.table_name)).not.toContain('leftover');
    expect(await redis.get('leftover')).toBeNull();
    redis.disconnect();

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
