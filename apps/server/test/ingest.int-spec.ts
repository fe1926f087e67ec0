import { ApiRoutes, WS_PATH, gatewayControlSchema, gatewayTopic, type ClusterKpisResponse, type DailyHistoryResponse, type EnterpriseListResponse, type IngestStats, type ServerEvent } from '@clusterpulse/contracts';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import type { RunningServer } from '../src/bootstrap';
import { parseDatabaseUrl } from '../src/persistence/database-url';
import { CLUSTER, DATABASES, birth, closeClient, connect, connectGateway, freshDatabase, getJson, report, reportTopic, startServer, waitFor, type TestDatabase } from './harness';

// Real broker and database: on a loaded machine a flush and its acknowledgement can take seconds.
jest.setTimeout(30_000);

const maker = { cluster: CLUSTER, enterprise: 'sprout', gateway: 'gw1' };

async function dbRows(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const target = parseDatabaseUrl(url);
  if (target.dialect === 'sqlite') {
    const db = new Database(target.location, { readonly: true });
    try {
      return db.prepare(sql).all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }
  const client = new PgClient({ connectionString: target.location });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${target.schema}"`);
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.each(DATABASES)('ingest on %s', (kind: TestDatabase) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let gateway: MqttClient | undefined;
  // Every acknowledgement the server sends the gateway, from before its first report on.
  let control: MqttClient | undefined;
  const acks: unknown[] = [];
  const kpis = () => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);
  const stats = () => getJson<IngestStats>(server!, ApiRoutes.ingestStats);

  // Reports 1..3 as the tests below publish them: the sums every figure must equal to the fen.
  const sent = [1, 2, 3].map((seq) => report(seq).value);
  const sentFen = sent.flatMap((r) => r.sales).reduce((sum, line) => sum + line.amountFen, 0);
  const sentGood = sent.flatMap((r) => r.production).reduce((sum, line) => sum + line.good, 0);
  const sentDefective = sent.flatMap((r) => r.production).reduce((sum, line) => sum + line.defective, 0);

  beforeAll(async () => {
    db = await freshDatabase(kind);
    server = await startServer(db.url);
    gateway = await connectGateway(server.mqttPort, maker);
    control = await connect(server.mqttPort);
    control.on('message', (_topic, payload) => acks.push(gatewayControlSchema.parse(JSON.parse(payload.toString()))));
    await control.subscribeAsync(gatewayTopic(maker, 'control'), { qos: 1 });
  });

  afterAll(async () => {
    await closeClient(control);
    await closeClient(gateway);
    await server?.close();
    await db?.drop();
  });

  it('sums published reports into the KPIs exactly, to the fen', async () => {
    await gateway!.publishAsync(gatewayTopic(maker, 'birth'), birth(0), { qos: 1 });
    for (const seq of [1, 2, 3]) await gateway!.publishAsync(reportTopic(maker), report(seq).payload, { qos: 1 });
    const k = await waitFor(kpis, (v) => v.ingest.accepted === 3);
    expect(k.sales.yearToDateFen).toBe(sentFen);
    expect(k.sales.year).toBe(2020);
    expect(k.sales.byChannel.find((c) => c.channel === 'ecommerce')?.yearToDateFen).toBe(12_345 * 6);
    expect(k.sales.byChannel.find((c) => c.channel === 'export')?.yearToDateFen).toBe(300_003);
    expect(k.production.totalGood).toBe(sentGood);
    expect(k.production.totalDefective).toBe(sentDefective);
    expect(k.production.byCategory.find((c) => c.category === 'babywear')?.good).toBe(sentGood);
    expect(k.enterprises).toEqual({ total: 1, online: 1 });
    expect(k.devices.running).toBe(1);
    expect(k.oee?.availability).toBeCloseTo(50 / 60, 10);
    expect(k.simDate).toBe('2020-03-02');
  });

  it('acknowledges the applied watermark on the gateway control topic after a flush', async () => {
    // Reports 1..3 above end acknowledged as 3: an earlier flush may have acknowledged less first
    // (at most one acknowledgement every ACK_MIN_INTERVAL_MS), never more.
    await waitFor(() => acks, (all) => all.some((ack) => (ack as { seq: number }).seq === 3), 20_000);
    for (const ack of acks) expect(ack).toEqual({ v: 1, cmd: 'ack', seq: expect.any(Number) });
    const seqs = acks.map((ack) => (ack as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(seqs.at(-1)).toBe(3);
    // A duplicate makes the server acknowledge again even though the watermark did not move.
    const before = acks.length;
    await gateway!.publishAsync(reportTopic(maker), report(3).payload, { qos: 1 });
    await waitFor(() => acks.length, (n) => n > before, 20_000);
    expect(acks.slice(before)).toEqual([{ v: 1, cmd: 'ack', seq: 3 }]);
  });

  it('ignores a report whose sequence number was already applied', async () => {
    const before = await stats();
    await gateway!.publishAsync(reportTopic(maker), report(2).payload, { qos: 1 });
    await waitFor(stats, (s) => s.duplicates === before.duplicates + 1);
    const k = await kpis();
    expect(k.sales.yearToDateFen).toBe(sentFen);
    expect(k.ingest.accepted).toBe(3);
  });

  it('counts a malformed payload as rejected and moves nothing', async () => {
    const before = await kpis();
    await gateway!.publishAsync(reportTopic(maker), '{"v":1,"seq":4,', { qos: 1 });
    await gateway!.publishAsync(reportTopic(maker), JSON.stringify({ ...report(4).value, energyWh: -5 }), { qos: 1 });
    await gateway!.publishAsync(reportTopic(maker), JSON.stringify({ ...report(4).value, v: 2 }), { qos: 1 });
    const after = await waitFor(kpis, (v) => v.ingest.rejected === before.ingest.rejected + 3);
    expect(after.ingest.rejectsByReason['not-json']).toBe(1);
    expect(after.ingest.rejectsByReason.schema).toBe(1);
    expect(after.ingest.rejectsByReason['unknown-version']).toBe(1);
    expect({ ...after.sales, ingest: null }).toEqual({ ...before.sales, ingest: null });
    expect(after.production).toEqual(before.production);
    expect(after.ingest.accepted).toBe(before.ingest.accepted);
  });

  it('holds an out-of-order report until the missing one arrives, then applies both once', async () => {
    await gateway!.publishAsync(reportTopic(maker), report(5, 1).payload, { qos: 1 });
    const held = await waitFor(stats, (s) => s.gaps === 1);
    expect(held.accepted).toBe(3);
    await gateway!.publishAsync(reportTopic(maker), report(4, 1).payload, { qos: 1 });
    const k = await waitFor(kpis, (v) => v.ingest.accepted === 5);
    expect(k.sales.yearToDateFen).toBe(sentFen + 2 * (12_345 + 100_001));
  });

  it('stores the figures and the watermark in the database', async () => {
    const expectedFen = sentFen + 2 * (12_345 + 100_001);
    const rows = await waitFor(
      () => dbRows(db.url, 'SELECT SUM("amountFen") AS fen FROM "DailySales"'),
      (r) => Number(r[0]?.fen) === expectedFen,
    );
    expect(Number(rows[0].fen)).toBe(expectedFen);
    const gw = await waitFor(
      () => dbRows(db.url, 'SELECT "id", "lastSeq" FROM "Gateway"'),
      (r) => r.length === 1 && Number(r[0].lastSeq) === 5,
    );
    expect(gw[0].id).toBe(`${CLUSTER}.sprout.gw1`);
    const ent = await dbRows(db.url, 'SELECT "name", "category" FROM "Enterprise"');
    expect(ent).toEqual([{ name: 'Little Sprout Garments', category: 'babywear' }]);
  });

  it('delivers a kpis snapshot over the WebSocket reflecting the reports', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server!.httpPort}${WS_PATH}`);
    try {
      const events: ServerEvent[] = [];
      ws.on('message', (data) => events.push(JSON.parse(data.toString()) as ServerEvent));
      const snapshot = await waitFor(
        () => events.find((e): e is Extract<ServerEvent, { event: 'kpis' }> => e.event === 'kpis'),
        (e) => e !== undefined,
      );
      expect(events[0].event).toBe('hello');
      expect(snapshot.data.sales.yearToDateFen).toBe(sentFen + 2 * (12_345 + 100_001));
      // A fault reading changes the picture: the next throttled snapshot shows it, with an alarm.
      await gateway!.publishAsync(reportTopic(maker), report(6, 0, 'fault').payload, { qos: 1 });
      await waitFor(
        () => events.filter((e) => e.event === 'kpis').at(-1),
        (e) => e?.event === 'kpis' && e.data.devices.fault === 1,
      );
      expect(events.some((e) => e.event === 'alarm' && e.data.kind === 'fault' && e.data.device === 'sew-1')).toBe(true);
    } finally {
      ws.close();
    }
  });

  it('serves history and the maker list from the same figures', async () => {
    const history = await getJson<DailyHistoryResponse>(server!, ApiRoutes.dailyHistory);
    // reports 1-5, and report 6 (n = 0) still sold its fixed export line
    const total = sentFen + 2 * (12_345 + 100_001) + 100_001;
    expect(history.days.map((d) => d.day)).toEqual(['2020-03-02']);
    expect(history.days[0].salesFen).toBe(total);
    const list = await getJson<EnterpriseListResponse>(server!, `${ApiRoutes.enterprises}?sort=sales&limit=5`);
    expect(list.total).toBe(1);
    expect(list.enterprises[0]).toMatchObject({ id: 'sprout', yearToDateFen: total, category: 'babywear' });
    const bad = await fetch(`http://127.0.0.1:${server!.httpPort}${ApiRoutes.enterprises}?limit=abc`);
    expect(bad.status).toBe(400);
  });

  it('restores the totals after a restart from the same database', async () => {
    const before = await kpis();
    await closeClient(gateway);
    gateway = undefined;
    await server!.close();
    server = await startServer(db.url);
    const after = await kpis();
    expect(after.sales.yearToDateFen).toBe(before.sales.yearToDateFen);
    expect(after.production).toEqual(before.production);
    expect(after.ingest.accepted).toBe(before.ingest.accepted);
    expect(after.ingest.duplicates).toBe(before.ingest.duplicates);
    // The watermark came back too: a replay of an applied report is a duplicate.
    gateway = await connectGateway(server.mqttPort, maker);
    await gateway.publishAsync(reportTopic(maker), report(3).payload, { qos: 1 });
    await waitFor(stats, (s) => s.duplicates === before.ingest.duplicates + 1);
    expect((await kpis()).sales.yearToDateFen).toBe(before.sales.yearToDateFen);
  });
});
