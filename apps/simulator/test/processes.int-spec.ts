import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SCHEMA_VERSION,
  birthPayloadSchema,
  chinaDayStart,
  decodePayload,
  gatewayClientId,
  gatewayKindFilter,
  parseTopic,
  reportPayloadSchema,
  simStatusSchema,
  simTopic,
  type SimStatus,
} from '@clusterpulse/contracts';
import { generateCluster } from '@clusterpulse/cluster-model';
import mqtt, { type MqttClient } from 'mqtt';
import { summarizeReport, type LedgerJSON, type LedgerTotals } from '../src/ledger';
import { startTestBroker, until, type TestBroker } from './broker.helper';
import { buildCli, isAlive, runCli, type CliRun } from './cli.helper';

/**
 * The CLI with --processes: the makers run in child processes of the same CLI, against real
 * brokers on ephemeral ports, and the whole behaves as one simulator.
 */

jest.setTimeout(120_000);

const CLUSTER = 'proc-test';
const MAKERS = 300;
const SEED = 11;

function clientIds(makers: number, seed: number): string[] {
  return generateCluster({ cluster: CLUSTER, makers, seed }).makers.map((m) => gatewayClientId({ cluster: CLUSTER, enterprise: m.id, gateway: m.gatewayId }));
}

/** What a period adds up to, whatever the reports that cut it. */
type Figures = Omit<LedgerTotals, 'reports'>;

function figures({ salesFen, salesPieces, orders, good, defective, energyWh }: Figures): Figures {
  return { salesFen, salesPieces, orders, good, defective, energyWh };
}

interface Observed {
  client: MqttClient;
  births: Map<string, string | undefined>;
  /** Per gateway, its reports by seq (a replay overwrites with the same payload). */
  reports: Map<string, Map<number, Figures & { ts: number }>>;
  statuses: SimStatus[];
}

