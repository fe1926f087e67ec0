import * as net from 'node:net';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ApiRoutes, OpsRoutes, type ClusterKpisResponse, type IngestStats } from '@clusterpulse/contracts';
import type { ChildProcesses } from './child-processes';

/** The compiled ClusterPulse server, resolved from this package so the bench runs from any cwd. */
export const SERVER_MAIN = path.resolve(__dirname, '../../server/dist/main.js');

/**
 * The environment `npm start` and the server's image give the server's process
 * (scripts/server-env.cjs); spread before `process.env`, so a variable set there wins.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { SERVER_PROCESS_ENV } = require(path.resolve(__dirname, '../../../scripts/server-env.cjs')) as { SERVER_PROCESS_ENV: Readonly<Record<string, string>> };

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServerOptions {
  databaseUrl: string;
  pushIntervalMs?: number;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  cwd?: string;
  quiet?: boolean;
  /** Further server variables, e.g. cluster mode's. */
  env?: Record<string, string>;
}

/** The real server (apps/server/dist/main.js) in its own process, on loopback ports of its own. */
export class ServerProcess {
  child: ChildProcess | null = null;
  /** Set once the server process has ended, e.g. `server exited (1)`. */
  exitReason: string | null = null;
  httpPort = 0;
  mqttPort = 0;

  constructor(private readonly children: ChildProcesses) {}

  get pid(): number {
    if (!this.child?.pid) throw new Error('server is not running');
    return this.child.pid;
  }

  async start(options: ServerOptions, readyTimeoutMs = 60_000): Promise<void> {
    this.httpPort = await freePort();
    this.mqttPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...SERVER_PROCESS_ENV,
      ...process.env,
      PORT: String(this.httpPort),
      MQTT_PORT: String(this.mqttPort),
      DATABASE_URL: options.databaseUrl,
      // Gateways connect without provisioned secrets: the bench measures the pipeline, not sha256 at CONNECT.
      MQTT_ALLOW_ANONYMOUS: 'true',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...options.env,
    };
    if (options.pushIntervalMs) env.PUSH_INTERVAL_MS = String(options.pushIntervalMs);
    const child = this.children.spawnNode(SERVER_MAIN, [], { env, nodeArgs: options.nodeArgs, cwd: options.cwd, quiet: options.quiet });
    this.child = child;
    this.exitReason = null;
    child.once('exit', (code, signal) => (this.exitReason = `server exited (${code ?? signal})`));
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (this.exitReason) throw new Error(`${this.exitReason} before it was ready`);
      try {
        await this.ingestStats();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw new Error(`server did not answer ${ApiRoutes.ingestStats} within ${readyTimeoutMs} ms`);
  }

  async ingestStats(): Promise<IngestStats> {
    const response = await fetch(`http://127.0.0.1:${this.httpPort}${ApiRoutes.ingestStats}`);
    if (!response.ok) throw new Error(`${ApiRoutes.ingestStats}: HTTP ${response.status}`);
    return (await response.json()) as IngestStats;
  }

  async kpis(): Promise<ClusterKpisResponse> {
    const response = await fetch(`http://127.0.0.1:${this.httpPort}${ApiRoutes.kpis}`);
    if (!response.ok) throw new Error(`${ApiRoutes.kpis}: HTTP ${response.status}`);
    return (await response.json()) as ClusterKpisResponse;
  }

  /** Prometheus text from OpsRoutes.metrics, or null if the server exposes none. */
  async metrics(): Promise<Map<string, number> | null> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.httpPort}${OpsRoutes.metrics}`);
      if (!response.ok) return null;
      return parsePrometheus(await response.text());
    } catch {
      return null;
    }
  }

  async stop(): Promise<void> {
    if (this.child) await this.children.stop(this.child, 15_000);
    this.child = null;
  }
}

/** Sample lines of the Prometheus text format, keyed by name{labels}. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}
