import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCluster } from '@clusterpulse/cluster-model';
import { gatewayClientId } from '@clusterpulse/contracts';
import type { CredentialsFile } from '../src/access/provisioning';
import { CLUSTER, closeClient, connect, freshDatabase, startServer } from './harness';

jest.setTimeout(90_000);

const serverDir = path.resolve(__dirname, '..');

describe('db:seed', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;

  beforeAll(() => {
    // The seed script runs the built server code, as operators do.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', serverDir], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterpulse-seed-'));
  });

  beforeEach(async () => {
    db = await freshDatabase('sqlite');
  });

  afterEach(async () => {
    await db.drop();
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function seed(args: string[]): CredentialsFile {
    const out = path.join(dir, `credentials-${args.join('_')}.json`);
    execFileSync(process.execPath, [path.join(serverDir, 'scripts/seed.js'), ...args, '--out', out], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, CLUSTER_ID: CLUSTER, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    return JSON.parse(fs.readFileSync(out, 'utf8')) as CredentialsFile;
  }

  it.each([
    [25, 7],
    [40, 2019],
  ])('provisions exactly the gateways the cluster model generates for %i makers and seed %i', (makers, clusterSeed) => {
    const file = seed(['--makers', String(makers), '--seed', String(clusterSeed)]);
    const generated = generateCluster({ cluster: CLUSTER, makers, seed: clusterSeed }).makers;
    expect(file.cluster).toBe(CLUSTER);
    expect(file.gateways.map((g) => [g.enterprise, g.gateway, g.username])).toEqual(
      generated.map((m) => [m.id, m.gatewayId, gatewayClientId({ cluster: CLUSTER, enterprise: m.id, gateway: m.gatewayId })]),
    );
    expect(new Set(file.gateways.map((g) => g.secret)).size).toBe(makers);
  });

  it('writes secrets the server accepts, and only those', async () => {
    const file = seed(['--makers', '3']);
    const server = await startServer(db.url, { MQTT_ALLOW_ANONYMOUS: 'false' });
    try {
      const [first, second] = file.gateways;
      const client = await connect(server.mqttPort, { clientId: first.username, username: first.username, password: first.secret });
      await closeClient(client);
      await expect(connect(server.mqttPort, { clientId: first.username, username: first.username, password: second.secret })).rejects.toMatchObject({ code: 4 });
      const sim = await connect(server.mqttPort, { clientId: 'simulator-1', username: file.simulator.username, password: file.simulator.secret });
      await closeClient(sim);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['--makers=0', '--makers must be an integer 1..99999'],
    ['--seed=-1', '--seed must be a non-negative integer'],
  ])('refuses %s with a message', (flag, message) => {
    const run = spawnSync(process.execPath, [path.join(serverDir, 'scripts/seed.js'), flag, '--out', path.join(dir, 'never.json')], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, CLUSTER_ID: CLUSTER },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(fs.existsSync(path.join(dir, 'never.json'))).toBe(false);
  });
});
