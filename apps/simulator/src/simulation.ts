import {
  DEFAULT_CLUSTER_ID,
  MAX_INTERVAL_MS,
  SCHEMA_VERSION,
  chinaDayStart,
  type GatewayAddress,
  type ScenarioId,
  type SimControl,
  type SimStatus,
  type SimTime,
} from '@clusterpulse/contracts';
import {
  DEFAULT_MAKERS,
  DEFAULT_SEED,
  MakerSimulation,
  Rng,
  STEP_MS,
  SimClock,
  createScenario,
  generateCluster,
  type Cluster,
  type DeviceRegistry,
  type Scenario,
} from '@clusterpulse/cluster-model';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { alignClock, applyClockCommand, type ClockState } from './clock-state';
import { openControlLink, type ControlLink } from './control-link';
import { Gateway, type MqttCredentials } from './gateway';
import { Ledger } from './ledger';
import { brokerForMaker, shardRange, type Shard } from './shards';

export interface SimulationOptions {
  /**
   * e.g. mqtt://localhost:1883. Several brokers (instances of one cluster): maker i's gateway
   * connects to the (i mod n)-th, the simulator's own client to the first.
   */
  brokerUrl: string | readonly string[];
  cluster?: string;
  makers?: number;
  scenario?: ScenarioId;
  seed?: number;
  /** Simulated ms per real ms (= simulated seconds per real second). */
  speed?: number;
  /** Real ms between two reports of one gateway; gateways are spread evenly over the interval. */
  reportIntervalMs?: number;
  /** Gateways opening their connection together, and the pause between such batches. */
  connectBatch?: number;
  connectBatchIntervalMs?: number;
  /** Unacknowledged reports a gateway keeps before it holds its maker's clock. */
  maxUnacked?: number;
  /** Credentials of each gateway; none means an anonymous connection (demo brokers only). */
  credentials?: (address: GatewayAddress) => MqttCredentials | undefined;
  /** The simulator's own cluster-wide client (trainer commands in, status out). */
  controlCredentials?: MqttCredentials;
  /** Listen to trainer commands and publish status (default true). */
  control?: boolean;
  statusIntervalMs?: number;
  paused?: boolean;
  registry?: DeviceRegistry;
  reconnectPeriodMs?: number;
  keepaliveSeconds?: number;
  /** How often the scheduler runs, real ms. */
  tickMs?: number;
  /**
   * On stop, how long to wait for the server to acknowledge the reports still unacknowledged
   * (replayed after a reconnect) before saying goodbye; 0 = do not wait.
   */
  drainTimeoutMs?: number;
  onReport?: (clientId: string, seq: number, replay: boolean) => void;
  /** Opens each MQTT byte stream in memory instead of dialling brokerUrl (see GatewayOptions). */
  transport?: () => Duplex;
  /** Id of the first run; a fresh one by default. Reset and scenario changes always start a fresh one. */
  run?: string;
  /**
   * Run the gateways of one block of makers only (see shardRange): one of several processes that
   * together run the cluster. The cluster generated is still the whole one, so faults without a
   * target pick the same maker in every process.
   */
  shard?: Shard;
  /** Start the simulated clock where another process's clock is (see ClockState). */
  clock?: ClockState;
  /** Pause the clock when it reaches this simulated time (once; a trainer may resume it). */
  until?: SimTime;
}

/** What the process owning the control connection decided along with a command, so every process applies it alike. */
export interface CommandSync {
  /** The run a reset or scenario change starts. */
  run: string;
  /** The clock right after the command, as the owner's reads. */
  clock: ClockState;
}

export interface SimulatorStatus {
  /** The current run: new on start, reset and scenario change; the server keeps figures per run. */
  run: string;
  scenario: ScenarioId;
  seed: number;
  speed: number;
  paused: boolean;
  /** Simulated now of the clock. */
  simTime: SimTime;
  makers: number;
  gatewaysConnected: number;
  /** Gateways whose unacked buffer is full (their maker's clock is held). */
  gatewaysHeld: number;
  reportsSent: number;
  replays: number;
  reportsPerSecond: number;
  salesFen: number;
  unacked: number;
}

export interface SimulationHandle {
  readonly ledger: Ledger;
  readonly gateways: readonly Gateway[];
  readonly clock: SimClock;
  readonly cluster: Cluster;
  /** Resolves once every gateway has connected at least once. */
  readonly allConnected: Promise<void>;
  status(): SimulatorStatus;
  /**
   * Applies a trainer command as if it had arrived on sim/control. With `sync` (a process that
   * runs part of the makers), the new run id and the clock come from the owner of the control
   * connection instead of being made here.
   */
  command(cmd: SimControl, sync?: CommandSync): void;
  stop(): Promise<void>;
}

/** How long one report may cover: whole steps, well inside the contracts' limit. */
const MAX_REPORT_STEPS = Math.min(7 * 24, Math.floor(MAX_INTERVAL_MS / STEP_MS));

