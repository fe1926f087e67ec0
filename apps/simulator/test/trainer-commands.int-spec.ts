import { SCHEMA_VERSION, decodePayload, gatewayTopic, reportPayloadSchema, simStatusSchema, simTopic, type SimStatus } from '@clusterpulse/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { startSimulation, type SimulationHandle } from '../src/simulation';
import { startTestBroker, until, type TestBroker } from './broker.helper';

const CLUSTER = 'trainer-test';

jest.setTimeout(30_000);

describe('trainer commands on sim/control', () => {
  let broker: TestBroker;
  let trainer: MqttClient;
  let sim: SimulationHandle;
  let latest: SimStatus | null = null;

  beforeEach(async () => {
    broker = await startTestBroker();
    sim = startSimulation({ brokerUrl: broker.url, cluster: CLUSTER, makers: 3, seed: 1, scenario: 'baseline-2019', speed: 3600, reportIntervalMs: 100, tickMs: 20, statusIntervalMs: 200 });
    await sim.allConnected;
    trainer = mqtt.connect(broker.url, { clientId: 'trainer', reconnectPeriod: 0 });
    await new Promise<void>((resolve) => trainer.on('connect', () => resolve()));
    trainer.on('message', (_topic, payload) => {
      const d = decodePayload(simStatusSchema, payload);
      if (d.ok) latest = d.value;
    });
    await trainer.subscribeAsync(simTopic(CLUSTER, 'status'), { qos: 1 });
  });

  afterEach(async () => {
    await sim.stop();
    await trainer.endAsync();
    await broker.close();
  });

  const send = (cmd: object): Promise<unknown> => trainer.publishAsync(simTopic(CLUSTER, 'control'), JSON.stringify({ v: SCHEMA_VERSION, ...cmd }), { qos: 1 });

  it('publishes a retained status naming scenario, seed, speed and connected gateways', async () => {
    await until(() => latest?.gatewaysConnected === 3, 'a status with every gateway');
    expect(latest).toMatchObject({ scenario: 'baseline-2019', seed: 1, speed: 3600, paused: false, makers: 3 });
  });

  it('pauses, changes speed and resumes the simulated clock', async () => {
    await send({ cmd: 'pause' });
    await until(() => latest?.paused === true, 'paused status');
    const t = sim.clock.now();
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.clock.now()).toBe(t);
    await send({ cmd: 'speed', factor: 86_400 });
    await send({ cmd: 'resume' });
    await until(() => latest?.paused === false && latest.speed === 86_400, 'resumed at the new speed');
    await until(() => sim.clock.now() - t > 86_400_000, 'a simulated day to pass');
  });

  it('switches scenario and seed, restarting simulated time at the scenario start', async () => {
    await send({ cmd: 'scenario', scenario: 'double-11', seed: 9 });
    await until(() => latest?.scenario === 'double-11' && latest.seed === 9, 'the new scenario in the status');
    expect(sim.clock.now()).toBeGreaterThanOrEqual(Date.UTC(2020, 9, 19, 16));
    expect(sim.clock.now()).toBeLessThan(Date.UTC(2020, 9, 25));
    const gw = sim.gateways[0];
    const seqBefore = gw.lastSeq;
    // sequence numbers carry on across the switch: the server's watermark must never see a restart
    await until(() => gw.lastSeq > seqBefore && gw.simNow >= Date.UTC(2020, 9, 19, 16), 'a report from the new scenario');
  });

  it('breaks down a named device of a named maker', async () => {
    const gw = sim.gateways[1];
    const readings: Array<{ state: string; runMs: number }> = [];
    await trainer.subscribeAsync(gatewayTopic(gw.address, 'report'), { qos: 1 });
    trainer.on('message', (topic, payload) => {
      if (topic !== gatewayTopic(gw.address, 'report')) return;
      const d = decodePayload(reportPayloadSchema, payload);
      const sew = d.ok ? d.value.devices.find((x) => x.id === 'sew-1') : undefined;
      if (sew) readings.push({ state: sew.state, runMs: sew.runMs });
    });
    await send({ cmd: 'fault', fault: 'breakdown', enterprise: gw.maker.id, device: 'sew-1', durationMs: 30 * 86_400_000 });
    await send({ cmd: 'speed', factor: 36_000 });
    // reports now cover a simulated hour or two: those after the first two lie inside the breakdown
    const from = readings.length;
    await until(() => readings.length >= from + 6, 'reports after the fault');
    const after = readings.slice(from + 2);
    expect(after.every((r) => r.state === 'fault' && r.runMs === 0)).toBe(true);
  });
});
