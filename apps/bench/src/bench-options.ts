import * as os from 'node:os';
import type { PhaseName } from './bench-runner';
import type { QoS } from './load/mqtt-wire';
import type { PayloadSource } from './load/report-source';

export interface BenchOptions {
  gateways: number[];
  phases: PhaseName[];
  ratePerGateway: number;
  durationSeconds: number;
  warmupSeconds: number;
  drainSeconds: number;
  qos: QoS;
  pg: boolean;
  /** Server instances of the pipeline phase: 2 = cluster mode behind HAProxy (needs pg, Redis, haproxy). */
  instances: 1 | 2;
  /**
   * The server's MQTT_FRONTS: gateway sockets in this many front processes (0: in the server's
   * own); 'auto': as many as a gateway count needs that one process's open-file limit cannot hold.
   */
  fronts: number | 'auto';
  wsClients: number;
  connectRate: number;
  maxPendingConnects: number;
  maxInflight: number;
  gatewaysPerProcess: number;
  threadsPerProcess: number;
  pushIntervalMs: number | undefined;
  rawConcurrency: number | undefined;
  /** File descriptors the server keeps for itself (database, HTTP, WebSocket) beyond one per gateway. */
  fdReserve: number;
  seed: number;
  payloads: PayloadSource;
  cpuProf: boolean;
  /** Extra node flags for the server process, e.g. --heapsnapshot-signal=SIGUSR2. */
  serverNodeArgs: string[];
  /** Extra node flags for the server's front processes (its MQTT_FRONT_NODE_ARGS). */
  frontNodeArgs: string[];
  /** Extra node flags for the load processes (their worker threads share them). */
  loadNodeArgs: string[];
  outDir: string;
  json: string | null;
  verbose: boolean;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  gateways: [2_000, 20_000],
  phases: ['raw-broker', 'pipeline'],
  ratePerGateway: 1,
  durationSeconds: 30,
  warmupSeconds: 5,
  drainSeconds: 15,
  qos: 1,
  pg: false,
  instances: 1,
  fronts: 'auto',
  wsClients: 4,
  connectRate: 2_000,
  maxPendingConnects: 512,
  maxInflight: 16,
  // Sockets are file descriptors and those are per process: 10,000 stays well under a 20,000 limit.
  gatewaysPerProcess: 10_000,
  threadsPerProcess: 2,
  pushIntervalMs: undefined,
  rawConcurrency: undefined,
  // The server's own reserve (apps/server/src/broker/fd-limit.ts NON_MQTT_DESCRIPTORS): past it, it refuses gateways.
  fdReserve: 1024,
  seed: 2019,
  payloads: 'model',
  cpuProf: false,
  serverNodeArgs: [],
  frontNodeArgs: [],
  loadNodeArgs: [],
  outDir: os.tmpdir(),
  json: null,
  verbose: false,
};

export const USAGE = `npm run bench -- [flags]

  --gateways 2000,20000   gateway counts to run, each with every phase
  --rate 1                reports per second per gateway
  --duration 30           measured window in seconds (after the warm-up)
  --warmup 5              seconds of load before the window opens
  --qos 1                 QoS of reports (0 or 1)
  --pg                    PostgreSQL on 127.0.0.1:5432 (a fresh database, dropped afterwards) instead of SQLite
  --phases raw-broker,pipeline
  --instances 2           pipeline on two cluster-mode servers behind HAProxy (deploy/haproxy.cfg); needs --pg,
                          Redis on 127.0.0.1:6379 (database 14, emptied; BENCH_REDIS_URL) and the haproxy binary
  --fronts auto           the server's MQTT_FRONTS: gateway sockets in this many front processes, each with an
                          open-file limit of its own (CPU and RSS then summed over the server and its fronts);
                          auto: none while one process's limit holds the gateways, else as many as they need
  --ws-clients 4          WebSocket clients connected to the server during the pipeline phase
  --connect-rate 2000     new MQTT connections per second
  --max-pending 512       TCP/MQTT handshakes outstanding at once (the listener's backlog is finite)
  --max-inflight 16       unacknowledged QoS 1 reports per gateway
  --per-process 10000     most gateways one load process holds (open-file limit)
  --threads 2             worker threads per load process
  --push-interval <ms>    the server's PUSH_INTERVAL_MS (its default otherwise)
  --raw-concurrency <n>   Aedes 'concurrency' of the raw broker (stock default otherwise)
  --fd-reserve 1024       open files the server keeps beyond one per gateway (its own reserve); fewer gateways run if the limit is short
  --payloads model       report figures from the simulator's maker model, or 'synthetic' (drawn in the bench)
  --seed 2019             cluster seed (the maker model's default)
  --cpu-prof              profile the server and its fronts (node --cpu-prof); the .cpuprofile files land in --out
  --server-node-arg <f>   extra node flag for the server (repeatable), e.g. --heapsnapshot-signal=SIGUSR2 (and --diagnostic-dir=<dir>)
  --front-node-arg <f>    extra node flag for each of the server's front processes (repeatable), e.g. --trace-gc
  --load-node-arg <f>     extra node flag for each load process (repeatable), e.g. --cpu-prof (and --cpu-prof-dir=<dir>)
  --out <dir>             where profiles go (default: the OS temp folder)
  --json <file>           also write the results as JSON
  --verbose               progress every second and the server's own log`;

