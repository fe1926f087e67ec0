#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_ID, SCENARIOS, type ScenarioId } from '@clusterpulse/contracts';
import { DEFAULT_MAKERS, DEFAULT_SEED, SPEED_PRESETS, isScenarioId, parseSpeed } from '@clusterpulse/cluster-model';
import { loadCredentialsFile } from './credentials-file';
import { formatProgress } from './progress';
import { startSimulation, type SimulationOptions } from './simulation';

const USAGE = `Usage: node apps/simulator/dist/main.js [options]

  --broker URL            MQTT broker (default mqtt://localhost:1883)
  --makers N              makers, one gateway each (default ${DEFAULT_MAKERS})
  --scenario ID           ${SCENARIOS.join(' | ')} (default digital-2020)
  --seed N                cluster seed (default ${DEFAULT_SEED})
  --speed X               simulated seconds per real second, or a preset:
                          ${Object.keys(SPEED_PRESETS).join(', ')} (default day-per-minute)
  --report-interval S     real seconds between two reports of one gateway (default 30)
  --cluster ID            cluster id (default ${DEFAULT_CLUSTER_ID})
  --username U --password P   one account for every gateway (and the simulator's own client)
  --credentials FILE      per-gateway credentials written by "npm run db:seed"
  --connect-rate N        new connections per second while connecting (default 2500)
  --max-unacked N         reports a gateway keeps until acknowledged (default 1000)
  --paused                start paused (resume with a trainer command)
  --progress              print the progress line even when stderr is not a terminal
  --ledger FILE           write what was sent (per gateway totals) to FILE on exit and every 10 s
  --drain S               on SIGINT/SIGTERM, wait up to S seconds for unacknowledged reports
                          to be acknowledged before exiting (default 5)
  --help`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function intFlag(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        broker: { type: 'string', default: 'mqtt://localhost:1883' },
        makers: { type: 'string' },
        scenario: { type: 'string', default: 'digital-2020' },
        seed: { type: 'string' },
        speed: { type: 'string', default: 'day-per-minute' },
        'report-interval': { type: 'string', default: '30' },
        cluster: { type: 'string', default: DEFAULT_CLUSTER_ID },
        username: { type: 'string' },
        password: { type: 'string' },
        credentials: { type: 'string' },
        'connect-rate': { type: 'string' },
        'max-unacked': { type: 'string' },
        paused: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: false },
        ledger: { type: 'string' },
        drain: { type: 'string', default: '5' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!isScenarioId(values.scenario)) fail(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  let speed: number;
  try {
    speed = parseSpeed(values.speed);
  } catch (err) {
    fail((err as Error).message);
  }
  const interval = Number(values['report-interval']);
  if (!Number.isFinite(interval) || interval <= 0) fail(`--report-interval must be a positive number of seconds`);
  const connectRate = intFlag('connect-rate', values['connect-rate'], 2500, 1);
  const drain = Number(values.drain);
  if (!Number.isFinite(drain) || drain < 0) fail(`--drain must be a number of seconds >= 0`);

  const options: SimulationOptions = {
    brokerUrl: values.broker,
    cluster: values.cluster,
    makers: intFlag('makers', values.makers, DEFAULT_MAKERS, 1),
    scenario: values.scenario as ScenarioId,
    seed: intFlag('seed', values.seed, DEFAULT_SEED, 0),
    speed,
    reportIntervalMs: interval * 1000,
    connectBatch: Math.max(1, Math.round(connectRate / 10)),
    connectBatchIntervalMs: 100,
    maxUnacked: intFlag('max-unacked', values['max-unacked'], 1000, 1),
    paused: values.paused,
    drainTimeoutMs: drain * 1000,
  };
  if (values.credentials) {
    const loaded = loadCredentialsFile(values.credentials);
    if (loaded.cluster !== options.cluster) fail(`${values.credentials} is for cluster '${loaded.cluster}', not '${options.cluster}'`);
    options.credentials = loaded.gateway;
    options.controlCredentials = loaded.simulator;
  } else if (values.username !== undefined) {
    const account = { username: values.username, password: values.password ?? '' };
    options.credentials = () => account;
    options.controlCredentials = account;
  }

  const sim = startSimulation(options);
  const started = Date.now();
  process.stderr.write(`simulating ${options.makers} makers (${options.scenario}, seed ${options.seed}, ${speed} x real time) against ${options.brokerUrl}\n`);
  void sim.allConnected.then(() => process.stderr.write(`\nall ${options.makers} gateways connected in ${((Date.now() - started) / 1000).toFixed(1)} s\n`));

  const tty = process.stderr.isTTY === true;
  const showProgress = tty || values.progress;
  const progress = setInterval(() => {
    if (!showProgress) return;
    const line = formatProgress(sim.status());
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }, 1000);
  const writeLedger = (): void => {
    if (values.ledger) writeFileSync(values.ledger, `${JSON.stringify(sim.ledger.toJSON())}\n`);
  };
  const ledgerTimer = values.ledger ? setInterval(writeLedger, 10_000) : null;

  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(progress);
    if (ledgerTimer) clearInterval(ledgerTimer);
    const timeout = setTimeout(() => process.exit(1), drain * 1000 + 10_000);
    await sim.stop();
    writeLedger();
    const unacked = sim.status().unacked;
    if (unacked > 0) process.stderr.write(`\nstopped with ${unacked} reports not acknowledged by the server\n`);
    clearTimeout(timeout);
    if (tty) process.stderr.write('\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

void main();
