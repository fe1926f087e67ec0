import { DAY_MS } from '@clusterpulse/contracts';
import { waitFor } from '../../apps/server/test/harness';
import {
  RoundRobin,
  brokerClients,
  clusterEnv,
  freePort,
  launchServer,
  ledgerPerMaker,
  ledgerTotals,
  members,
  readView,
  settled,
  simulateSpread,
  stopProcess,
  withServerProcesses,
} from './support';

/**
 * Two cluster-mode instances as separate processes; the simulator's gateways are spread over
 * both. One instance is killed with SIGKILL while reports flow: its gateways reconnect to the
 * other, whose leases take over the dead one's makers once they expire, from the watermarks
 * stored in PostgreSQL. After the simulator stops (draining what was not acknowledged), the
 * survivor's figures equal the simulator's ledger exactly — and so do those of a fresh instance
 * started afterwards on the same database.
 */

jest.setTimeout(300_000);

const MAKERS = 30;
const SEED = 23;
const DAYS = 8;
const KILL_AFTER_DAY = 3;

describe('kill -9 of one of two instances during a simulator run', () => {
  const scale = withServerProcesses();

  it('ends with the survivor showing exactly the simulator ledger', async () => {
    const { cluster, databaseUrl, a, b, httpA, httpB, mqttA, mqttB } = await scale.startPair();

    const round = new RoundRobin([mqttA, mqttB]);
    const sim = scale.track(simulateSpread(cluster, [mqttA, mqttB], round, MAKERS, SEED, { reportIntervalMs: 300, reconnectPeriodMs: 250, drainTimeoutMs: 60_000 }));
    await sim.allConnected;
    expect(await brokerClients(httpA)).toBeGreaterThan(0);
    expect(await brokerClients(httpB)).toBeGreaterThan(0);

    const log: string[] = [];
    const start = sim.clock.now();
    let applied = 0;
    let takeover: Promise<number> | undefined;
    for (let day = 1; day <= DAYS; day++) {
      sim.clock.set(start + day * DAY_MS);
      if (day === KILL_AFTER_DAY) {
        // Mid-day: some of the day's reports are in, some are not yet sent.
        await new Promise((r) => setTimeout(r, 120));
        applied = (await readView(httpA)).totals.reports;
        round.down.add(mqttA);
        expect(await stopProcess(a, 'SIGKILL')).toBeNull();
        log.push(`killed a after ${applied} reports in its view; ledger had ${sim.ledger.totals().reports}`);
        const killedAt = Date.now();
        // The survivor alone holds every slot once the dead instance's leases expired.
        takeover = waitFor(() => settled(cluster, 1), (ok) => ok, 30_000).then(() => Date.now() - killedAt);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    await sim.stop();
    const status = sim.status();
    const ledger = sim.ledger.toJSON();
    const expected = { totals: ledgerTotals(ledger.totals), perMaker: ledgerPerMaker(ledger.gateways) };

    try {
      log.push(`survivor held every slot ${await takeover} ms after the kill`);
      expect(status.unacked).toBe(0);
      expect(applied).toBeGreaterThan(0);
      expect(ledger.totals.reports).toBeGreaterThan(applied);
      // The survivor alone is left, and applies every maker.
      expect(await members(cluster)).toEqual([expect.stringMatching(/^b\//)]);
      const live = await waitFor(() => readView(httpB), (v) => v.totals.reports === ledger.totals.reports, 30_000);
      expect({ totals: live.totals, perMaker: live.perMaker }).toEqual(expected);
      expect(Object.keys(live.perMaker)).toHaveLength(MAKERS);

      // A new instance on the same database and Redis starts from the stored figures alone.
      expect(await stopProcess(b, 'SIGTERM')).toBe(0);
      const httpC = await freePort();
      const c = await launchServer({ ...clusterEnv(cluster, databaseUrl, 'c'), MQTT_PORT: String(await freePort()) }, httpC);
      scale.procs.push(c);
      const restored = await readView(httpC);
      expect({ totals: restored.totals, perMaker: restored.perMaker }).toEqual(expected);
      if (process.env.SCALE_LOG) console.log(log.join('\n'));
    } catch (error) {
      throw new Error(`${(error as Error).message}\n\n${log.join('\n')}\n\nserver b output:\n${b.output()}`);
    }
  });
});