function positive(name: string, value: string | undefined, integer = true): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new RangeError(`--${name} expects a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** One node flag, `--name` or `--name=value`, without white space (the fronts' travel space-separated in MQTT_FRONT_NODE_ARGS). */
function nodeFlag(option: string, value: string | undefined): string {
  if (value === undefined || !/^--\S+$/.test(value)) throw new RangeError(`${option} expects one node flag such as --trace-gc, got ${JSON.stringify(value)}`);
  return value;
}

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const o: BenchOptions = { ...DEFAULT_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--gateways':
        o.gateways = (value() ?? '').split(',').map((g) => positive('gateways', g));
        break;
      case '--rate':
        o.ratePerGateway = positive('rate', value(), false);
        break;
      case '--duration':
        o.durationSeconds = positive('duration', value(), false);
        break;
      case '--warmup': {
        const v = Number(value());
        if (!Number.isFinite(v) || v < 0) throw new RangeError('--warmup expects seconds >= 0');
        o.warmupSeconds = v;
        break;
      }
      case '--drain':
        o.drainSeconds = positive('drain', value(), false);
        break;
      case '--qos': {
        const v = value();
        if (v !== '0' && v !== '1') throw new RangeError(`--qos expects 0 or 1, got ${JSON.stringify(v)}`);
        o.qos = Number(v) as QoS;
        break;
      }
      case '--pg':
        o.pg = true;
        break;
      case '--instances': {
        const v = value();
        if (v !== '1' && v !== '2') throw new RangeError(`--instances expects 1 or 2, got ${JSON.stringify(v)}`);
        o.instances = Number(v) as 1 | 2;
        break;
      }
      case '--fronts': {
        const raw = value();
        if (raw === 'auto') {
          o.fronts = 'auto';
          break;
        }
        const v = Number(raw);
        if (!Number.isInteger(v) || v < 0 || v > 16) throw new RangeError(`--fronts expects 0-16, got ${JSON.stringify(v)}`);
        o.fronts = v;
        break;
      }
      case '--phases': {
        const phases = (value() ?? '').split(',');
        for (const p of phases) if (p !== 'raw-broker' && p !== 'pipeline') throw new RangeError(`unknown phase ${JSON.stringify(p)}`);
        o.phases = phases as PhaseName[];
        break;
      }
      case '--ws-clients':
        o.wsClients = positive('ws-clients', value());
        break;
      case '--connect-rate':
        o.connectRate = positive('connect-rate', value());
        break;
      case '--max-pending':
        o.maxPendingConnects = positive('max-pending', value());
        break;
      case '--max-inflight':
        o.maxInflight = positive('max-inflight', value());
        break;
      case '--per-process':
        o.gatewaysPerProcess = positive('per-process', value());
        break;
      case '--threads':
        o.threadsPerProcess = positive('threads', value());
        break;
      case '--push-interval':
        o.pushIntervalMs = positive('push-interval', value());
        break;
      case '--raw-concurrency':
        o.rawConcurrency = positive('raw-concurrency', value());
        break;
      case '--fd-reserve':
        o.fdReserve = positive('fd-reserve', value());
        break;
      case '--seed':
        o.seed = positive('seed', value());
        break;
      case '--payloads': {
        const v = value();
        if (v !== 'model' && v !== 'synthetic') throw new RangeError(`--payloads expects model or synthetic, got ${JSON.stringify(v)}`);
        o.payloads = v;
        break;
      }
      case '--cpu-prof':
        o.cpuProf = true;
        break;
      case '--server-node-arg':
        o.serverNodeArgs = [...o.serverNodeArgs, nodeFlag(flag, value())];
        break;
      case '--front-node-arg':
        o.frontNodeArgs = [...o.frontNodeArgs, nodeFlag(flag, value())];
        break;
      case '--load-node-arg':
        o.loadNodeArgs = [...o.loadNodeArgs, nodeFlag(flag, value())];
        break;
      case '--out':
        o.outDir = value() ?? o.outDir;
        break;
      case '--json':
        o.json = value() ?? null;
        break;
      case '--verbose':
        o.verbose = true;
        break;
      default:
        throw new RangeError(`unknown flag ${JSON.stringify(flag)}\n\n${USAGE}`);
    }
  }
  // Instances share figures and watermarks through the database: a SQLite file cannot be shared.
  if (o.instances > 1 && !o.pg) throw new RangeError('--instances 2 needs --pg');
  if (o.instances > 1 && typeof o.fronts === 'number' && o.fronts > 0) throw new RangeError('--fronts runs with one instance');
  return o;
}
