import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { DEFAULT_CLUSTER_ID, gatewayKindFilter } from '@clusterpulse/contracts';
import type { BenchOptions } from './bench-options';
import { ChildProcesses } from './child-processes';
import { startClusterInstances } from './cluster-pipeline';
import { latencySeries, markerTimes, percentile, sentAt, sentBy, slope, watermarkLatencies } from './latency';
import { LoadFleet } from './load/load-fleet';
import type { LoadShard, LoadStats } from './load/load-protocol';
import { childPids, cpuSeconds, openFileLimits, residentBytesOnce, rssBytes } from './proc-stats';
import { CountingSubscriber } from './raw-broker/counting-subscriber';
import { SERVER_PROCESS_ENV, ServerProcess } from './server-process';
import { TempDatabase } from './temp-database';
import { WsObserver } from './ws-observer';

export type PhaseName = 'raw-broker' | 'pipeline';

export interface CountCheck {
  sent: number;
  /** Raw broker: messages the counting subscriber received. Pipeline: ingest.accepted. */
  applied: number;
  rejected: number;
  duplicates: number;
  /** sent = applied + rejected + duplicates. */
  addsUp: boolean;
}

export interface PhaseResult {
  phase: PhaseName;
  /** Gateways asked for; `gateways` is fewer when the open-file limit does not allow them. */
  requestedGateways: number;
  /** MQTT_FRONTS of the server in the pipeline phase (0: the sockets in the server itself). */
  fronts: number;
  gateways: number;
  /** Gateways the load generator holds connected (CONNACK received, not closed) at the end of the window. */
  connected: number;
  /** Connections the broker side counts at the end of the window (raw: connectedClients; pipeline: makers online). */
  connectedServerSide: number | null;
  failedConnects: number;
  droppedConnections: number;
  windowSeconds: number;
  /** Reports written per second in the window. */
  offeredPerSecond: number;
  /** Reports consumed per second in the window (raw: received by the subscriber; pipeline: applied). */
  sustainedPerSecond: number;
  /** Reports written but not yet consumed, at the start and at the end of the window. */
  lagStart: number;
  lagEnd: number;
  /**
   * [s since the window opened, lag], once a second: the reports the load had written by the time
   * the consumed count was read (the first of its 50 ms count samples after that moment, so up to
   * 50 ms of sending too many) minus those consumed. In --json only.
   */
  lagSeries: Array<[number, number]>;
  /** Least-squares growth of the lag over the window, reports per second: a backlog that grows shows here, not in two snapshots. */
  lagGrowthPerSecond: number | null;
  /** CPU seconds of the broker or server process per 1,000 consumed reports. */
  cpuSecondsPer1000: number | null;
  /** Average cores the broker or server process used in the window. */
  cores: number | null;
  /** Average cores the load processes used in the window: they share the machine with the server. */
  loadCores: number | null;
  /** Average cores of the bench process itself (WebSocket clients; the counting subscriber in the raw phase). */
  benchCores: number;
  rssBytesMax: number | null;
  /** RSS at the first and the last per-second sample of the window: growth under steady load. */
  rssBytesFirst: number | null;
  rssBytesLast: number | null;
  /** [s since the window opened, RSS bytes], once a second. In --json only. */
  rssSeries: Array<[number, number]>;
  /**
   * Where the target is several processes (fronts, cluster mode), the largest of the per-second
   * samples of their resident memory with shared file pages counted once (`residentBytesOnce`);
   * null for one process, whose RSS says it.
   */
  residentOnceBytesMax: number | null;
  /**
   * Where the target is several processes: the largest RSS sample of each, in the order of its
   * processes (the server, then its fronts; in cluster mode the servers, then the balancer). The
   * maxima of different moments, so they may add up to more than `rssBytesMax`. Null for one process.
   */
  rssBytesMaxPerProcess: number[] | null;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  latencySamples: number;
  latencyUncovered: number;
  /** When the window opened (ISO time): the origin of latencySeries. */
  windowStartedAt: string;
  /** [ms since the window opened, the worst client's latency ms], every 100 ms: in --json only. */
  latencySeries: Array<[number, number]>;
  /** Rows waiting for the database (server metrics), sampled every BACKLOG_SAMPLE_EVERY seconds in the window: the last and the largest. */
  persistenceBacklog: number | null;
  persistenceBacklogMax: number | null;
  persistenceBacklogSource: string | null;
  kpisFrames: number;
  controlMessagesReceived: number;
  owed: number;
  skipped: number;
  counts: CountCheck;
  notes: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Target {
  name: PhaseName;
  pid: number;
  /** Every process of the target when it is more than one (cluster mode: servers and balancer); CPU and RSS are summed. */
  pids?: () => number[];
  /** Why the broker or server process ended, once it has. */
  exited(): string | null;
  host: string;
  mqttPort: number;
  /** Reports consumed so far and refusals. */
  consumed(): Promise<{ applied: number; rejected: number; duplicates: number }>;
  serverSideConnected(): Promise<number | null>;
  backlog(): Promise<{ value: number; source: string } | null>;
  frames(): { t: number; accepted: number }[][];
  startRecording(): void;
  stop(): Promise<void>;
}

/** Runs both phases for each gateway count. Everything started here is stopped before it returns. */
export class BenchRunner {
  private readonly children = new ChildProcesses();
  readonly failures: string[] = [];

