import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as path from 'node:path';
import { ApiRoutes, OpsRoutes, type ClusterKpisResponse, type DailyHistoryResponse, type EnterpriseListResponse } from '@clusterpulse/contracts';
import { Redis } from 'ioredis';
import { freePort, freshDatabase, waitFor } from '../../apps/server/test/harness';
import { ownerOf, slotOf } from '../../apps/server/src/cluster/rendezvous';
import type { LedgerTotals } from '../../apps/simulator/src/ledger';
import { startSimulation, type SimulationHandle, type SimulationOptions } from '../../apps/simulator/src/simulation';

/** The server tests' free-port helper, for the scale tests' own server processes. */
export { freePort };

/** A Redis database of its own, so test runs leave the machine's default one alone. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
export const SLOTS = 64;
export const repoRoot = path.resolve(__dirname, '../..');

/** A cluster id no other run shares: Redis keys, topics and client ids all carry it. */
export function uniqueClusterId(): string {
  return `scale-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The environment of one cluster-mode instance. */
export function clusterEnv(cluster: string, databaseUrl: string, instance: string): Record<string, string> {
  return {
    CLUSTER_MODE: 'redis',
    REDIS_URL,
    INSTANCE_ID: instance,
    CLUSTER_ID: cluster,
    DATABASE_URL: databaseUrl,
    // Short leases: a killed instance's makers move within a couple of seconds.
    CLUSTER_LEASE_MS: '3000',
    CLUSTER_SLOTS: String(SLOTS),
    MQTT_ALLOW_ANONYMOUS: 'true',
  };
}

/** Removes every key the run left in its Redis database: the cluster's own and aedes' for its clients and topics. */
export async function cleanRedis(cluster: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const doomed: string[] = [];
    for await (const keys of redis.scanStream({ match: `*${cluster}*`, count: 500 }) as AsyncIterable<string[]>) doomed.push(...keys);
    for (let i = 0; i < doomed.length; i += 500) await redis.del(...doomed.slice(i, i + 500));
    // aedes-persistence-redis keeps retained messages in a hash, client ids in a set and wills in a list.
    const retained: string[] = [];
    for await (const page of redis.hscanStream('retained', { match: `*${cluster}*`, count: 500 }) as AsyncIterable<string[]>) {
      for (let i = 0; i < page.length; i += 2) retained.push(page[i]);
    }
    if (retained.length > 0) await redis.hdel('retained', ...retained);
    const clients: string[] = [];
    for await (const page of redis.sscanStream('clients', { match: `*${cluster}*`, count: 500 }) as AsyncIterable<string[]>) clients.push(...page);
    if (clients.length > 0) await redis.srem('clients', ...clients);
    for (const will of await redis.lrange('will', 0, -1)) if (will.includes(cluster)) await redis.lrem('will', 0, will);
  } finally {
    redis.disconnect();
  }
}

/** The live members as the cluster sees them (process sources, `instance/suffix`). */
export async function members(cluster: string): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  try {
    const prefix = `clusterpulse:${cluster}:member:`;
    const keys = await redis.keys(`${prefix}*`);
    return keys.map((k) => k.slice(prefix.length)).sort();
  } finally {
    redis.disconnect();
  }
}

/** Whether every slot's lease is held by the member rendezvous hashing gives it to: no handover in progress. */
export async function settled(cluster: string, expectedMembers: number): Promise<boolean> {
  const live = await members(cluster);
  if (live.length !== expectedMembers) return false;
  const redis = new Redis(REDIS_URL);
  try {
    const holders = await redis.mget(...Array.from({ length: SLOTS }, (_, slot) => `clusterpulse:${cluster}:slot:${slot}`));
    return holders.every((holder, slot) => holder === ownerOf(slot, live));
  } finally {
    redis.disconnect();
  }
}

/** The member that applies a maker's reports, by the servers' own rule. */
export function ownerOfMaker(enterpriseId: string, live: string[]): string | null {
  return ownerOf(slotOf(enterpriseId, SLOTS), live);
}


/**
 * What a TCP load balancer does for the simulator: each new connection goes to the next broker
 * in turn, skipping those marked down (as a health check would).
 */
export class RoundRobin {
  private next = 0;
  readonly down = new Set<number>();
  constructor(private readonly ports: number[]) {}

  readonly transport = (): net.Socket => {
    const up = this.ports.filter((p) => !this.down.has(p));
    const port = up[this.next++ % up.length];
    return net.connect(port, '127.0.0.1');
  };
}

/**
 * The simulator's makers on the brokers of `ports`, each new connection to the next one up
 * (`round`), its clock paused for the test to move: short report intervals and reconnects, and a
 * drain that waits for every acknowledgement when it stops (`timing` changes those).
 */
export function simulateSpread(
  cluster: string,
  ports: number[],
  round: RoundRobin,
  makers: number,
  seed: number,
  timing: Partial<Pick<SimulationOptions, 'reportIntervalMs' | 'reconnectPeriodMs' | 'drainTimeoutMs'>> = {},
): SimulationHandle {
  return startSimulation({
    brokerUrl: `mqtt://127.0.0.1:${ports[0]}`,
    transport: round.transport,
    cluster,
    makers,
    seed,
    scenario: 'digital-2020',
    paused: true,
    control: false,
    reportIntervalMs: 200,
    tickMs: 20,
    reconnectPeriodMs: 200,
    drainTimeoutMs: 30_000,
    ...timing,
  });
}

