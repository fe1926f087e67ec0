import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_DEFAULTS, CONFIG_NAMES } from '../../apps/server/src/config/config.schema';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVER_PROCESS_ENV } = require('../../scripts/server-env.cjs') as { SERVER_PROCESS_ENV: Record<string, string> };

const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

interface ComposeService {
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
}

const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
const server = compose.services.server;

describe('docker-compose.yml', () => {
  it('validates offline with docker-compose', () => {
    // Throws (and fails the test) with docker-compose's own message when the file is invalid.
    execFileSync('docker-compose', ['-f', path.join(root, 'docker-compose.yml'), 'config', '-q'], { cwd: root, stdio: 'pipe' });
  });

  it('sets only variables the server knows', () => {
    const unknown = Object.keys(server.environment ?? {}).filter((name) => !(CONFIG_NAMES as string[]).includes(name));
    expect(unknown).toEqual([]);
  });

  it('publishes the server on the default HTTP and MQTT ports it configures', () => {
    const env = server.environment ?? {};
    const httpPort = env.PORT ?? CONFIG_DEFAULTS.PORT;
    const mqttPort = env.MQTT_PORT ?? CONFIG_DEFAULTS.MQTT_PORT;
    expect(httpPort).toBe(CONFIG_DEFAULTS.PORT);
    expect(mqttPort).toBe(CONFIG_DEFAULTS.MQTT_PORT);
    expect(server.ports).toEqual(expect.arrayContaining([`${CONFIG_DEFAULTS.PORT}:${httpPort}`, `${CONFIG_DEFAULTS.MQTT_PORT}:${mqttPort}`]));
    expect(server.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${httpPort}/health`);
  });

  it('points the simulator at the server broker port and starts it after a healthy server', () => {
    const simulator = compose.services.simulator;
    const broker = simulator.command?.[simulator.command.indexOf('--broker') + 1];
    expect(broker).toBe(`mqtt://server:${server.environment?.MQTT_PORT ?? CONFIG_DEFAULTS.MQTT_PORT}`);
    expect(simulator.depends_on?.server.condition).toBe('service_healthy');
  });

  it('runs the server on PostgreSQL from the compose database, after it is healthy, with its data on a volume', () => {
    const postgres = compose.services.postgres as ComposeService & { volumes: string[] };
    const url = new URL(server.environment?.DATABASE_URL ?? '');
    expect(url.protocol).toBe('postgresql:');
    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(postgres.environment?.POSTGRES_USER);
    expect(url.password).toBe(postgres.environment?.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${postgres.environment?.POSTGRES_DB}`);
    expect(server.depends_on?.postgres.condition).toBe('service_healthy');
    expect(postgres.healthcheck).toBeDefined();
    const volume = postgres.volumes[0].split(':')[0];
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it('restarts every long-running service', () => {
    for (const [name, service] of Object.entries(compose.services)) expect([name, service.restart]).toEqual([name, 'unless-stopped']);
  });
});

describe.each(['apps/server/Dockerfile', 'apps/simulator/Dockerfile'])('%s', (dockerfile) => {
  const text = read(dockerfile);
  const stages = text.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1];

  it('is the Dockerfile compose builds', () => {
    expect(Object.values(compose.services).some((service) => service.build?.dockerfile === dockerfile && service.build.context === '.')).toBe(true);
  });

  it('copies every workspace manifest before npm ci, so the lockfile installs', () => {
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    for (const workspace of workspaces) expect(text).toContain(`COPY ${workspace}/package.json ${workspace}/`);
  });

  it('copies only paths that exist in the build context (or were built)', () => {
    const sources = [...text.matchAll(/^COPY (?!--from)(\S+) /gm)].map((match) => match[1]);
    for (const source of sources) expect([source, fs.existsSync(path.join(root, source))]).toEqual([source, true]);
  });

  if (dockerfile === 'apps/server/Dockerfile') {
    it('gives the server the process environment npm start gives it', () => {
      const set = new Map([...runtime.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((match) => [match[1], match[2]]));
      expect(Object.keys(SERVER_PROCESS_ENV).length).toBeGreaterThan(0);
      for (const [name, value] of Object.entries(SERVER_PROCESS_ENV)) expect([name, set.get(name)]).toEqual([name, value]);
    });
  }

  it('runs as a non-root user a file the build produces', () => {
    expect(runtime).toMatch(/^USER node$/m);
    const entry = runtime.match(/^(?:CMD|ENTRYPOINT) \["node", "([^"]+)"/m)?.[1];
    expect(entry).toBeDefined();
    // `npm test` builds first, so the file the image runs must exist here too.
    expect(fs.existsSync(path.join(root, entry!))).toBe(true);
    expect(runtime).toContain(`COPY --from=build /app/${path.dirname(entry!)} ${path.dirname(entry!)}`);
  });
});

describe('.env.example', () => {
  const text = read('.env.example');
  const assignments = new Map([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1], { value: match[2], commented: match[0].startsWith('#') }]));

  it('lists every variable the server reads', () => {
    expect(CONFIG_NAMES.filter((name) => !assignments.has(name))).toEqual([]);
  });

  it('gives each its default, and names nothing the server does not read', () => {
    for (const [name, { value, commented }] of assignments) {
      expect((CONFIG_NAMES as string[]).includes(name)).toBe(true);
      if (!commented) expect([name, value]).toEqual([name, CONFIG_DEFAULTS[name as keyof typeof CONFIG_DEFAULTS]]);
    }
  });
});
