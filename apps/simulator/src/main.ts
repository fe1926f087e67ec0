#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_ID, SCENARIOS, chinaDayStart, type ScenarioId } from '@clusterpulse/contracts';
import { DEFAULT_MAKERS, DEFAULT_SEED, SPEED_PRESETS, isScenarioId, parseSpeed } from '@clusterpulse/cluster-model';
import { loadCredentialsFile } from './credentials-file';
import { runProcesses } from './processes';
import { formatProgress } from './progress';
import type { FromShard, ToShard } from './shard-messages';
import { autoProcesses, openFileLimit, parseBrokerList, parseShard, type Shard } from './shards';
import { startSimulation, type SimulationHandle, type SimulationOptions } from './simulation';

const USAGE = `Usage: node apps/simulator/dist/main.js [options]

  --broker URL[,URL...]   MQTT broker (default mqtt://localhost:1883); several brokers (instances
                          of one cluster): maker i connects to the (i mod n)-th
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
  --until DAY             pause the simulated clock when it reaches DAY (YYYY-MM-DD, 00:00 China
                          time): the same period, and so the same figures, for any speed or run
  --processes N|auto      run the makers in N child processes (one MQTT connection per maker
                          costs a file descriptor); auto: as many as the open-file limit needs
                          (default auto)
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
        until: { type: 'string' },
        processes: { type: 'string', default: 'auto' },
        // internal: this process is child K of N started by a parent with --processes N
        shard: { type: 'string' },
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
  const brokers = parseBrokerList(values.broker);
  if (!brokers) fail(`--broker must be a URL or a comma-separated list of URLs, got '${values.broker}'`);
  let until: number | undefined;
  if (values.until !== undefined) {
    try {
      until = chinaDayStart(values.until);
    } catch {
      fail(`--until must be a day YYYY-MM-DD, got '${values.until}'`);
    }
  }

  const options: SimulationOptions = {
    brokerUrl: brokers.length === 1 ? brokers[0] : brokers,
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
    until,
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

  if (values.shard !== undefined) {
    const shard = parseShard(values.shard);
    if (!shard || shard.count > options.makers!) fail(`--shard must be K/N with 1 <= K <= N <= --makers, got '${values.shard}'`);
    runShard(options, shard);
    return;
  }

  const limit = openFileLimit();
  let processes: number;
  if (values.processes === 'auto') processes = Math.min(options.makers!, autoProcesses(options.makers!, limit));
  else {
    processes = intFlag('processes', values.processes, 1, 1);
    if (processes > options.makers!) fail(`--processes must not exceed --makers (${options.makers}), got ${processes}`);
  }
  if (processes > 1) {
    const args = [
      '--broker', brokers.join(','),
      '--makers', String(options.makers),
      '--scenario', options.scenario!,
      '--seed', String(options.seed),
      '--speed', String(speed),
      '--report-interval', String(interval),
      '--cluster', options.cluster!,
      // the connection rate is the whole simulator's
      '--connect-rate', String(Math.max(1, Math.ceil(connectRate / processes))),
      '--max-unacked', String(options.maxUnacked),
      '--drain', String(drain),
    ];
    if (values.credentials) args.push('--credentials', values.credentials);
    else if (values.username !== undefined) args.push('--username', values.username, '--password', values.password ?? '');
    if (values.until !== undefined) args.push('--until', values.until);
    const tty = process.stderr.isTTY === true;
    process.stderr.write(
      `simulating ${options.makers} makers (${options.scenario}, seed ${options.seed}, ${speed} x real time) against ${brokers.join(', ')} in ${processes} processes` +
        `${values.processes === 'auto' && limit !== null ? ` (open-file limit ${limit})` : ''}\n`,
    );
    const run = runProcesses({
      main: __filename,
      args,
      processes,
      makers: options.makers!,
      cluster: options.cluster!,
      scenario: options.scenario!,
      seed: options.seed!,
      speed,
      paused: values.paused,
      until,
      brokers,
      controlCredentials: options.controlCredentials,
      ledgerFile: values.ledger,
      drainTimeoutMs: drain * 1000,
      progress: tty || values.progress,
      tty,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.on('SIGINT', () => run.stop(0));
    process.on('SIGTERM', () => run.stop(0));
    process.exit(await run.done);
  }

  const sim = startSimulation(options);
  const started = Date.now();
  process.stderr.write(`simulating ${options.makers} makers (${options.scenario}, seed ${options.seed}, ${speed} x real time) against ${brokers.join(', ')}\n`);
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

/**
 * One of several processes started by a parent with --processes: runs its block of makers once
 * the parent says which run and clock to join, applies the commands the parent relays, reports
 * its status every second (and its ledger when asked), and stops on SIGTERM or when the parent
 * goes away. Ctrl-C is the parent's to handle: it stops every child.
 */
function runShard(options: SimulationOptions, shard: Shard): void {
  const tell = (message: FromShard, done?: () => void): void => {
    if (process.connected) process.send!(message, undefined, {}, () => done?.());
    else done?.();
  };
  let sim: SimulationHandle | null = null;
  const timers: NodeJS.Timeout[] = [];
  let sendLedger = false;
  process.on('message', (message: ToShard) => {
    if (message.t === 'start' && !sim && !stopping) {
      sendLedger = message.ledger;
      const s = startSimulation({ ...options, shard, control: false, run: message.run, clock: message.clock });
      sim = s;
      void s.allConnected.then(() => !stopping && tell({ t: 'connected' }));
      timers.push(setInterval(() => tell({ t: 'status', status: s.status() }), 1000));
      if (sendLedger) timers.push(setInterval(() => tell({ t: 'ledger', ledger: s.ledger.toJSON() }), 10_000));
    } else if (message.t === 'command') {
      sim?.command(message.cmd, message.sync);
    }
  });

  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const t of timers) clearInterval(t);
    const timeout = setTimeout(() => process.exit(1), (options.drainTimeoutMs ?? 0) + 10_000);
    const s: SimulationHandle | null = sim;
    if (s) {
      await s.stop();
      if (sendLedger) await new Promise<void>((resolve) => tell({ t: 'ledger', ledger: s.ledger.toJSON() }, resolve));
      await new Promise<void>((resolve) => tell({ t: 'status', status: s.status() }, resolve));
    }
    clearTimeout(timeout);
    process.exit(0);
  };
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void shutdown());
  process.on('disconnect', () => void shutdown());
  tell({ t: 'ready' });
}

void main();
