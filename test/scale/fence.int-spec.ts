import { gatewayTopic, type GatewayAddress } from '@clusterpulse/contracts';
import type { MqttClient } from 'mqtt';
import { Client as PgClient } from 'pg';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { ClusterService } from '../../apps/server/src/cluster/cluster.service';
import { birth, closeClient, connectGateway, freshDatabase, PG_BASE_URL, report, startServer, waitFor } from '../../apps/server/test/harness';
import { cleanRedis, clusterEnv, readView, settled, uniqueClusterId } from './support';

/**
 * The database fence: an instance that stalled past its lease while another took its slots must
 * not commit what it applied for them (the new owner applies those reports again when the
 * gateways replay them). Here the takeover is written straight into "ClusterSlot", as the new
 * owner's claim would; the stalled instance's next flush is refused and it stops.
 */

jest.setTimeout(60_000);

describe('an instance whose slots were taken over', () => {
  const cluster = uniqueClusterId();
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: RunningServer;
  let gateway: MqttClient | undefined;

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    a = await startServer(db.url, { ...clusterEnv(cluster, db.url, 'a'), FLUSH_INTERVAL_MS: '200' });
    await waitFor(() => settled(cluster, 1), (ok) => ok, 10_000);
  });

  afterAll(async () => {
    await closeClient(gateway);
    await a?.close();
    await db?.drop();
    await cleanRedis(cluster);
  });

  it('commits nothing more and stops', async () => {
    const fatal: string[] = [];
    a.app.get(ClusterService).onFatal = (reason) => fatal.push(reason);
    const address: GatewayAddress = { cluster, enterprise: 'm00001', gateway: 'gw1' };
    gateway = await connectGateway(a.mqttPort, address);
    await gateway.publishAsync(gatewayTopic(address, 'birth'), birth(0), { qos: 1 });
    await gateway.publishAsync(gatewayTopic(address, 'report'), report(1).payload, { qos: 1 });
    await waitFor(() => readView(a.httpPort), (v) => v.totals.reports === 1, 10_000);
    const stored = async () => {
      const pg = new PgClient({ connectionString: PG_BASE_URL, options: `-c search_path="${new URL(db.url).searchParams.get('schema')}"` });
      await pg.connect();
      try {
        const rows = await pg.query<{ n: string }>(`SELECT COALESCE(SUM("salesFen"), 0) AS n FROM "EnterpriseDay"`);
        return Number(rows.rows[0].n);
      } finally {
        await pg.end();
      }
    };
    await waitFor(stored, (fen) => fen > 0, 10_000);
    const before = await stored();

    // Another instance's claim, as its takeover writes it.
    const pg = new PgClient({ connectionString: PG_BASE_URL, options: `-c search_path="${new URL(db.url).searchParams.get('schema')}"` });
    await pg.connect();
    await pg.query(`UPDATE "ClusterSlot" SET "owner" = 'b/elsewhere', "epoch" = "epoch" + 1`);
    await pg.end();

    await gateway.publishAsync(gatewayTopic(address, 'report'), report(2).payload, { qos: 1 });
    await waitFor(() => fatal, (list) => list.length > 0, 10_000);
    expect(fatal[0]).toMatch(/taken over by another instance/);
    expect(await stored()).toBe(before);
  });

  it('is joined by no instance that splits the makers into a different number of slots', async () => {
    await expect(startServer(db.url, { ...clusterEnv(cluster, db.url, 'c'), CLUSTER_SLOTS: '32' })).rejects.toThrow(/CLUSTER_SLOTS is 32 here but 64/);
  });
});
