import { Global, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';

/** A task this late is run from the next message's tick instead of waiting for its timer. */
export const STARVED_AFTER_MS = 25;
/** `pulse()` looks at the clock at most this often. */
const PULSE_CHECK_MS = 5;

interface Waiter {
  resolve: () => void;
  since: number;
  settled: boolean;
}

interface Task {
  name: string;
  intervalMs: number;
  run: () => void;
  lastRun: number;
  queued: boolean;
  timer: NodeJS.Timeout;
}

/**
 * Periodic work (dashboard pushes, flushes, cluster heartbeats) that keeps its cadence while the
 * event loop is saturated with socket reads.
 *
 * libuv runs timers once per turn of the loop, and one turn's poll phase goes on while the
 * kernel keeps handing it full batches of ready sockets (up to 48 batches of 1,024). With ten
 * thousand gateways reporting, that is seconds in which no `setInterval` fires: the bench saw
 * 0.8-1.3 s between two 250 ms pushes. Each task still has its timer, and ingest calls `pulse()`
 * for every message; a task overdue by STARVED_AFTER_MS runs on the next tick, which is still
 * inside the poll phase, between two sockets' callbacks. A timer that fires right after such a
 * run skips its turn.
 *
 * Work done in slices (a flush's statements, a burst of acknowledgements) waits for `nextTurn()`
 * between slices, which `setImmediate` resolves after the poll phase, or `pulse()` when that is
 * STARVED_AFTER_MS away: one waiting slice every STARVED_AFTER_MS, so background work keeps
 * moving under saturation without taking more than a share of the loop.
 */
@Injectable()
export class LoopTimers implements OnApplicationShutdown {
  private readonly logger = new Logger(LoopTimers.name);
  private readonly tasks = new Set<Task>();
  private nextCheck = 0;
  private readonly waiters: Waiter[] = [];
  private lastRelease = 0;
  /** Runs started by `pulse()` because a timer was late, by task name. */
  readonly rescued = new Map<string, number>();

  /** Runs `run` every `intervalMs`; returns its cancel. `unref`: the timer alone does not keep the process alive. */
  every(name: string, intervalMs: number, run: () => void, options: { unref?: boolean } = {}): () => void {
    const task: Task = {
      name,
      intervalMs,
      run,
      lastRun: performance.now(),
      queued: false,
      timer: setInterval(() => {
        // Run by pulse() a moment ago: this turn is taken.
        if (performance.now() - task.lastRun >= intervalMs / 2) this.fire(task);
      }, intervalMs),
    };
    if (options.unref) task.timer.unref();
    this.tasks.add(task);
    return () => {
      clearInterval(task.timer);
      this.tasks.delete(task);
    };
  }

  /** Resolves at the next turn of the event loop, or from `pulse()` if that turn is late. */
  nextTurn(): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, since: performance.now(), settled: false };
      this.waiters.push(waiter);
      setImmediate(() => this.settle(waiter));
    });
  }

  /** Called on the hot path (every ingested message): cheap unless a task is overdue. */
  pulse(): void {
    const now = performance.now();
    if (now < this.nextCheck) return;
    this.nextCheck = now + PULSE_CHECK_MS;
    for (const task of this.tasks) {
      if (task.queued || now - task.lastRun < task.intervalMs + STARVED_AFTER_MS) continue;
      task.queued = true;
      process.nextTick(() => {
        task.queued = false;
        if (!this.tasks.has(task)) return;
        this.rescued.set(task.name, (this.rescued.get(task.name) ?? 0) + 1);
        this.fire(task);
      });
    }
    const waiter = this.waiters[0];
    if (waiter && now - waiter.since >= STARVED_AFTER_MS && now - this.lastRelease >= STARVED_AFTER_MS) {
      this.lastRelease = now;
      // Its continuation runs as a microtask, once the current socket callback is through.
      this.settle(waiter);
    }
  }

  private settle(waiter: Waiter): void {
    if (waiter.settled) return;
    waiter.settled = true;
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
    waiter.resolve();
  }

  /**
   * Whatever its owner did not cancel. Not at module destruction, which comes before the shutdown
   * sequence: the cluster heartbeat must go on through the final flush (LifecycleService).
   */
  onApplicationShutdown(): void {
    for (const task of this.tasks) clearInterval(task.timer);
    this.tasks.clear();
  }

  private fire(task: Task): void {
    task.lastRun = performance.now();
    try {
      task.run();
    } catch (error) {
      this.logger.error(`${task.name} failed: ${(error as Error).stack ?? String(error)}`);
    }
  }
}

@Global()
@Module({ providers: [LoopTimers], exports: [LoopTimers] })
export class LoopTimersModule {}
