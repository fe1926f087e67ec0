import { DAY_MS } from '@clusterpulse/contracts';
import { freshDatabase, startServer, waitFor } from '../../apps/server/test/harness';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import type { SimulationHandle } from '../../apps/simulator/src/simulation';
import { RoundRobin, brokerClients, cleanRedis, clusterEnv, ledgerPerMaker, ledgerTotals, members, readView, simulateSpread, uniqueClusterId, type ServerView } from './support';

/**
 * Two cluster-mode instances sharing Redis and PostgreSQL, the simulator's gateways spread over
 * both, against one instance in the default embedded mode fed by the same seed: the simulated
 * clock is moved in the same whole days in both runs, so both must end with the same figures —
 * and each instance of the pair must show the whole cluster's, not its own share.
 */

jest.setTimeout(240_000);

const MAKERS = 24;
const SEED = 7;
const DAYS = 6;

async function drive(sim: SimulationHandle): Promise<void> {
  await sim.allConnected;
  const start = sim.clock.now();
  for (let day = 1; day <= DAYS; day++) {
    sim.clock.set(start + day * DAY_MS);
    // Several report intervals, so every gateway reports each day (totals would match regardless).
    await new Promise((r) => setTimeout(r, 800));
  }
}

function simulate(cluster: string, ports: number[], round: RoundRobin): SimulationHandle {
  return simulateSpread(cluster, ports, round, MAKERS, SEED);
}

describe('two instances in cluster mode', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
  });

  it('end with the figures of a single instance fed the same seed, to the fen, on both instances', async () => {
    // Reference: one embedded instance, SQLite.
    const single = await freshDatabase('sqlite');
    cleanups.push(() => single.drop());
    const reference = await startServer(single.url, { CLUSTER_ID: 'ref-cluster' });
    cleanups.push(() => reference.close());
    const refSim = simulate('ref-cluster', [reference.mqttPort], new RoundRobin([reference.mqttPort]));
    await drive(refSim);
    await refSim.stop();
    const refLedger = refSim.ledger.toJSON();
    const refView = await waitFor(() => readView(reference.httpPort), (v) => v.totals.reports === refLedger.totals.reports, 30_000);
    expect(refView.totals).toEqual(ledgerTotals(refLedger.totals));

    // The pair: PostgreSQL and Redis shared.
    const cluster = uniqueClusterId();
    const db = await freshDatabase('postgresql');
    cleanups.push(() => db.drop());
    cleanups.push(() => cleanRedis(cluster));
    const a: RunningServer = await startServer(db.url, clusterEnv(cluster, db.url, 'a'));
    cleanups.push(() => a.close());
    const b: RunningServer = await startServer(db.url, clusterEnv(cluster, db.url, 'b'));
    cleanups.push(() => b.close());
    // Both are members and have split the slots before a gateway connects.
    await waitFor(() => members(cluster), (m) => m.length === 2, 10_000);

    const sim = simulate(cluster, [a.mqttPort, b.mqttPort], new RoundRobin([a.mqttPort, b.mqttPort]));
    cleanups.push(() => sim.stop());
    await sim.allConnected;
    const spread = [await brokerClients(a.httpPort), await brokerClients(b.httpPort)];
    await drive(sim);
    await sim.stop();
    const ledger = sim.ledger.toJSON();

    const settled = (v: ServerView) => v.totals.reports === ledger.totals.reports;
    const [viewA, viewB] = await Promise.all([waitFor(() => readView(a.httpPort), settled, 30_000), waitFor(() => readView(b.httpPort), settled, 30_000)]);

    // Gateways really were on both instances.
    expect(spread[0]).toBeGreaterThan(0);
    expect(spread[1]).toBeGreaterThan(0);
    expect(refLedger.totals.salesFen).toBeGreaterThan(0);
    // The same simulated figures as the single instance, and each instance shows all of them.
    expect(ledgerTotals(ledger.totals)).toEqual(ledgerTotals(refLedger.totals));
    for (const view of [viewA, viewB]) {
      expect(view.totals).toEqual(refView.totals);
      expect(view.derived).toEqual(refView.derived);
      expect(view.perMaker).toEqual(refView.perMaker);
      expect(view.perMaker).toEqual(ledgerPerMaker(ledger.gateways));
    }
    expect(Object.keys(viewA.perMaker)).toHaveLength(MAKERS);
  });
});
