import { CONFIG_DEFAULTS, ConfigError, MIN_PUSH_INTERVAL_MS, loadConfig } from './config.schema';

describe('loadConfig', () => {
  it('falls back to the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.MQTT_PORT).toBe(1883);
    expect(config.DATABASE_URL).toBe(CONFIG_DEFAULTS.DATABASE_URL);
    expect(config.PUSH_INTERVAL_MS).toBe(250);
    expect(config.MQTT_ALLOW_ANONYMOUS).toBe(false);
    expect(config.TRAINER_TOKEN).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['MQTT_PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['CLUSTER_ID', 'a/b'],
    ['MQTT_ALLOW_ANONYMOUS', 'yes'],
    ['PUSH_INTERVAL_MS', String(MIN_PUSH_INTERVAL_MS - 1)],
    ['TRAINER_TOKEN', 'short'],
    ['TRAINER_TOKEN', 'has a space in it'],
    ['CLUSTER_MODE', 'kubernetes'],
    ['REDIS_URL', 'localhost:6379'],
    ['INSTANCE_ID', 'has space'],
    ['CLUSTER_SLOTS', '0'],
    ['CLUSTER_LEASE_MS', '50'],
    ['MQTT_FRONT_NODE_ARGS', 'front.js'],
    ['MQTT_FRONT_NODE_ARGS', '--cpu-prof; rm -rf /'],
    ['MQTT_FRONT_NODE_ARGS', '--cpu-prof -e'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('never repeats a bad trainer token in its message', () => {
    expect(() => loadConfig({ TRAINER_TOKEN: 'sesame' })).toThrow(/TRAINER_TOKEN: .*\(got 6 characters\)/);
    expect(() => loadConfig({ TRAINER_TOKEN: 'sesame' })).not.toThrow(/sesame/);
  });

  it('runs as one self-contained instance unless cluster mode is asked for', () => {
    const config = loadConfig({});
    expect(config.CLUSTER_MODE).toBe('off');
    expect(config.INSTANCE_ID).toBeUndefined();
  });

  it('refuses cluster mode on a SQLite file, naming DATABASE_URL', () => {
    expect(() => loadConfig({ CLUSTER_MODE: 'redis' })).toThrow(/DATABASE_URL: CLUSTER_MODE=redis needs a shared PostgreSQL/);
    const config = loadConfig({ CLUSTER_MODE: 'redis', DATABASE_URL: 'postgresql://u@db:5432/cp', REDIS_URL: 'redis://cache:6379/2', INSTANCE_ID: 'server-1' });
    expect(config).toMatchObject({ CLUSTER_MODE: 'redis', REDIS_URL: 'redis://cache:6379/2', INSTANCE_ID: 'server-1', CLUSTER_SLOTS: 64, CLUSTER_LEASE_MS: 10_000 });
  });

  it('gives the fronts node flags split at white space, none by default', () => {
    expect(loadConfig({}).MQTT_FRONT_NODE_ARGS).toEqual([]);
    expect(loadConfig({ MQTT_FRONT_NODE_ARGS: ' --cpu-prof \t --cpu-prof-dir=/tmp/fronts-1 ' }).MQTT_FRONT_NODE_ARGS).toEqual(['--cpu-prof', '--cpu-prof-dir=/tmp/fronts-1']);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });
});
