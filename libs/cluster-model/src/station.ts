import type { DeviceKind, DeviceState, SimTime } from '@clusterpulse/contracts';
import type { DeviceFault, SimDevice, StepContext, StepResult } from './device-model';
import type { Rng } from './prng';

export interface StationOptions {
  id: string;
  kind: DeviceKind;
  rng: Rng;
  /** Ideal time per unit at rated speed. */
  idealCycleMs: number;
  /** Share of rated speed the device achieves while running (OEE performance), 0..1. */
  performance: number;
  /** Share of processed units that come out defective. */
  defectRate: number;
  /** Mean running hours between breakdowns, and mean hours to repair. */
  mtbfHours: number;
  mttrHours: number;
  /** Chance per working hour with work of a style changeover, and how long one takes. */
  changeoverChance?: number;
  changeoverMs?: number;
  runKw: number;
  idleKw: number;
  standbyKw?: number;
}

/**
 * A station's own counters since it was created: where its time went (ms; the parts add up to the
 * simulated time stepped) and what it made. Planned time is runMs + downMs + changeoverMs + blockedMs.
 */
export interface StationCounters {
  runMs: number;
  /** Broken down, or without power, while the plan had work for it. */
  downMs: number;
  changeoverMs: number;
  /** Nothing to do while work for it was held up upstream. */
  blockedMs: number;
  /** On shift with nothing queued and nothing held up: idle without orders, not planned. */
  noOrdersMs: number;
  /** Outside the shift plan (nights, days off), and stopped while it had no work. */
  unplannedMs: number;
  good: number;
  defective: number;
}

/**
 * A pass-through work station: a queue of units, rated speed, breakdowns and repairs, optional
 * changeovers. Production, defects, availability and speed come out of the same accounting, so
 * the OEE computed from a report (runMs / plannedMs, units x idealCycleMs / runMs, good / units)
 * is the OEE the station actually had.
 *
 * Planned time in a step is the part of the shift the plan has work for the station: running,
 * stopped while it has work (breakdown, power cut, changeover) and blocked (waiting for work held up
 * upstream, for as long as that work would have kept it busy). The rest of the shift it is idle
 * without orders: not planned, so a station sized well above the flow it serves (a cutting table
 * faster than the lines it feeds) is not charged for the hours the plan leaves it nothing to do.
 */
