import { ApiRoutes, MAX_COUNTER, MAX_PAYLOAD_BYTES, gatewayTopic, type ClusterKpisResponse, type GatewayTopicKind } from '@clusterpulse/contracts';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import type { RunningServer } from '../src/bootstrap';
import { CLUSTER, birth, closeClient, connectGateway, freshDatabase, getJson, report, reportTopic, startServer, waitFor } from './harness';

jest.setTimeout(180_000);

const maker = { cluster: CLUSTER, enterprise: 'hostile', gateway: 'gw1' };
const valid = report(2).value;
const validJson = JSON.stringify(valid);

type Bad = { kind: GatewayTopicKind; payload: Buffer };
const on = (kind: GatewayTopicKind) => (payload: string | Buffer): Bad => ({ kind, payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload) });
const ingestKind = fc.constantFrom<GatewayTopicKind>('birth', 'report', 'state');

const truncated = fc.integer({ min: 0, max: validJson.length - 1 }).map((n) => on('report')(validJson.slice(0, n)));
const oversized = fc.integer({ min: 1, max: 2048 }).map((extra) => on('report')(JSON.stringify({ ...valid, pad: 'x'.repeat(MAX_PAYLOAD_BYTES + extra) })));
const notUtf8 = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => on('report')(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes)])));
const wrongType = fc.tuple(fc.constantFrom('seq', 'ts', 'intervalMs', 'energyWh', 'sales', 'devices', 'production'), fc.constantFrom<unknown>('7', null, {}, true, 1.5, -1)).map(([field, value]) =>
  on('report')(JSON.stringify({ ...valid, [field]: value })),
);
const badCounter = fc
  .tuple(
    fc.constantFrom('orders', 'pieces', 'amountFen'),
    fc.oneof(fc.integer({ min: -1_000_000, max: -1 }), fc.constant(MAX_COUNTER * 1000 + 1), fc.constant(Number.MAX_SAFE_INTEGER * 4), fc.double({ min: 0.01, max: 0.99 })),
  )
  .map(([field, value]) => on('report')(JSON.stringify({ ...valid, sales: [{ ...valid.sales[0], [field]: value }] })));
const unknownVersion = fc.oneof(fc.integer().filter((v) => v !== 1), fc.string(), fc.constant(null)).map((v) => on('report')(JSON.stringify({ ...valid, v })));
const wrongTopic = fc.constantFrom<GatewayTopicKind>('birth', 'state').map((kind) => on(kind)(validJson));
const notObject = fc.tuple(ingestKind, fc.oneof(fc.integer(), fc.string(), fc.array(fc.integer()), fc.constant(null))).map(([kind, v]) => on(kind)(JSON.stringify(v)));
const extraField = fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !Object.prototype.hasOwnProperty.call(valid, k) && k !== '__proto__').map((k) => on('report')(JSON.stringify({ ...valid, [k]: 1 })));

const badPayload: fc.Arbitrary<Bad> = fc.oneof(truncated, oversized, notUtf8, wrongType, badCounter, unknownVersion, wrongTopic, notObject, extraField);

describe('hostile input over a real socket', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let gateway: MqttClient | undefined;
  const kpis = () => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url, { LOG_LEVEL: 'silent' });
    gateway = await connectGateway(server.mqttPort, maker);
    await gateway.publishAsync(gatewayTopic(maker, 'birth'), birth(0), { qos: 1 });
    await gateway.publishAsync(reportTopic(maker), report(1).payload, { qos: 1 });
    await waitFor(kpis, (k) => k.ingest.accepted === 1);
  });

  afterAll(async () => {
    await closeClient(gateway);
    await server?.close();
    await db?.drop();
  });

  it('counts each of 10,000 generated bad payloads as rejected, moves no KPI and keeps serving', async () => {
    const baseline = await kpis();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(badPayload, { minLength: 100, maxLength: 100 }), async (batch) => {
        const before = await kpis();
        for (const bad of batch) gateway!.publish(gatewayTopic(maker, bad.kind), bad.payload, { qos: 0 });
        sent += batch.length;
        const after = await waitFor(kpis, (k) => k.ingest.rejected + k.ingest.accepted >= before.ingest.rejected + 1 + batch.length, 20_000);
        expect(after.ingest.rejected).toBe(before.ingest.rejected + batch.length);
        expect(after.sales).toEqual(baseline.sales);
        expect(after.production).toEqual(baseline.production);
        expect(after.ingest.accepted).toBe(1);
      }),
      { numRuns: 100, seed: 20201111, endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(10_000);
    // Still alive and still exact: the next valid report is applied.
    await gateway!.publishAsync(reportTopic(maker), report(2).payload, { qos: 1 });
    const final = await waitFor(kpis, (k) => k.ingest.accepted === 2);
    expect(final.sales.yearToDateFen).toBe(baseline.sales.yearToDateFen + report(2).value.sales.reduce((s, l) => s + l.amountFen, 0));
  });
});
