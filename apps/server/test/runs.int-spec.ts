import {
  ApiRoutes,
  birthPayloadSchema,
  decodePayload,
  encodePayload,
  gatewayControlSchema,
  gatewayTopic,
  reportPayloadSchema,
  simStatusSchema,
  simTopic,
  type ClusterKpisResponse,
  type DailyHistoryResponse,
  type EnterpriseHistoryResponse,
  type SimStatus,
} from '@clusterpulse/contracts';
import type { MqttClient } from 'mqtt';
import type { RunningServer } from '../src/bootstrap';
import { PrismaService } from '../src/persistence/prisma.service';
import { CLUSTER, DATABASES, birth, closeClient, connect, connectGateway, freshDatabase, getJson, report, startServer, waitFor } from './harness';

jest.setTimeout(60_000);

const address = { cluster: CLUSTER, enterprise: 'e-runs', gateway: 'gw1' };
/** What report(seq, n) sells, in fen. */
const salesOf = (n: number) => 12_345 * n + 100_001;

function runReport(seq: number, n: number, run: string | undefined): string {
  return encodePayload(reportPayloadSchema, { ...report(seq, n).value, ...(run === undefined ? {} : { run }) });
}

function status(run: string, day: number): string {
  const value: SimStatus = { v: 1, ts: Date.UTC(2020, 2, day, 1), scenario: 'digital-2020', seed: 7, speed: 86_400, paused: false, makers: 1, gatewaysConnected: 1, run };
  return encodePayload(simStatusSchema, value);
}

describe.each(DATABASES)('simulator runs on %s', (database) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let gateway: MqttClient | undefined;
  let sim: MqttClient | undefined;
  let acked = 0;
  const kpis = () => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);

  async function open(): Promise<void> {
    server = await startServer(db.url);
    gateway = await connectGateway(server.mqttPort, address);
    gateway.on('message', (_topic, payload) => {
      const decoded = decodePayload(gatewayControlSchema, payload);
      if (decoded.ok && decoded.value.cmd === 'ack') acked = Math.max(acked, decoded.value.seq);
    });
    await gateway.subscribeAsync(gatewayTopic(address, 'control'), { qos: 1 });
    sim = await connect(server.mqttPort, { clientId: 'sim-runs' });
  }

  async function close(): Promise<void> {
    await closeClient(gateway);
    await closeClient(sim);
    gateway = sim = undefined;
    await server?.close();
    server = undefined;
  }

  async function publishReport(seq: number, n: number, run: string | undefined): Promise<void> {
    await gateway!.publishAsync(gatewayTopic(address, 'report'), runReport(seq, n, run), { qos: 1 });
  }

  beforeAll(async () => {
    db = await freshDatabase(database);
    await open();
  });

  afterAll(async () => {
    await close();
    await db?.drop();
  });

  it('counts the reports of the run the simulator announced', async () => {
    await gateway!.publishAsync(gatewayTopic(address, 'birth'), encodePayload(birthPayloadSchema, { ...birthPayloadSchema.parse(JSON.parse(birth(0))), run: 'run-a' }), { qos: 1 });
    await sim!.publishAsync(simTopic(CLUSTER, 'status'), status('run-a', 2), { qos: 1 });
    await publishReport(1, 1, 'run-a');
    await publishReport(2, 2, 'run-a');
    const k = await waitFor(kpis, (v) => v.ingest.accepted === 2);
    expect(k.run).toBe('run-a');
    expect(k.sales.yearToDateFen).toBe(salesOf(1) + salesOf(2));
    await waitFor(() => acked, (seq) => seq === 2);
  });

  it('starts the figures of a new run from zero, keeping the old run stored', async () => {
    await sim!.publishAsync(simTopic(CLUSTER, 'status'), status('run-b', 1), { qos: 1 });
    const k = await waitFor(kpis, (v) => v.run === 'run-b');
    expect(k.sales.yearToDateFen).toBe(0);
    expect(k.production.totalGood).toBe(0);
    expect(k.asOf).toBeNull();
    expect(k.asOfSource).toBe('simulator');
    expect((await getJson<DailyHistoryResponse>(server!, ApiRoutes.dailyHistory)).days).toEqual([]);
    const prisma = server!.app.get(PrismaService);
    await waitFor(() => prisma.client.dailySales.count({ where: { run: 'run-a' } }), (rows) => rows > 0);
  });

  it('does not let a straggler of the old run move the new figures, yet consumes its seq', async () => {
    await publishReport(3, 3, 'run-a');
    await publishReport(4, 4, 'run-b');
    await publishReport(5, 5, undefined);
    const k = await waitFor(kpis, (v) => v.sales.yearToDateFen > 0 && v.ingest.accepted >= 4);
    expect(k.sales.yearToDateFen).toBe(salesOf(4) + salesOf(5));
    expect(k.ingest.gaps).toBe(0);
    // Acknowledged through the straggler: the gateway may forget it.
    await waitFor(() => acked, (seq) => seq === 5);
  });

  it("skips the seqs a gateway discarded with the old run when its birth names the new one", async () => {
    // Reports 6..9 were issued under run-b and dropped by the simulator when run-c began.
    await gateway!.publishAsync(gatewayTopic(address, 'birth'), encodePayload(birthPayloadSchema, { ...birthPayloadSchema.parse(JSON.parse(birth(9))), run: 'run-c' }), { qos: 1 });
    await publishReport(10, 10, 'run-c');
    const k = await waitFor(kpis, (v) => v.run === 'run-c' && v.sales.yearToDateFen > 0);
    expect(k.sales.yearToDateFen).toBe(salesOf(10));
    expect(k.ingest.gaps).toBe(0);
    await waitFor(() => acked, (seq) => seq === 10);
    // Flushed with the ack just seen: the maker's stored days are the new run's only.
    const history = await getJson<EnterpriseHistoryResponse>(server!, ApiRoutes.enterpriseHistory(address.enterprise));
    expect(history.run).toBe('run-c');
    expect(history.days.reduce((sum, d) => sum + d.salesFen, 0)).toBe(salesOf(10));
  });

  it('restores the current run after a restart and still recognises stragglers of older runs', async () => {
    await close();
    await open();
    const restored = await kpis();
    expect(restored.run).toBe('run-c');
    expect(restored.sales.yearToDateFen).toBe(salesOf(10));
    await publishReport(11, 11, 'run-b');
    await publishReport(12, 12, 'run-c');
    await waitFor(() => acked, (seq) => seq === 12);
    const k = await kpis();
    expect(k.run).toBe('run-c');
    expect(k.sales.yearToDateFen).toBe(salesOf(10) + salesOf(12));
    // A status of a replaced run, delivered late, changes nothing.
    await sim!.publishAsync(simTopic(CLUSTER, 'status'), status('run-a', 3), { qos: 1 });
    await sim!.publishAsync(simTopic(CLUSTER, 'status'), status('run-c', 4), { qos: 1 });
    const after = await waitFor(kpis, (v) => v.sim?.run === 'run-c');
    expect(after.run).toBe('run-c');
    expect(after.sales.yearToDateFen).toBe(salesOf(10) + salesOf(12));
  });
});