  constructor(
    private readonly options: BenchOptions,
    private readonly log: (line: string) => void = (line) => console.log(line),
  ) {}

  async run(): Promise<PhaseResult[]> {
    const results: PhaseResult[] = [];
    const limits = openFileLimits();
    this.log(`bench: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, open-file limit ${limits?.soft}/${limits?.hard}`);
    // Every gateway is a socket, hence a file descriptor, in the broker or server process, which
    // inherits this process's hard limit; past it the server cannot open its database or accept HTTP.
    const ceiling = (phase: PhaseName, fronts: number) => {
      if (!limits) return Infinity;
      // With fronts the server holds none of the sockets: each front holds up to its own limit
      // less its reserve (apps/server/src/broker/front-process.ts FRONT_RESERVED_DESCRIPTORS).
      if (phase === 'pipeline' && fronts > 0) return fronts * (limits.hard - FRONT_RESERVE);
      return limits.hard - this.options.fdReserve;
    };
    try {
      for (const requested of this.options.gateways) {
        for (const phase of this.options.phases) {
          const fronts = phase === 'pipeline' && this.options.instances === 1 ? frontsFor(this.options.fronts, requested, limits?.hard ?? null, this.options.fdReserve) : 0;
          const gateways = Math.min(requested, ceiling(phase, fronts));
          if (gateways < requested) {
            this.log(`bench: the open-file limit (${limits?.hard}) leaves room for ${gateways} gateways in the ${phase} phase, not ${requested}; running ${gateways}`);
          }
          this.log(`\n== ${phase} with ${gateways} gateways, ${this.options.ratePerGateway}/s each, QoS ${this.options.qos}, ${this.options.durationSeconds}s window ==`);
          try {
            const result = await this.runPhase(phase, gateways, fronts);
            if (gateways < requested) result.notes.push(`${requested} requested; the open-file limit ${limits?.hard} allows ${gateways}`);
            result.requestedGateways = requested;
            results.push(result);
            this.log(summaryLine(result));
          } catch (error) {
            // One phase failing (e.g. the server dying under load) is a finding; the others still run.
            const message = error instanceof Error ? error.message : String(error);
            this.failures.push(`${phase} with ${gateways} gateways: ${message}`);
            this.log(`${phase} with ${gateways} gateways FAILED: ${message}`);
          }
        }
      }
    } finally {
      await this.children.stopAll(5_000);
    }
    return results;
  }

