import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import { Client as PgClient } from 'pg';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client';
import { parseDatabaseUrl, type DatabaseTarget, type Dialect } from './database-url';
import { applyMigrations, readMigrations, type MigrationConnection } from './migrator';

/** Both generated clients share the models; the SQLite one's type stands for either. */
export type DbClient = SqliteClient;

/**
 * The one Prisma client of the process. Only repositories use it. `connect` applies the committed
 * migrations first, through the plain driver, because the Prisma CLI cannot migrate offline.
 */
@Injectable()
export class PrismaService implements OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);
  readonly target: DatabaseTarget;
  private clientInstance: DbClient | null = null;

  constructor(readonly databaseUrl: string) {
    this.target = parseDatabaseUrl(databaseUrl);
  }

  get dialect(): Dialect {
    return this.target.dialect;
  }

  get client(): DbClient {
    if (!this.clientInstance) throw new Error('database not connected yet');
    return this.clientInstance;
  }

  async connect(): Promise<void> {
    const applied = await migrate(this.target);
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    if (this.target.dialect === 'sqlite') {
      const adapter = new PrismaBetterSqlite3({ url: this.target.location, timeout: 10_000 });
      this.clientInstance = new SqliteClient({ adapter });
      // WAL survives kill -9 of the process (committed pages are in the log); NORMAL sync skips an
      // fsync per commit, which the once-a-second flush does not need.
      await this.clientInstance.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    } else {
      const adapter = new PrismaPg({ connectionString: this.target.location, max: 4, options: `-c search_path="${this.target.schema}"` }, { schema: this.target.schema });
      this.clientInstance = new PostgresClient({ adapter }) as unknown as DbClient;
    }
    await this.clientInstance.$connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }

  async disconnect(): Promise<void> {
    const client = this.clientInstance;
    this.clientInstance = null;
    if (client) await client.$disconnect();
  }
}

/** Applies the dialect's committed migrations to the target; returns the names newly applied. */
export async function migrate(target: DatabaseTarget): Promise<string[]> {
  const migrations = readMigrations(target.dialect);
  if (target.dialect === 'sqlite') {
    if (target.location !== ':memory:') fs.mkdirSync(path.dirname(target.location), { recursive: true });
    const db = new Database(target.location);
    try {
      db.pragma('journal_mode = WAL');
      const conn: MigrationConnection = {
        dialect: 'sqlite',
        query: async (sql) => db.prepare(sql).all() as Array<Record<string, unknown>>,
        runScript: async (sql) => {
          db.exec(`BEGIN;\n${sql}\n;COMMIT;`);
        },
      };
      return await applyMigrations(conn, migrations);
    } finally {
      db.close();
    }
  }
  const client = new PgClient({ connectionString: target.location });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
    await client.query(`SET search_path TO "${target.schema}"`);
    const conn: MigrationConnection = {
      dialect: 'postgresql',
      query: async (sql) => (await client.query(sql)).rows,
      runScript: async (sql) => {
        await client.query('BEGIN');
        try {
          await client.query(sql);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      },
    };
    return await applyMigrations(conn, migrations);
  } finally {
    await client.end();
  }
}
