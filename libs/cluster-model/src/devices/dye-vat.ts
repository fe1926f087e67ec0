import { DYE_TOLERANCE_C, DYE_VAT_MAX_C, type SimTime } from '@clusterpulse/contracts';
import type { DeviceFault, DeviceModel, SimDevice, StepContext, StepResult } from '../device-model';
import type { Rng } from '../prng';

/** Dyeing recipes: set-point temperature and hold time. Polyester needs near boiling, cotton reactive dyes less. */
const RECIPES = [
  { name: 'cotton-reactive', setpointC: 60, holdSteps: 1 },
  { name: 'cotton-hot', setpointC: 80, holdSteps: 2 },
  { name: 'polyester', setpointC: 98, holdSteps: 2 },
] as const;

// The tolerance band and the boiling limit are the contracts' (READING_LIMITS), so the server's
// out-of-range alarms and the vat's off-shade batches follow the same rule.
export { DYE_TOLERANCE_C };
const AMBIENT_C = 25;
/** Controller noise around the set point during the hold (standard deviation). */
const HOLD_NOISE_C = 0.7;

type Phase = 'ready' | 'heating' | 'holding' | 'cooling';

/**
 * A dye vat works in batches: heat to the recipe's set point, hold, cool and rinse. During the hold
 * the controller keeps the bath near the set point; now and then it overshoots, and a batch that
 * left the tolerance band comes out off-shade (defective).
 */
class DyeVat implements SimDevice {
  readonly kind = 'dye-vat' as const;
  readonly queued = 0;
  /**
   * Batch equipment: a batch spans several steps, so units per step say nothing about speed and
   * the vat reports no ideal cycle (OEE performance is undefined for it; availability and quality are).
   */
  readonly idealCycleMs = 0;
  private phase: Phase = 'ready';
  private recipe: (typeof RECIPES)[number] = RECIPES[0];
  private holdLeft = 0;
  private tempC = AMBIENT_C;
  /** Whether the step just simulated was a hold step: its temperature is judged against the band. */
  private heldThisStep = false;
  private spoiled = false;
  private faultUntil: SimTime = 0;
  private driftUntil: SimTime = 0;
  private driftC = 0;
  private batches = 0;

  constructor(
    readonly id: string,
    private readonly rng: Rng,
  ) {}

  applyFault(fault: DeviceFault): boolean {
    if (fault.kind === 'breakdown') this.faultUntil = Math.max(this.faultUntil, fault.until);
    else {
      this.driftUntil = fault.until;
      this.driftC = fault.magnitude;
    }
    return true;
  }

  step(ctx: StepContext): StepResult {
    this.heldThisStep = false;
    const readings = (): Record<string, number> => {
      const drift = ctx.ts < this.driftUntil ? this.driftC : 0;
      return {
        tempC: Math.round((this.tempC + drift) * 10) / 10,
        setpointC: this.recipe.setpointC,
        toleranceC: DYE_TOLERANCE_C,
        holding: this.heldThisStep ? 1 : 0,
        batches: this.batches,
      };
    };
    if (!ctx.powered || ctx.ts < this.faultUntil || (ctx.onShift && this.phase === 'ready' && this.rng.chance(1 / 300))) {
      // a breakdown or power loss aborts the batch; the bath cools down
      if (ctx.powered && ctx.ts >= this.faultUntil) this.faultUntil = ctx.ts + Math.round(this.rng.exponential(2) * 3_600_000) + 600_000;
      this.phase = 'ready';
      this.tempC = Math.max(AMBIENT_C, this.tempC - 30);
      return { state: 'fault', plannedMs: ctx.onShift ? ctx.stepMs : 0, runMs: 0, good: 0, defective: 0, energyWh: 0, readings: readings() };
    }
    if (!ctx.onShift && this.phase === 'ready') {
      this.tempC = Math.max(AMBIENT_C, this.tempC - 15);
      return { state: 'idle', plannedMs: 0, runMs: 0, good: 0, defective: 0, energyWh: Math.round(0.3 * (ctx.stepMs / 3600)), readings: readings() };
    }
    let good = 0;
    let defective = 0;
    let kw: number;
    switch (this.phase) {
      case 'ready':
        this.recipe = this.rng.pick(RECIPES);
        this.phase = 'heating';
        this.spoiled = false;
        this.tempC = this.recipe.setpointC - this.rng.uniform(0, 1.5);
        kw = 45;
        break;
      case 'heating':
      case 'holding': {
        if (this.phase === 'heating') {
          this.phase = 'holding';
          this.holdLeft = this.recipe.holdSteps;
        }
        this.heldThisStep = true;
        const excursion = this.rng.chance(0.04);
        const size = excursion ? this.rng.uniform(DYE_TOLERANCE_C + 1, DYE_TOLERANCE_C + 7) : 0;
        // An open vat at atmospheric pressure cannot overshoot past boiling: near it, the controller
        // errs by losing heat (steam supply dips) instead. Noise of a good hold is clamped likewise.
        const overshootRoom = DYE_VAT_MAX_C - this.recipe.setpointC;
        const deviation = excursion ? (size <= overshootRoom ? size : -size) : this.rng.normal(0, HOLD_NOISE_C);
        this.tempC = Math.min(DYE_VAT_MAX_C, this.recipe.setpointC + deviation);
        if (Math.abs(this.tempC - this.recipe.setpointC) > DYE_TOLERANCE_C) this.spoiled = true;
        this.holdLeft--;
        if (this.holdLeft <= 0) this.phase = 'cooling';
        kw = 14;
        break;
      }
      case 'cooling':
        this.tempC = 45 + this.rng.uniform(-3, 3);
        this.phase = 'ready';
        this.batches++;
        if (this.spoiled) defective = 1;
        else good = 1;
        kw = 4;
        break;
    }
    return {
      state: 'running',
      plannedMs: ctx.stepMs,
      runMs: ctx.stepMs,
      good,
      defective,
      energyWh: Math.round(kw * (ctx.stepMs / 3600)),
      readings: readings(),
    };
  }
}

export const dyeVat: DeviceModel = {
  kind: 'dye-vat',
  stage: 'support',
  idPrefix: 'dye',
  description: 'Dye vat: recipe temperature profiles, out-of-range excursions, batches and off-shade batches',
  count: (maker, rng) => (rng.chance(maker.employees >= 60 ? 0.35 : 0.03) ? rng.int(1, 3) : 0),
  create: ({ id, rng }) => new DyeVat(id, rng),
};
