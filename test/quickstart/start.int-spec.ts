// The quick start's one command, as the README gives it: scripts/start.mjs (what `npm start` runs
// after its build) provisions the gateways, starts the server and the simulator feeding it, serves
// the dashboard, and stops everything on Ctrl-C. `npm test` builds first, as `npm start` does.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiRoutes, type IngestStats } from '@clusterpulse/contracts';
import { childPids } from '../../apps/bench/src/proc-stats';
import { alive, commandOf, freePort, waitFor } from '../../apps/server/test/harness';

const root = path.resolve(__dirname, '../..');
const MAKERS = 12;

jest.setTimeout(180_000);

function environmentOf(pid: number): Map<string, string> {
  const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

describe('npm start (scripts/start.mjs)', () => {
  let dir: string;
  let demo: ChildProcess | undefined;
  // Its server and simulator once found: a failed test must not leave them running on their own.
  let started: number[] = [];
  let output = '';

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterpulse-start-'));
  });

  afterAll(() => {
    if (demo?.pid !== undefined && demo.exitCode === null && demo.signalCode === null) {
      started.push(...childPids(demo.pid));
      demo.kill('SIGKILL');
    }
    for (const pid of started.filter(alive)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the server with the simulator feeding it and the dashboard served, and stops both on Ctrl-C', async () => {
    const httpPort = await freePort();
    const mqttPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(httpPort),
      MQTT_PORT: String(mqttPort),
      DATABASE_URL: `file:${path.join(dir, 'demo.db')}`,
      CREDENTIALS_FILE: path.join(dir, 'credentials.json'),
    };
    // What the script itself gives the server, not what the test runner's environment holds.
    delete env.MALLOC_ARENA_MAX;
    delete env.MQTT_FRONTS;
    delete env.CLUSTER_MODE;
    const script = spawn(process.execPath, ['scripts/start.mjs', '--makers', String(MAKERS)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    demo = script;
    script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => script.on('exit', (code, signal) => resolve({ code, signal })));
    const base = `http://127.0.0.1:${httpPort}`;

    try {
      // Reports of the simulator's makers reach the server and are applied.
      const stats = await waitFor(
        async () => {
          try {
            const res = await fetch(base + ApiRoutes.ingestStats);
            return res.ok ? ((await res.json()) as IngestStats) : null;
          } catch {
            return null;
          }
        },
        (s) => s !== null && s.accepted > 0,
        120_000,
      );
      expect(stats!.rejected).toBe(0);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- output of npm start ---\n${output.slice(-4000)}`);
    }

    // The dashboard, from the same server.
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>ClusterPulse</title>');
    expect(output).toContain(`ClusterPulse dashboard: http://localhost:${httpPort}`);

    // Its gateways were provisioned into the file the simulator reads.
    const credentials = JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf8')) as unknown;
    expect(JSON.stringify(credentials)).toContain('"secret"');

    // The server and the simulator are its processes; the server has the script's process environment.
    const children = childPids(script.pid!);
    started = children;
    const server = children.find((pid) => commandOf(pid).some((arg) => arg.endsWith(path.join('apps', 'server', 'dist', 'main.js'))));
    const simulator = children.find((pid) => commandOf(pid).some((arg) => arg.endsWith(path.join('apps', 'simulator', 'dist', 'main.js'))));
    expect(server).toBeDefined();
    expect(simulator).toBeDefined();
    expect(environmentOf(server!).get('MALLOC_ARENA_MAX')).toBe('2');
    expect(environmentOf(simulator!).has('MALLOC_ARENA_MAX')).toBe(false);

    // Ctrl-C: both stop, and so does the script, with success (it exits once it has reaped both).
    script.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    await waitFor(
      () => [server!, simulator!].filter(alive),
      (left) => left.length === 0,
      20_000,
    );
    expect(output).not.toMatch(/exited \(|stopping the demo/);
  });
});
