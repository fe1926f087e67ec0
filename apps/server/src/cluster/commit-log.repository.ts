import { Injectable } from '@nestjs/common';
import { Client as PgClient } from 'pg';
import type { FlushBatch } from '../aggregation/ledger';
import { PrismaService } from '../persistence/prisma.service';
import { fnv1a } from './rendezvous';

/** One statement run inside a flush transaction (PostgreSQL placeholders). */
export interface SqlStatement {
  sql: string;
  params: Array<string | number | boolean | null>;
}

export interface CommitRow {
  source: string;
  n: number;
  /** Wall-clock time of the commit on its instance. */
  at: number;
  batch: FlushBatch;
  /** The committing instance's run and earliest report interval start when it cut the batch. */
  origin: CommitOrigin;
}

export interface CommitOrigin {
  run: string;
  dataStart: number | null;
}

/**
 * Flushes take the commit lock shared in their transaction, a snapshot takes it exclusively.
 * Advisory locks are per database: the second key (the schema's hash) keeps clusters that share
 * a database in separate schemas from waiting on each other.
 */
const COMMIT_LOCK = 0x4350554c;
const lockArgs = (schema: string): string => `${COMMIT_LOCK}, ${fnv1a(schema) | 0}`;

/** The message of a flush refused because another instance owns one of its slots now. */
export const SLOT_LOST = 'cluster slot taken over by another instance';

/** Maps survive JSON as tagged entry lists, so a batch round-trips whatever fields it grows. */
const MAP_TAG = '__map';

export function encodeBatch(batch: FlushBatch, origin: CommitOrigin): string {
  return JSON.stringify({ origin, batch }, (_key, value: unknown) => (value instanceof Map ? { [MAP_TAG]: [...value] } : value));
}

export function decodeBatch(text: string): { batch: FlushBatch; origin: CommitOrigin } {
  return JSON.parse(text, (_key, value: unknown) =>
    value && typeof value === 'object' && MAP_TAG in value ? new Map((value as Record<string, Array<[unknown, unknown]>>)[MAP_TAG]) : value,
  ) as { batch: FlushBatch; origin: CommitOrigin };
}

/**
 * The cluster's commit log: every flush of every instance also writes its batch as one row of
 * "ClusterCommit", in the same transaction as the figures. Another instance that applies the
 * rows it has not seen yet therefore adds exactly what was committed, once, whatever crashed
 * when; a snapshot taken under the exclusive commit lock tells where each source's rows start.
 * The table is not a Prisma model: only cluster mode uses it, and it is created here on start.
 */
