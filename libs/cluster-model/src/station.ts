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
  /** Chance per working hour of a style changeover, and how long one takes. */
  changeoverChance?: number;
  changeoverMs?: number;
  /** The state when on shift with nothing to do: a line waiting for cut parts is 'blocked'. */
  starvedState?: Extract<DeviceState, 'idle' | 'blocked'>;
  runKw: number;
  idleKw: number;
  standbyKw?: number;
}

/**
 * A pass-through work station: a queue of units, rated speed, breakdowns and repairs, optional
 * changeovers. Production, defects, availability and speed come out of the same accounting, so
 * the OEE computed from a report (runMs / plannedMs, units x idealCycleMs / runMs, good / units)
 * is the OEE the station actually had.
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
    const standbyWh = Math.round(((o.standbyKw ?? 0.02) * ctx.stepMs) / 3600);
    if (!ctx.powered) {
      return { state: 'fault', plannedMs: ctx.onShift ? ctx.stepMs : 0, runMs: 0, good: 0, defective: 0, energyWh: 0, readings: this.readings() };
    }
    if (!ctx.onShift) {
      // a machine broken at the end of the shift is still broken overnight
      const broken = this.faultUntil > ctx.ts && this.faultFrom <= ctx.ts;
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
    let changeover = false;
    if (availableMs > 0 && this.queue > 0 && o.changeoverChance && this.rng.chance(o.changeoverChance)) {
      const co = Math.min(availableMs, o.changeoverMs ?? 1_800_000);
      availableMs -= co;
      changeover = true;
    }
    const capacity = Math.floor((availableMs * o.performance) / this.idealCycleMs);
    const processed = Math.min(this.queue, capacity);
    const runMs = Math.min(availableMs, Math.ceil((processed * this.idealCycleMs) / o.performance));
    const defective = Math.min(processed, this.rng.poisson(processed * o.defectRate));
    this.queue -= processed;
    this.processedTotal += processed;

    let state: DeviceState;
    if (downMs * 2 >= ctx.stepMs || this.faultUntil >= stepEnd) state = 'fault';
    else if (changeover && runMs * 2 < ctx.stepMs) state = 'changeover';
    else if (processed > 0) state = 'running';
    else state = o.starvedState ?? 'idle';

    const energyWh = Math.round((o.runKw * runMs + o.idleKw * (ctx.stepMs - runMs)) / 3600);
    return { state, plannedMs: ctx.stepMs, runMs, good: processed - defective, defective, energyWh, readings: this.readings() };
  }

  /** Cumulative or instantaneous sensor values; subclasses add their own. */
  protected readings(): Record<string, number> | undefined {
    return undefined;
  }
}