  private async startRawBroker(): Promise<Target> {
    // The same allocator settings as the server's process, so the two phases differ only in what runs.
    const env = { ...SERVER_PROCESS_ENV, ...process.env };
    if (this.options.rawConcurrency) env.BENCH_RAW_CONCURRENCY = String(this.options.rawConcurrency);
    const child: ChildProcess = this.children.spawnNode(path.join(__dirname, 'raw-broker', 'raw-broker.process.js'), [], { ipc: true, env });
    let clients: number | null = null;
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`raw broker exited with ${code}`)));
      child.on('message', (message: { type: string; port?: number; connected?: number }) => {
        if (message.type === 'listening') resolve(message.port!);
        if (message.type === 'clients') clients = message.connected!;
      });
    });
    let exitReason: string | null = null;
    child.once('exit', (code, signal) => (exitReason = `raw broker exited (${code ?? signal})`));
    const subscriber = new CountingSubscriber(gatewayKindFilter(DEFAULT_CLUSTER_ID, 'report'), this.options.qos);
    await subscriber.connect('127.0.0.1', port);
    return {
      name: 'raw-broker',
      pid: child.pid!,
      exited: () => exitReason,
      host: '127.0.0.1',
      mqttPort: port,
      consumed: async () => ({ applied: subscriber.received, rejected: 0, duplicates: 0 }),
      // The counting subscriber is one of the broker's clients.
      serverSideConnected: async () => (clients === null ? null : clients - 1),
      backlog: async () => null,
      frames: () => [],
      startRecording: () => undefined,
      stop: async () => {
        await subscriber.close();
        await this.children.stop(child, 5_000);
      },
    };
  }

  /** `fronts`: the server's MQTT_FRONTS (0: it holds the sockets itself). */
  private async startPipeline(fronts: number): Promise<Target> {
    const database = await TempDatabase.create(this.options.pg);
    const forget = this.children.onInterrupt(() => database.drop());
    const server = new ServerProcess(this.children);
    if (this.options.cpuProf) fs.mkdirSync(this.options.outDir, { recursive: true });
    const profileDir = this.options.cpuProf ? fs.mkdtempSync(path.join(this.options.outDir, 'cpu-prof-')) : null;
    // The fronts' profiles in a folder of their own, so the server's is the one beside them.
    const frontNodeArgs = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, 'fronts')}`] : []), ...this.options.frontNodeArgs];
    // A port picked free can be taken by another process before the server binds it (other test
    // runs share the machine's ephemeral range): a server that exits before it is ready gets new ports.
    for (let attempt = 1; ; attempt++) {
      try {
        await server.start({
          databaseUrl: database.url,
          pushIntervalMs: this.options.pushIntervalMs,
          env: fronts > 0 ? { MQTT_FRONTS: String(fronts), MQTT_FRONT_NODE_ARGS: frontNodeArgs.join(' ') } : undefined,
          nodeArgs: [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...this.options.serverNodeArgs],
          quiet: !this.options.verbose,
        });
        break;
      } catch (error) {
        await server.stop();
        if (attempt < 3 && server.exitReason) {
          this.log(`bench: ${(error as Error).message}; starting it again on other ports`);
          continue;
        }
        await database.drop();
        throw error;
      }
    }
    const ws = new WsObserver();
    await ws.connect(server.httpPort, this.options.wsClients);
    return {
      name: 'pipeline',
      pid: server.pid,
      // The server and its front processes (MQTT_FRONTS), looked up at each reading since a front may be restarted.
      pids: () => [server.pid, ...childPids(server.pid)],
      exited: () => server.exitReason,
      host: '127.0.0.1',
      mqttPort: server.mqttPort,
      consumed: async () => {
        const stats = await server.ingestStats();
        return { applied: stats.accepted, rejected: stats.rejected, duplicates: stats.duplicates };
      },
      serverSideConnected: async () => {
        const metrics = await server.metrics();
        const fromMetrics = metrics && findMetric(metrics, /^clusterpulse_gateways_connected$/);
        if (fromMetrics) return fromMetrics.value;
        const kpis = await server.kpis().catch(() => null);
        return kpis ? kpis.enterprises.online : null;
      },
      backlog: async () => {
        const metrics = await server.metrics();
        const found = metrics && findMetric(metrics, /^clusterpulse_flush_backlog_rows$/);
        return found ? { value: found.value, source: `/metrics ${found.name}` } : null;
      },
      frames: () => ws.frames,
      startRecording: () => ws.record(),
      stop: async () => {
        await ws.close();
        await server.stop();
        await database.drop();
        forget();
        if (profileDir) this.log(`cpu profile of the server written to ${profileDir}${fronts > 0 ? `, of its fronts to ${path.join(profileDir, 'fronts')}` : ''}`);
      },
    };
  }

  /** The pipeline on two cluster-mode servers behind HAProxy; every figure read from the first (each shows the whole cluster). */
  private async startClusterPipeline(): Promise<Target> {
    const database = await TempDatabase.create(true);
    const forget = this.children.onInterrupt(() => database.drop());
    let cluster: Awaited<ReturnType<typeof startClusterInstances>>;
    try {
      cluster = await startClusterInstances(this.children, { databaseUrl: database.url, cluster: DEFAULT_CLUSTER_ID, pushIntervalMs: this.options.pushIntervalMs, quiet: !this.options.verbose });
    } catch (error) {
      await database.drop();
      throw error;
    }
    const first = cluster.servers[0];
    const ws = new WsObserver();
    await ws.connect(cluster.httpPort, this.options.wsClients);
    const sumMetric = async (pattern: RegExp): Promise<{ value: number; source: string } | null> => {
      let value: number | null = null;
      let name = '';
      for (const server of cluster.servers) {
        const metrics = await server.metrics();
        const found = metrics && findMetric(metrics, pattern);
        if (!found) continue;
        value = (value ?? 0) + found.value;
        name = found.name;
      }
      return value === null ? null : { value, source: `/metrics ${name}, summed over the instances` };
    };
    return {
      name: 'pipeline',
      pid: first.pid,
      pids: cluster.pids,
      exited: cluster.balancerExit,
      host: '127.0.0.1',
      mqttPort: cluster.mqttPort,
      consumed: async () => {
        const stats = await first.ingestStats();
        return { applied: stats.accepted, rejected: stats.rejected, duplicates: stats.duplicates };
      },
      serverSideConnected: async () => (await sumMetric(/^clusterpulse_gateways_connected$/))?.value ?? null,
      backlog: () => sumMetric(/^clusterpulse_flush_backlog_rows$/),
      frames: () => ws.frames,
      startRecording: () => ws.record(),
      stop: async () => {
        await ws.close();
        await cluster.stop();
        await database.drop();
        forget();
      },
    };
  }

  private async runPhase(phase: PhaseName, gateways: number, fronts: number): Promise<PhaseResult> {
    const o = this.options;
    const target = phase === 'raw-broker' ? await this.startRawBroker() : o.instances > 1 ? await this.startClusterPipeline() : await this.startPipeline(fronts);
    const notes: string[] = [];
    if (fronts > 0) notes.push(`gateway sockets in ${fronts} front processes (MQTT_FRONTS): CPU and RSS summed over the server and its fronts`);
    if (phase === 'pipeline' && o.instances > 1) notes.push('two cluster-mode instances behind HAProxy: CPU and RSS summed over both servers and the balancer');
    let fleet: LoadFleet | null = null;
    try {
      const shard: Omit<LoadShard, 'first' | 'count'> = {
        host: target.host,
        port: target.mqttPort,
        cluster: DEFAULT_CLUSTER_ID,
        seed: o.seed,
        payloads: o.payloads,
        ratePerGateway: o.ratePerGateway,
        qos: o.qos,
        connectRate: o.connectRate,
        maxPendingConnects: o.maxPendingConnects,
        maxInflight: o.maxInflight,
        subscribeControl: true,
        sendBirth: true,
        keepaliveSeconds: 600,
      };
      fleet = new LoadFleet(this.children, { shard, gateways, perProcess: o.gatewaysPerProcess, threadsPerProcess: o.threadsPerProcess, statsIntervalMs: 50, nodeArgs: o.loadNodeArgs });
      await fleet.start();

      const connectTimeoutMs = (gateways / o.connectRate) * 1000 + 30_000;
      const settled = await fleet.waitFor((t) => t.connected + t.failed >= gateways && t.births >= t.connected, connectTimeoutMs);
      let totals = fleet.totals();
      this.log(`connected ${totals.connected}/${gateways} gateways (${totals.failed} failed), ${totals.births} births acknowledged`);
      if (!settled) notes.push(`connect phase timed out after ${Math.round(connectTimeoutMs / 1000)} s`);
      if (totals.failed > 0) notes.push(`${totals.failed} gateways could not connect`);

      target.startRecording();
      const publishAt = Date.now() + 200;
      fleet.publish(publishAt);
      await sleep(200 + o.warmupSeconds * 1000);

      const begin = await this.sample(target, fleet);
      const benchCpuBegin = process.cpuUsage();
      const rss: Array<[number, number]> = [];
      let residentOnceMax: number | null = null;
      let perProcessMax: number[] | null = null;
      const consumedAt: Array<{ t: number; applied: number }> = [];
      const backlogs: number[] = [];
      const windowEnd = Date.now() + o.durationSeconds * 1000;
      for (let second = 1; Date.now() < windowEnd; second++) {
        await sleep(Math.min(1_000, windowEnd - Date.now()));
        this.check(target);
        // One reading of each process's RSS serves the sum and the per-process peaks.
        const pids = target.pids?.() ?? [target.pid];
        const each = pids.map(rssBytes);
        const r = sumOf(each);
        if (r !== null) rss.push([(Date.now() - begin.t) / 1000, r]);
        if (pids.length > 1) {
          const once = residentBytesOnce(pids);
          if (once !== null) residentOnceMax = Math.max(residentOnceMax ?? 0, once);
          perProcessMax = each.map((bytes, i) => Math.max(bytes ?? 0, perProcessMax?.[i] ?? 0));
        }
        const c = await target.consumed().catch(() => null);
        // Read once the answer is in: everything consumed by then was written before it.
        if (c) consumedAt.push({ t: Date.now(), applied: c.applied });
        if (second % BACKLOG_SAMPLE_EVERY === 0) {
          const b = await target.backlog().catch(() => null);
          if (b) backlogs.push(b.value);
        }
        if (o.verbose) {
          const t = fleet.totals();
          this.log(`  sent ${t.sent} acked ${t.acked} consumed ${c?.applied ?? '?'} inflight ${t.inflight} owed ${t.owed} connected ${t.connected}`);
        }
      }
      const benchCpu = process.cpuUsage(benchCpuBegin);
      const end = await this.sample(target, fleet);
      const connectedServerSide = await target.serverSideConnected().catch(() => null);
      const backlog = await target.backlog().catch(() => null);
      if (backlog) backlogs.push(backlog.value);

      await fleet.stop(o.drainSeconds * 1000);
      totals = fleet.totals();
      // The broker acknowledged every report it took; give the consumer the same chance to catch up.
      const drainDeadline = Date.now() + o.drainSeconds * 1000;
      let final = await target.consumed();
      while (Date.now() < drainDeadline && final.applied + final.rejected + final.duplicates < totals.sent) {
        await sleep(200);
        final = await target.consumed();
      }
      totals = fleet.totals();
      const counts: CountCheck = {
        sent: totals.sent,
        applied: final.applied,
        rejected: final.rejected,
        duplicates: final.duplicates,
        addsUp: totals.sent === final.applied + final.rejected + final.duplicates,
      };

      const windowSeconds = (end.t - begin.t) / 1000;
      const consumedDelta = end.consumed - begin.consumed;
      const cpuDelta = end.cpu !== null && begin.cpu !== null ? end.cpu - begin.cpu : null;
      const latency = this.latency(fleet, target, begin.t, end.t);
      const lagSeries = this.lagSeries(fleet, consumedAt, begin.t);
      for (const error of fleet.errors) notes.push(error);
      return {
        phase,
        fronts,
        requestedGateways: gateways,
        gateways,
        connected: end.load.connected,
        connectedServerSide,
        failedConnects: totals.failed,
        droppedConnections: totals.dropped,
        windowSeconds,
        offeredPerSecond: (end.load.sent - begin.load.sent) / windowSeconds,
        sustainedPerSecond: consumedDelta / windowSeconds,
        lagStart: begin.load.sent - begin.consumed,
        lagEnd: end.load.sent - end.consumed,
        lagSeries,
        lagGrowthPerSecond: slope(lagSeries),
        cpuSecondsPer1000: cpuDelta !== null && consumedDelta > 0 ? (cpuDelta / consumedDelta) * 1000 : null,
        cores: cpuDelta !== null ? cpuDelta / windowSeconds : null,
        benchCores: (benchCpu.user + benchCpu.system) / 1e6 / windowSeconds,
        loadCores: end.loadCpu !== null && begin.loadCpu !== null ? (end.loadCpu - begin.loadCpu) / windowSeconds : null,
        rssBytesMax: rss.length ? Math.max(...rss.map(([, bytes]) => bytes)) : null,
        rssBytesFirst: rss.length ? rss[0][1] : null,
        rssBytesLast: rss.length ? rss[rss.length - 1][1] : null,
        rssSeries: rss,
        residentOnceBytesMax: residentOnceMax,
        rssBytesMaxPerProcess: perProcessMax,
        latencyP50Ms: latency ? percentile(latency.latencies, 50) : null,
        latencyP99Ms: latency ? percentile(latency.latencies, 99) : null,
        latencySamples: latency?.latencies.length ?? 0,
        latencyUncovered: latency?.uncovered ?? 0,
        latencySeries: latency?.series ?? [],
        windowStartedAt: new Date(begin.t).toISOString(),
        persistenceBacklog: backlog?.value ?? null,
        persistenceBacklogMax: backlogs.length ? Math.max(...backlogs) : null,
        persistenceBacklogSource: backlog?.source ?? null,
        kpisFrames: target.frames().reduce((sum, f) => sum + f.length, 0),
        controlMessagesReceived: totals.controlReceived,
        owed: totals.owed,
        skipped: totals.skipped,
        counts,
        notes,
      };
    } finally {
      if (fleet) await fleet.close().catch((error: unknown) => this.log(`closing the load failed: ${String(error)}`));
      await target.stop();
    }
  }

  private check(target: Target): void {
    const reason = target.exited();
    if (reason) throw new Error(`${reason} during the phase`);
  }

  private async sample(target: Target, fleet: LoadFleet): Promise<{ t: number; cpu: number | null; loadCpu: number | null; consumed: number; load: LoadStats }> {
    this.check(target);
    const t = Date.now();
    const cpu = sumOver(target, cpuSeconds);
    const loadCpus = fleet.pids.map(cpuSeconds);
    const loadCpu = loadCpus.some((c) => c === null) ? null : loadCpus.reduce<number>((sum, c) => sum + (c ?? 0), 0);
    const consumed = (await target.consumed()).applied;
    // Workers report every 50 ms: wait for figures at least as fresh as `consumed`, so the lag is never negative.
    await sleep(60);
    const load = fleet.totals();
    return { t, cpu, loadCpu, consumed, load };
  }

  /** The lag at each moment consumption was read: what the load had written by then (its count history) minus what was consumed. */
  private lagSeries(fleet: LoadFleet, consumedAt: Array<{ t: number; applied: number }>, from: number): Array<[number, number]> {
    const sent = sentBy(fleet.countHistory(), consumedAt.map((c) => c.t));
    return consumedAt.map((c, i) => [(c.t - from) / 1000, sent[i] - c.applied]);
  }

  private latency(fleet: LoadFleet, target: Target, from: number, to: number): { latencies: number[]; uncovered: number; series: Array<[number, number]> } | null {
    const frames = target.frames();
    if (frames.length === 0) return null;
    const markers = markerTimes(from, to, 100);
    const sent = sentAt(fleet.countHistory(), markers);
    const perClient = frames.map((clientFrames) => watermarkLatencies(sent, clientFrames));
    return {
      latencies: perClient.flatMap((c) => c.latencies),
      uncovered: perClient.reduce((sum, c) => sum + c.uncovered, 0),
      series: latencySeries(perClient, from),
    };
  }
}

/** Descriptors a front keeps for itself (apps/server/src/broker/front-process.ts FRONT_RESERVED_DESCRIPTORS). */
const FRONT_RESERVE = 64;

/**
 * The server's MQTT_FRONTS for a gateway count: the number asked for, or with 'auto' none while
 * the server's own open-file limit (less its reserve) holds the gateways, and otherwise as many
 * fronts as the gateways fill at one front's limit.
 */
export function frontsFor(option: number | 'auto', gateways: number, hardLimit: number | null, fdReserve: number): number {
  if (option !== 'auto') return option;
  if (hardLimit === null || gateways <= hardLimit - fdReserve) return 0;
  return Math.ceil(gateways / (hardLimit - FRONT_RESERVE));
}

/**
 * Seconds between two scrapes of the server's /metrics in the window. A scrape lists every open
 * handle and descriptor of the server (prom-client's default process metrics): once a second at
 * 10,000 gateways that was about 2 % of the server's main thread, which the bench would then
 * report as the pipeline's cost. Prometheus itself scrapes every 15 s by default.
 */
const BACKLOG_SAMPLE_EVERY = 5;

/** A per-process figure summed over the target's processes; null if any is unreadable. */
function sumOver(target: Target, read: (pid: number) => number | null): number | null {
  return sumOf((target.pids?.() ?? [target.pid]).map(read));
}

/** Figures read per process, summed; null if any is unreadable. */
function sumOf(values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
}

function findMetric(metrics: Map<string, number>, pattern: RegExp): { name: string; value: number } | null {
  let found: { name: string; value: number } | null = null;
  for (const [name, value] of metrics) {
    if (!pattern.test(name.split('{')[0])) continue;
    found = found ? { name: found.name, value: found.value + value } : { name, value };
  }
  return found;
}

const mib = (bytes: number | null) => (bytes === null ? 'n/a' : String(Math.round(bytes / 2 ** 20)));
const fmt = (n: number | null, digits = 0) => (n === null || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));

export function summaryLine(r: PhaseResult): string {
  return [
    `${r.phase}: ${fmt(r.sustainedPerSecond)} reports/s sustained (offered ${fmt(r.offeredPerSecond)}/s)`,
    `connected ${r.connected}/${r.gateways} (server side ${fmt(r.connectedServerSide)})`,
    `cpu ${fmt(r.cpuSecondsPer1000, 3)} s/1000 reports (${fmt(r.cores, 2)} cores; load generator ${fmt(r.loadCores, 2)}, bench ${fmt(r.benchCores, 2)} cores)`,
    `rss ${r.rssBytesMax === null ? 'n/a' : `${Math.round(r.rssBytesMax / 2 ** 20)} MiB max (${mib(r.rssBytesFirst)} -> ${mib(r.rssBytesLast)} MiB over the window)`}${r.residentOnceBytesMax === null ? '' : `; ${mib(r.residentOnceBytesMax)} MiB max with shared pages counted once`}${r.rssBytesMaxPerProcess === null ? '' : `; per process at most ${r.rssBytesMaxPerProcess.map(mib).join(' / ')} MiB`}`,
    r.phase === 'pipeline' ? `latency p50 ${fmt(r.latencyP50Ms)} ms p99 ${fmt(r.latencyP99Ms)} ms (${r.latencySamples} samples)` : '',
    `lag ${r.lagStart} -> ${r.lagEnd} (growth ${r.lagGrowthPerSecond === null ? 'n/a' : `${fmt(r.lagGrowthPerSecond, 1)} reports/s`} over ${r.lagSeries.length} samples)`,
    `counts: sent ${r.counts.sent} = applied ${r.counts.applied} + rejected ${r.counts.rejected} + duplicates ${r.counts.duplicates}: ${r.counts.addsUp ? 'adds up' : 'DOES NOT ADD UP'}`,
    ...r.notes.map((note) => `note: ${note}`),
  ]
    .filter(Boolean)
    .join('\n  ');
}
