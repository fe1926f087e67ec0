import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { PhaseResult } from '../src/bench-runner';
import { SERVER_MAIN } from '../src/server-process';

const BENCH_DIR = path.resolve(__dirname, '..');
const BENCH_MAIN = path.join(BENCH_DIR, 'dist', 'main.js');

/** Runs the compiled bench with these flags; its output, or an error with it if it exits non-zero. */
async function runBench(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [BENCH_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench exited with ${code}:\n${output}`);
  return output;
}

/**
 * The benchmark end to end with small numbers: the raw broker and the real server each take a
 * few seconds of load from 50 gateways. Only that it ran, that both phases measured something and
 * that the counts add up is asserted; speed belongs to `npm run bench`, not to a test.
 */
describe('npm run bench (smoke)', () => {
  let dir: string;

  beforeAll(async () => {
    if (!fs.existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run npm run build first`);
    // Load workers and the raw broker run as separate node processes from compiled files.
    await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', BENCH_DIR]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('measures the raw broker and the pipeline with 50 gateways, and every report sent is accounted for', async () => {
    const json = path.join(dir, 'results.json');
    const args = ['--gateways', '50', '--duration', '3', '--warmup', '1', '--drain', '10', '--ws-clients', '2', '--json', json];
    const output = await runBench(args);

    const { results } = JSON.parse(fs.readFileSync(json, 'utf8')) as { results: PhaseResult[] };
    expect(results.map((r) => r.phase).sort()).toEqual(['pipeline', 'raw-broker']);
    for (const r of results) {
      expect(r.gateways).toBe(50);
      expect(r.connected).toBe(50);
      expect(r.sustainedPerSecond).toBeGreaterThan(0);
      expect(r.cpuSecondsPer1000).not.toBeNull();
      expect(r.rssBytesMax).not.toBeNull();
      // One process: its RSS says it all.
      expect(r.rssBytesMaxPerProcess).toBeNull();
      // One sample a second of the 3 s window: RSS and lag, and the lag's growth fitted over them.
      expect(r.rssSeries.length).toBeGreaterThanOrEqual(2);
      expect(r.lagSeries.length).toBe(r.rssSeries.length);
      expect(r.lagGrowthPerSecond).not.toBeNull();
      expect(r.counts.sent).toBeGreaterThan(0);
      expect(r.counts.applied + r.counts.rejected + r.counts.duplicates).toBe(r.counts.sent);
      expect(r.counts.addsUp).toBe(true);
    }
    const pipeline = results.find((r) => r.phase === 'pipeline')!;
    expect(pipeline.counts.rejected).toBe(0);
    expect(pipeline.kpisFrames).toBeGreaterThan(0);
    expect(pipeline.latencyP50Ms).not.toBeNull();
    expect(output).toContain('adds up');
  }, 180_000);
});

describe('npm run bench --fronts (smoke)', () => {
  it('runs the pipeline with the gateway sockets in front processes, and its counts add up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-fronts-'));
    try {
      const json = path.join(dir, 'results.json');
      const loadProfiles = path.join(dir, 'load');
      // Profiled: the server and its fronts by --cpu-prof, the load processes by their own flags.
      const profiling = ['--cpu-prof', '--out', dir, '--load-node-arg', '--cpu-prof', '--load-node-arg', `--cpu-prof-dir=${loadProfiles}`];
      const args = ['--gateways', '50', '--phases', 'pipeline', '--fronts', '2', '--duration', '3', '--warmup', '1', '--drain', '10', '--ws-clients', '1', '--json', json, ...profiling];
      const output = await runBench(args);

      const [r] = (JSON.parse(fs.readFileSync(json, 'utf8')) as { results: PhaseResult[] }).results;
      expect(r.fronts).toBe(2);
      expect(r.connected).toBe(50);
      expect(r.connectedServerSide).toBe(50);
      expect(r.counts.sent).toBeGreaterThan(0);
      expect(r.counts.addsUp).toBe(true);
      expect(r.counts.rejected).toBe(0);
      // Three processes measured: their memory with the binary's pages counted once is below the sum of their RSS.
      expect(r.residentOnceBytesMax).not.toBeNull();
      expect(r.residentOnceBytesMax!).toBeLessThan(r.rssBytesMax!);
      // Each process's own peak: the server's and both fronts', which together reach the summed peak.
      expect(r.rssBytesMaxPerProcess).toHaveLength(3);
      for (const bytes of r.rssBytesMaxPerProcess!) expect(bytes).toBeGreaterThan(10 * 2 ** 20);
      expect(r.rssBytesMaxPerProcess!.reduce((sum, bytes) => sum + bytes, 0)).toBeGreaterThanOrEqual(r.rssBytesMax!);
      expect(output).toMatch(/per process at most \d+ \/ \d+ \/ \d+ MiB/);
      expect(r.notes.join('\n')).toContain('gateway sockets in 2 front processes');

      // Profiles (CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile) of one server process, its main
      // thread among them, of two fronts, and of the load process.
      const pidsIn = (folder: string) => new Set(fs.readdirSync(folder).filter((name) => name.endsWith('.cpuprofile')).map((name) => name.split('.')[3]));
      const [serverProfiles] = fs.readdirSync(dir).filter((name) => name.startsWith('cpu-prof-'));
      expect(output).toContain(`cpu profile of the server written to ${path.join(dir, serverProfiles)}, of its fronts to`);
      expect(pidsIn(path.join(dir, serverProfiles)).size).toBe(1);
      expect(fs.readdirSync(path.join(dir, serverProfiles)).some((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name))).toBe(true);
      expect(pidsIn(path.join(dir, serverProfiles, 'fronts')).size).toBe(2);
      expect(pidsIn(loadProfiles).size).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
