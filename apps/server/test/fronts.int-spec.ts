import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiRoutes, OpsRoutes, gatewayTopic, type ClusterKpisResponse, type GatewayAddress } from '@clusterpulse/contracts';
import type { MqttClient } from 'mqtt';
import { childPids } from '../../bench/src/proc-stats';
import { FRONT_RESERVED_DESCRIPTORS } from '../src/broker/front-process';
import { LINKS_PER_FRONT } from '../src/broker/fronts';
import { CLUSTER, alive, birth, closeClient, commandOf, connectGateway, freePort, freshDatabase, getJson, report, reportTopic, waitFor } from './harness';

jest.setTimeout(120_000);

const serverDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(serverDir, '../..');
const main = path.join(serverDir, 'dist/main.js');

/** Sockets a process holds (TCP and socket pairs) beyond its standard input and output, from its descriptors. */
function sockets(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    if (Number(fd) <= 2) return false;
    try {
      return fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}

const gatewayOf = (i: number): GatewayAddress => ({ cluster: CLUSTER, enterprise: `front-${i}`, gateway: 'gw1' });

describe('MQTT_FRONTS: gateway sockets in front processes', () => {
  // Fewer descriptors than gateways for every process: the server alone could hold none of them.
  const limit = 300;
  const gateways = 400;
  let child: ChildProcess;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let httpPort: number;
  let mqttPort: number;
  const clients: MqttClient[] = [];
  let output = '';

  const kpis = () => getJson<ClusterKpisResponse>({ httpPort } as Parameters<typeof getJson>[0], ApiRoutes.kpis);
  const metrics = async () => (await fetch(`http://127.0.0.1:${httpPort}${OpsRoutes.metrics}`)).text();
  const metric = (text: string, name: string) => [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].map((m) => Number(m[1]));
  const connectedMetric = async () => metric(await metrics(), 'clusterpulse_gateways_connected')[0];

  beforeAll(async () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', serverDir], { cwd: repoRoot, stdio: 'inherit' });
    db = await freshDatabase('sqlite');
    [httpPort, mqttPort] = [await freePort(), await freePort()];
    // The shell lowers both limits (Node would raise a lower soft limit to the hard one); the fronts inherit them.
    child = spawn('/bin/sh', ['-c', `ulimit -n ${limit} && exec "${process.execPath}" "${main}"`], {
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'info',
        CLUSTER_ID: CLUSTER,
        MQTT_ALLOW_ANONYMOUS: 'true',
        MQTT_FRONTS: '2',
        MQTT_FRONT_NODE_ARGS: ' --max-old-space-size=256  --trace-uncaught',
        FLUSH_INTERVAL_MS: '100',
        PORT: String(httpPort),
        MQTT_PORT: String(mqttPort),
        DATABASE_URL: db.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    await waitFor(() => kpis().catch(() => null), (k) => k !== null, 30_000);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => closeClient(client)));
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await db?.drop();
  });

  it('carries more gateways than any one process has descriptors, every report applied', async () => {
    expect(output).toContain(`at most ${2 * (limit - FRONT_RESERVED_DESCRIPTORS)} connections in 2 front processes`);
    const fronts = childPids(child.pid!);
    expect(fronts).toHaveLength(2);
    // Each runs with its own flag and those of MQTT_FRONT_NODE_ARGS, not with the server's.
    for (const pid of fronts) expect(commandOf(pid).slice(1, 4)).toEqual(['--max-semi-space-size=1', '--max-old-space-size=256', '--trace-uncaught']);

    for (let i = 0; i < gateways; i++) clients.push(await connectGateway(mqttPort, gatewayOf(i)));
    await Promise.all(clients.map((client, i) => client.publishAsync(gatewayTopic(gatewayOf(i), 'birth'), birth(0), { qos: 1 })));
    await Promise.all(clients.map((client, i) => client.publishAsync(reportTopic(gatewayOf(i)), report(1, i + 1).payload, { qos: 1 })));

    const k = await waitFor(kpis, (value) => value.ingest.accepted === gateways, 20_000);
    expect(k.ingest.rejected).toBe(0);
    expect(k.enterprises.online).toBe(gateways);
    expect(await connectedMetric()).toBe(gateways);
    // The sockets are the fronts', spread over both; the server holds its listeners, HTTP and links.
    const held = fronts.map(sockets);
    for (const n of held) expect(n).toBeGreaterThan(gateways / 4);
    expect(held[0] + held[1]).toBeGreaterThanOrEqual(gateways);
    expect(sockets(child.pid!)).toBeLessThan(gateways / 4);

    // /metrics shows each front: its connections, and its own RSS once it has told it (every 5 s).
    const text = await waitFor(metrics, (t) => metric(t, 'clusterpulse_mqtt_front_resident_bytes').every((v) => v > 10 * 2 ** 20), 15_000);
    expect(metric(text, 'clusterpulse_mqtt_front_connections').sort()).toEqual([...held].map((n) => n - LINKS_PER_FRONT - 1).sort());
    expect(metric(text, 'clusterpulse_mqtt_front_resident_bytes')).toHaveLength(2);
    expect(metric(text, 'clusterpulse_mqtt_front_queued_bytes')).toHaveLength(2);
    expect(metric(text, 'clusterpulse_mqtt_front_restarts')).toEqual([0]);
  });

  it('closes the connections of a front that dies and starts it again', async () => {
    const [victim, survivor] = childPids(child.pid!);
    // A front's sockets besides its gateways': its links and its IPC channel.
    const lost = sockets(victim) - LINKS_PER_FRONT - 1;
    expect(lost).toBeGreaterThan(gateways / 4);
    const closed = new Set<number>();
    clients.forEach((client, i) => client.once('close', () => closed.add(i)));
    process.kill(victim, 'SIGKILL');

    await waitFor(() => closed.size, (n) => n === lost, 10_000);
    // Their last wills mark those makers offline; the others stay.
    await waitFor(kpis, (value) => value.enterprises.online === gateways - lost, 10_000);
    expect(await connectedMetric()).toBe(gateways - lost);
    const after = await waitFor(() => childPids(child.pid!), (pids) => pids.length === 2 && !pids.includes(victim), 10_000);
    expect(after).toContain(survivor);
    expect(output).toContain(`exited with SIGKILL; its ${lost} connections closed; starting it again`);
    expect(metric(await metrics(), 'clusterpulse_mqtt_front_restarts')).toEqual([1]);

    // The gateways reconnect, to either front, and report on.
    for (const i of closed) clients[i] = await connectGateway(mqttPort, gatewayOf(i));
    await Promise.all(clients.map((client, i) => client.publishAsync(reportTopic(gatewayOf(i)), report(2, i + 1).payload, { qos: 1 })));
    const k = await waitFor(kpis, (value) => value.ingest.accepted === 2 * gateways, 20_000);
    expect(k.enterprises.online).toBe(gateways);
    expect(k.ingest.rejected).toBe(0);
  });

  it('stops its fronts when it stops', async () => {
    const fronts = childPids(child.pid!);
    expect(fronts).toHaveLength(2);
    const closed = clients.filter((client) => client.connected).map((client) => new Promise((resolve) => client.once('close', resolve)));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    // On their own once the links closed, not killed by the server after its wait.
    await waitFor(() => fronts.filter(alive), (running) => running.length === 0, 3_000);
    expect(output).not.toContain('did not exit');
    await Promise.all(closed);
  });

  it('leaves no front holding gateways when the server is killed', async () => {
    const [http, mqtt] = [await freePort(), await freePort()];
    const killed = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', CLUSTER_ID: CLUSTER, MQTT_ALLOW_ANONYMOUS: 'true', MQTT_FRONTS: '2', PORT: String(http), MQTT_PORT: String(mqtt), DATABASE_URL: db.url },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      await waitFor(() => fetch(`http://127.0.0.1:${http}${OpsRoutes.health}`).then((r) => r.status).catch(() => 0), (status) => status === 200, 30_000);
      const fronts = childPids(killed.pid!);
      expect(fronts).toHaveLength(2);
      const gateway = await connectGateway(mqtt, gatewayOf(0));
      const closed = new Promise((resolve) => gateway.once('close', resolve));
      killed.kill('SIGKILL');
      // The gateway hears that its server is gone, as it would with the socket in the server (its
      // keep-alive alone would take a minute).
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the gateway was not closed')), 5_000).unref())]);
      await waitFor(() => fronts.filter(alive), (running) => running.length === 0, 3_000);
      await closeClient(gateway);
    } finally {
      if (killed.exitCode === null) killed.kill('SIGKILL');
    }
  });
});
