import { ApiRoutes, OpsRoutes, gatewayTopic, type ClusterKpisResponse } from '@clusterpulse/contracts';
import type { MqttClient } from 'mqtt';
import { Client as PgClient } from 'pg';
import { Gauge } from 'prom-client';
import type { RunningServer } from '../src/bootstrap';
import { MetricsService } from '../src/ops/metrics.service';
import { parseDatabaseUrl } from '../src/persistence/database-url';
import { CLUSTER, PG_BASE_URL, birth, closeClient, connectGateway, freshDatabase, getJson, report, reportTopic, startServer, waitFor } from './harness';

const maker = { cluster: CLUSTER, enterprise: 'ops-maker', gateway: 'gw1' };

/** Parses Prometheus text exposition into name{labels} -> value, failing on any malformed line. */
function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    out.set(m[1], Number(m[2]));
  }
  return out;
}

jest.setTimeout(30_000);

describe('health and metrics (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let gateway: MqttClient | undefined;
  const url = (route: string) => `http://127.0.0.1:${server!.httpPort}${route}`;
  const metrics = async () => parseProm(await (await fetch(url(OpsRoutes.metrics))).text());
  const healthStatus = async () => (await fetch(url(OpsRoutes.health))).status;

  async function renameSchema(from: string, to: string): Promise<void> {
    const client = new PgClient({ connectionString: PG_BASE_URL });
    await client.connect();
    try {
      await client.query(`ALTER SCHEMA "${from}" RENAME TO "${to}"`);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    server = await startServer(db.url);
    gateway = await connectGateway(server.mqttPort, maker);
  });

  afterAll(async () => {
    await closeClient(gateway);
    await server?.close();
    await db?.drop();
  });

  it('parses as Prometheus text and its counters move when reports arrive', async () => {
    const before = await metrics();
    expect(before.get('clusterpulse_gateways_connected')).toBe(1);
    expect(before.has('clusterpulse_nodejs_eventloop_lag_seconds')).toBe(true);
    expect(before.has('clusterpulse_process_resident_memory_bytes')).toBe(true);
    await gateway!.publishAsync(gatewayTopic(maker, 'birth'), birth(0), { qos: 1 });
    await gateway!.publishAsync(reportTopic(maker), report(1).payload, { qos: 1 });
    await gateway!.publishAsync(reportTopic(maker), 'garbage', { qos: 1 });
    const after = await waitFor(metrics, (m) => m.get('clusterpulse_reports_applied_total') === 1 && m.get('clusterpulse_rejects_total{reason="not-json"}') === 1);
    expect(after.get('clusterpulse_messages_accepted_total{kind="report"}')).toBe(1);
    expect(after.get('clusterpulse_rejects_total{reason="schema"}')).toBe(0);
  });

  it('writes a gauge that is not a number as NaN, as the exposition format spells it (prom-client writes Nan)', async () => {
    const registry = server!.app.get(MetricsService).registry;
    new Gauge({ name: 'clusterpulse_test_not_a_number', help: 'A gauge set to NaN', registers: [registry] }).set(NaN);
    try {
      const text = await (await fetch(url(OpsRoutes.metrics))).text();
      expect(text).toMatch(/^clusterpulse_test_not_a_number NaN$/m);
      expect(Number.isNaN((await metrics()).get('clusterpulse_test_not_a_number'))).toBe(true);
    } finally {
      registry.removeSingleMetric('clusterpulse_test_not_a_number');
    }
  });

  it('reports unhealthy while the database is gone and healthy again when it returns, losing nothing', async () => {
    expect(await healthStatus()).toBe(200);
    const { schema } = parseDatabaseUrl(db.url);
    await renameSchema(schema, `${schema}_away`);
    try {
      expect(await healthStatus()).toBe(503);
      // Reports keep arriving while the flush fails; they are kept for the next one.
      await gateway!.publishAsync(reportTopic(maker), report(2).payload, { qos: 1 });
      await waitFor(() => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis), (k) => k.ingest.accepted === 2);
      await waitFor(metrics, (m) => (m.get('clusterpulse_flush_failures') ?? 0) > 0);
    } finally {
      await renameSchema(`${schema}_away`, schema);
    }
    await waitFor(healthStatus, (status) => status === 200);
    const client = new PgClient({ connectionString: PG_BASE_URL });
    await client.connect();
    try {
      const rows = await waitFor(
        async () => (await client.query(`SELECT "lastSeq" FROM "${schema}"."Gateway"`)).rows,
        (r) => r.length === 1 && Number(r[0].lastSeq) === 2,
      );
      expect(Number(rows[0].lastSeq)).toBe(2);
      const fen = await client.query(`SELECT SUM("amountFen") AS fen FROM "${schema}"."DailySales"`);
      expect(Number(fen.rows[0].fen)).toBe(report(1).value.sales.concat(report(2).value.sales).reduce((s, l) => s + l.amountFen, 0));
    } finally {
      await client.end();
    }
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(url(`${OpsRoutes.apiDocs}-json`));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([ApiRoutes.kpis, ApiRoutes.enterprises]));
  });
});
