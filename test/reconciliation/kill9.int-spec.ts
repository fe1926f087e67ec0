import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiRoutes, OpsRoutes, type ClusterKpisResponse, type DailyHistoryResponse, type EnterpriseListResponse } from '@clusterpulse/contracts';
import { CLUSTER, DATABASES, freePort, freshDatabase, waitFor, type TestDatabase } from '../../apps/server/test/harness';

/**
 * Reconciliation: the server and the simulator run as separate processes; the server is killed
 * with SIGKILL at random moments while the simulator keeps publishing, and restarted on the same
 * database each time. Once the simulator has stopped cleanly (draining its unacknowledged
 * reports), the revenue, pieces and energy the REST API reports equal the simulator's own ledger
 * exactly, and the number of applied reports equals the number it issued: none lost, none twice.
 */

jest.setTimeout(600_000);

const repoRoot = path.resolve(__dirname, '../..');
const serverMain = path.join(repoRoot, 'apps/server/dist/main.js');
const simulatorMain = path.join(repoRoot, 'apps/simulator/dist/main.js');
const seedScript = path.join(repoRoot, 'apps/server/scripts/seed.js');

const MAKERS = 30;
const SEED = 11;
const KILLS = 3;
/** Reports applied by each server incarnation before it may be killed, so every kill hits a busy server. */
const REPORTS_BEFORE_KILL = 40;

