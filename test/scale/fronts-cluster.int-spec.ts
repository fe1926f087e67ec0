import { DAY_MS, OpsRoutes } from '@clusterpulse/contracts';
import { childPids } from '../../apps/bench/src/proc-stats';
import { alive, waitFor } from '../../apps/server/test/harness';
import { RoundRobin, ledgerPerMaker, ledgerTotals, readView, simulateSpread, stopProcess, withServerProcesses } from './support';

/**
 * Cluster mode (`CLUSTER_MODE=redis`) with every gateway socket in a front process
 * (`MQTT_FRONTS`): two instances as separate processes, each with one front, the simulator's
 * gateways spread over both. In cluster mode every report takes Aedes' own path through the
 * shared emitter (no report lane), so here that path runs over the fronts' links. Both instances
 * must end with the simulator's ledger, to the fen, and stop with their fronts.
 */

jest.setTimeout(240_000);

const MAKERS = 24;
const SEED = 31;
const DAYS = 5;

/** Gateway connections each front holds, by `/metrics`. */
async function frontConnections(httpPort: number): Promise<number[]> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}${OpsRoutes.metrics}`)).text();
  return [...text.matchAll(/^clusterpulse_mqtt_front_connections\{front="\d+"\} (\S+)$/gm)].map((m) => Number(m[1]));
}

describe('cluster mode with front processes', () => {
  const scale = withServerProcesses();

  it('two instances, each with its gateways in a front, end with the simulator ledger', async () => {
    const { cluster, a, b, httpA, httpB, mqttA, mqttB } = await scale.startPair({ MQTT_FRONTS: '1' });
    const sim = scale.track(simulateSpread(cluster, [mqttA, mqttB], new RoundRobin([mqttA, mqttB]), MAKERS, SEED));
    await sim.allConnected;
    // Every gateway's socket is in a front, some in each instance's.
    const held = await waitFor(
      async () => [...(await frontConnections(httpA)), ...(await frontConnections(httpB))],
      (counts) => counts.length === 2 && counts[0] + counts[1] === MAKERS,
      15_000,
    );
    expect(Math.min(...held)).toBeGreaterThan(0);
    const fronts = [a, b].map((proc) => childPids(proc.child.pid!));
    for (const pids of fronts) expect(pids).toHaveLength(1);

    const start = sim.clock.now();
    for (let day = 1; day <= DAYS; day++) {
      sim.clock.set(start + day * DAY_MS);
      await new Promise((r) => setTimeout(r, 800));
    }
    await sim.stop();
    expect(sim.status().unacked).toBe(0);
    const ledger = sim.ledger.toJSON();
    const expected = { totals: ledgerTotals(ledger.totals), perMaker: ledgerPerMaker(ledger.gateways) };
    expect(ledger.totals.reports).toBeGreaterThanOrEqual(MAKERS * DAYS);

    try {
      for (const httpPort of [httpA, httpB]) {
        const view = await waitFor(() => readView(httpPort), (v) => v.totals.reports === ledger.totals.reports, 30_000);
        expect({ totals: view.totals, perMaker: view.perMaker }).toEqual(expected);
        expect(Object.keys(view.perMaker)).toHaveLength(MAKERS);
      }
      // Stopped, each instance takes its front with it.
      for (const proc of [a, b]) expect(await stopProcess(proc, 'SIGTERM')).toBe(0);
      await waitFor(() => fronts.flat().filter(alive), (left) => left.length === 0, 10_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n\nserver a output:\n${a.output()}\n\nserver b output:\n${b.output()}`);
    }
  });
});
