import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { ScenarioId, SimControl, SimTime } from '@clusterpulse/contracts';
import { SimClock, createDeviceRegistry, generateMaker } from '@clusterpulse/cluster-model';
import { applyClockCommand, clockState } from './clock-state';
import { openControlLink, type ControlLink } from './control-link';
import type { MqttCredentials } from './gateway';
import { mergeLedgers, type LedgerJSON } from './ledger';
import { formatProgress } from './progress';
import type { FromShard, ToShard } from './shard-messages';
import { formatShard, shardRange, type Shard } from './shards';
import { newRunId, scenarioStartTime, simStatusPayload, type SimulatorStatus } from './simulation';

export interface ProcessesOptions {
  /** The CLI each child runs, with `args` and `--shard K/N`. */
  main: string;
  args: readonly string[];
  processes: number;
  makers: number;
  cluster: string;
  scenario: ScenarioId;
  seed: number;
  speed: number;
  paused: boolean;
  until?: SimTime;
  /** The first is where the simulator's own client connects. */
  brokers: readonly string[];
  controlCredentials?: MqttCredentials;
  statusIntervalMs?: number;
  ledgerFile?: string;
  drainTimeoutMs: number;
  /** Progress lines on stderr; on a terminal one line rewritten in place. */
  progress: boolean;
  tty: boolean;
  log: (line: string) => void;
}

interface Child {
  shard: Shard;
  process: ChildProcess;
  status: SimulatorStatus | null;
  ledger: LedgerJSON | null;
  connected: boolean;
  started: boolean;
  /** Exited and its IPC channel drained: every message it sent has been read. */
  gone: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: boolean;
}

/**
 * Runs the makers in several child processes (the same CLI, each with `--shard K/N`), as one
 * simulator: one control connection and one retained status (here), one progress line and one
 * ledger summing the children. A child that dies stops the others, and the exit code says so.
 * `done` resolves with the exit code once every child is gone.
 */
