import { ApiRoutes, SCHEMA_VERSION, type ClusterKpisResponse } from '@clusterpulse/contracts';
import type { SimulationHandle } from '../../simulator/src/simulation';
import type { RunningServer } from '../src/bootstrap';
import { CLUSTER, freshDatabase, getJson, startServer, waitFor } from './harness';

jest.setTimeout(90_000);

/**
 * The real simulator against the real server: a trainer's reset while reports are in flight. The
 * server must start the new run from zero and end up with exactly the new run's ledger.
 */
describe('a trainer reset with the real simulator', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let sim: SimulationHandle | undefined;
  const kpis = () => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url);
    const { startSimulation } = await import('../../simulator/src/simulation');
    sim = startSimulation({
      brokerUrl: `mqtt://127.0.0.1:${server.mqttPort}`,
      cluster: CLUSTER,
      makers: 6,
      seed: 11,
      scenario: 'digital-2020',
      speed: 86_400,
      reportIntervalMs: 200,
      tickMs: 20,
      statusIntervalMs: 200,
      drainTimeoutMs: 30_000,
    });
    await sim.allConnected;
  });

  afterAll(async () => {
    await sim?.stop();
    await server?.close();
    await db?.drop();
  });

  /** Stops the simulator once the server acknowledged everything: no report is in flight or still to come. */
  async function settled(): Promise<ClusterKpisResponse> {
    await sim!.stop();
    expect(sim!.gateways.map((g) => g.pendingAcks)).toEqual(sim!.gateways.map(() => 0));
    return kpis();
  }

  it('follows the run id the simulator announces', async () => {
    const first = sim!.status().run;
    const k = await waitFor(kpis, (v) => v.run === first && v.sim?.run === first && v.sales.yearToDateFen > 0, 30_000);
    expect(k.sim?.scenario).toBe('digital-2020');
  });

  it('starts the figures from zero on reset and ends with exactly the new run’s ledger', async () => {
    const old = sim!.status().run;
    // Let reports pile up in flight, then reset in the middle of them.
    await waitFor(kpis, (k) => k.sales.yearToDateFen > 0, 30_000);
    sim!.command({ v: SCHEMA_VERSION, cmd: 'reset' });
    const fresh = sim!.status().run;
    expect(fresh).not.toBe(old);
    await waitFor(kpis, (k) => k.run === fresh, 30_000);
    await waitFor(kpis, (k) => k.ingest.accepted > 0 && k.sales.yearToDateFen > 0, 30_000);
    const k = await settled();
    const ledger = sim!.ledger.totals();
    expect(ledger.reports).toBeGreaterThan(0);
    expect(k.run).toBe(fresh);
    expect(k.sales.yearToDateFen).toBe(ledger.salesFen);
    expect(k.production.totalGood).toBe(ledger.good);
    expect(k.ingest.gaps).toBe(0);
  });
});
