import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { OpsRoutes } from '@clusterpulse/contracts';
import { NON_MQTT_DESCRIPTORS } from '../src/broker/fd-limit';
import { CLUSTER, freePort, freshDatabase, waitFor } from './harness';

jest.setTimeout(90_000);

const serverDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(serverDir, '../..');
const main = path.join(serverDir, 'dist/main.js');

/** Opens a TCP connection and waits until it is either established or closed by the server. */
function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

describe('a broker at its open-file limit', () => {
  const limit = NON_MQTT_DESCRIPTORS + 150;
  let child: ChildProcess;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const sockets: net.Socket[] = [];

  beforeAll(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', serverDir], { cwd: repoRoot, stdio: 'inherit' });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await db?.drop();
  });

  it('refuses gateways over its cap and keeps HTTP answering', async () => {
    db = await freshDatabase('sqlite');
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    // The shell lowers both limits (Node would raise a lower soft limit to the hard one).
    child = spawn('/bin/sh', ['-c', `ulimit -n ${limit} && exec "${process.execPath}" "${main}"`], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', CLUSTER_ID: CLUSTER, MQTT_ALLOW_ANONYMOUS: 'true', PORT: String(httpPort), MQTT_PORT: String(mqttPort), DATABASE_URL: db.url },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const health = async () => (await fetch(`http://127.0.0.1:${httpPort}${OpsRoutes.health}`).catch(() => null))?.status ?? 0;
    await waitFor(health, (status) => status === 200, 30_000);

    // More connections than the process has descriptors at all.
    for (let i = 0; i < limit + 100; i++) sockets.push(await connect(mqttPort));
    const open = sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stillOpen = open.filter((socket) => !socket.destroyed && socket.readyState === 'open').length;
    expect(stillOpen).toBeLessThanOrEqual(150);
    expect(stillOpen).toBeGreaterThan(0);
    expect(await health()).toBe(200);
  });
});
