import * as path from 'node:path';
import { DEFAULT_CLUSTER_ID, ID_PATTERN, SNAPSHOT_MAX_PER_SECOND } from '@clusterpulse/contracts';
import { z } from 'zod';

/** The fastest the realtime gateway may push: SNAPSHOT_MAX_PER_SECOND snapshots a second. */
export const MIN_PUSH_INTERVAL_MS = Math.ceil(1000 / SNAPSHOT_MAX_PER_SECOND);

/** The built dashboard, resolved from this package so the server finds it from any cwd. */
export const DEFAULT_DASHBOARD_DIR = path.resolve(__dirname, '../../../dashboard/dist');

/**
 * Every environment variable the server reads, with its default. Root .env.example and
 * docker-compose.yml are checked against this list by a test, so it is the single source.
 */
export const CONFIG_DEFAULTS = {
  PORT: '3000',
  MQTT_PORT: '1883',
  DATABASE_URL: 'file:./data/clusterpulse.db',
  CLUSTER_ID: DEFAULT_CLUSTER_ID,
  LOG_LEVEL: 'info',
  PUSH_INTERVAL_MS: '250',
  FLUSH_INTERVAL_MS: '1000',
  MQTT_ALLOW_ANONYMOUS: 'false',
  /** true: a gateway's own reports skip Aedes' general publish path while nobody subscribes to reports (broker/report-lane.ts). */
  MQTT_REPORT_LANE: 'true',
  /** How long the report lane may hold a PUBACK back so that one write carries several (0: at once). */
  MQTT_PUBACK_DELAY_MS: '1000',
  /** Reports a second from which PUBACKs are held back at all (0: at any rate); below it they leave at once. */
  MQTT_PUBACK_HOLD_ABOVE: '1000',
  /** 0: gateway sockets live in the server process. N: in N front processes, each up to its own open-file limit (broker/fronts.ts). */
  MQTT_FRONTS: '0',
  /** Node flags each front process gets beyond its own (space-separated), e.g. --cpu-prof for a profile of every front. */
  MQTT_FRONT_NODE_ARGS: '',
  /** The old generation may grow to 1 + this/100 times what the last full collection kept (0: V8's own factor, up to 4). */
  HEAP_GROWING_PERCENT: '75',
  DASHBOARD_DIR: DEFAULT_DASHBOARD_DIR,
  /** Empty: trainer commands are refused (403) until an operator sets a token. */
  TRAINER_TOKEN: '',
  /** off: one self-contained instance. redis: one of several instances sharing Redis and PostgreSQL (docs/SCALING.md). */
  CLUSTER_MODE: 'off',
  /** Redis of the cluster mode; its database number (the path) keeps the broker state of separate clusters apart. */
  REDIS_URL: 'redis://127.0.0.1:6379',
  /** Empty: host name and process id, unique per process. */
  INSTANCE_ID: '',
  /** Partitions of the makers; each is owned by one live instance at a time. Same value on every instance. */
  CLUSTER_SLOTS: '64',
  /** How long an instance's membership and slot leases outlive its last heartbeat (a quarter of it). */
  CLUSTER_LEASE_MS: '10000',
} as const;

/** A bearer token shorter than this is too easy to guess for a panel that can stop the demo. */
export const MIN_TRAINER_TOKEN_LENGTH = 12;

export type ConfigName = keyof typeof CONFIG_DEFAULTS;
const SECRET_NAMES: ReadonlySet<string> = new Set<ConfigName>(['TRAINER_TOKEN']);
export const CONFIG_NAMES = Object.keys(CONFIG_DEFAULTS) as ConfigName[];

