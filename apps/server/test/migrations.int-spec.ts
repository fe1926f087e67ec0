import Database from 'better-sqlite3';
import { Client as PgClient } from 'pg';
import { Prisma } from '../src/generated/sqlite/client';
import { parseDatabaseUrl } from '../src/persistence/database-url';
import { readMigrations } from '../src/persistence/migrator';
import { migrate } from '../src/persistence/prisma.service';
import { freshDatabase } from './harness';

type Columns = Record<string, Record<string, { nullable: boolean }>>;

/** Columns of every table except the migration log, as the database itself reports them. */
async function columnsOf(url: string): Promise<Columns> {
  const target = parseDatabaseUrl(url);
  const out: Columns = {};
  if (target.dialect === 'sqlite') {
    const db = new Database(target.location, { readonly: true });
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`).all() as Array<{ name: string }>;
      for (const { name } of tables) {
        const cols = db.prepare(`PRAGMA table_info("${name}")`).all() as Array<{ name: string; notnull: number; pk: number }>;
        out[name] = Object.fromEntries(cols.map((c) => [c.name, { nullable: c.notnull === 0 && c.pk === 0 }]));
      }
    } finally {
      db.close();
    }
    return out;
  }
  const client = new PgClient({ connectionString: target.location });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`,
      [target.schema],
    );
    for (const row of rows) (out[row.table_name] ??= {})[row.column_name] = { nullable: row.is_nullable === 'YES' };
  } finally {
    await client.end();
  }
  return out;
}

/** What prisma/schema.prisma says, through the client generated from it. */
function modelColumns(): Record<string, string[]> {
  const ns = Prisma as unknown as Record<string, Record<string, string>>;
  return Object.fromEntries(Object.values(Prisma.ModelName).map((model) => [model, Object.values(ns[`${model}ScalarFieldEnum`]).sort()]));
}

describe('migrations', () => {
  it('has the same migrations, by name, for SQLite and PostgreSQL', () => {
    expect(readMigrations('postgresql').map((m) => m.name)).toEqual(readMigrations('sqlite').map((m) => m.name));
  });

  it('creates the same tables and columns on both databases, matching the Prisma models', async () => {
    const sqlite = await freshDatabase('sqlite');
    const pg = await freshDatabase('postgresql');
    try {
      await migrate(parseDatabaseUrl(sqlite.url));
      await migrate(parseDatabaseUrl(pg.url));
      const a = await columnsOf(sqlite.url);
      const b = await columnsOf(pg.url);
      expect(b).toEqual(a);
      const fromDb = Object.fromEntries(Object.entries(a).map(([table, cols]) => [table, Object.keys(cols).sort()]));
      expect(fromDb).toEqual(modelColumns());
    } finally {
      await sqlite.drop();
      await pg.drop();
    }
  });

  it('applies each migration once, so a second start changes nothing', async () => {
    const sqlite = await freshDatabase('sqlite');
    try {
      const first = await migrate(parseDatabaseUrl(sqlite.url));
      const second = await migrate(parseDatabaseUrl(sqlite.url));
      expect(first).toEqual(readMigrations('sqlite').map((m) => m.name));
      expect(second).toEqual([]);
    } finally {
      await sqlite.drop();
    }
  });
});
