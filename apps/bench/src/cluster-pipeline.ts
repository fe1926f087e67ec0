import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ChildProcesses } from './child-processes';
import { ServerProcess, freePort } from './server-process';

/** Redis of the two-instance mode: a database number of its own, emptied before and after each phase. */
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

/** The load balancer of the compose profile `scale`, run as is. */
export const HAPROXY_CONFIG = path.resolve(__dirname, '../../../deploy/haproxy.cfg');

/**
 * Empties the bench's Redis database over a bare RESP connection (the bench has no Redis client
 * of its own): leftover leases, members and retained states of an earlier phase would skew this one.
 */
export async function flushRedisDatabase(url = BENCH_REDIS_URL): Promise<void> {
  const parsed = new URL(url);
  const db = parsed.pathname.slice(1) || '0';
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(Number(parsed.port || 6379), parsed.hostname);
    let replies = '';
    socket.on('data', (chunk) => {
      replies += chunk.toString();
      if (replies.split('\r\n').filter(Boolean).length >= 2) {
        socket.end();
        if (/^-/m.test(replies)) reject(new Error(`Redis refused: ${replies.trim()}`));
        else resolve();
      }
    });
    socket.once('error', reject);
    socket.write(`SELECT ${db}\r\nFLUSHDB\r\n`);
  });
}

export interface ClusterInstances {
  servers: ServerProcess[];
  balancer: ChildProcess;
  balancerExit(): string | null;
  httpPort: number;
  mqttPort: number;
  pids(): number[];
  stop(): Promise<void>;
}

/**
 * Two servers in cluster mode on one PostgreSQL database and the bench's Redis, behind HAProxy
 * with deploy/haproxy.cfg: the gateways dial the balancer's one MQTT port, as in the compose
 * profile `scale`. The second server starts once the first has migrated the database.
 */
export async function startClusterInstances(
  children: ChildProcesses,
  options: { databaseUrl: string; cluster: string; pushIntervalMs?: number; leaseMs?: number; quiet: boolean },
): Promise<ClusterInstances> {
  await flushRedisDatabase();
  const leaseMs = options.leaseMs ?? 10_000;
  const servers: ServerProcess[] = [];
  for (const id of ['bench-1', 'bench-2']) {
    const server = new ServerProcess(children);
    servers.push(server);
    await server.start({
      databaseUrl: options.databaseUrl,
      pushIntervalMs: options.pushIntervalMs,
      quiet: options.quiet,
      env: {
        CLUSTER_MODE: 'redis',
        REDIS_URL: BENCH_REDIS_URL,
        INSTANCE_ID: id,
        CLUSTER_ID: options.cluster,
        CLUSTER_LEASE_MS: String(leaseMs),
      },
    });
  }
  // The slots move to the second instance over a few heartbeats (a quarter lease each); a gateway
  // connected while its slot moves is dropped to replay, which the load generator does not do.
  await new Promise((resolve) => setTimeout(resolve, leaseMs));
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LB_BIND: '127.0.0.1',
    LB_MQTT_PORT: String(mqttPort),
    LB_HTTP_PORT: String(httpPort),
  };
  servers.forEach((s, i) => {
    env[`SERVER_${i + 1}_HOST`] = '127.0.0.1';
    env[`SERVER_${i + 1}_MQTT_PORT`] = String(s.mqttPort);
    env[`SERVER_${i + 1}_HTTP_PORT`] = String(s.httpPort);
  });
  // HAProxy sizes its connection limit from the open-file limit: raise it as for every child.
  const balancer = spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec haproxy -db -f "$1"', 'sh', HAPROXY_CONFIG], {
    env,
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  let exitReason: string | null = null;
  balancer.once('exit', (code, signal) => (exitReason = `haproxy exited (${code ?? signal})`));
  const stopAll = async () => {
    if (balancer.exitCode === null && balancer.signalCode === null) {
      const exited = new Promise((resolve) => balancer.once('exit', resolve));
      balancer.kill('SIGTERM');
      await exited;
    }
    for (const s of servers.reverse()) await s.stop();
    await flushRedisDatabase().catch(() => undefined);
  };
  // Both backends healthy through the balancer's HTTP side before load starts.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitReason) {
      await stopAll();
      throw new Error(`${exitReason}: is haproxy installed (apt-get install haproxy)?`);
    }
    const ok = await fetch(`http://127.0.0.1:${httpPort}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stopAll();
      throw new Error('the balancer did not answer within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    servers,
    balancer,
    balancerExit: () => exitReason ?? servers.map((s) => s.exitReason).find((r) => r !== null) ?? null,
    httpPort,
    mqttPort,
    pids: () => [...servers.map((s) => s.pid), ...(balancer.pid ? [balancer.pid] : [])],
    stop: stopAll,
  };
}
