import {
  SCHEMA_VERSION,
  birthPayloadSchema,
  decodePayload,
  gatewayKindFilter,
  gatewayTopic,
  parseTopic,
  reportPayloadSchema,
  statePayloadSchema,
  type ReportPayload,
  type StatePayload,
} from '@clusterpulse/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { summarizeReport } from '../src/ledger';
import { startSimulation, type SimulationHandle } from '../src/simulation';
import { startTestBroker, until, type TestBroker } from './broker.helper';

const CLUSTER = 'test-cluster';
/** Ten simulated hours per real second: a report every 200 ms covers about two steps. */
const SPEED = 36_000;

interface Received {
  clientId: string;
  report: ReportPayload;
}

describe('simulator gateways against a real broker', () => {
  let broker: TestBroker;
  let observer: MqttClient;
  let sim: SimulationHandle | null = null;
  const reports: Received[] = [];
  const births = new Map<string, number>();
  const states: Array<{ clientId: string; state: StatePayload }> = [];
  const invalid: string[] = [];

  beforeEach(async () => {
    reports.length = 0;
    births.clear();
    states.length = 0;
    invalid.length = 0;
    broker = await startTestBroker();
    observer = mqtt.connect(broker.url, { clientId: 'observer', reconnectPeriod: 0 });
    await new Promise<void>((resolve) => observer.on('connect', () => resolve()));
    await observer.subscribeAsync([gatewayKindFilter(CLUSTER, 'report'), gatewayKindFilter(CLUSTER, 'birth'), gatewayKindFilter(CLUSTER, 'state')], { qos: 1 });
    observer.on('message', (topic, payload) => {
      const parsed = parseTopic(topic);
      if (!parsed || parsed.scope !== 'gateway') return void invalid.push(topic);
      const clientId = `${parsed.cluster}.${parsed.enterprise}.${parsed.gateway}`;
      if (parsed.kind === 'report') {
        const d = decodePayload(reportPayloadSchema, payload);
        if (d.ok) reports.push({ clientId, report: d.value });
        else invalid.push(`${topic}: ${d.message}`);
      } else if (parsed.kind === 'birth') {
        const d = decodePayload(birthPayloadSchema, payload);
        if (d.ok) births.set(clientId, (births.get(clientId) ?? 0) + 1);
        else invalid.push(`${topic}: ${d.message}`);
      } else if (parsed.kind === 'state') {
        const d = decodePayload(statePayloadSchema, payload);
        if (d.ok) states.push({ clientId, state: d.value });
        else invalid.push(`${topic}: ${d.message}`);
      }
    });
  });

  afterEach(async () => {
    await sim?.stop();
    sim = null;
    await observer.endAsync();
    await broker.close();
  });

  it('connects every gateway, announces it and publishes valid reports that add up to the ledger', async () => {
    sim = startSimulation({ brokerUrl: broker.url, cluster: CLUSTER, makers: 6, seed: 7, scenario: 'baseline-2019', speed: SPEED, reportIntervalMs: 200, tickMs: 20, control: false });
    await sim.allConnected;
    const ids = sim.gateways.map((g) => g.clientId);
    await until(() => ids.every((id) => reports.filter((r) => r.clientId === id).length >= 3), 'three reports from every gateway');
    const s = sim;
    sim = null;
    await s.stop();
    await until(() => reports.length >= s.ledger.totals().reports, 'every published report to arrive');

    expect(invalid).toEqual([]);
    for (const id of ids) expect(births.get(id)).toBe(1);
    expect(states.filter((x) => x.state.online && x.state.reason === 'birth').map((x) => x.clientId).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const mine = reports.filter((r) => r.clientId === id).map((r) => r.report);
      // seq 1, 2, 3... without gaps, and simulated time moving forward report by report
      expect(mine.map((r) => r.seq)).toEqual(mine.map((_r, i) => i + 1));
      for (let i = 1; i < mine.length; i++) expect(mine[i].ts - mine[i].intervalMs).toBe(mine[i - 1].ts);
      const sum = mine.map(summarizeReport).reduce(
        (t, e) => ({ salesFen: t.salesFen + e.salesFen, salesPieces: t.salesPieces + e.salesPieces, good: t.good + e.good, defective: t.defective + e.defective }),
        { salesFen: 0, salesPieces: 0, good: 0, defective: 0 },
      );
      const ledger = s.ledger.gatewayTotals(id);
      expect(sum).toEqual({ salesFen: ledger.salesFen, salesPieces: ledger.salesPieces, good: ledger.good, defective: ledger.defective });
      expect(ledger.reports).toBe(mine.length);
    }
    expect(s.ledger.totals().salesFen).toBeGreaterThan(0);
    // a clean stop leaves a retained offline state with reason 'shutdown'
    expect(states.filter((x) => !x.state.online && x.state.reason === 'shutdown').map((x) => x.clientId).sort()).toEqual([...ids].sort());
  });

  it('replays unacknowledged reports after a reconnect, in order, and never the acknowledged ones', async () => {
    sim = startSimulation({ brokerUrl: broker.url, cluster: CLUSTER, makers: 1, seed: 3, scenario: 'digital-2020', speed: SPEED, reportIntervalMs: 100, tickMs: 20, reconnectPeriodMs: 100, control: false });
    await sim.allConnected;
    const gw = sim.gateways[0];
    await until(() => reports.length >= 5, 'five reports');
    sim.clock.pause();
    const last = gw.lastSeq;
    await until(() => reports.length >= last, 'the reports issued before the pause');
    // the sim clock is paused, so no new report can appear after the last one
    await new Promise((r) => setTimeout(r, 300));
    expect(gw.lastSeq).toBe(last);

    await observer.publishAsync(gatewayTopic(gw.address, 'control'), JSON.stringify({ v: SCHEMA_VERSION, cmd: 'ack', seq: 2 }), { qos: 1 });
    await until(() => gw.ackedSeq === 2, 'the gateway to take the ack');
    expect(gw.pendingAcks).toBe(last - 2);

    const before = reports.length;
    const victim = (broker.broker as unknown as { clients: Record<string, { conn: { destroy(): void } }> }).clients[gw.clientId];
    victim.conn.destroy();
    await until(() => gw.connects === 2 && reports.length - before >= last - 2, 'the replay after reconnecting');
    await new Promise((r) => setTimeout(r, 200));

    const replayed = reports.slice(before);
    expect(replayed.map((r) => r.report.seq)).toEqual(Array.from({ length: last - 2 }, (_v, i) => i + 3));
    // same payload as the first time
    for (const r of replayed) expect(r.report).toEqual(reports.find((x) => x.report.seq === r.report.seq)?.report);
    expect(states.some((x) => x.clientId === gw.clientId && !x.state.online && x.state.reason === 'will')).toBe(true);
    expect(births.get(gw.clientId)).toBe(2);
  });

  it('holds its maker clock when the unacknowledged buffer is full and catches up after an ack', async () => {
    sim = startSimulation({ brokerUrl: broker.url, cluster: CLUSTER, makers: 1, seed: 5, scenario: 'baseline-2019', speed: SPEED, reportIntervalMs: 50, tickMs: 10, maxUnacked: 3, control: false });
    await sim.allConnected;
    const gw = sim.gateways[0];
    await until(() => gw.lastSeq === 3, 'three reports');
    await new Promise((r) => setTimeout(r, 400));
    expect(gw.lastSeq).toBe(3);
    expect(gw.held).toBe(true);
    // the cluster clock went on; this maker did not
    expect(sim.clock.now() - gw.simNow).toBeGreaterThan(3 * 3_600_000);

    await observer.publishAsync(gatewayTopic(gw.address, 'control'), JSON.stringify({ v: SCHEMA_VERSION, cmd: 'ack', seq: 3 }), { qos: 1 });
    await until(() => gw.lastSeq > 3, 'production to resume');
    await until(() => reports.length >= gw.lastSeq, 'the new reports');
    const seqs = reports.map((r) => r.report.seq);
    expect(seqs.slice(0, 4)).toEqual([1, 2, 3, 4]);
    // the held time is not lost: report 4 starts where report 3 ended
    const r3 = reports.find((r) => r.report.seq === 3)!.report;
    const r4 = reports.find((r) => r.report.seq === 4)!.report;
    expect(r4.ts - r4.intervalMs).toBe(r3.ts);
  });
});