export function runProcesses(o: ProcessesOptions): { done: Promise<number>; stop(code?: number): void } {
  let scenario = o.scenario;
  let seed = o.seed;
  let run = newRunId();
  const clock = new SimClock(scenarioStartTime(scenario), o.speed, () => Date.now(), o.paused);
  let lastNow = clock.now();
  const started = Date.now();
  let link: ControlLink | null = null;
  let stopping = false;
  let exitCode = 0;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const registry = createDeviceRegistry();
  const makerId = (index: number): string => generateMaker(o.seed, index, registry).id;

  const children: Child[] = Array.from({ length: o.processes }, (_v, index) => {
    const shard = { index, count: o.processes };
    const proc = fork(o.main, [...o.args, '--shard', formatShard(shard)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let exited: (v: { code: number | null; signal: NodeJS.Signals | null }) => void = () => undefined;
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => (exited = resolve));
    const disconnected = new Promise<void>((resolve) => proc.once('disconnect', () => resolve()));
    const child: Child = {
      shard,
      process: proc,
      status: null,
      ledger: null,
      connected: false,
      started: false,
      gone: Promise.all([exit, disconnected]).then(([e]) => e),
      exited: false,
    };
    proc.once('exit', (code, signal) => {
      child.exited = true;
      exited({ code, signal });
    });
    proc.on('message', (message: FromShard) => onMessage(child, message));
    proc.on('error', (error) => o.log(`simulator process ${formatShard(shard)}: ${error.message}`));
    const { from, to } = shardRange(o.makers, shard);
    o.log(`process ${formatShard(shard)} (pid ${proc.pid}): makers ${makerId(from)}..${makerId(to - 1)} (${to - from})`);
    void child.gone.then((e) => onGone(child, e));
    return child;
  });

  function send(child: Child, message: ToShard): void {
    if (!child.exited && child.process.connected) child.process.send(message);
  }

  function onMessage(child: Child, message: FromShard): void {
    switch (message.t) {
      case 'ready':
        if (stopping) return;
        checkUntil();
        send(child, { t: 'start', run, clock: clockState(clock), ledger: o.ledgerFile !== undefined });
        child.started = true;
        if (children.every((c) => c.started)) openLink();
        break;
      case 'status':
        child.status = message.status;
        break;
      case 'ledger':
        child.ledger = message.ledger;
        break;
      case 'connected':
        child.connected = true;
        if (children.every((c) => c.connected)) o.log(`${o.tty ? '\n' : ''}all ${o.makers} gateways connected in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        break;
    }
  }

  /** The clock stops at --until in every process: each child stops its own there, this mirror too. */
  function checkUntil(): void {
    const now = clock.now();
    if (o.until !== undefined && lastNow < o.until && now >= o.until) {
      clock.pause();
      clock.set(o.until);
      link?.publishStatus();
    }
    lastNow = clock.now();
  }

  function status(): SimulatorStatus {
    const sum = (pick: (s: SimulatorStatus) => number) => children.reduce((total, c) => total + (c.status ? pick(c.status) : 0), 0);
    return {
      run,
      scenario,
      seed,
      speed: clock.speed,
      paused: clock.paused,
      simTime: clock.now(),
      makers: o.makers,
      gatewaysConnected: sum((s) => s.gatewaysConnected),
      gatewaysHeld: sum((s) => s.gatewaysHeld),
      reportsSent: sum((s) => s.reportsSent),
      replays: sum((s) => s.replays),
      reportsPerSecond: sum((s) => s.reportsPerSecond),
      // a child that has not yet heard of a new run still counts the old one's sales
      salesFen: sum((s) => (s.run === run ? s.salesFen : 0)),
      unacked: sum((s) => s.unacked),
    };
  }

  function command(cmd: SimControl): void {
    checkUntil();
    switch (cmd.cmd) {
      case 'pause':
      case 'resume':
      case 'speed':
        applyClockCommand(clock, cmd);
        break;
      case 'scenario':
        scenario = cmd.scenario;
        seed = cmd.seed ?? seed;
        run = newRunId();
        clock.set(scenarioStartTime(scenario));
        break;
      case 'reset':
        run = newRunId();
        clock.set(scenarioStartTime(scenario));
        break;
      case 'fault':
        // each child applies it to its own makers; a maker chosen from the seed is the same in all
        break;
    }
    lastNow = clock.now();
    const sync = { run, clock: clockState(clock) };
    for (const child of children) send(child, { t: 'command', cmd, sync });
    link?.publishStatus();
  }

  function openLink(): void {
    if (link || stopping) return;
    link = openControlLink({
      brokerUrl: o.brokers[0],
      cluster: o.cluster,
      credentials: o.controlCredentials,
      reconnectPeriodMs: 1000,
      statusIntervalMs: o.statusIntervalMs ?? 5000,
      status: () => simStatusPayload(status()),
      onCommand: command,
    });
  }

  const untilTimer = setInterval(checkUntil, 100);
  const progressTimer = setInterval(() => {
    if (!o.progress || stopping) return;
    const line = formatProgress(status());
    process.stderr.write(o.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }, 1000);
  const writeLedger = (): void => {
    if (!o.ledgerFile) return;
    const parts = children.map((c) => c.ledger).filter((l): l is LedgerJSON => l !== null);
    writeFileSync(o.ledgerFile, `${JSON.stringify(mergeLedgers(parts))}\n`);
  };
  const ledgerTimer = o.ledgerFile ? setInterval(writeLedger, 10_000) : null;

  function onGone(child: Child, e: { code: number | null; signal: NodeJS.Signals | null }): void {
    if (!stopping) {
      o.log(`${o.tty ? '\n' : ''}simulator process ${formatShard(child.shard)} (pid ${child.process.pid}) exited (${e.signal ?? `code ${e.code}`}); stopping the others`);
      stop(1);
    } else if (e.code !== 0) {
      exitCode = exitCode || 1;
    }
    if (children.every((c) => c.exited)) void finish();
  }

  let finishing = false;
  async function finish(): Promise<void> {
    if (finishing) return;
    finishing = true;
    await Promise.all(children.map((c) => c.gone));
    clearInterval(untilTimer);
    clearInterval(progressTimer);
    if (ledgerTimer) clearInterval(ledgerTimer);
    writeLedger();
    await link?.close();
    const unacked = status().unacked;
    if (unacked > 0) o.log(`${o.tty ? '\n' : ''}stopped with ${unacked} reports not acknowledged by the server`);
    if (o.tty) process.stderr.write('\n');
    resolveDone(exitCode);
  }

  /** Stops every child (each drains, says goodbye and sends its last ledger); the exit code is `code` or worse. */
  function stop(code = 0): void {
    exitCode = exitCode || code;
    if (stopping) return;
    stopping = true;
    link?.stopPublishing();
    for (const child of children) if (!child.exited) child.process.kill('SIGTERM');
    setTimeout(() => {
      for (const child of children) {
        if (!child.exited) {
          o.log(`simulator process ${formatShard(child.shard)} (pid ${child.process.pid}) did not stop; killing it`);
          child.process.kill('SIGKILL');
          exitCode = exitCode || 1;
        }
      }
    }, o.drainTimeoutMs + 15_000).unref();
  }

  return { done, stop };
}
