import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  birthPayloadSchema,
  encodePayload,
  gatewayClientId,
  gatewayTopic,
  reportPayloadSchema,
  type BirthPayload,
  type GatewayAddress,
  type ReportPayload,
} from '@clusterpulse/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { Client as PgClient } from 'pg';
import { bootstrap, type RunningServer } from '../src/bootstrap';

export const CLUSTER = 'test-cluster';

/** Databases the integration tests run on: SQLite always, PostgreSQL when the machine has one. */
export const DATABASES = ['sqlite', 'postgresql'] as const;
export type TestDatabase = (typeof DATABASES)[number];

export const PG_BASE_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** A fresh, empty database for one test file; `drop` removes it in teardown. */
export async function freshDatabase(kind: TestDatabase): Promise<{ url: string; drop(): Promise<void> }> {
  const tag = `t${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterpulse-int-'));
    return { url: `file:${path.join(dir, 'test.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `cp_${tag}`;
  return {
    url: `${PG_BASE_URL}?schema=${schema}`,
    drop: async () => {
      const client = new PgClient({ connectionString: PG_BASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export function startServer(databaseUrl: string, extra: Record<string, string> = {}): Promise<RunningServer> {
  return bootstrap(
    {
      PORT: '0',
      MQTT_PORT: '0',
      DATABASE_URL: databaseUrl,
      CLUSTER_ID: CLUSTER,
      LOG_LEVEL: 'silent',
      FLUSH_INTERVAL_MS: '100',
      PUSH_INTERVAL_MS: '250',
      MQTT_ALLOW_ANONYMOUS: 'true',
      ...extra,
    },
    {},
  );
}

export async function connect(port: number, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
  client.removeAllListeners('error');
  client.on('error', () => undefined);
  return client;
}

export async function connectGateway(port: number, address: GatewayAddress, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return connect(port, { clientId: gatewayClientId(address), ...options });
}

export async function closeClient(client: MqttClient | undefined): Promise<void> {
  if (client) await client.endAsync(true);
}

/** Polls until the check passes or the deadline ends; returns the last value. */
export async function waitFor<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 25));
    value = await read();
  }
  return value;
}

export async function getJson<T>(server: RunningServer, route: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${server.httpPort}${route}`);
  if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function birth(seq = 0, overrides: Partial<BirthPayload['enterprise']> = {}): string {
  return encodePayload(birthPayloadSchema, {
    v: 1,
    seq,
    ts: Date.UTC(2020, 2, 2, 1, 0, 0),
    enterprise: { name: 'Little Sprout Garments', town: 'Waxing', park: 'North Park', category: 'babywear', digitization: 0.6, employees: 40, ...overrides },
    devices: [
      { id: 'sew-1', kind: 'sewing-line', line: 'L1' },
      { id: 'meter', kind: 'energy-meter' },
    ],
  });
}

/** A report with round, recognisable figures; `n` varies them so sums are checkable. */
export function report(seq: number, n = seq, state: 'running' | 'fault' = 'running'): { payload: string; value: ReportPayload } {
  const value: ReportPayload = {
    v: 1,
    seq,
    ts: Date.UTC(2020, 2, 2, 2, 0, 0) + seq * 60_000,
    intervalMs: 60_000,
    sales: [
      { channel: 'ecommerce', category: 'babywear', orders: n, pieces: 3 * n, amountFen: 12_345 * n },
      { channel: 'export', category: 'tops', orders: 1, pieces: 10, amountFen: 100_001 },
    ],
    production: [{ category: 'babywear', good: 20 * n, defective: n }],
    energyWh: 500 * n,
    devices: [
      { id: 'sew-1', kind: 'sewing-line', state, plannedMs: 60_000, runMs: 50_000, good: 20 * n, defective: n, idealCycleMs: 2_000, energyWh: 400 * n },
    ],
  };
  return { payload: encodePayload(reportPayloadSchema, value), value };
}

export function reportTopic(address: GatewayAddress): string {
  return gatewayTopic(address, 'report');
}

/** The command line of process `pid`: the program, then its arguments (Linux: /proc/<pid>/cmdline). */
export function commandOf(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

/** Whether process `pid` still exists (one this process may signal). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A TCP port free right now, for a server process a test starts (it binds the port itself). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}