const port = z.coerce.number().int().min(0).max(65_535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const configSchema = z.object({
  PORT: port.default(Number(CONFIG_DEFAULTS.PORT)),
  MQTT_PORT: port.default(Number(CONFIG_DEFAULTS.MQTT_PORT)),
  DATABASE_URL: z
    .string()
    .refine((url) => url.startsWith('file:') || /^postgres(ql)?:\/\//.test(url), 'expected file:<path> (SQLite) or postgresql://...')
    .default(CONFIG_DEFAULTS.DATABASE_URL),
  CLUSTER_ID: z.string().regex(ID_PATTERN, 'expected an id of 1-64 letters, digits, _ or -').default(CONFIG_DEFAULTS.CLUSTER_ID),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUSH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(MIN_PUSH_INTERVAL_MS, `must be at least ${MIN_PUSH_INTERVAL_MS} (at most ${SNAPSHOT_MAX_PER_SECOND} snapshots a second)`)
    .max(60_000)
    .default(Number(CONFIG_DEFAULTS.PUSH_INTERVAL_MS)),
  FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(Number(CONFIG_DEFAULTS.FLUSH_INTERVAL_MS)),
  MQTT_ALLOW_ANONYMOUS: bool.default(false),
  MQTT_REPORT_LANE: bool.default(true),
  MQTT_PUBACK_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(Number(CONFIG_DEFAULTS.MQTT_PUBACK_DELAY_MS)),
  MQTT_PUBACK_HOLD_ABOVE: z.coerce.number().int().min(0).max(10_000_000).default(Number(CONFIG_DEFAULTS.MQTT_PUBACK_HOLD_ABOVE)),
  MQTT_FRONTS: z.coerce.number().int().min(0).max(16).default(Number(CONFIG_DEFAULTS.MQTT_FRONTS)),
  MQTT_FRONT_NODE_ARGS: z
    .string()
    .regex(/^\s*(--[\w.:/=,+-]+(\s+|$))*$/, 'expected node flags separated by spaces, each --name or --name=value (e.g. --cpu-prof --cpu-prof-dir=/tmp/fronts)')
    .default(CONFIG_DEFAULTS.MQTT_FRONT_NODE_ARGS)
    .transform((flags) => flags.split(/\s+/).filter(Boolean)),
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(Number(CONFIG_DEFAULTS.HEAP_GROWING_PERCENT)),
  DASHBOARD_DIR: z.string().min(1).default(CONFIG_DEFAULTS.DASHBOARD_DIR),
  TRAINER_TOKEN: z
    .string()
    .min(MIN_TRAINER_TOKEN_LENGTH, `must be at least ${MIN_TRAINER_TOKEN_LENGTH} characters`)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it travels in an Authorization header)')
    .optional(),
  CLUSTER_MODE: z.enum(['off', 'redis']).default('off'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^/]+(\/\d{1,2})?$/, 'expected redis://host:port or redis://host:port/<db number>')
    .default(CONFIG_DEFAULTS.REDIS_URL),
  INSTANCE_ID: z.string().regex(ID_PATTERN, 'expected an id of 1-64 letters, digits, _ or -').optional(),
  CLUSTER_SLOTS: z.coerce.number().int().min(1).max(4096).default(Number(CONFIG_DEFAULTS.CLUSTER_SLOTS)),
  CLUSTER_LEASE_MS: z.coerce.number().int().min(400).max(600_000).default(Number(CONFIG_DEFAULTS.CLUSTER_LEASE_MS)),
}).superRefine((config, ctx) => {
  // Instances share their figures and watermarks through the database: a SQLite file is one machine's.
  if (config.CLUSTER_MODE === 'redis' && !/^postgres(ql)?:\/\//.test(config.DATABASE_URL)) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'CLUSTER_MODE=redis needs a shared PostgreSQL database (postgresql://...)' });
  }
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment once. Empty strings count as unset so `PORT=` in an env file falls
 * back to the default instead of failing obscurely. Throws a ConfigError naming each bad variable.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const input: Record<string, string> = {};
  for (const name of CONFIG_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      // A secret, even a bad one, must not end up in a log.
      const got = SECRET_NAMES.has(name) ? `${input[name].length} characters` : JSON.stringify(input[name]);
      return `${issue.path.join('.')}: ${issue.message} (got ${got})`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}
