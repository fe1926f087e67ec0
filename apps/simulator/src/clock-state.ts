import type { SimControl, SimTime } from '@clusterpulse/contracts';
import type { SimClock } from '@clusterpulse/cluster-model';

/**
 * A simulated clock as one process tells another: it read `sim` at real time `real` (Date.now(),
 * the same on every process of a machine) and moves at `speed` unless paused. Simulator processes
 * aligned on one state read the same simulated time at the same real moment.
 */
export interface ClockState {
  sim: SimTime;
  real: number;
  speed: number;
  paused: boolean;
}

/** The clock's state now. The clock must read real time through Date.now(), as the simulation's does. */
export function clockState(clock: SimClock): ClockState {
  return { sim: clock.now(), real: Date.now(), speed: clock.speed, paused: clock.paused };
}

/** Sets the clock so that it reads what the state's owner reads. */
export function alignClock(clock: SimClock, state: ClockState): void {
  clock.setSpeed(state.speed);
  if (state.paused) {
    clock.pause();
    clock.set(state.sim);
  } else {
    clock.resume();
    clock.set(state.sim + Math.floor((Date.now() - state.real) * state.speed));
  }
}

/** The trainer commands that only move the clock, as every simulator process applies them. */
export function applyClockCommand(clock: SimClock, cmd: Extract<SimControl, { cmd: 'pause' | 'resume' | 'speed' }>): void {
  if (cmd.cmd === 'pause') clock.pause();
  else if (cmd.cmd === 'resume') clock.resume();
  else clock.setSpeed(cmd.factor);
}