export class Station implements SimDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly idealCycleMs: number;
  protected readonly rng: Rng;
  private readonly o: StationOptions;
  private queue = 0;
  private faultFrom: SimTime = 0;
  private faultUntil: SimTime = 0;
  /** Units processed since creation, for cumulative readings. */
  protected processedTotal = 0;
  private readonly tally: StationCounters = { runMs: 0, downMs: 0, changeoverMs: 0, blockedMs: 0, noOrdersMs: 0, unplannedMs: 0, good: 0, defective: 0 };

  constructor(options: StationOptions) {
    this.o = options;
    this.id = options.id;
    this.kind = options.kind;
    this.rng = options.rng;
    this.idealCycleMs = Math.max(1, Math.round(options.idealCycleMs));
  }

  get queued(): number {
    return this.queue;
  }

  /** Where the station's time went and what it made, since it was created. */
  get counters(): Readonly<StationCounters> {
    return this.tally;
  }

  applyFault(fault: DeviceFault): boolean {
    if (fault.kind !== 'breakdown') return false;
    // an injected breakdown holds from the next step on
    this.faultFrom = 0;
    this.faultUntil = Math.max(this.faultUntil, fault.until);
    return true;
  }

  step(ctx: StepContext): StepResult {
    this.queue += ctx.input;
    const o = this.o;
    const tally = this.tally;
    const standbyWh = Math.round(((o.standbyKw ?? 0.02) * ctx.stepMs) / 3600);
    /** Time the held-up work would have kept the station busy at its usual pace. */
    const heldMs = ctx.heldUpstream > 0 ? Math.ceil((ctx.heldUpstream * this.idealCycleMs) / o.performance) : 0;
    if (!ctx.powered) {
      // a power cut on shift stops a station the plan has work for; one without work loses nothing
      const plannedMs = !ctx.onShift ? 0 : this.queue > 0 ? ctx.stepMs : Math.min(ctx.stepMs, heldMs);
      tally.downMs += plannedMs;
      tally.unplannedMs += ctx.stepMs - plannedMs;
      return { state: 'fault', plannedMs, runMs: 0, good: 0, defective: 0, energyWh: 0, readings: this.readings() };
    }
    if (!ctx.onShift) {
      // a machine broken at the end of the shift is still broken overnight
      const broken = this.faultUntil > ctx.ts && this.faultFrom <= ctx.ts;
      tally.unplannedMs += ctx.stepMs;
      return { state: broken ? 'fault' : 'idle', plannedMs: 0, runMs: 0, good: 0, defective: 0, energyWh: standbyWh, readings: this.readings() };
    }
    const stepEnd = ctx.ts + ctx.stepMs;
    // a breakdown strikes during running hours only
    if (this.faultUntil <= ctx.ts && this.queue > 0 && this.rng.chance(ctx.stepMs / 3_600_000 / o.mtbfHours)) {
      this.faultFrom = ctx.ts + Math.floor(this.rng.next() * ctx.stepMs);
      this.faultUntil = this.faultFrom + Math.max(600_000, Math.round(this.rng.exponential(o.mttrHours) * 3_600_000));
    }
    const downMs = this.faultUntil > ctx.ts ? Math.max(0, Math.min(stepEnd, this.faultUntil) - Math.max(ctx.ts, this.faultFrom)) : 0;
    let availableMs = ctx.stepMs - downMs;
    let changeoverMs = 0;
    if (availableMs > 0 && this.queue > 0 && o.changeoverChance && this.rng.chance(o.changeoverChance)) {
      changeoverMs = Math.min(availableMs, o.changeoverMs ?? 1_800_000);
      availableMs -= changeoverMs;
    }
    const hadWork = this.queue > 0;
    const capacity = Math.floor((availableMs * o.performance) / this.idealCycleMs);
    const processed = Math.min(this.queue, capacity);
    const runMs = Math.min(availableMs, Math.ceil((processed * this.idealCycleMs) / o.performance));
    const defective = Math.min(processed, this.rng.poisson(processed * o.defectRate));
    this.queue -= processed;
    this.processedTotal += processed;

    // A repair that runs on while the station has nothing to do costs the plan nothing.
    const stoppedMs = hadWork || heldMs > 0 ? downMs : 0;
    const idleMs = availableMs - runMs;
    const blockedMs = Math.min(idleMs, heldMs);
    const plannedMs = runMs + stoppedMs + changeoverMs + blockedMs;
    tally.runMs += runMs;
    tally.downMs += stoppedMs;
    tally.changeoverMs += changeoverMs;
    tally.blockedMs += blockedMs;
    tally.noOrdersMs += idleMs - blockedMs;
    tally.unplannedMs += downMs - stoppedMs;
    tally.good += processed - defective;
    tally.defective += defective;

    let state: DeviceState;
    if (downMs * 2 >= ctx.stepMs || this.faultUntil >= stepEnd) state = 'fault';
    else if (changeoverMs > 0 && runMs * 2 < ctx.stepMs) state = 'changeover';
    else if (processed > 0) state = 'running';
    else state = blockedMs > 0 ? 'blocked' : 'idle';

    const energyWh = Math.round((o.runKw * runMs + o.idleKw * (ctx.stepMs - runMs)) / 3600);
    return { state, plannedMs, runMs, good: processed - defective, defective, energyWh, readings: this.readings() };
  }

  /** Cumulative or instantaneous sensor values; subclasses add their own. */
  protected readings(): Record<string, number> | undefined {
    return undefined;
  }
}
