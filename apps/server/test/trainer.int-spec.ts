import { ApiRoutes, decodePayload, type ApiErrorResponse, type TrainerCommandResponse, encodePayload, simControlSchema, simStatusSchema, simTopic, type ClusterKpisResponse, type SimControl, type SimStatus } from '@clusterpulse/contracts';
import type { MqttClient } from 'mqtt';
import { provision, type CredentialsFile } from '../src/access/provisioning';
import type { RunningServer } from '../src/bootstrap';
import { CLUSTER, closeClient, connect, freshDatabase, getJson, startServer, waitFor } from './harness';

// Real broker and database: on a loaded machine a flush and its acknowledgement can take seconds.
jest.setTimeout(30_000);

const TOKEN = 'trainer-token-for-tests-0123';

function post(server: RunningServer, body: unknown, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  return fetch(`http://127.0.0.1:${server.httpPort}${ApiRoutes.trainerCommand}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe('trainer commands relayed to the simulator', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let creds: CredentialsFile;
  let simulator: MqttClient | undefined;
  /** Commands the simulator account received on sim/control, in order. */
  const received: SimControl[] = [];
  const kpis = () => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);

  /** Sends a valid command and waits for it: whatever arrived before it was published earlier. */
  async function receivedBeforeSentinel(): Promise<SimControl[]> {
    const sentinel: SimControl = { v: 1, cmd: 'speed', factor: 4321 };
    const before = received.length;
    expect((await post(server!, sentinel, `Bearer ${TOKEN}`)).status).toBe(202);
    await waitFor(() => received.length, (n) => n > before && received.some((c) => c.cmd === 'speed' && c.factor === 4321));
    const arrived = received.splice(before);
    expect(arrived.at(-1)).toEqual(sentinel);
    received.length = 0;
    return arrived.slice(0, -1);
  }

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    creds = await provision(db.url, CLUSTER, []);
    server = await startServer(db.url, { MQTT_ALLOW_ANONYMOUS: 'false', TRAINER_TOKEN: TOKEN });
    simulator = await connect(server.mqttPort, { clientId: 'sim-main', username: creds.simulator.username, password: creds.simulator.secret });
    simulator.on('message', (topic, payload) => {
      if (topic !== simTopic(CLUSTER, 'control')) return;
      const decoded = decodePayload(simControlSchema, payload);
      if (decoded.ok) received.push(decoded.value);
    });
    const granted = await simulator.subscribeAsync(simTopic(CLUSTER, 'control'), { qos: 1 });
    expect(granted[0].qos).toBe(1);
  });

  afterAll(async () => {
    await closeClient(simulator);
    await server?.close();
    await db?.drop();
  });

  it.each<[string, SimControl]>([
    ['a scenario change', { v: 1, cmd: 'scenario', scenario: 'lockdown-2020', seed: 7 }],
    ['a pause', { v: 1, cmd: 'pause' }],
    ['a power cut in a park', { v: 1, cmd: 'fault', fault: 'power-cut', park: 'North Park', durationMs: 3_600_000 }],
  ])('publishes %s on sim/control for the simulator account', async (_what, command) => {
    const res = await post(server!, command, `Bearer ${TOKEN}`);
    expect(res.status).toBe(202);
    const body = (await res.json()) as TrainerCommandResponse;
    expect(body.accepted).toBe(true);
    if (command.cmd === 'scenario') expect(body.scenario).toBe(command.scenario);
    await waitFor(() => received.length, (n) => n >= 1);
    expect(received.splice(0)).toEqual([command]);
  });

  it('refuses a call without a token with 401 and publishes nothing', async () => {
    const res = await post(server!, { v: 1, cmd: 'reset' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await res.json()) as ApiErrorResponse).message).toMatch(/Authorization: Bearer/);
    expect(await receivedBeforeSentinel()).toEqual([]);
  });

  it('refuses a wrong token with 403 and publishes nothing', async () => {
    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN]) {
      const res = await post(server!, { v: 1, cmd: 'reset' }, authorization);
      expect([401, 403]).toContain(res.status);
    }
    expect((await post(server!, { v: 1, cmd: 'reset' }, 'Bearer not-the-token')).status).toBe(403);
    expect(await receivedBeforeSentinel()).toEqual([]);
  });

  it.each([
    ['an unknown command', { v: 1, cmd: 'self-destruct' }],
    ['a speed out of range', { v: 1, cmd: 'speed', factor: -1 }],
    ['an unknown scenario', { v: 1, cmd: 'scenario', scenario: 'boom-2030' }],
    ['an unknown schema version', { v: 2, cmd: 'pause' }],
    ['an extra field', { v: 1, cmd: 'pause', force: true }],
    ['a body that is not an object', '[1,2]'],
    ['a body that is not JSON', '{"v":1,'],
  ])('refuses %s with 400 and publishes nothing', async (_what, body) => {
    const res = await post(server!, body, `Bearer ${TOKEN}`);
    expect(res.status).toBe(400);
    expect(await receivedBeforeSentinel()).toEqual([]);
  });

  it("shows the simulator's status in the KPIs and dates the empty year by the simulator's clock", async () => {
    const before = await kpis();
    expect(before.sim).toBeNull();
    expect(before.asOf).toBeNull();
    const status: SimStatus = { v: 1, ts: Date.UTC(2020, 4, 20, 2), scenario: 'lockdown-2020', seed: 7, speed: 8640, paused: true, makers: 20_000, gatewaysConnected: 0 };
    await simulator!.publishAsync(simTopic(CLUSTER, 'status'), encodePayload(simStatusSchema, status), { qos: 1, retain: true });
    const k = await waitFor(kpis, (v) => v.sim !== null);
    expect(k.sim).toEqual(status);
    expect(k).toMatchObject({ asOf: null, asOfSource: 'simulator', sales: { year: 2020 } });
  });

  it('refuses a malformed simulator status, keeping the last good one', async () => {
    const good = (await kpis()).sim;
    await simulator!.publishAsync(simTopic(CLUSTER, 'status'), JSON.stringify({ v: 1, scenario: 'nonsense' }), { qos: 1, retain: true });
    const k = await waitFor(kpis, (v) => v.ingest.rejectsByReason.schema >= 1);
    expect(k.sim).toEqual(good);
  });
});

describe('trainer commands without TRAINER_TOKEN', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('refuses every call with a 403 naming the variable', async () => {
    for (const authorization of [undefined, 'Bearer anything-at-all-123']) {
      const res = await post(server!, { v: 1, cmd: 'pause' }, authorization);
      expect(res.status).toBe(403);
      expect(((await res.json()) as ApiErrorResponse).message).toContain('TRAINER_TOKEN is not set');
    }
  });

  it('uses the wall clock for an empty year with neither reports, simulator nor history', async () => {
    const k = await getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);
    expect(k).toMatchObject({ asOf: null, asOfSource: 'wall-clock', sim: null });
  });
});
