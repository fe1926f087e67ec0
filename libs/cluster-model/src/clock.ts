import type { SimTime } from '@clusterpulse/contracts';

/**
 * Simulated time against a real clock: `speed` simulated ms per real ms, pausable. Changing speed
 * or pausing re-anchors, so simulated time never jumps. The clock says where simulated time
 * stands; the model itself moves in fixed steps up to it, which keeps results independent of speed.
 */
export class SimClock {
  private anchorSim: SimTime;
  private anchorReal: number;
  private currentSpeed: number;
  private isPaused: boolean;

  constructor(
    start: SimTime,
    speed: number,
    private readonly realNow: () => number = () => performance.now(),
    paused = false,
  ) {
    SimClock.checkSpeed(speed);
    this.anchorSim = start;
    this.anchorReal = realNow();
    this.currentSpeed = speed;
    this.isPaused = paused;
  }

  private static checkSpeed(speed: number): void {
    if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be a positive number, got ${speed}`);
  }

  /** Current simulated time (whole ms). */
  now(): SimTime {
    if (this.isPaused) return this.anchorSim;
    return this.anchorSim + Math.floor((this.realNow() - this.anchorReal) * this.currentSpeed);
  }

  get speed(): number {
    return this.currentSpeed;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  setSpeed(speed: number): void {
    SimClock.checkSpeed(speed);
    this.reanchor();
    this.currentSpeed = speed;
  }

  pause(): void {
    if (this.isPaused) return;
    this.reanchor();
    this.isPaused = true;
  }

  resume(): void {
    if (!this.isPaused) return;
    this.anchorReal = this.realNow();
    this.isPaused = false;
  }

  /** Jumps to a simulated time (a scenario change or reset). */
  set(sim: SimTime): void {
    this.anchorSim = sim;
    this.anchorReal = this.realNow();
  }

  private reanchor(): void {
    this.anchorSim = this.now();
    this.anchorReal = this.realNow();
  }
}

/** Named speeds for the command line, in simulated ms per real ms. */
export const SPEED_PRESETS: Readonly<Record<string, number>> = {
  realtime: 1,
  'hour-per-second': 3600,
  'day-per-minute': 1440,
  'day-per-10s': 8640,
  'year-in-1h': (365 * 86_400) / 3600,
  'year-in-10min': (365 * 86_400) / 600,
};

/** Parses a speed: a preset name or a positive number of simulated seconds per real second. */
export function parseSpeed(text: string): number {
  const preset = SPEED_PRESETS[text];
  if (preset !== undefined) return preset;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new RangeError(`speed must be a positive number or one of ${Object.keys(SPEED_PRESETS).join(', ')}; got '${text}'`);
  }
  return n;
}
