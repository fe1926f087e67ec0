import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DeviceInfo, FlushBatch, RestoredState } from '../aggregation/ledger';
import { LoopTimers } from '../common/loop-timers';
import { PrismaService } from './prisma.service';
import { SqliteWriter } from './sqlite-writer';

type Value = string | number | boolean | null;

interface Upsert {
  table: string;
  columns: string[];
  key: string[];
  /** Columns added to the stored value on conflict; the rest are overwritten. */
  additive: string[];
  /** Made one statement's worth at a time, so that no table's rows are all held at once. */
  rows: Iterable<Value[]>;
}

function* mapRows<T>(items: Iterable<T>, row: (item: T) => Value[]): Generator<Value[]> {
  for (const item of items) yield row(item);
}

/**
 * Rows per statement, so that no one JSON text grows without bound; the event loop gets a turn
 * between two statements' texts (see `flush`).
 */
const MAX_ROWS_PER_STATEMENT = 2_500;

const num = (value: unknown): number => (typeof value === 'bigint' ? Number(value) : Number(value ?? 0));

/**
 * Persists the ledger: one flush is one transaction of multi-row `INSERT ... ON CONFLICT DO
 * UPDATE` statements (deltas added, current rows overwritten), figures and watermarks together.
 */
@Injectable()
export class LedgerRepository implements OnApplicationShutdown {
  /** SQLite files are written from a worker thread; undefined until the first flush decides. */
  private writer: SqliteWriter | null | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly timers: LoopTimers,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const writer = this.writer;
    this.writer = null;
    await writer?.close();
  }

  private sqliteWriter(): SqliteWriter | null {
    if (this.writer === undefined) {
      const { dialect, location } = this.prisma.target;
      // An in-memory database exists only on the connection that made it.
      this.writer = dialect === 'sqlite' && location !== ':memory:' ? new SqliteWriter(location) : null;
    }
    return this.writer?.usable ? this.writer : null;
  }

  /** `extra` statements run last in the same transaction (cluster mode's commit log). */
  async flush(batch: FlushBatch, extra: Array<{ sql: string; params: Value[] }> = []): Promise<number> {
    // Each table's rows are made when its turn comes (see below).
    const upserts: Array<() => Upsert> = [];
    upserts.push(() => ({
      table: 'DailySales',
      columns: ['run', 'day', 'channel', 'category', 'amountFen', 'orders', 'pieces'],
      key: ['run', 'day', 'channel', 'category'],
      additive: ['amountFen', 'orders', 'pieces'],
      rows: mapRows(batch.sales, ([k, c]) => [...k.split('|'), c.amountFen, c.orders, c.pieces]),
    }));
    upserts.push(() => ({
      table: 'DailyProduction',
      columns: ['run', 'day', 'category', 'good', 'defective'],
      key: ['run', 'day', 'category'],
      additive: ['good', 'defective'],
      rows: mapRows(batch.production, ([k, c]) => [...k.split('|'), c.good, c.defective]),
    }));
    const edCols = ['salesFen', 'good', 'defective', 'energyWh', 'plannedMs', 'runMs', 'idealMs', 'deviceGood', 'deviceDefect'];
    upserts.push(() => ({
      table: 'EnterpriseDay',
      columns: ['run', 'enterpriseId', 'day', ...edCols],
      key: ['run', 'enterpriseId', 'day'],
      additive: edCols,
      rows: mapRows(batch.enterpriseDays, ([k, c]) => {
        const [run, enterpriseId, day] = k.split('|');
        return [
          run,
          enterpriseId,
          day,
          c.salesFen,
          c.good,
          c.defective,
          c.energyWh,
          c.oee.plannedMs,
          c.oee.runMs,
          c.oee.idealMs,
          c.oee.good,
          c.oee.defective,
        ];
      }),
    }));
    upserts.push(() => ({
      table: 'IngestCounter',
      columns: ['name', 'count'],
      key: ['name'],
      additive: ['count'],
      rows: mapRows(batch.counters, ([name, count]) => [name, count]),
    }));
    upserts.push(() => ({
      table: 'Enterprise',
      columns: ['id', 'name', 'town', 'park', 'category', 'digitization', 'employees', 'online', 'devicesJson'],
      key: ['id'],
      additive: [],
      rows: mapRows(batch.enterprises, (e) => [e.id, e.name, e.town, e.park, e.category, e.digitization, e.employees, e.online, JSON.stringify(e.devices)]),
    }));
    upserts.push(() => ({
      table: 'Gateway',
      columns: ['id', 'enterpriseId', 'lastSeq', 'online', 'lastSeen', 'run'],
      key: ['id'],
      additive: [],
      rows: mapRows(batch.gateways, (g) => [g.id, g.enterpriseId, g.lastSeq, g.online, g.lastSeen, g.run]),
    }));
    const runs = new Map(batch.runs.map((r) => [r.id, r]));
    upserts.push(() => ({
      table: 'Run',
      columns: ['id', 'ordinal', 'scenario', 'seed', 'startedTs'],
      key: ['id'],
      additive: [],
      rows: mapRows(runs.values(), (r) => [r.id, r.ordinal, r.scenario, r.seed, r.startedTs]),
    }));

    // The batch is a cut the aggregator no longer writes to, so its rows can be prepared a slice
    // at a time: at ten thousand gateways, preparing a flush in one go held the event loop (and
    // with it every report and dashboard push) for 60-160 ms every second. A SQLite file's writer
    // thread takes each statement as soon as it is made (SqliteWriter.begin).
    const writer = this.sqliteWriter();
    const transaction = writer?.begin();
    const statements: Array<{ sql: string; params: Value[] }> = [];
    const add = (statement: { sql: string; params: Value[] }) => (transaction ? transaction.add(statement) : statements.push(statement));
    let made = 0;
    try {
      for (const table of upserts) {
        for (const statement of this.statements(table())) {
          add(statement);
          made++;
          await this.timers.nextTurn();
        }
      }
      if (made === 0) {
        transaction?.abort();
        return 0;
      }
      extra.forEach(add);
    } catch (error) {
      transaction?.abort();
      throw error;
    }
    if (transaction) {
      await transaction.commit();
      return made + extra.length;
    }
    const client = this.prisma.client;
    await client.$transaction(statements.map((s) => client.$executeRawUnsafe(s.sql, ...s.params)));
    return statements.length;
  }

  /** Gateways provisioned with a secret, or their hash replaced. */
  async upsertGatewaySecret(id: string, enterpriseId: string, secretHash: string): Promise<void> {
    await this.prisma.client.gateway.upsert({
      where: { id },
      create: { id, enterpriseId, secretHash },
      update: { secretHash },
    });
  }

  /** The current run's figures only; every run's identity, so stragglers of old runs are recognised. */
  async load(): Promise<RestoredState> {
    const client = this.prisma.client;
    const runs = (await client.run.findMany({ orderBy: { ordinal: 'asc' } })).map((r) => ({ id: r.id, ordinal: r.ordinal, scenario: r.scenario, seed: r.seed, startedTs: num(r.startedTs) }));
    const run = runs.at(-1)?.id ?? '';
    const [sales, production, counters, enterprises, gateways] = await Promise.all([
      client.dailySales.findMany({ where: { run } }),
      client.dailyProduction.findMany({ where: { run } }),
      client.ingestCounter.findMany(),
      client.enterprise.findMany(),
      client.gateway.findMany(),
    ]);
    const sums = `CAST(SUM("salesFen") AS BIGINT) AS "salesFen", CAST(SUM("good") AS BIGINT) AS "good", CAST(SUM("defective") AS BIGINT) AS "defective",
      CAST(SUM("energyWh") AS BIGINT) AS "energyWh", CAST(SUM("plannedMs") AS BIGINT) AS "plannedMs", CAST(SUM("runMs") AS BIGINT) AS "runMs",
      CAST(SUM("idealMs") AS BIGINT) AS "idealMs", CAST(SUM("deviceGood") AS BIGINT) AS "deviceGood", CAST(SUM("deviceDefect") AS BIGINT) AS "deviceDefect"`;
    const [years, days] = await Promise.all([
      client.$queryRawUnsafe<Array<Record<string, unknown>>>(
        `SELECT "enterpriseId", SUBSTR("day", 1, 4) AS "year", ${sums} FROM "EnterpriseDay" WHERE "run" = ${this.mark(1)} GROUP BY "enterpriseId", SUBSTR("day", 1, 4)`,
        run,
      ),
      client.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT "day", ${sums} FROM "EnterpriseDay" WHERE "run" = ${this.mark(1)} GROUP BY "day"`, run),
    ]);
    const cell = (row: Record<string, unknown>) => ({
      salesFen: num(row.salesFen),
      good: num(row.good),
      defective: num(row.defective),
      energyWh: num(row.energyWh),
      oee: { plannedMs: num(row.plannedMs), runMs: num(row.runMs), idealMs: num(row.idealMs), good: num(row.deviceGood), defective: num(row.deviceDefect) },
    });
    return {
      run,
      runs,
      sales: sales.map((r) => ({ day: r.day, channel: r.channel, category: r.category, amountFen: num(r.amountFen), orders: num(r.orders), pieces: num(r.pieces) })),
      production: production.map((r) => ({ day: r.day, category: r.category, good: num(r.good), defective: num(r.defective) })),
      enterpriseYears: years.map((r) => ({ enterpriseId: String(r.enterpriseId), year: Number(r.year), ...cell(r) })),
      clusterDays: days.map((r) => ({ day: String(r.day), ...cell(r) })),
      counters: counters.map((r) => ({ name: r.name, count: num(r.count) })),
      enterprises: enterprises.map((e) => ({
        id: e.id,
        name: e.name,
        town: e.town,
        park: e.park,
        category: e.category,
        digitization: e.digitization,
        employees: e.employees,
        online: e.online,
        devices: JSON.parse(e.devicesJson) as DeviceInfo[],
      })),
      gateways: gateways.map((g) => ({ id: g.id, enterpriseId: g.enterpriseId, lastSeq: num(g.lastSeq), online: g.online, lastSeen: num(g.lastSeen), secretHash: g.secretHash, run: g.run })),
    };
  }

  /** One maker's days in a run, for its drill-down history. */
  async enterpriseDays(enterpriseId: string, run: string) {
    const rows = await this.prisma.client.enterpriseDay.findMany({ where: { enterpriseId, run }, orderBy: { day: 'asc' } });
    return rows.map((r) => ({
      day: r.day,
      salesFen: num(r.salesFen),
      good: num(r.good),
      defective: num(r.defective),
      energyWh: num(r.energyWh),
      oee: { plannedMs: num(r.plannedMs), runMs: num(r.runMs), idealMs: num(r.idealMs), good: num(r.deviceGood), defective: num(r.deviceDefect) },
    }));
  }

  private mark(n: number): string {
    return this.prisma.dialect === 'postgresql' ? `$${n}` : '?';
  }

  /** A cheap round trip, for the health check. */
  async ping(): Promise<void> {
    await this.prisma.client.$queryRawUnsafe('SELECT 1 FROM "Gateway" LIMIT 1');
  }

  /**
   * The rows travel as one JSON parameter that the database expands (SQLite `json_each`,
   * PostgreSQL `json_populate_recordset`): one bound value per statement instead of one per cell,
   * which a flush of 20,000 gateways would otherwise turn into hundreds of thousands.
   */
  private *statements(upsert: Upsert): Generator<{ sql: string; params: Value[] }> {
    const pg = this.prisma.dialect === 'postgresql';
    const q = (name: string) => `"${name}"`;
    const updates = upsert.columns
      .filter((c) => !upsert.key.includes(c))
      .map((c) => (upsert.additive.includes(c) ? `${q(c)} = ${q(upsert.table)}.${q(c)} + excluded.${q(c)}` : `${q(c)} = excluded.${q(c)}`));
    // SQLite reads array elements by position; PostgreSQL fills the table's row type from objects by column name.
    const source = pg
      ? `SELECT ${upsert.columns.map(q).join(', ')} FROM json_populate_recordset(NULL::${q(upsert.table)}, $1::json)`
      : `SELECT ${upsert.columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ')} FROM json_each(?) WHERE true`;
    const sql = `INSERT INTO ${q(upsert.table)} (${upsert.columns.map(q).join(', ')}) ${source} ON CONFLICT (${upsert.key.map(q).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
    let rows: Value[][] = [];
    const text = () => (pg ? JSON.stringify(rows.map((row) => Object.fromEntries(upsert.columns.map((c, i) => [c, row[i]])))) : JSON.stringify(rows));
    for (const row of upsert.rows) {
      rows.push(row);
      if (rows.length === MAX_ROWS_PER_STATEMENT) {
        yield { sql, params: [text()] };
        rows = [];
      }
    }
    if (rows.length > 0) yield { sql, params: [text()] };
  }
}
