import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { ChildProcesses } from '../child-processes';
import type { CountSample } from '../latency';
import { sumStats, type LoadCommand, type LoadEvent, type LoadShard, type LoadStats } from './load-protocol';
import type { LoadProcessConfig } from './load.process';

export interface FleetOptions {
  /** Template for every shard; first/count/connectRate are set per process. */
  shard: Omit<LoadShard, 'first' | 'count'>;
  gateways: number;
  /** Most gateways one process holds: its sockets must fit under its open-file limit. */
  perProcess: number;
  threadsPerProcess: number;
  statsIntervalMs: number;
  /** Extra node flags for each load process (`--load-node-arg`). */
  nodeArgs?: string[];
}

/**
 * The load generator as seen from the bench: several load processes (each with worker threads),
 * their latest figures, and the history of sent counts the latency measure needs.
 */
export class LoadFleet {
  private readonly procs: ChildProcess[] = [];
  private readonly latest = new Map<string, LoadStats>();
  private readonly history = new Map<string, CountSample[]>();
  private recording = false;
  private readonly waiters: Array<{ type: LoadEvent['type']; remaining: number; resolve: () => void }> = [];
  private workers = 0;
  private closing = false;
  readonly errors: string[] = [];

  constructor(
    private readonly children: ChildProcesses,
    private readonly options: FleetOptions,
  ) {}

  async start(): Promise<void> {
    const { gateways, perProcess } = this.options;
    const processes = Math.max(1, Math.ceil(gateways / perProcess));
    const ready: Array<Promise<void>> = [];
    let first = 0;
    for (let p = 0; p < processes; p++) {
      const count = Math.floor(gateways / processes) + (p < gateways % processes ? 1 : 0);
      const shard: LoadShard = {
        ...this.options.shard,
        first,
        count,
        connectRate: this.options.shard.connectRate / processes,
        maxPendingConnects: Math.max(1, Math.floor(this.options.shard.maxPendingConnects / processes)),
      };
      first += count;
      const child = this.children.spawnNode(path.join(__dirname, 'load.process.js'), [], { ipc: true, nodeArgs: this.options.nodeArgs });
      this.procs.push(child);
      child.once('exit', (code, signal) => {
        if (!this.closing) this.errors.push(`load process ${p} exited (${code ?? signal}) while the bench still needed it`);
      });
      ready.push(
        new Promise<void>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`load process ${p} exited with ${code} before it was ready`)));
          child.on('message', (message: LoadEvent | { type: 'ready'; workers: number }) => {
            if (message.type === 'ready') {
              this.workers += message.workers;
              resolve();
              return;
            }
            this.onEvent(p, message);
          });
        }),
      );
      const config: LoadProcessConfig = { shard, threads: Math.min(this.options.threadsPerProcess, count), statsIntervalMs: this.options.statsIntervalMs };
      child.send(config);
    }
    await Promise.all(ready);
  }

  private onEvent(proc: number, event: LoadEvent): void {
    if (event.type === 'error') {
      this.errors.push(`load process ${proc} worker ${event.worker}: ${event.message}`);
      return;
    }
    const key = `${proc}.${event.worker}`;
    this.latest.set(key, event.stats);
    if (this.recording) {
      let samples = this.history.get(key);
      if (!samples) this.history.set(key, (samples = []));
      samples.push({ t: event.stats.t, sent: event.stats.sent });
    }
    for (const waiter of this.waiters) {
      if (waiter.type === event.type && --waiter.remaining === 0) waiter.resolve();
    }
  }

  /** Process ids of the load processes, for their CPU figures. */
  get pids(): number[] {
    return this.procs.map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
  }

  totals(): LoadStats {
    return sumStats([...this.latest.values()]);
  }

  /** Per-worker sent counts recorded since publishing began. */
  countHistory(): CountSample[][] {
    return [...this.history.values()];
  }

  private command(command: LoadCommand): void {
    for (const child of this.procs) if (child.connected) child.send(command);
  }

  private allWorkers(type: LoadEvent['type'], timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter = { type, remaining: this.workers, resolve: () => resolve(true) };
      this.waiters.push(waiter);
      setTimeout(() => resolve(false), timeoutMs).unref();
    });
  }

  /** Polls the totals until `done` holds or the timeout passes; true if it held. */
  async waitFor(done: (totals: LoadStats) => boolean, timeoutMs: number, pollMs = 100): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (done(this.totals())) return true;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return done(this.totals());
  }

  publish(startAt: number): void {
    this.recording = true;
    this.command({ type: 'publish', startAt });
  }

  async stop(drainTimeoutMs: number): Promise<void> {
    const stopped = this.allWorkers('stopped', drainTimeoutMs + 5_000);
    this.command({ type: 'stop', drainTimeoutMs });
    await stopped;
  }

  async close(): Promise<void> {
    this.closing = true;
    const closed = this.allWorkers('closed', 15_000);
    this.command({ type: 'disconnect' });
    await closed;
    await Promise.all(this.procs.map((child) => this.children.stop(child, 5_000)));
  }
}
