import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { ApiRoutes, gatewayTopic, type ClusterKpisResponse } from '@clusterpulse/contracts';
import { CLUSTER, birth, closeClient, connectGateway, freePort, freshDatabase, getJson, report, reportTopic, startServer, waitFor } from './harness';

jest.setTimeout(90_000);

const serverDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(serverDir, '../..');
const main = path.join(serverDir, 'dist/main.js');

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, LOG_LEVEL: 'warn', CLUSTER_ID: CLUSTER, MQTT_ALLOW_ANONYMOUS: 'true', ...extra };
}

describe('the server process', () => {
  beforeAll(() => {
    // The process tests run the built server, as operators do.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', serverDir], { cwd: repoRoot, stdio: 'inherit' });
  });

  it('exits non-zero naming the variable when one is invalid', () => {
    const run = spawnSync(process.execPath, [main], { env: baseEnv({ PUSH_INTERVAL_MS: 'fast', PORT: '0', MQTT_PORT: '0' }), encoding: 'utf8', timeout: 30_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('PUSH_INTERVAL_MS');
  });

  it('says which variable to change when the MQTT port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    try {
      const { port } = blocker.address() as net.AddressInfo;
      const db = await freshDatabase('sqlite');
      const run = spawnSync(process.execPath, [main], { env: baseEnv({ PORT: '0', MQTT_PORT: String(port), DATABASE_URL: db.url }), encoding: 'utf8', timeout: 30_000 });
      await db.drop();
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`MQTT port ${port} is in use (often a system Mosquitto): set MQTT_PORT to a free port`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('loses nothing on SIGTERM: it flushes, exits 0, and a restart shows the same totals', async () => {
    const db = await freshDatabase('sqlite');
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    // A flush interval longer than the test: only the shutdown's final flush can persist the reports.
    const child: ChildProcess = spawn(process.execPath, [main], {
      env: baseEnv({ PORT: String(httpPort), MQTT_PORT: String(mqttPort), DATABASE_URL: db.url, FLUSH_INTERVAL_MS: '60000' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const maker = { cluster: CLUSTER, enterprise: 'term', gateway: 'gw1' };
    let restarted: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const fake = { httpPort } as Parameters<typeof getJson>[0];
      await waitFor(() => getJson<ClusterKpisResponse>(fake, ApiRoutes.kpis).catch(() => null), (k) => k !== null, 30_000);
      const gateway = await connectGateway(mqttPort, maker);
      await gateway.publishAsync(gatewayTopic(maker, 'birth'), birth(0), { qos: 1 });
      for (let seq = 1; seq <= 20; seq++) await gateway.publishAsync(reportTopic(maker), report(seq).payload, { qos: 1 });
      const before = await waitFor(() => getJson<ClusterKpisResponse>(fake, ApiRoutes.kpis), (k) => k.ingest.accepted === 20);
      child.kill('SIGTERM');
      const code = await exited;
      await closeClient(gateway);
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

      restarted = await startServer(db.url);
      const after = await getJson<ClusterKpisResponse>(restarted, ApiRoutes.kpis);
      expect(after.sales.yearToDateFen).toBe(before.sales.yearToDateFen);
      expect(after.production).toEqual(before.production);
      expect(after.ingest.accepted).toBe(20);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await restarted?.close();
      await db.drop();
    }
  });

  // The heap's growth factor is a process-wide V8 setting: the entry point sets it, not bootstrap.
  it('applies HEAP_GROWING_PERCENT once it runs, and logs what it set', async () => {
    const db = await freshDatabase('sqlite');
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const child: ChildProcess = spawn(process.execPath, [main], {
      env: baseEnv({ LOG_LEVEL: 'info', HEAP_GROWING_PERCENT: '37', PORT: String(httpPort), MQTT_PORT: String(mqttPort), DATABASE_URL: db.url }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => output, (text) => text.includes('HEAP_GROWING_PERCENT=37'), 30_000);
      expect(output).toContain('up to 1.37 times what the last one kept');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await db.drop();
    }
  });
});
