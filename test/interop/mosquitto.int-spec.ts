import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { ApiRoutes, gatewayClientId, gatewayTopic, type ClusterKpisResponse, type EnterpriseSummary, type GatewayAddress } from '@clusterpulse/contracts';
import { provision, type CredentialsFile } from '../../apps/server/src/access/provisioning';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { CLUSTER, birth, freshDatabase, getJson, report, startServer, waitFor } from '../../apps/server/test/harness';

/**
 * Interop with a client nobody here wrote: Debian's mosquitto_pub (libmosquitto) talks to the
 * embedded Aedes broker over TCP, authenticates as a provisioned gateway and is counted like the
 * simulator's gateways.
 */
const MOSQUITTO_PUB = '/usr/bin/mosquitto_pub';
const run = promisify(execFile);

const makerA: GatewayAddress = { cluster: CLUSTER, enterprise: 'mosq-a', gateway: 'gw1' };
const makerB: GatewayAddress = { cluster: CLUSTER, enterprise: 'mosq-b', gateway: 'gw1' };

describe('mosquitto_pub against the embedded broker', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let creds: CredentialsFile;
  const kpis = () => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);
  const secretOf = (address: GatewayAddress) => creds.gateways.find((g) => g.enterprise === address.enterprise)!.secret;

  /** One mosquitto_pub run at QoS 1: it exits after the broker's PUBACK, or non-zero when refused. */
  function mosquittoPub(address: GatewayAddress, topic: string, message: string, password: string, protocol = 'mqttv311') {
    const username = gatewayClientId(address);
    return run(MOSQUITTO_PUB, ['-h', '127.0.0.1', '-p', String(server!.mqttPort), '-V', protocol, '-i', username, '-u', username, '-P', password, '-q', '1', '-t', topic, '-m', message], {
      timeout: 20_000,
    });
  }

  beforeAll(async () => {
    expect(fs.existsSync(MOSQUITTO_PUB)).toBe(true);
    db = await freshDatabase('sqlite');
    creds = await provision(db.url, CLUSTER, [makerA, makerB]);
    server = await startServer(db.url, { MQTT_ALLOW_ANONYMOUS: 'false' });
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it.each([
    ['MQTT 3.1.1', makerA, 'mqttv311'],
    ['MQTT 3.1', makerB, 'mqttv31'],
  ])("counts a birth and a report published with a gateway's credentials over %s", async (_protocol, address, protocol) => {
    const before = await kpis();
    const sent = report(1, 7);
    await mosquittoPub(address, gatewayTopic(address, 'birth'), birth(0, { name: `Maker ${address.enterprise}` }), secretOf(address), protocol);
    await mosquittoPub(address, gatewayTopic(address, 'report'), sent.payload, secretOf(address), protocol);
    const fen = sent.value.sales.reduce((sum, line) => sum + line.amountFen, 0);
    const after = await waitFor(kpis, (k) => k.ingest.accepted === before.ingest.accepted + 1);
    expect(after.sales.yearToDateFen).toBe(before.sales.yearToDateFen + fen);
    expect(after.production.totalGood).toBe(before.production.totalGood + sent.value.production[0].good);
    const maker = await getJson<EnterpriseSummary>(server!, ApiRoutes.enterprise(address.enterprise));
    expect(maker).toMatchObject({ name: `Maker ${address.enterprise}`, yearToDateFen: fen });
  });

  it('refuses wrong credentials, and nothing moves', async () => {
    const before = await kpis();
    const attempt = mosquittoPub(makerA, gatewayTopic(makerA, 'report'), report(2, 1000).payload, `${secretOf(makerA)}x`);
    await expect(attempt).rejects.toMatchObject({ stderr: expect.stringMatching(/bad user name or password/i) });
    // Another gateway's secret does not open this gateway's account either.
    await expect(mosquittoPub(makerA, gatewayTopic(makerA, 'report'), report(2, 1000).payload, secretOf(makerB))).rejects.toBeDefined();
    const after = await kpis();
    expect(after.ingest).toEqual(before.ingest);
    expect(after.sales).toEqual(before.sales);
    expect(after.production).toEqual(before.production);
  });
});
