import { LoopTimers, STARVED_AFTER_MS } from './loop-timers';

/** Holds the event loop the way a poll phase full of socket callbacks does: no timer can fire. */
function holdLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('LoopTimers', () => {
  const INTERVAL = 200;
  let timers: LoopTimers;
  let runs: number;

  beforeEach(() => {
    timers = new LoopTimers();
    runs = 0;
    timers.every('task', INTERVAL, () => runs++);
  });

  afterEach(() => timers.onApplicationShutdown());

  it('leaves a task to its timer while the timer is on time', async () => {
    for (let i = 0; i < 10; i++) timers.pulse();
    await nextTick();
    expect(runs).toBe(0);
    expect(timers.rescued.size).toBe(0);
  });

  it('runs a task whose timer is starved from the next tick of the message that noticed', async () => {
    holdLoop(INTERVAL + STARVED_AFTER_MS + 20);
    // Many messages in one poll phase: the task is queued once.
    for (let i = 0; i < 50; i++) timers.pulse();
    expect(runs).toBe(0);
    await nextTick();
    expect(runs).toBe(1);
    expect(timers.rescued.get('task')).toBe(1);
  });

  it('skips the timer turn that comes right after a rescued run, and keeps the cadence after it', async () => {
    holdLoop(INTERVAL + STARVED_AFTER_MS + 20);
    timers.pulse();
    await nextTick();
    expect(runs).toBe(1);
    // The overdue timer fires in the next turn of the loop: that turn was just taken.
    await nextTurn();
    await nextTurn();
    expect(runs).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, INTERVAL * 2 + 50));
    expect(runs).toBeGreaterThanOrEqual(2);
  });

  it('stops a cancelled task, queued or not', async () => {
    const cancelled = new LoopTimers();
    let other = 0;
    const cancel = cancelled.every('other', INTERVAL, () => other++);
    holdLoop(INTERVAL + STARVED_AFTER_MS + 20);
    cancelled.pulse();
    cancel();
    await nextTick();
    await new Promise((resolve) => setTimeout(resolve, INTERVAL + 50));
    expect(other).toBe(0);
    cancelled.onApplicationShutdown();
  });

  describe('nextTurn', () => {
    it('resolves at the next turn of the loop', async () => {
      let done = false;
      const turn = timers.nextTurn().then(() => (done = true));
      await nextTick();
      expect(done).toBe(false);
      await turn;
      expect(done).toBe(true);
    });

    it('is released by a message of a saturated poll phase, one waiting slice at a time', async () => {
      const released: number[] = [];
      void timers.nextTurn().then(() => released.push(1));
      void timers.nextTurn().then(() => released.push(2));
      holdLoop(STARVED_AFTER_MS + 10);
      timers.pulse();
      await Promise.resolve();
      // Still inside the same callback of the loop: only pulse() can have released it.
      expect(released).toEqual([1]);
      holdLoop(STARVED_AFTER_MS + 10);
      timers.pulse();
      await Promise.resolve();
      expect(released).toEqual([1, 2]);
    });
  });
});