/** A run id no earlier run of any simulator process shares. */
export function newRunId(): string {
  return `run-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

function scenarioStart(scenario: Scenario): SimTime {
  return chinaDayStart(scenario.startDay);
}

/** Where a scenario's simulated time starts. */
export function scenarioStartTime(id: ScenarioId): SimTime {
  return scenarioStart(createScenario(id));
}

/** The retained sim/status payload for a status. */
export function simStatusPayload(s: SimulatorStatus): SimStatus {
  return {
    v: SCHEMA_VERSION,
    ts: s.simTime,
    scenario: s.scenario,
    seed: s.seed,
    speed: s.speed,
    paused: s.paused,
    makers: s.makers,
    gatewaysConnected: s.gatewaysConnected,
    run: s.run,
  };
}

/**
 * Runs the cluster: one Gateway per maker, connected in paced batches, each reporting at the
 * report interval whatever simulated time has passed since its last report. The model moves in
 * fixed simulated steps, so speed and report interval change how often figures arrive, never
 * what they add up to.
 */
export function startSimulation(options: SimulationOptions): SimulationHandle {
  const clusterId = options.cluster ?? DEFAULT_CLUSTER_ID;
  let scenarioId: ScenarioId = options.scenario ?? 'digital-2020';
  let seed = options.seed ?? DEFAULT_SEED;
  let run = options.run ?? newRunId();
  const makers = options.makers ?? DEFAULT_MAKERS;
  const brokers = typeof options.brokerUrl === 'string' ? [options.brokerUrl] : [...options.brokerUrl];
  const { from, to } = options.shard ? shardRange(makers, options.shard) : { from: 0, to: makers };
  const reportIntervalMs = options.reportIntervalMs ?? 30_000;
  const tickMs = options.tickMs ?? 100;
  let scenario = createScenario(scenarioId);
  let cluster = generateCluster({ cluster: clusterId, makers, seed, registry: options.registry });
  const clock = new SimClock(scenarioStart(scenario), options.speed ?? 1440, () => Date.now(), options.paused ?? false);
  if (options.clock) alignClock(clock, options.clock);
  const ledger = new Ledger();
  let connectedCount = 0;
  let reportsSent = 0;
  let replays = 0;
  let windowStart = Date.now();
  let windowReports = 0;
  let rate = 0;

  /** Maker index of each gateway (all of them, or the shard's block). */
  const indices = Array.from({ length: to - from }, (_v, i) => from + i);
  const gateways = indices.map((index) => {
    const maker = cluster.makers[index];
    return new Gateway({
      brokerUrl: brokerForMaker(brokers, index),
      cluster: clusterId,
      model: new MakerSimulation(maker, scenario, cluster.registry, scenarioStart(scenario)),
      ledger,
      credentials: options.credentials?.({ cluster: clusterId, enterprise: maker.id, gateway: maker.gatewayId }),
      maxUnacked: options.maxUnacked ?? 1000,
      maxReportSteps: MAX_REPORT_STEPS,
      reconnectPeriodMs: options.reconnectPeriodMs ?? 1000,
      connectTimeoutMs: 30_000,
      keepaliveSeconds: options.keepaliveSeconds ?? 60,
      onConnectionChange: (up) => (connectedCount += up ? 1 : -1),
      onReport: (report, replay) => {
        reportsSent++;
        windowReports++;
        if (replay) replays++;
        options.onReport?.(gatewayIdOf(maker.id), report.seq, replay);
      },
      realMsFor: (simMs) => Math.max(1000, simMs / clock.speed),
      transport: options.transport,
      run,
    });
  });
  const byEnterprise = new Map(gateways.map((g) => [g.address.enterprise, g]));
  function gatewayIdOf(enterprise: string): string {
    return byEnterprise.get(enterprise)?.clientId ?? enterprise;
  }

  // Connect in paced batches: a broker accepting 20,000 sockets in one tick would stall.
  const batch = options.connectBatch ?? 250;
  const batchInterval = options.connectBatchIntervalMs ?? 100;
  let stopped = false;
  const connecting: Array<Promise<void>> = [];
  const allConnected = (async () => {
    for (let i = 0; i < gateways.length && !stopped; i += batch) {
      const slice = gateways.slice(i, i + batch).map((g) => g.start());
      connecting.push(...slice);
      if (i + batch < gateways.length) await new Promise((r) => setTimeout(r, batchInterval));
    }
    await Promise.all(connecting);
  })();

  // Reports: gateways take turns at an even rate, each once per report interval.
  const startedAt = Date.now();
  let ticked = 0;
  let lastNow = clock.now();
  const scheduler = setInterval(() => {
    const due = Math.floor(((Date.now() - startedAt) * gateways.length) / reportIntervalMs);
    let now = clock.now();
    if (options.until !== undefined && lastNow < options.until && now >= options.until) {
      // stop exactly there, before any gateway moves past it
      clock.pause();
      clock.set(options.until);
      now = options.until;
      link?.publishStatus();
    }
    lastNow = now;
    let budget = gateways.length;
    while (ticked < due && budget-- > 0) {
      gateways[ticked % gateways.length].tick(now);
      ticked++;
    }
    if (ticked < due) ticked = due; // fell behind by more than a round: skip, the next round catches up
    const real = Date.now();
    if (real - windowStart >= 1000) {
      rate = (windowReports * 1000) / (real - windowStart);
      windowReports = 0;
      windowStart = real;
    }
  }, tickMs);

  function status(): SimulatorStatus {
    let unacked = 0;
    let held = 0;
    for (const g of gateways) {
      unacked += g.pendingAcks;
      if (g.held) held++;
    }
    return {
      run,
      scenario: scenarioId,
      seed,
      speed: clock.speed,
      paused: clock.paused,
      simTime: clock.now(),
      makers: gateways.length,
      gatewaysConnected: connectedCount,
      gatewaysHeld: held,
      reportsSent,
      replays,
      reportsPerSecond: rate,
      salesFen: ledger.totals().salesFen,
      unacked,
    };
  }

  // Trainer commands and status, over the simulator's own connection.
  let link: ControlLink | null = null;
  if (options.control ?? true) {
    link = openControlLink({
      brokerUrl: brokers[0],
      cluster: clusterId,
      credentials: options.controlCredentials,
      reconnectPeriodMs: options.reconnectPeriodMs ?? 1000,
      statusIntervalMs: options.statusIntervalMs ?? 5000,
      transport: options.transport,
      status: () => simStatusPayload(status()),
      onCommand: (cmd) => command(cmd),
    });
  }

  let faultCount = 0;
  function restart(nextScenario: ScenarioId, nextSeed: number, nextRun: string): void {
    scenarioId = nextScenario;
    scenario = createScenario(nextScenario);
    if (nextSeed !== seed) {
      seed = nextSeed;
      cluster = generateCluster({ cluster: clusterId, makers, seed, registry: options.registry });
    }
    const start = scenarioStart(scenario);
    // A new run: the server starts its figures from zero rather than adding these to the old run's days.
    run = nextRun;
    ledger.reset();
    gateways.forEach((g, i) => g.replaceModel(new MakerSimulation(cluster.makers[indices[i]], scenario, cluster.registry, start), run));
    clock.set(start);
  }

  function command(cmd: SimControl, sync?: CommandSync): void {
    switch (cmd.cmd) {
      case 'pause':
      case 'resume':
      case 'speed':
        applyClockCommand(clock, cmd);
        break;
      case 'scenario':
        restart(cmd.scenario, cmd.seed ?? seed, sync?.run ?? newRunId());
        break;
      case 'reset':
        restart(scenarioId, seed, sync?.run ?? newRunId());
        break;
      case 'fault': {
        const durationMs = cmd.durationMs ?? 4 * 3_600_000;
        let targets = gateways.filter((g) => (cmd.enterprise === undefined || g.maker.id === cmd.enterprise) && (cmd.park === undefined || g.maker.park === cmd.park));
        if (cmd.enterprise === undefined && cmd.park === undefined) {
          // no target named: one maker of the whole cluster, chosen reproducibly (the same in every process)
          const pick = Rng.derive(seed, 'fault', faultCount).int(0, makers - 1);
          const chosen = cluster.makers[pick];
          targets = gateways.filter((g) => (cmd.fault === 'power-cut' ? g.maker.park === chosen.park : g.maker.id === chosen.id));
        }
        faultCount++;
        for (const g of targets) {
          switch (cmd.fault) {
            case 'power-cut':
              g.simulation.powerCut(g.simNow + durationMs);
              break;
            case 'duplicate-reports':
              g.duplicateNextReports(1);
              break;
            case 'out-of-order':
              g.reorderNextReports();
              break;
            default:
              g.control({ v: SCHEMA_VERSION, cmd: 'fault', fault: cmd.fault, device: cmd.device, durationMs });
          }
        }
        break;
      }
    }
    if (sync) alignClock(clock, sync.clock);
    link?.publishStatus();
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    clearInterval(scheduler);
    link?.stopPublishing();
    await Promise.allSettled(connecting);
    // No new reports from here; the gateways keep reconnecting and replaying until all are acked.
    const drainUntil = Date.now() + (options.drainTimeoutMs ?? 0);
    while (Date.now() < drainUntil && gateways.some((g) => g.pendingAcks > 0)) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(gateways.map((g) => g.stop()));
    await link?.close();
  }

  return {
    ledger,
    get gateways() {
      return gateways;
    },
    clock,
    get cluster() {
      return cluster;
    },
    allConnected,
    status,
    command,
    stop,
  };
}
