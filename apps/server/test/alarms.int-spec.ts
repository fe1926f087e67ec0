import { ApiRoutes, WS_PATH, gatewayTopic, type AlarmAckResponse, type AlarmListResponse, type ServerEvent } from '@clusterpulse/contracts';
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

  it('lists a raised alarm, newest first, open', async () => {
    await gateway!.publishAsync(gatewayTopic(address, 'birth'), birth(0), { qos: 1 });
    await gateway!.publishAsync(gatewayTopic(address, 'report'), report(1, 1, 'fault').payload, { qos: 1 });
    const { alarms } = await waitFor(() => getJson<AlarmListResponse>(server!, ApiRoutes.alarms), (r) => r.alarms.length === 1);
    expect(alarms[0]).toMatchObject({ kind: 'fault', enterprise: address.enterprise, device: 'sew-1' });
    expect(alarms[0].acknowledgedAt).toBeUndefined();
    await gateway!.publishAsync(gatewayTopic(address, 'report'), report(2, 2, 'running').payload, { qos: 1 });
    await gateway!.publishAsync(gatewayTopic(address, 'report'), report(3, 3, 'fault').payload, { qos: 1 });
    const later = await waitFor(() => getJson<AlarmListResponse>(server!, ApiRoutes.alarms), (r) => r.alarms.length === 2);
    expect(later.alarms[0].ts).toBeGreaterThan(later.alarms[1].ts);
  });

  it('refuses an acknowledgement without the token and changes nothing', async () => {
    const [newest] = (await getJson<AlarmListResponse>(server!, ApiRoutes.alarms)).alarms;
    expect((await ack(newest.id)).status).toBe(401);
    expect((await ack(newest.id, 'Bearer not-the-token-at-all')).status).toBe(403);
    expect((await getJson<AlarmListResponse>(server!, ApiRoutes.alarms)).alarms[0].acknowledgedAt).toBeUndefined();
  });

  it('acknowledges with the token, tells every dashboard, and keeps it for the next page load', async () => {
    const [newest, older] = (await getJson<AlarmListResponse>(server!, ApiRoutes.alarms)).alarms;
    const res = await ack(newest.id, `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as AlarmAckResponse;
    expect(body.alarm.id).toBe(newest.id);
    expect(typeof body.alarm.acknowledgedAt).toBe('number');
    const pushed = await waitFor(
      () => events.find((e) => e.event === 'alarm-ack'),
      (e) => e !== undefined,
    );
    expect(pushed).toEqual({ event: 'alarm-ack', data: { id: newest.id, acknowledgedAt: body.alarm.acknowledgedAt } });
    const { alarms } = await getJson<AlarmListResponse>(server!, ApiRoutes.alarms);
    expect(alarms.find((a) => a.id === newest.id)?.acknowledgedAt).toBe(body.alarm.acknowledgedAt);
    expect(alarms.find((a) => a.id === older.id)?.acknowledgedAt).toBeUndefined();
  });

  it('answers 404 for an alarm it does not keep', async () => {
    expect((await ack('no-such-alarm', `Bearer ${TOKEN}`)).status).toBe(404);
  });
});
