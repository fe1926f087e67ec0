import type { SimTime } from '@clusterpulse/contracts';
import type { DeviceFault, DeviceModel, SimDevice, StepContext, StepResult } from '../device-model';
import type { Rng } from '../prng';

/** Dyeing recipes: set-point temperature and hold time. Polyester needs near boiling, cotton reactive dyes less. */
const RECIPES = [
  { name: 'cotton-reactive', setpointC: 60, holdSteps: 1 },
  { name: 'cotton-hot', setpointC: 80, holdSteps: 2 },
  { name: 'polyester', setpointC: 98, holdSteps: 2 },
] as const;

/** Beyond this distance from the set point during the hold, a batch risks an off-shade result. */
export const DYE_TOLERANCE_C = 3;
const AMBIENT_C = 25;

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
    const readings = (): Record<string, number> => {
      const drift = ctx.ts < this.driftUntil ? this.driftC : 0;
      return {
        tempC: Math.round((this.tempC + drift) * 10) / 10,
        setpointC: this.recipe.setpointC,
        toleranceC: DYE_TOLERANCE_C,
        holding: this.phase === 'holding' ? 1 : 0,
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
        const excursion = this.rng.chance(0.04);
        this.tempC = this.recipe.setpointC + (excursion ? this.rng.uniform(DYE_TOLERANCE_C + 1, DYE_TOLERANCE_C + 7) : this.rng.normal(0, 0.7));
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
