import { ApiRoutes, PARK_ALARM_AFTER, WS_PATH, gatewayTopic, type AlarmAckResponse, type AlarmListResponse, type ServerEvent } from '@clusterpulse/contracts';
import type { MqttClient } from 'mqtt';
import WebSocket from 'ws';
import type { RunningServer } from '../src/bootstrap';
import { CLUSTER, birth, closeClient, connectGateway, freshDatabase, getJson, report, startServer, waitFor } from './harness';

jest.setTimeout(30_000);

const TOKEN = 'operator-token-for-tests-42';
const address = { cluster: CLUSTER, enterprise: 'e-alarms', gateway: 'gw1' };

describe('alarms kept on the server', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let gateway: MqttClient | undefined;
  let socket: WebSocket | undefined;
  const events: ServerEvent[] = [];

  const ack = (id: string, authorization?: string) =>
    fetch(`http://127.0.0.1:${server!.httpPort}${ApiRoutes.alarmAck(id)}`, { method: 'POST', headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url, { TRAINER_TOKEN: TOKEN });
    gateway = await connectGateway(server.mqttPort, address);
    socket = new WebSocket(`ws://127.0.0.1:${server.httpPort}${WS_PATH}`);
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as ServerEvent));
    await new Promise((resolve, reject) => socket!.once('open', resolve).once('error', reject));
  });

  afterAll(async () => {
    socket?.close();
    await closeClient(gateway);
    await server?.close();
    await db?.drop();
  });

  it('lists a raised alarm, open, counted once', async () => {
    await gateway!.publishAsync(gatewayTopic(address, 'birth'), birth(0), { qos: 1 });
    await gateway!.publishAsync(gatewayTopic(address, 'report'), report(1, 1, 'fault').payload, { qos: 1 });
    const { alarms } = await waitFor(() => getJson<AlarmListResponse>(server!, ApiRoutes.alarms), (r) => r.alarms.length === 1);
    expect(alarms[0]).toMatchObject({ scope: 'condition', kind: 'fault', enterprise: address.enterprise, device: 'sew-1', count: 1, makers: 1 });
    expect(alarms[0].firstAt).toBe(alarms[0].lastAt);
    expect(alarms[0].acknowledgedAt).toBeUndefined();
  });

  it('counts the same fault again while it is open instead of listing it twice, in the list and on the WebSocket', async () => {
    await gateway!.publishAsync(gatewayTopic(address, 'report'), report(2, 2, 'running').payload, { qos: 1 });
    await gateway!.publishAsync(gatewayTopic(address, 'report'), report(3, 3, 'fault').payload, { qos: 1 });
    const { alarms } = await waitFor(() => getJson<AlarmListResponse>(server!, ApiRoutes.alarms), (r) => r.alarms[0]?.count === 2);
    expect(alarms).toHaveLength(1);
    expect(alarms[0].lastAt).toBeGreaterThan(alarms[0].firstAt);
    const pushed = await waitFor(
      () => events.flatMap((e) => (e.event === 'alarm' && e.data.count === 2 ? [e.data] : [])).at(-1),
      (alarm) => alarm !== undefined,
    );
    expect(pushed).toEqual(alarms[0]);
  });

  it('refuses an acknowledgement without the token and changes nothing', async () => {
    const [newest] = (await getJson<AlarmListResponse>(server!, ApiRoutes.alarms)).alarms;
    expect((await ack(newest.id)).status).toBe(401);
    expect((await ack(newest.id, 'Bearer not-the-token-at-all')).status).toBe(403);
    expect((await getJson<AlarmListResponse>(server!, ApiRoutes.alarms)).alarms[0].acknowledgedAt).toBeUndefined();
  });

  it('acknowledges with the token, tells every dashboard, and keeps it for the next page load', async () => {
    const [alarm] = (await getJson<AlarmListResponse>(server!, ApiRoutes.alarms)).alarms;
    const res = await ack(alarm.id, `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as AlarmAckResponse;
    expect(body.alarm).toMatchObject({ id: alarm.id, count: 2 });
    expect(typeof body.alarm.acknowledgedAt).toBe('number');
    const pushed = await waitFor(
      () => events.find((e) => e.event === 'alarm-ack'),
      (e) => e !== undefined,
    );
    expect(pushed).toEqual({ event: 'alarm-ack', data: { id: alarm.id, acknowledgedAt: body.alarm.acknowledgedAt } });
    const { alarms } = await getJson<AlarmListResponse>(server!, ApiRoutes.alarms);
    expect(alarms.find((a) => a.id === alarm.id)?.acknowledgedAt).toBe(body.alarm.acknowledgedAt);
  });

  it('opens a new alarm when the fault returns after the acknowledgement', async () => {
    await gateway!.publishAsync(gatewayTopic(address, 'report'), report(4, 4, 'running').payload, { qos: 1 });
    await gateway!.publishAsync(gatewayTopic(address, 'report'), report(5, 5, 'fault').payload, { qos: 1 });
    const { alarms } = await waitFor(() => getJson<AlarmListResponse>(server!, ApiRoutes.alarms), (r) => r.alarms.length === 2);
    const [newest, older] = alarms;
    expect(newest).toMatchObject({ kind: 'fault', device: 'sew-1', count: 1 });
    expect(newest.acknowledgedAt).toBeUndefined();
    expect(older).toMatchObject({ count: 2 });
    expect(typeof older.acknowledgedAt).toBe('number');
  });

  it('answers 404 for an alarm it does not keep', async () => {
    expect((await ack('no-such-alarm', `Bearer ${TOKEN}`)).status).toBe(404);
  });

  it('answers 409 naming the park alarm for an alarm merged into one, and acknowledges nothing', async () => {
    const makers = Array.from({ length: PARK_ALARM_AFTER }, (_, i) => ({ cluster: CLUSTER, enterprise: `e-south-${i}`, gateway: 'gw1' }));
    const clients = await Promise.all(makers.map((a) => connectGateway(server!.mqttPort, a)));
    try {
      // The first one's alarm is listed before the others come: a screen could show it and ack it.
      await clients[0].publishAsync(gatewayTopic(makers[0], 'birth'), birth(0, { park: 'South Park' }), { qos: 1 });
      await clients[0].publishAsync(gatewayTopic(makers[0], 'report'), report(1, 1, 'fault').payload, { qos: 1 });
      const { alarms: before } = await waitFor(() => getJson<AlarmListResponse>(server!, ApiRoutes.alarms), (r) => r.alarms.some((a) => a.enterprise === makers[0].enterprise));
      const first = before.find((a) => a.enterprise === makers[0].enterprise)!;
      for (let i = 1; i < makers.length; i++) {
        await clients[i].publishAsync(gatewayTopic(makers[i], 'birth'), birth(0, { park: 'South Park' }), { qos: 1 });
        await clients[i].publishAsync(gatewayTopic(makers[i], 'report'), report(1, 1, 'fault').payload, { qos: 1 });
      }
      const { alarms } = await waitFor(() => getJson<AlarmListResponse>(server!, ApiRoutes.alarms), (r) => r.alarms.some((a) => a.scope === 'park'));
      const park = alarms.find((a) => a.scope === 'park')!;
      expect(park.replaces).toContain(first.id);

      const res = await ack(first.id, `Bearer ${TOKEN}`);
      expect(res.status).toBe(409);
      const body = (await res.json()) as { message: string };
      expect(body.message).toContain(`merged into park alarm ${park.id}`);
      expect(body.message).toContain(`(${PARK_ALARM_AFTER} makers with fault alarms in South Park): acknowledge that one`);
      const after = await getJson<AlarmListResponse>(server!, ApiRoutes.alarms);
      expect(after.alarms.find((a) => a.id === park.id)!.acknowledgedAt).toBeUndefined();

      expect((await ack(park.id, `Bearer ${TOKEN}`)).status).toBe(200);
      expect(((await (await ack(first.id, `Bearer ${TOKEN}`)).json()) as { message: string }).message).toContain('it is acknowledged');
    } finally {
      await Promise.all(clients.map((client) => closeClient(client)));
    }
  });
});