/** A plain MQTT client watching what the simulator publishes. */
async function observe(url: string): Promise<Observed> {
  const client = mqtt.connect(url, { clientId: `observer-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 0 });
  await new Promise<void>((resolve) => client.on('connect', () => resolve()));
  const seen: Observed = { client, births: new Map(), reports: new Map(), statuses: [] };
  client.on('message', (topic, payload) => {
    if (topic === simTopic(CLUSTER, 'status')) {
      const d = decodePayload(simStatusSchema, payload);
      if (d.ok) seen.statuses.push(d.value);
      return;
    }
    const parsed = parseTopic(topic);
    if (!parsed || parsed.scope !== 'gateway') return;
    const id = gatewayClientId(parsed);
    if (parsed.kind === 'birth') {
      const d = decodePayload(birthPayloadSchema, payload);
      if (d.ok) seen.births.set(id, d.value.run);
    } else if (parsed.kind === 'report') {
      const d = decodePayload(reportPayloadSchema, payload);
      if (!d.ok) return;
      let bySeq = seen.reports.get(id);
      if (!bySeq) seen.reports.set(id, (bySeq = new Map()));
      bySeq.set(d.value.seq, summarizeReport(d.value));
    }
  });
  await client.subscribeAsync([gatewayKindFilter(CLUSTER, 'birth'), gatewayKindFilter(CLUSTER, 'report'), simTopic(CLUSTER, 'status')], { qos: 1 });
  return seen;
}

/** The newest simulated time a gateway's reports reached. */
function reachedTs(seen: Observed, id: string): number {
  let ts = 0;
  for (const r of seen.reports.get(id)?.values() ?? []) ts = Math.max(ts, r.ts);
  return ts;
}

/** Waits for the condition while the CLI runs; fails at once, with what it said, if it exits. */
async function whileRunning(run: CliRun, condition: () => boolean, message: string, timeoutMs = 60_000): Promise<void> {
  await until(
    () => {
      if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`the CLI exited while waiting for ${message}:\n${run.stderr()}`);
      return condition();
    },
    message,
    timeoutMs,
  );
}

function clientsOf(broker: TestBroker): string[] {
  return Object.keys((broker.broker as unknown as { clients: Record<string, unknown> }).clients);
}

describe('the simulator CLI with --processes', () => {
  const runs: CliRun[] = [];
  const brokers: TestBroker[] = [];
  const observers: MqttClient[] = [];
  let dir: string;

  beforeAll(() => {
    buildCli();
    dir = mkdtempSync(join(tmpdir(), 'sim-processes-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  afterEach(async () => {
    for (const run of runs.splice(0)) {
      await run.stop('SIGKILL');
      for (const { pid } of run.shards()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const o of observers.splice(0)) await o.endAsync();
    for (const b of brokers.splice(0)) await b.close();
  });

  async function broker(): Promise<TestBroker> {
    const b = await startTestBroker();
    brokers.push(b);
    return b;
  }

  async function watch(url: string): Promise<Observed> {
    const seen = await observe(url);
    observers.push(seen.client);
    return seen;
  }

  function cli(args: string[]): CliRun {
    const run = runCli(['--cluster', CLUSTER, '--seed', String(SEED), '--drain', '0', '--progress', ...args]);
    runs.push(run);
    return run;
  }

  it('connects every maker from two processes, sums their progress in one line, and stops them with it', async () => {
    const b = await broker();
    const seen = await watch(b.url);
    const run = cli(['--broker', b.url, '--makers', String(MAKERS), '--processes', '2', '--speed', '86400', '--report-interval', '1']);

    await whileRunning(run, () => seen.births.size === MAKERS && /gateways 300\/300/.test(run.stderr()), 'every gateway announced and counted', 60_000);
    expect([...seen.births.keys()].sort()).toEqual(clientIds(MAKERS, SEED).sort());
    // two children with half the makers each; the parent's line sums them
    const shards = run.shards();
    expect(shards.map((s) => [s.shard, s.makers])).toEqual([
      ['1/2', 150],
      ['2/2', 150],
    ]);
    expect(shards.every((s) => isAlive(s.pid))).toBe(true);
    expect(run.stderr()).toMatch(/all 300 gateways connected in/);
    // one simulator client for the trainer's commands and status, whatever the number of processes
    expect(clientsOf(b).filter((id) => id.endsWith('-simulator'))).toEqual([`${CLUSTER}-simulator`]);
    await whileRunning(run, () => seen.statuses.some((s) => s.gatewaysConnected === MAKERS), 'a status counting every gateway');
    expect(seen.statuses.at(-1)).toMatchObject({ makers: MAKERS, seed: SEED, scenario: 'digital-2020' });

    expect(await run.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    for (const { pid } of shards) expect(isAlive(pid)).toBe(false);
    // every gateway said goodbye: the children stopped cleanly, not by being killed
    await until(() => clientsOf(b).filter((id) => id.startsWith(`${CLUSTER}.`)).length === 0, 'every gateway to disconnect');
  });

  it('stops the other children and exits non-zero when one child dies', async () => {
    const b = await broker();
    const run = cli(['--broker', b.url, '--makers', '40', '--processes', '2', '--speed', '3600']);
    await whileRunning(run, () => /all 40 gateways connected/.test(run.stderr()), 'every gateway connected', 60_000);
    const [first, second] = run.shards();
    process.kill(first.pid, 'SIGKILL');
    const exit = await run.exited;
    expect(exit.code).not.toBe(0);
    expect(run.stderr()).toMatch(/simulator process 1\/2 \(pid \d+\) exited \(SIGKILL\); stopping the others/);
    await until(() => !isAlive(second.pid), 'the other child to stop');
  });

  it('lets its children stop by themselves when the parent is killed', async () => {
    const b = await broker();
    const run = cli(['--broker', b.url, '--makers', '40', '--processes', '2', '--speed', '3600']);
    await whileRunning(run, () => /all 40 gateways connected/.test(run.stderr()), 'every gateway connected', 60_000);
    const shards = run.shards();
    await run.stop('SIGKILL');
    await until(() => shards.every((s) => !isAlive(s.pid)), 'both children to stop once their parent is gone');
    await until(() => clientsOf(b).length === 0, 'their gateways to disconnect');
  });

  it('spreads the gateways over two brokers by maker index', async () => {
    const [a, b] = [await broker(), await broker()];
    const run = cli(['--broker', `${a.url},${b.url}`, '--makers', '40', '--processes', '2', '--speed', '3600']);
    await whileRunning(run, () => /all 40 gateways connected/.test(run.stderr()), 'every gateway connected', 60_000);
    const ids = clientIds(40, SEED);
    const gatewaysOn = (x: TestBroker) => clientsOf(x).filter((id) => id.startsWith(`${CLUSTER}.`)).sort();
    expect(gatewaysOn(a)).toEqual(ids.filter((_id, i) => i % 2 === 0).sort());
    expect(gatewaysOn(b)).toEqual(ids.filter((_id, i) => i % 2 === 1).sort());
    expect(clientsOf(a)).toContain(`${CLUSTER}-simulator`);
    expect(clientsOf(b)).not.toContain(`${CLUSTER}-simulator`);
  });

  it('publishes the same figures from two processes as from one for the same seed and period', async () => {
    const untilDay = '2019-01-15';
    const untilTs = chinaDayStart(untilDay);
    const ids = clientIds(MAKERS, SEED);

    async function runOnce(processes: number): Promise<{ ledger: LedgerJSON; observed: Map<string, Figures> }> {
      const b = await broker();
      const seen = await watch(b.url);
      const ledgerFile = join(dir, `ledger-${processes}.json`);
      const args = ['--broker', b.url, '--makers', String(MAKERS), '--processes', String(processes), '--scenario', 'baseline-2019'];
      const run = cli([...args, '--speed', '172800', '--report-interval', '1', '--until', untilDay, '--ledger', ledgerFile]);
      // every gateway has reported up to the end of the period, and the clock stopped there
      await whileRunning(run, () => ids.every((id) => reachedTs(seen, id) === untilTs), `every gateway to reach ${untilDay}`, 90_000);
      await whileRunning(run, () => seen.statuses.at(-1)?.paused === true && seen.statuses.at(-1)?.ts === untilTs, 'the status to show the clock stopped');
      expect(ids.every((id) => reachedTs(seen, id) === untilTs)).toBe(true);
      expect(await run.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      const observed = new Map<string, Figures>();
      for (const [id, bySeq] of seen.reports) {
        const sum: Figures = { salesFen: 0, salesPieces: 0, orders: 0, good: 0, defective: 0, energyWh: 0 };
        for (const r of bySeq.values()) for (const k of Object.keys(sum) as Array<keyof Figures>) sum[k] += r[k];
        observed.set(id, sum);
      }
      return { ledger: JSON.parse(readFileSync(ledgerFile, 'utf8')) as LedgerJSON, observed };
    }

    const one = await runOnce(1);
    const two = await runOnce(2);

    // the same makers
    expect([...two.observed.keys()].sort()).toEqual(ids.sort());
    expect(Object.keys(two.ledger.gateways).sort()).toEqual(ids.sort());
    expect([...one.observed.keys()].sort()).toEqual(ids.sort());
    // the same figures per maker, as received by the broker and as the merged ledger says; the
    // reports may cut the period differently, so only their number differs
    for (const id of ids) {
      expect(two.observed.get(id)).toEqual(one.observed.get(id));
      expect(figures(two.ledger.gateways[id])).toEqual(figures(one.ledger.gateways[id]));
      expect(figures(two.ledger.gateways[id])).toEqual(two.observed.get(id));
    }
    expect(figures(two.ledger.totals)).toEqual(figures(one.ledger.totals));
    expect(two.ledger.totals.salesFen).toBeGreaterThan(0);
  });

  it('obeys trainer commands in every process, with one status and one run', async () => {
    const b = await broker();
    const seen = await watch(b.url);
    const run = cli(['--broker', b.url, '--makers', '60', '--processes', '2', '--speed', '7200', '--report-interval', '0.5']);
    await whileRunning(run, () => seen.births.size === 60 && seen.statuses.some((s) => s.gatewaysConnected === 60), 'every gateway and a status counting them', 60_000);
    const send = (cmd: object) => seen.client.publishAsync(simTopic(CLUSTER, 'control'), JSON.stringify({ v: SCHEMA_VERSION, ...cmd }), { qos: 1 });
    const ids = clientIds(60, SEED);

    await send({ cmd: 'pause' });
    await whileRunning(run, () => seen.statuses.at(-1)?.paused === true, 'a paused status');
    const pausedAt = seen.statuses.at(-1)!.ts;
    const lastStep = Math.floor(pausedAt / 3_600_000) * 3_600_000;
    // Every gateway in both processes catches up to where the parent's clock stopped, and no
    // further. (A child hears the command a moment after the parent: a gateway that reported in
    // that moment may be one simulated step ahead, never more at this speed.)
    await whileRunning(run, () => ids.every((id) => reachedTs(seen, id) >= lastStep), 'every gateway to report up to the pause');
    const reached = ids.map((id) => reachedTs(seen, id));
    expect(reached.every((ts) => ts <= lastStep + 3_600_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(ids.map((id) => reachedTs(seen, id))).toEqual(reached);

    seen.births.clear();
    await send({ cmd: 'scenario', scenario: 'double-11', seed: SEED });
    await whileRunning(run, () => seen.statuses.at(-1)?.scenario === 'double-11', 'the new scenario in the status');
    const newRun = seen.statuses.at(-1)!.run;
    await whileRunning(run, () => seen.births.size === 60, 'a birth from every gateway after the switch');
    // one run id for the whole cluster: the one the status names
    expect(new Set(seen.births.values())).toEqual(new Set([newRun]));
    expect(seen.statuses.at(-1)).toMatchObject({ paused: true, makers: 60, gatewaysConnected: 60 });
    expect(await run.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
