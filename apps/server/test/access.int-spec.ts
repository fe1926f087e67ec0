import { ApiRoutes, gatewayClientId, gatewayTopic, type ClusterKpisResponse, type EnterpriseSummary } from '@clusterpulse/contracts';
import type { MqttClient } from 'mqtt';
import { provision, type CredentialsFile } from '../src/access/provisioning';
import type { RunningServer } from '../src/bootstrap';
import { CLUSTER, birth, closeClient, connect, freshDatabase, getJson, report, reportTopic, startServer, waitFor } from './harness';

const makerA = { cluster: CLUSTER, enterprise: 'maker-a', gateway: 'gw1' };
const makerB = { cluster: CLUSTER, enterprise: 'maker-b', gateway: 'gw1' };

describe('gateway credentials and ACL', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let creds: CredentialsFile;
  const clients: MqttClient[] = [];
  const secretOf = (enterprise: string) => creds.gateways.find((g) => g.enterprise === enterprise)!.secret;
  const asGateway = async (address: typeof makerA, password = secretOf(address.enterprise)) => {
    const client = await connect(server!.mqttPort, { clientId: gatewayClientId(address), username: gatewayClientId(address), password });
    clients.push(client);
    return client;
  };
  const kpis = () => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);
  const makerFen = async (id: string) => (await getJson<EnterpriseSummary>(server!, ApiRoutes.enterprise(id))).yearToDateFen;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    creds = await provision(db.url, CLUSTER, [makerA, makerB]);
    server = await startServer(db.url, { MQTT_ALLOW_ANONYMOUS: 'false' });
  });

  afterAll(async () => {
    for (const client of clients) await closeClient(client);
    await server?.close();
    await db?.drop();
  });

  it('refuses a gateway with a wrong secret', async () => {
    await expect(asGateway(makerA, 'not-the-secret')).rejects.toMatchObject({ code: 4 });
  });

  it('refuses anonymous connections unless the demo setting allows them', async () => {
    await expect(connect(server!.mqttPort, { clientId: gatewayClientId(makerA) })).rejects.toMatchObject({ code: 5 });
  });

  it('refuses a username that is not the client id', async () => {
    await expect(connect(server!.mqttPort, { clientId: 'someone-else', username: gatewayClientId(makerA), password: secretOf('maker-a') })).rejects.toMatchObject({ code: 4 });
  });

  it('counts a provisioned gateway publishing its own reports', async () => {
    const a = await asGateway(makerA);
    const b = await asGateway(makerB);
    await a.publishAsync(gatewayTopic(makerA, 'birth'), birth(0, { name: 'Maker A' }), { qos: 1 });
    await b.publishAsync(gatewayTopic(makerB, 'birth'), birth(0, { name: 'Maker B' }), { qos: 1 });
    await a.publishAsync(reportTopic(makerA), report(1).payload, { qos: 1 });
    await b.publishAsync(reportTopic(makerB), report(1, 2).payload, { qos: 1 });
    await waitFor(kpis, (k) => k.ingest.accepted === 2);
    expect(await makerFen('maker-a')).toBe(12_345 + 100_001);
    expect(await makerFen('maker-b')).toBe(2 * 12_345 + 100_001);
  });

  it("refuses a report published into another maker's topic, leaving both makers' figures as they were", async () => {
    const intruder = await asGateway(makerA);
    const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
    intruder.publish(reportTopic(makerB), report(2, 1000).payload, { qos: 1 });
    await closed;
    const k = await waitFor(kpis, (v) => v.ingest.rejectsByReason.unauthorized === 1);
    expect(k.ingest.accepted).toBe(2);
    expect(await makerFen('maker-a')).toBe(12_345 + 100_001);
    expect(await makerFen('maker-b')).toBe(2 * 12_345 + 100_001);
  });

  it("lets a gateway subscribe to its own control topic only", async () => {
    const a = await asGateway(makerA);
    const own = await a.subscribeAsync(gatewayTopic(makerA, 'control'), { qos: 1 });
    expect(own[0].qos).toBe(1);
    // SUBACK 0x80 for the other maker's topic, which mqtt.js surfaces as a failed subscribe.
    await expect(a.subscribeAsync(gatewayTopic(makerB, 'control'), { qos: 1 })).rejects.toThrow(/Subscribe error/);
  });

  it('accepts the provisioned simulator account', async () => {
    const sim = await connect(server!.mqttPort, { clientId: 'sim-1', username: creds.simulator.username, password: creds.simulator.secret });
    clients.push(sim);
    expect(sim.connected).toBe(true);
  });
});
