import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dialect } from './database-url';

/** prisma/migrations at the repository root, found from src/ and dist/ alike. */
export const MIGRATIONS_ROOT = path.resolve(__dirname, '../../../../prisma/migrations');

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dialect: Dialect, root = MIGRATIONS_ROOT): Migration[] {
  const dir = path.join(root, dialect);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** The few statements the migrator needs, over whichever connection the dialect uses. */
export interface MigrationConnection {
  dialect: Dialect;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Runs a script of several statements, atomically. */
  runScript(sql: string): Promise<void>;
}

/**
 * Applies committed migrations in name order and records them in `_prisma_migrations` with the
 * same table and checksums Prisma's own engine uses, so `prisma migrate deploy` on a machine that
 * has the native engine sees the same history.
 */
export async function applyMigrations(conn: MigrationConnection, migrations: Migration[]): Promise<string[]> {
  const ts = conn.dialect === 'sqlite' ? 'DATETIME' : 'TIMESTAMPTZ';
  await conn.runScript(
    `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" ${ts},
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" ${ts},
      "started_at" ${ts} NOT NULL DEFAULT CURRENT_TIMESTAMP,
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    );`,
  );
  const rows = await conn.query(`SELECT "migration_name", "checksum" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`);
  const applied = new Map(rows.map((row) => [String(row.migration_name), String(row.checksum)]));
  const done: string[] = [];
  for (const migration of migrations) {
    const previous = applied.get(migration.name);
    if (previous !== undefined) {
      if (previous !== migration.checksum) throw new Error(`migration ${migration.name} was changed after it was applied (checksum differs)`);
      continue;
    }
    const now = conn.dialect === 'sqlite' ? `strftime('%Y-%m-%d %H:%M:%f', 'now')` : 'now()';
    await conn.runScript(
      `${migration.sql}\n;INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count") VALUES ('${randomUUID()}', '${migration.checksum}', ${now}, '${migration.name.replace(/'/g, "''")}', 1);`,
    );
    done.push(migration.name);
  }
  return done;
}
