#!/usr/bin/env node
// Runs the whole cluster (20,000 makers by default) on one machine whose open-file limit is too
// low for one process to hold every connection: two server instances in cluster mode sharing
// Redis and PostgreSQL (docs/SCALING.md), each holding half of the gateways, and the simulator in
// as many processes as the limit needs, each maker's gateway connecting to instance (index mod n).
// Migrations and credentials are provisioned once, before the instances start. Ctrl-C (or
// SIGTERM) stops the simulator, then the instances; if any of them dies, the rest are stopped and
// the exit code says so.
//
//   node scripts/full-cluster.mjs [options] [-- simulator flags]
//
// Needs a build (npm run build) and a reachable PostgreSQL and Redis.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverMain = path.join(root, 'apps/server/dist/main.js');
const simulatorMain = path.join(root, 'apps/simulator/dist/main.js');
const serverRequire = createRequire(path.join(root, 'apps/server/package.json'));

const USAGE = `Usage: node scripts/full-cluster.mjs [options] [-- simulator flags]

  --makers N          makers, one gateway and one MQTT connection each (default 20000)
  --seed N            cluster seed (default 2019)
  --instances N       server instances in cluster mode (default 2)
  --http-port P       HTTP port of the first instance; the others use the next ones (default 3000)
  --mqtt-port P       MQTT port of the first instance; the others use the next ones (default 1884)
  --database URL      shared PostgreSQL (default $DATABASE_URL if it is postgresql://, else
                      postgresql://postgres@127.0.0.1:5432/postgres?schema=clusterpulse)
  --redis URL         shared Redis (default $REDIS_URL, else redis://127.0.0.1:6379)
  --redis-db N        Redis database number (replaces the URL's path)
  --cluster ID        cluster id (default $CLUSTER_ID, else huizhou-kids)
  --processes N|auto  simulator processes (default auto: as many as the open-file limit needs)
  --credentials FILE  where the provisioned secrets go (default data/full-cluster-credentials.json)
  --logs DIR          where each instance's log goes (default data/full-cluster-logs)
  --fresh             start from nothing: drop the --database schema (it must name one other than
                      public) and empty the Redis database (--redis-db must choose it)
  --help

Arguments after -- go to the simulator (e.g. -- --scenario lockdown-2020 --speed year-in-1h).
TRAINER_TOKEN sets the trainer token (default: a fresh one, printed).`;