@Injectable()
export class CommitLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The commit log, and "ClusterSlot": the owner of each slot as the database knows it, the fence
   * that keeps an instance which lost a slot (stalled past its lease) from committing its figures.
   */
  async ensureTables(slots: number): Promise<void> {
    await this.withLock(async (pg) => {
      await pg.query(`CREATE TABLE IF NOT EXISTS "ClusterCommit" (
        "source" TEXT NOT NULL,
        "n" INTEGER NOT NULL,
        "at" BIGINT NOT NULL,
        "batch" TEXT NOT NULL,
        PRIMARY KEY ("source", "n"))`);
      await pg.query(`CREATE TABLE IF NOT EXISTS "ClusterSlot" (
        "slot" INTEGER PRIMARY KEY,
        "owner" TEXT NOT NULL DEFAULT '',
        "epoch" BIGINT NOT NULL DEFAULT 0)`);
      await pg.query(`INSERT INTO "ClusterSlot" ("slot") SELECT generate_series(0, $1::int - 1) ON CONFLICT DO NOTHING`, [slots]);
      // Instances that split the makers differently would each apply makers the others apply too.
      const { rows } = await pg.query<{ n: string }>(`SELECT count(*) AS n FROM "ClusterSlot"`);
      if (Number(rows[0].n) !== slots) throw new Error(`CLUSTER_SLOTS is ${slots} here but ${rows[0].n} in the database's cluster: every instance needs the same value`);
    });
  }

  /**
   * Records this process as the slots' owner. The update waits for any flush still holding the
   * rows (an earlier owner's, see `statements`), so watermarks read afterwards include it, and any
   * later flush of the earlier owner fails its ownership check.
   */
  async claimSlots(source: string, slots: number[]): Promise<void> {
    await this.prisma.client.$executeRawUnsafe(`UPDATE "ClusterSlot" SET "owner" = $1, "epoch" = "epoch" + 1 WHERE "slot" = ANY($2::int[])`, source, slots);
  }

  /**
   * What a flush adds to its transaction: the shared commit lock; the check, holding the rows,
   * that this process still owns every slot whose makers the batch writes; then the batch as
   * commit n of source.
   */
  statements(source: string, n: number, batch: FlushBatch, origin: CommitOrigin, slots: number[]): SqlStatement[] {
    const fence: SqlStatement[] = [];
    if (slots.length > 0) {
      const owner = source.replace(/'/g, "''");
      const list = slots.map((s) => Math.floor(s)).join(', ');
      fence.push({
        // DO takes no parameters; both values are built here from integers and the process id.
        sql: `DO $$ BEGIN
          IF (SELECT count(*) FROM (SELECT 1 FROM "ClusterSlot" WHERE "slot" IN (${list}) AND "owner" = '${owner}' FOR SHARE) AS held) <> ${slots.length} THEN
            RAISE EXCEPTION '${SLOT_LOST}';
          END IF;
        END $$`,
        params: [],
      });
    }
    return [
      { sql: `SELECT pg_advisory_xact_lock_shared(${lockArgs(this.prisma.target.schema)})`, params: [] },
      ...fence,
      { sql: `INSERT INTO "ClusterCommit" ("source", "n", "at", "batch") VALUES ($1, $2, $3, $4)`, params: [source, n, Date.now(), encodeBatch(batch, origin)] },
    ];
  }

  /**
   * Runs `read` while no flush of any instance can commit, and returns with it the last commit
   * number of every source: the state read contains exactly those commits.
   */
  async snapshot<T>(read: () => Promise<T>): Promise<{ value: T; seen: Map<string, number> }> {
    return this.withLock(async (pg) => {
      const value = await read();
      const rows = await pg.query<{ source: string; n: number }>(`SELECT "source", MAX("n") AS "n" FROM "ClusterCommit" GROUP BY "source"`);
      return { value, seen: new Map(rows.rows.map((r) => [r.source, Number(r.n)])) };
    });
  }

  /** Commits of other sources past what `seen` says was applied, in commit order per source. */
  async after(self: string, seen: ReadonlyMap<string, number>, limit = 200): Promise<CommitRow[]> {
    const rows = await this.prisma.client.$queryRawUnsafe<Array<{ source: string; n: number; at: number | bigint; batch: string }>>(
      `SELECT "source", "n", "at", "batch" FROM "ClusterCommit"
        WHERE "source" <> $1 AND "n" > COALESCE((($2::jsonb) ->> "source")::int, 0)
        ORDER BY "at", "source", "n" LIMIT ${Math.floor(limit)}`,
      self,
      JSON.stringify(Object.fromEntries(seen)),
    );
    return rows.map((r) => ({ source: r.source, n: Number(r.n), at: Number(r.at), ...decodeBatch(r.batch) }));
  }

  /** Rows older than the retention are in every snapshot taken since, and read by every live instance. */
  async prune(olderThanMs: number): Promise<number> {
    return this.prisma.client.$executeRawUnsafe(`DELETE FROM "ClusterCommit" WHERE "at" < $1`, Date.now() - olderThanMs);
  }

  /**
   * Every gateway's stored watermark, for slots taken over: read whole, because a maker committed
   * by its previous owner just before it died may not have reached this instance's view yet.
   */
  async watermarks(): Promise<Array<{ id: string; enterpriseId: string; lastSeq: number }>> {
    const rows = await this.prisma.client.$queryRawUnsafe<Array<{ id: string; enterpriseId: string; lastSeq: number | bigint }>>(`SELECT "id", "enterpriseId", "lastSeq" FROM "Gateway"`);
    return rows.map((r) => ({ id: r.id, enterpriseId: r.enterpriseId, lastSeq: Number(r.lastSeq) }));
  }

  private async withLock<T>(body: (pg: PgClient) => Promise<T>): Promise<T> {
    const { location, schema } = this.prisma.target;
    const pg = new PgClient({ connectionString: location, options: `-c search_path="${schema}"` });
    await pg.connect();
    try {
      await pg.query(`SELECT pg_advisory_lock(${lockArgs(schema)})`);
      try {
        return await body(pg);
      } finally {
        await pg.query(`SELECT pg_advisory_unlock(${lockArgs(schema)})`);
      }
    } finally {
      await pg.end();
    }
  }
}