interface LedgerTotals {
  reports: number;
  salesFen: number;
  good: number;
  defective: number;
  energyWh: number;
}
interface LedgerFile {
  totals: LedgerTotals;
  gateways: Record<string, LedgerTotals & { lastSeq: number }>;
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    // The tail is what explains a failure; keep memory bounded over a long run.
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function stop(proc: Proc | undefined, signal: NodeJS.Signals): Promise<number | null> {
  if (!proc) return null;
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.child.exitCode;
  proc.child.kill(signal);
  return proc.exited;
}

describe.each(DATABASES)('kill -9 of the server during a simulator run, on %s', (kind: TestDatabase) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;
  let httpPort: number;
  let mqttPort: number;
  let server: Proc | undefined;
  let simulator: Proc | undefined;
  const log: string[] = [];

  const url = (route: string) => `http://127.0.0.1:${httpPort}${route}`;
  async function get<T>(route: string): Promise<T> {
    const res = await fetch(url(route));
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }
  const kpis = () => get<ClusterKpisResponse>(ApiRoutes.kpis);

  async function startServer(): Promise<void> {
    server = launch([serverMain], {
      PATH: process.env.PATH,
      PORT: String(httpPort),
      MQTT_PORT: String(mqttPort),
      DATABASE_URL: db.url,
      CLUSTER_ID: CLUSTER,
      LOG_LEVEL: 'warn',
      // The default: a second of applied reports lives only in memory when the kill comes.
      FLUSH_INTERVAL_MS: '1000',
      MQTT_ALLOW_ANONYMOUS: 'false',
    });
    const proc = server;
    await waitFor(
      () => fetch(url(OpsRoutes.health)).then((r) => r.status, () => (proc.child.exitCode !== null ? -1 : 0)),
      (status) => status === 200 || status === -1,
      60_000,
    );
    if (proc.child.exitCode !== null) throw new Error(`server exited with ${proc.child.exitCode}:\n${proc.output()}`);
  }

  beforeAll(() => {
    // Both run from their builds, as operators run them.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'apps/server', 'apps/simulator'], { cwd: repoRoot, stdio: 'inherit' });
  });

  beforeEach(async () => {
    db = await freshDatabase(kind);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterpulse-kill9-'));
    [httpPort, mqttPort] = [await freePort(), await freePort()];
  });

  afterEach(async () => {
    await stop(simulator, 'SIGKILL');
    await stop(server, 'SIGKILL');
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends with exactly the revenue, pieces and reports of the simulator ledger', async () => {
    const credentials = path.join(dir, 'credentials.json');
    const ledgerFile = path.join(dir, 'ledger.json');
    execFileSync(process.execPath, [seedScript, '--makers', String(MAKERS), '--seed', String(SEED), '--out', credentials], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, CLUSTER_ID: CLUSTER },
      stdio: ['ignore', 'ignore', 'inherit'],
    });

    await startServer();
    simulator = launch(
      [
        simulatorMain,
        ...['--broker', `mqtt://127.0.0.1:${mqttPort}`, '--cluster', CLUSTER, '--credentials', credentials],
        ...['--makers', String(MAKERS), '--seed', String(SEED), '--scenario', 'digital-2020'],
        // A simulated day every 10 s: the run stays inside 2020, so per-maker year figures compare too.
        ...['--speed', 'day-per-10s', '--report-interval', '0.5', '--ledger', ledgerFile, '--drain', '30'],
      ],
      { PATH: process.env.PATH },
    );

    for (let kill = 1; kill <= KILLS; kill++) {
      const base = (await kpis()).ingest.accepted;
      await waitFor(kpis, (k) => k.ingest.accepted >= base + REPORTS_BEFORE_KILL, 60_000);
      const delay = Math.floor(Math.random() * 1500);
      await new Promise((r) => setTimeout(r, delay));
      const before = (await kpis()).ingest.accepted;
      log.push(`kill ${kill}: ${delay} ms after ${base + REPORTS_BEFORE_KILL} reports, ${before} applied in memory`);
      expect(await stop(server, 'SIGKILL')).toBeNull();
      await startServer();
      log.push(`restart ${kill}: ${(await kpis()).ingest.accepted} reports restored from the database`);
    }

    // Traffic after the last restart too, then a clean stop of the simulator, which drains.
    const base = (await kpis()).ingest.accepted;
    await waitFor(kpis, (k) => k.ingest.accepted >= base + REPORTS_BEFORE_KILL, 60_000);
    expect(await stop(simulator, 'SIGTERM')).toBe(0);
    expect(simulator!.output()).not.toMatch(/not acknowledged/);
    const ledger = JSON.parse(fs.readFileSync(ledgerFile, 'utf8')) as LedgerFile;
    log.push(`ledger: ${JSON.stringify(ledger.totals)}`);

    const read = async () => {
      const [k, history, makers] = await Promise.all([
        kpis(),
        get<DailyHistoryResponse>(ApiRoutes.dailyHistory),
        get<EnterpriseListResponse>(`${ApiRoutes.enterprises}?limit=1000&sort=name&order=asc&year=2020`),
      ]);
      const sum = (field: 'salesFen' | 'good' | 'defective' | 'energyWh') => history.days.reduce((total, day) => total + day[field], 0);
      return {
        totals: { reports: k.ingest.accepted, salesFen: sum('salesFen'), good: sum('good'), defective: sum('defective'), energyWh: sum('energyWh') },
        years: [...new Set(history.days.map((d) => d.day.slice(0, 4)))],
        perMaker: Object.fromEntries(makers.enterprises.map((e) => [`${CLUSTER}.${e.id}.gw1`, e.yearToDateFen])),
        duplicates: k.ingest.duplicates,
      };
    };
    const expected = {
      totals: { reports: ledger.totals.reports, salesFen: ledger.totals.salesFen, good: ledger.totals.good, defective: ledger.totals.defective, energyWh: ledger.totals.energyWh },
      years: ['2020'],
      perMaker: Object.fromEntries(Object.entries(ledger.gateways).map(([id, g]) => [id, g.salesFen])),
    };

    try {
      const live = await waitFor(read, (r) => r.totals.reports === ledger.totals.reports, 30_000);
      expect({ totals: live.totals, years: live.years, perMaker: live.perMaker }).toEqual(expected);
      expect(ledger.totals.salesFen).toBeGreaterThan(0);
      expect(Object.keys(ledger.gateways)).toHaveLength(MAKERS);

      // And the same after a clean stop and a start from the database alone.
      expect(await stop(server, 'SIGTERM')).toBe(0);
      await startServer();
      const restored = await read();
      expect({ totals: restored.totals, years: restored.years, perMaker: restored.perMaker }).toEqual(expected);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n\n${log.join('\n')}\n\nserver output:\n${server?.output()}\n\nsimulator output:\n${simulator?.output()}`);
    }
  });
});