export interface Totals {
  reports: number;
  salesFen: number;
  good: number;
  defective: number;
  energyWh: number;
}

export interface ServerView {
  totals: Totals;
  perMaker: Record<string, number>;
  duplicates: number;
  /** Every figure the KPIs derive from the totals: run-rate, projection, OEE, energy per piece. */
  derived: Pick<ClusterKpisResponse, 'sales' | 'production' | 'oee' | 'kwhPer1000Pieces' | 'simDate'>;
}

async function get<T>(httpPort: number, route: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${httpPort}${route}`);
  if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The cluster totals one instance's REST API reports: applied reports, and sums over its history. */
export async function readView(httpPort: number, year = 2020): Promise<ServerView> {
  const [k, history, makers] = await Promise.all([
    get<ClusterKpisResponse>(httpPort, ApiRoutes.kpis),
    get<DailyHistoryResponse>(httpPort, ApiRoutes.dailyHistory),
    get<EnterpriseListResponse>(httpPort, `${ApiRoutes.enterprises}?limit=1000&sort=name&order=asc&year=${year}`),
  ]);
  const sum = (field: 'salesFen' | 'good' | 'defective' | 'energyWh') => history.days.reduce((total, day) => total + day[field], 0);
  return {
    totals: { reports: k.ingest.accepted, salesFen: sum('salesFen'), good: sum('good'), defective: sum('defective'), energyWh: sum('energyWh') },
    perMaker: Object.fromEntries(makers.enterprises.filter((e) => e.yearToDateFen > 0).map((e) => [e.id, e.yearToDateFen])),
    duplicates: k.ingest.duplicates,
    derived: { sales: k.sales, production: k.production, oee: k.oee, kwhPer1000Pieces: k.kwhPer1000Pieces, simDate: k.simDate },
  };
}

export function ledgerTotals(t: LedgerTotals): Totals {
  return { reports: t.reports, salesFen: t.salesFen, good: t.good, defective: t.defective, energyWh: t.energyWh };
}

/** Per maker revenue from a simulator ledger (gateway id `cluster.maker.gw`). */
export function ledgerPerMaker(gateways: Record<string, { salesFen: number }>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(gateways)
      .filter(([, g]) => g.salesFen > 0)
      .map(([id, g]) => [id.split('.')[1], g.salesFen]),
  );
}

export async function brokerClients(httpPort: number): Promise<number> {
  const health = await get<{ info: { broker: { clients: number } } }>(httpPort, OpsRoutes.health);
  return health.info.broker.clients;
}

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The built server as its own process, as operators run it. */
export async function launchServer(env: Record<string, string>, httpPort: number): Promise<Proc> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps/server/dist/main.js')], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', FLUSH_INTERVAL_MS: '200', ...env, PORT: String(httpPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: Proc = { child, output: () => output, exited };
  await waitFor(
    () => fetch(`http://127.0.0.1:${httpPort}${OpsRoutes.health}`).then((r) => r.status, () => (child.exitCode !== null ? -1 : 0)),
    (status) => status === 200 || status === -1,
    60_000,
  );
  if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
  return proc;
}

export async function stopProcess(proc: Proc | undefined, signal: NodeJS.Signals): Promise<number | null> {
  if (!proc) return null;
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.child.exitCode;
  proc.child.kill(signal);
  return proc.exited;
}

/** Two cluster-mode instances as processes, sharing a fresh PostgreSQL database and Redis. */
export interface InstancePair {
  cluster: string;
  databaseUrl: string;
  a: Proc;
  b: Proc;
  httpA: number;
  httpB: number;
  mqttA: number;
  mqttB: number;
}

/**
 * For a describe block whose tests run server processes: builds the server once, and after each
 * test stops the simulator it tracks, kills the processes and runs the cleanups, last first.
 */
export function withServerProcesses() {
  const procs: Proc[] = [];
  const cleanup: Array<() => Promise<void>> = [];
  let sim: SimulationHandle | undefined;

  beforeAll(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'apps/server'], { cwd: repoRoot, stdio: 'inherit' });
  });

  afterEach(async () => {
    await sim?.stop().catch(() => undefined);
    sim = undefined;
    for (const p of procs.splice(0)) await stopProcess(p, 'SIGKILL');
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
  });

  return {
    /** Server processes to kill after the test, besides the pair's. */
    procs,
    /** The simulator to stop after the test. */
    track(handle: SimulationHandle): SimulationHandle {
      sim = handle;
      return handle;
    },
    /** Instances a and b (with `env` besides their cluster settings), both members before it returns. */
    async startPair(env: Record<string, string> = {}): Promise<InstancePair> {
      const cluster = uniqueClusterId();
      const db = await freshDatabase('postgresql');
      cleanup.push(() => db.drop(), () => cleanRedis(cluster));
      const [httpA, httpB, mqttA, mqttB] = [await freePort(), await freePort(), await freePort(), await freePort()];
      const a = await launchServer({ ...clusterEnv(cluster, db.url, 'a'), MQTT_PORT: String(mqttA), ...env }, httpA);
      procs.push(a);
      const b = await launchServer({ ...clusterEnv(cluster, db.url, 'b'), MQTT_PORT: String(mqttB), ...env }, httpB);
      procs.push(b);
      await waitFor(() => members(cluster), (m) => m.length === 2, 10_000);
      return { cluster, databaseUrl: db.url, a, b, httpA, httpB, mqttA, mqttB };
    },
  };
}
