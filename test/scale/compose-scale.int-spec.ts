import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_NAMES } from '../../apps/server/src/config/config.schema';
import { repoRoot } from './support';

/** The `scale` profile of docker-compose.yml: what docs/SCALING.md promises is what it declares. */

interface Service {
  profiles?: string[];
  environment?: Record<string, string>;
  command?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

const compose = parse(fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const scale = Object.fromEntries(Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('scale')));
const servers = Object.entries(scale).filter(([, s]) => s.environment?.CLUSTER_MODE === 'redis');

describe('docker compose profile scale', () => {
  it('runs at least two server instances in cluster mode, each with its own id, on one database and one Redis', () => {
    expect(servers.length).toBeGreaterThanOrEqual(2);
    const envs = servers.map(([, s]) => s.environment!);
    expect(new Set(envs.map((e) => e.INSTANCE_ID)).size).toBe(servers.length);
    expect(new Set(envs.map((e) => e.DATABASE_URL)).size).toBe(1);
    expect(new Set(envs.map((e) => e.CLUSTER_ID)).size).toBe(1);
    expect(envs[0].DATABASE_URL).toMatch(/^postgresql:\/\/[^@]+@postgres:5432\//);
    expect(new Set(envs.map((e) => e.REDIS_URL))).toEqual(new Set(['redis://redis:6379']));
    for (const [, s] of servers) {
      expect(Object.keys(s.environment!).filter((name) => !(CONFIG_NAMES as string[]).includes(name))).toEqual([]);
      expect(s.depends_on?.redis.condition).toBe('service_healthy');
    }
    expect(scale.redis).toBeDefined();
  });

  it('puts HAProxy with deploy/haproxy.cfg in front of every instance, and the simulator behind it', () => {
    const lb = scale.lb;
    expect(lb.volumes).toContain('./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const hosts = Object.entries(lb.environment!).filter(([k]) => /^SERVER_\d+_HOST$/.test(k)).map(([, v]) => v);
    expect(hosts.sort()).toEqual(servers.map(([name]) => name).sort());
    for (const [name] of servers) expect(lb.depends_on?.[name].condition).toBe('service_healthy');
    const simulator = scale['simulator-scale'];
    expect(simulator.command?.[simulator.command.indexOf('--broker') + 1]).toBe(`mqtt://lb:${lb.environment!.LB_MQTT_PORT}`);
    for (const s of Object.values(scale)) expect(s.restart).toBe('unless-stopped');
  });

  const haproxy = spawnSync('haproxy', ['-v']).status === 0;
  (haproxy ? it : it.skip)('has a load balancer configuration HAProxy accepts with the profile environment', () => {
    const check = spawnSync('haproxy', ['-c', '-f', path.join(repoRoot, 'deploy/haproxy.cfg')], {
      env: { PATH: process.env.PATH, ...scale.lb.environment, LB_BIND: '127.0.0.1', SERVER_1_HOST: '127.0.0.1', SERVER_2_HOST: '127.0.0.1' },
      encoding: 'utf8',
    });
    expect(check.stdout + check.stderr).toMatch(/Configuration file is valid/);
  });
});
