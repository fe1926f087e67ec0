#!/usr/bin/env node
// Runs the demo on embedded defaults: the server (Aedes broker, SQLite, dashboard) and the
// simulator feeding it, as two processes. Ctrl-C (or SIGTERM) stops both; if either dies, the
// other is stopped too and the exit code says so.
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverMain = path.join(root, 'apps/server/dist/main.js');
const simulatorMain = path.join(root, 'apps/simulator/dist/main.js');
for (const file of [serverMain, simulatorMain]) {
  if (!fs.existsSync(file)) {
    console.error(`${path.relative(root, file)} is missing: run "npm run build" first (npm start does it for you).`);
    process.exit(1);
  }
}

const { ApiRoutes } = createRequire(import.meta.url)(path.join(root, 'libs/contracts/dist/index.js'));
const httpPort = process.env.PORT ?? '3000';
const mqttPort = process.env.MQTT_PORT ?? '1883';
const simulatorArgs = process.argv.slice(2);

// One MQTT connection per maker, in the server and in the simulator alike: both need a descriptor
// per maker and some to spare. The simulator spreads its makers over processes by itself. Where the
// open-file limit is too low for the whole cluster in the server, the server holds the connections
// in front processes (MQTT_FRONTS) when a few suffice, and otherwise the demo runs as many makers as
// fit and says so, rather than starving the server's HTTP and database.
const { demoSize } = createRequire(import.meta.url)(path.join(root, 'scripts/demo-size.cjs'));
// The simulator's own reading of the limit (apps/simulator/src/shards.ts).
const { openFileLimit } = createRequire(import.meta.url)(path.join(root, 'apps/simulator/dist/shards.js'));
const size = demoSize(openFileLimit(), {
  makersGiven: simulatorArgs.some((arg) => arg === '--makers' || arg.startsWith('--makers=')),
  fronts: process.env.MQTT_FRONTS ? Number(process.env.MQTT_FRONTS) : null,
});
if (size.makers !== null) simulatorArgs.push('--makers', String(size.makers));
const { serverProcessEnv } = createRequire(import.meta.url)(path.join(root, 'scripts/server-env.cjs'));
const serverEnv = { ...serverProcessEnv(process.env), ...(size.fronts === null ? {} : { MQTT_FRONTS: String(size.fronts) }) };
if (size.message) console.log(size.message);
// Where the gateways' secrets go for the simulator; CREDENTIALS_FILE moves it (a test keeps the
// repository's data/ folder out of its run).
const credentialsFile = process.env.CREDENTIALS_FILE ? path.resolve(process.env.CREDENTIALS_FILE) : path.join(root, 'data', 'credentials.json');
// The trainer panel needs a token; a demo without one gets a fresh token printed at start.
const trainerToken = process.env.TRAINER_TOKEN || randomBytes(12).toString('base64url');

/** The value of a simulator flag given as `--name value` or `--name=value`. */
function flagValue(args, name) {
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

const children = new Set();
let stopping = false;

function run(name, file, args, env) {
  const child = spawn(process.execPath, [file, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the demo.`);
      stop(code === 0 ? 1 : (code ?? 1));
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  if (children.size === 0) process.exit(code);
  for (const child of children) child.kill('SIGTERM');
  // A server flushing its last batch gets a few seconds; after that the demo is stopped hard.
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(code || 1);
  }, 15_000).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  return false;
}

// Gateways log in with their own secrets (anonymous MQTT is refused by default): provision the
// same makers the simulator will run, then hand it the credentials file.
const seedArgs = ['--out', credentialsFile];
for (const name of ['makers', 'seed']) {
  const value = flagValue(simulatorArgs, name);
  if (value !== undefined) seedArgs.push(`--${name}`, value);
}
const seed = spawnSync(process.execPath, [path.join(root, 'apps/server/scripts/seed.js'), ...seedArgs], { cwd: root, stdio: 'inherit' });
if (seed.status !== 0) {
  console.error('provisioning the gateways failed; see above.');
  process.exit(1);
}

run('server', serverMain, [], { TRAINER_TOKEN: trainerToken, ...serverEnv });
if (!(await waitForHttp(`http://127.0.0.1:${httpPort}${ApiRoutes.kpis}`, 60_000))) {
  if (!stopping) {
    console.error(`the server did not answer on port ${httpPort} within 60 s; stopping.`);
    stop(1);
  }
} else {
  console.log(`\n  ClusterPulse dashboard: http://localhost:${httpPort}\n  Trainer token: ${trainerToken}\n  MQTT broker: mqtt://localhost:${mqttPort}\n`);
  run('simulator', simulatorMain, ['--broker', `mqtt://127.0.0.1:${mqttPort}`, '--credentials', credentialsFile, '--progress', ...simulatorArgs], {});
}
