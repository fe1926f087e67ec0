import {
  ApiRoutes,
  WS_PATH,
  decodePayload,
  gatewayControlSchema,
  gatewayTopic,
  simControlSchema,
  simTopic,
  type GatewayAddress,
  type GatewayControl,
  type SimControl,
  type AlarmListResponse,
  type ServerEvent,
} from '@clusterpulse/contracts';
import WebSocket from 'ws';
import type { MqttClient } from 'mqtt';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { birth, closeClient, connect, connectGateway, freshDatabase, getJson, report, startServer, waitFor } from '../../apps/server/test/harness';
import { cleanRedis, clusterEnv, members, ownerOfMaker, readView, settled, uniqueClusterId } from './support';

/**
 * Control messages cross instances: the acknowledgement of a report a gateway published on
 * instance B comes from instance A when A applies that maker, and a trainer command posted to
 * A's REST API reaches a simulator client connected to B. Alarms travel too: one raised by A
 * (which applies the maker) is listed and pushed by B, and acknowledged there for both.
 */

jest.setTimeout(60_000);

const TOKEN = 'scale-trainer-token';

describe('control messages between two cluster-mode instances', () => {
  const cluster = uniqueClusterId();
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: RunningServer;
  let b: RunningServer;
  let sourceA: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    a = await startServer(db.url, { ...clusterEnv(cluster, db.url, 'a'), TRAINER_TOKEN: TOKEN });
    b = await startServer(db.url, { ...clusterEnv(cluster, db.url, 'b'), TRAINER_TOKEN: TOKEN });
    await waitFor(() => settled(cluster, 2), (ok) => ok, 15_000);
    sourceA = (await members(cluster)).find((m) => m.startsWith('a/'))!;
  });

  afterAll(async () => {
    for (const c of clients) await closeClient(c);
    await b?.close();
    await a?.close();
    await db?.drop();
    await cleanRedis(cluster);
  });

  const makerOfA = async (skip = 0) => {
    const live = await members(cluster);
    return Array.from({ length: 200 }, (_, i) => `m${String(i + 1).padStart(5, '0')}`).filter((id) => ownerOfMaker(id, live) === sourceA)[skip];
  };

  it('acknowledges through B the reports B received for a maker A applies', async () => {
    const maker = await makerOfA();
    const address: GatewayAddress = { cluster, enterprise: maker, gateway: 'gw1' };
    const gateway = await connectGateway(b.mqttPort, address);
    clients.push(gateway);
    const acks: GatewayControl[] = [];
    gateway.on('message', (_topic, payload) => {
      const decoded = decodePayload(gatewayControlSchema, payload);
      if (decoded.ok) acks.push(decoded.value);
    });
    await gateway.subscribeAsync(gatewayTopic(address, 'control'), { qos: 1 });
    await gateway.publishAsync(gatewayTopic(address, 'birth'), birth(0), { qos: 1 });
    for (let seq = 1; seq <= 3; seq++) await gateway.publishAsync(gatewayTopic(address, 'report'), report(seq).payload, { qos: 1 });

    await waitFor(() => acks.at(-1), (ack) => ack?.cmd === 'ack' && ack.seq === 3, 10_000);
    // Applied once, by A, and shown by both.
    for (const server of [a, b]) {
      const view = await waitFor(() => readView(server.httpPort), (v) => v.totals.reports === 3, 10_000);
      expect(view.perMaker).toEqual({ [maker]: 3 * 100_001 + 12_345 * (1 + 2 + 3) });
    }
  });

  it('delivers a trainer command posted to A to a simulator client connected to B', async () => {
    const simulator = await connect(b.mqttPort, { clientId: `${cluster}-simulator` });
    clients.push(simulator);
    const received: SimControl[] = [];
    simulator.on('message', (_topic, payload) => {
      const decoded = decodePayload(simControlSchema, payload);
      if (decoded.ok) received.push(decoded.value);
    });
    await simulator.subscribeAsync(simTopic(cluster, 'control'), { qos: 1 });

    const res = await fetch(`http://127.0.0.1:${a.httpPort}${ApiRoutes.trainerCommand}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ v: 1, cmd: 'speed', factor: 120 }),
    });
    expect(res.status).toBe(202);
    await waitFor(() => received, (list) => list.length > 0, 10_000);
    expect(received).toEqual([{ v: 1, cmd: 'speed', factor: 120 }]);
  });

  it('shows on B, live and listed, an alarm A raised, and an acknowledgement made on B on A too', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${b.httpPort}${WS_PATH}`);
    const events: ServerEvent[] = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as ServerEvent));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    try {
      const maker = await makerOfA(1);
      const address: GatewayAddress = { cluster, enterprise: maker, gateway: 'gw1' };
      const gateway = await connectGateway(b.mqttPort, address);
      clients.push(gateway);
      await gateway.publishAsync(gatewayTopic(address, 'birth'), birth(0), { qos: 1 });
      await gateway.publishAsync(gatewayTopic(address, 'report'), report(1, 1, 'fault').payload, { qos: 1 });

      const raised = await waitFor(
        () => getJson<AlarmListResponse>(a, ApiRoutes.alarms),
        (r) => r.alarms.some((x) => x.enterprise === maker && x.kind === 'fault'),
        10_000,
      );
      const alarm = raised.alarms.find((x) => x.enterprise === maker && x.kind === 'fault')!;
      const onB = await waitFor(() => getJson<AlarmListResponse>(b, ApiRoutes.alarms), (r) => r.alarms.some((x) => x.id === alarm.id), 10_000);
      expect(onB.alarms.find((x) => x.id === alarm.id)).toEqual(alarm);
      await waitFor(() => events.some((e) => e.event === 'alarm' && e.data.id === alarm.id), (seen) => seen, 10_000);

      const res = await fetch(`http://127.0.0.1:${b.httpPort}${ApiRoutes.alarmAck(alarm.id)}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      const acked = await waitFor(
        () => getJson<AlarmListResponse>(a, ApiRoutes.alarms),
        (r) => r.alarms.find((x) => x.id === alarm.id)?.acknowledgedAt !== undefined,
        10_000,
      );
      const [onBAfter] = (await getJson<AlarmListResponse>(b, ApiRoutes.alarms)).alarms.filter((x) => x.id === alarm.id);
      expect(acked.alarms.find((x) => x.id === alarm.id)?.acknowledgedAt).toBe(onBAfter.acknowledgedAt);
    } finally {
      socket.close();
    }
  });
});
