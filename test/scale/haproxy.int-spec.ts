import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { WS_PATH, type ServerEvent } from '@clusterpulse/contracts';
import WebSocket from 'ws';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { freshDatabase, startServer, waitFor } from '../../apps/server/test/harness';
import { startSimulation } from '../../apps/simulator/src/simulation';
import { brokerClients, cleanRedis, clusterEnv, freePort, ledgerPerMaker, ledgerTotals, readView, repoRoot, settled, uniqueClusterId } from './support';

/**
 * The load balancer of the `scale` compose profile, deploy/haproxy.cfg, run by a real HAProxy in
 * front of two cluster-mode instances: gateways dialling the one MQTT address end up on both,
 * their figures add up to the simulator's ledger, and a dashboard's WebSocket and the REST API
 * work through the balancer's one HTTP address. Needs the `haproxy` binary (Debian: haproxy).
 */

jest.setTimeout(120_000);

const haproxy = spawnSync('haproxy', ['-v']).status === 0;
const describeWithHaproxy = haproxy ? describe : describe.skip;
if (!haproxy) console.warn('haproxy is not installed: skipping the load balancer test (apt-get install haproxy)');

describeWithHaproxy('deploy/haproxy.cfg in front of two instances', () => {
  const cluster = uniqueClusterId();
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: RunningServer;
  let b: RunningServer;
  let lb: ChildProcess;
  let lbOutput = '';
  let lbHttp: number;
  let lbMqtt: number;

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    a = await startServer(db.url, clusterEnv(cluster, db.url, 'a'));
    b = await startServer(db.url, clusterEnv(cluster, db.url, 'b'));
    await waitFor(() => settled(cluster, 2), (ok) => ok, 15_000);
    [lbHttp, lbMqtt] = [await freePort(), await freePort()];
    lb = spawn('haproxy', ['-db', '-f', path.join(repoRoot, 'deploy/haproxy.cfg')], {
      env: {
        PATH: process.env.PATH,
        LB_BIND: '127.0.0.1',
        LB_MQTT_PORT: String(lbMqtt),
        LB_HTTP_PORT: String(lbHttp),
        SERVER_1_HOST: '127.0.0.1',
        SERVER_1_MQTT_PORT: String(a.mqttPort),
        SERVER_1_HTTP_PORT: String(a.httpPort),
        SERVER_2_HOST: '127.0.0.1',
        SERVER_2_MQTT_PORT: String(b.mqttPort),
        SERVER_2_HTTP_PORT: String(b.httpPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    lb.stdout!.on('data', (c: Buffer) => (lbOutput += c.toString()));
    lb.stderr!.on('data', (c: Buffer) => (lbOutput += c.toString()));
    // Both backends pass their health checks before traffic starts.
    await waitFor(
      () => fetch(`http://127.0.0.1:${lbHttp}/health`).then((r) => r.status, () => 0),
      (status) => status === 200,
      15_000,
    );
  });

  afterAll(async () => {
    if (lb && lb.exitCode === null) {
      lb.kill('SIGTERM');
      await new Promise((resolve) => lb.once('exit', resolve));
    }
    await b?.close();
    await a?.close();
    await db?.drop();
    await cleanRedis(cluster);
  });

  it('spreads the gateways over both instances and adds up their figures exactly', async () => {
    const sim = startSimulation({
      brokerUrl: `mqtt://127.0.0.1:${lbMqtt}`,
      cluster,
      makers: 16,
      seed: 5,
      scenario: 'digital-2020',
      speed: 8640,
      control: false,
      reportIntervalMs: 250,
      drainTimeoutMs: 30_000,
    });
    try {
      await sim.allConnected;
      expect(await brokerClients(a.httpPort)).toBeGreaterThan(0);
      expect(await brokerClients(b.httpPort)).toBeGreaterThan(0);
      await waitFor(() => sim.ledger.totals().reports, (n) => n >= 100, 30_000);
    } finally {
      await sim.stop();
    }
    const ledger = sim.ledger.toJSON();
    expect(sim.status().unacked).toBe(0);
    const expected = { totals: ledgerTotals(ledger.totals), perMaker: ledgerPerMaker(ledger.gateways) };
    // Each instance takes up the other's last commits within a poll; then any may answer.
    for (const server of [a, b]) await waitFor(() => readView(server.httpPort), (v) => v.totals.reports === ledger.totals.reports, 30_000);
    for (let i = 0; i < 4; i++) {
      const view = await readView(lbHttp);
      expect({ totals: view.totals, perMaker: view.perMaker }).toEqual(expected);
    }
  });

  it('carries a dashboard WebSocket to an instance that streams the cluster', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${lbHttp}${WS_PATH}`);
    const events: ServerEvent[] = [];
    socket.on('message', (data: Buffer) => events.push(JSON.parse(data.toString()) as ServerEvent));
    try {
      const seen = await waitFor(() => events.map((e) => e.event), (names) => names.includes('hello') && names.includes('kpis'), 10_000);
      expect(seen[0]).toBe('hello');
      const kpis = events.find((e) => e.event === 'kpis');
      expect(kpis?.event === 'kpis' && kpis.data.cluster).toBe(cluster);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nhaproxy:\n${lbOutput}`);
    } finally {
      socket.close();
    }
  });
});