function fail(message) {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      makers: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '2019' },
      instances: { type: 'string', default: '2' },
      'http-port': { type: 'string', default: '3000' },
      'mqtt-port': { type: 'string', default: '1884' },
      database: { type: 'string' },
      redis: { type: 'string' },
      'redis-db': { type: 'string' },
      cluster: { type: 'string' },
      processes: { type: 'string', default: 'auto' },
      credentials: { type: 'string', default: 'data/full-cluster-credentials.json' },
      logs: { type: 'string', default: 'data/full-cluster-logs' },
      fresh: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
} catch (error) {
  fail(error.message);
}
const { values, positionals: simulatorArgs } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function intOption(name, min, max) {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer ${min}..${max}, got '${values[name]}'`);
  return n;
}
const makers = intOption('makers', 1, 99_999);
const seed = intOption('seed', 0, 2 ** 31);
const instances = intOption('instances', 1, 16);
const httpBase = intOption('http-port', 1, 65_535 - instances);
const mqttBase = intOption('mqtt-port', 1, 65_535 - instances);
const httpPorts = Array.from({ length: instances }, (_v, i) => httpBase + i);
const mqttPorts = Array.from({ length: instances }, (_v, i) => mqttBase + i);
const databaseUrl =
  values.database ?? (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : 'postgresql://postgres@127.0.0.1:5432/postgres?schema=clusterpulse');
if (!/^postgres(ql)?:\/\//.test(databaseUrl)) fail(`--database must be a postgresql:// URL (cluster mode shares one PostgreSQL), got '${databaseUrl}'`);
let redisUrl;
try {
  const url = new URL(values.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (values['redis-db'] !== undefined) url.pathname = `/${intOption('redis-db', 0, 15)}`;
  redisUrl = url.toString();
} catch {
  fail(`--redis must be a redis:// URL, got '${values.redis}'`);
}
// --fresh deletes: only what is named for this run, never a default schema or a shared Redis database.
const freshSchema = values.fresh ? new URL(databaseUrl).searchParams.get('schema') : null;
if (values.fresh) {
  if (!freshSchema || freshSchema === 'public') fail('--fresh drops the database schema: name one other than public in --database (...?schema=NAME)');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(freshSchema)) fail(`--fresh: '${freshSchema}' is not a plain schema name`);
  if (values['redis-db'] === undefined) fail('--fresh empties the Redis database: choose the one for this run with --redis-db');
}
const cluster = values.cluster ?? process.env.CLUSTER_ID ?? 'huizhou-kids';
const credentialsFile = path.resolve(root, values.credentials);
const logDir = path.resolve(root, values.logs);
const trainerToken = process.env.TRAINER_TOKEN || randomBytes(12).toString('base64url');
for (const name of ['broker', 'makers', 'seed', 'cluster', 'credentials', 'processes']) {
  if (simulatorArgs.some((a) => a === `--${name}` || a.startsWith(`--${name}=`))) fail(`--${name} is set by this script; pass it before --, not after`);
}

for (const file of [serverMain, simulatorMain]) {
  if (!fs.existsSync(file)) {
    console.error(`${path.relative(root, file)} is missing: run "npm run build" first.`);
    process.exit(1);
  }
}

/** The URL without its password, for messages. */
function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

// Refuse before starting anything when a shared service or a port is not there.
async function checkPostgres() {
  const { Client } = serverRequire('pg');
  const u = new URL(databaseUrl);
  u.search = ''; // ?schema= is the server's, not a libpq parameter
  const client = new Client({ connectionString: u.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis() {
  const { Redis } = serverRequire('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError = null;
  redis.on('error', (error) => (lastError = error));
  try {
    await redis.connect().catch((error) => {
      throw lastError ?? error;
    });
    if ((await redis.ping()) !== 'PONG') throw new Error('no PONG');
  } finally {
    redis.disconnect();
  }
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

// The simulator's own reading of the limit (apps/simulator/src/shards.ts).
const { openFileLimit } = createRequire(import.meta.url)(path.join(root, 'apps/simulator/dist/shards.js'));

const problems = [];
await checkPostgres().catch((error) => problems.push(`PostgreSQL is not reachable at ${redact(databaseUrl)}: ${error.message}`));
await checkRedis().catch((error) => problems.push(`Redis is not reachable at ${redact(redisUrl)}: ${error.message}`));
for (const port of [...httpPorts, ...mqttPorts]) {
  if (!(await portFree(port))) problems.push(`port ${port} is in use (choose others with --http-port / --mqtt-port)`);
}
// Each instance holds about makers / instances gateway connections, and its broker refuses those
// beyond its open-file limit less 1,024 (apps/server/src/broker/fd-limit.ts).
const fdLimit = openFileLimit();
const perInstance = Math.ceil(makers / instances);
if (fdLimit !== null && perInstance > fdLimit - 1024) {
  problems.push(`${perInstance} gateways per instance exceed what an instance may hold under the open-file limit of ${fdLimit}: use more --instances`);
}
if (problems.length > 0) {
  console.error(`Cannot start the cluster:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}

if (values.fresh) {
  const { Client } = serverRequire('pg');
  const u = new URL(databaseUrl);
  u.search = '';
  const client = new Client({ connectionString: u.toString() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${freshSchema}" CASCADE`);
  } finally {
    await client.end();
  }
  const { Redis } = serverRequire('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
  console.log(`--fresh: dropped schema ${freshSchema} and emptied Redis database ${values['redis-db']}`);
}

const sharedEnv = { ...process.env, DATABASE_URL: databaseUrl, CLUSTER_ID: cluster };

// Once, before any instance: the schema, then a secret for every gateway and the simulator.
for (const [what, script, args] of [
  ['applying the migrations', 'apps/server/scripts/migrate.js', []],
  ['provisioning the gateways', 'apps/server/scripts/seed.js', ['--makers', String(makers), '--seed', String(seed), '--out', credentialsFile]],
]) {
  fs.mkdirSync(path.dirname(credentialsFile), { recursive: true });
  const result = spawnSync(process.execPath, [path.join(root, script), ...args], { cwd: root, env: sharedEnv, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${what} failed; see above.`);
    process.exit(1);
  }
}

fs.mkdirSync(logDir, { recursive: true });
const children = new Set();
let stopping = false;

/** A path as short as it can be said from the repository root. */
function shown(file) {
  const relative = path.relative(root, file);
  return relative.startsWith('..') ? file : relative;
}

function lastLines(file, n = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

function run(name, file, args, env, logFile) {
  const out = logFile ? fs.openSync(logFile, 'a') : 'inherit';
  const child = spawn(process.execPath, [file, ...args], { cwd: root, env, stdio: ['ignore', out, out] });
  if (logFile) fs.closeSync(out);
  child.name = name;
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`\n${name} exited (${signal ?? `code ${code}`}); stopping the cluster.`);
      if (logFile) console.error(`last lines of ${shown(logFile)}:\n${lastLines(logFile)}`);
      void stop(1);
    }
  });
  return child;
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
}

/** The simulator first (its gateways say goodbye while the brokers are up), then the instances. */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  const hard = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(code || 1);
  }, 45_000);
  hard.unref();
  const simulator = [...children].find((c) => c.name === 'simulator');
  if (simulator) {
    simulator.kill('SIGTERM');
    await exited(simulator);
  }
  const servers = [...children];
  for (const child of servers) child.kill('SIGTERM');
  await Promise.all(servers.map(exited));
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function waitForHealth(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  return false;
}

// One instance after the other, as the compose scale profile does: each joins a running cluster.
for (let i = 0; i < instances; i += 1) {
  const name = `server-${i + 1}`;
  const logFile = path.join(logDir, `${name}.log`);
  run(
    name,
    serverMain,
    [],
    {
      ...sharedEnv,
      CLUSTER_MODE: 'redis',
      REDIS_URL: redisUrl,
      INSTANCE_ID: name,
      PORT: String(httpPorts[i]),
      MQTT_PORT: String(mqttPorts[i]),
      TRAINER_TOKEN: trainerToken,
    },
    logFile,
  );
  if (!(await waitForHealth(httpPorts[i], 120_000))) {
    if (!stopping) {
      console.error(`${name} did not become healthy on port ${httpPorts[i]} within 120 s; see ${shown(logFile)}.`);
      await stop(1);
    }
    break;
  }
  console.log(`${name}: http://localhost:${httpPorts[i]}  mqtt://localhost:${mqttPorts[i]}  log ${shown(logFile)}`);
}

if (!stopping) {
  console.log(
    [
      '',
      `  ClusterPulse, ${makers} makers on ${instances} instances (cluster ${cluster})`,
      ...httpPorts.map((p, i) => `  Dashboard (server-${i + 1}): http://localhost:${p}`),
      `  Trainer token: ${trainerToken}`,
      `  Metrics: ${httpPorts.map((p) => `http://localhost:${p}/metrics`).join('  ')}`,
      '',
    ].join('\n'),
  );
  const brokers = mqttPorts.map((p) => `mqtt://127.0.0.1:${p}`).join(',');
  run(
    'simulator',
    simulatorMain,
    ['--broker', brokers, '--credentials', credentialsFile, '--makers', String(makers), '--seed', String(seed), '--cluster', cluster, '--processes', values.processes, '--progress', ...simulatorArgs],
    process.env,
  );
}
