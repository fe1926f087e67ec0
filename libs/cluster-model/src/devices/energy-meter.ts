import type { DeviceModel, DeviceFault, SimDevice, StepContext, StepResult } from '../device-model';

/**
 * The workshop's main meter. Its own energyWh is the load no other device accounts for (lighting,
 * air conditioning, compressors), so the devices' energy adds up to the site's consumption exactly;
 * its readings are what the meter shows: site power and the cumulative register.
 */
class EnergyMeter implements SimDevice {
  readonly kind = 'energy-meter' as const;
  readonly idealCycleMs = 0;
  readonly queued = 0;
  private registerWh = 0;
  private driftUntil = 0;
  private driftKw = 0;

  constructor(
    readonly id: string,
    private readonly baseKw: number,
  ) {}

  applyFault(fault: DeviceFault): boolean {
    if (fault.kind !== 'sensor-drift') return false;
    this.driftUntil = fault.until;
    this.driftKw = fault.magnitude;
    return true;
  }

  step(ctx: StepContext): StepResult {
    if (!ctx.powered) return { state: 'fault', plannedMs: 0, runMs: 0, good: 0, defective: 0, energyWh: 0, readings: { kw: 0, kwhTotal: Math.floor(this.registerWh / 1000) } };
    const ownWh = Math.round((ctx.onShift ? this.baseKw : this.baseKw * 0.15) * (ctx.stepMs / 3600));
    const siteWh = ctx.site.energyWh + ownWh;
    this.registerWh += siteWh;
    const drift = ctx.ts < this.driftUntil ? this.driftKw : 0;
    return {
      state: 'running',
      plannedMs: 0,
      runMs: 0,
      good: 0,
      defective: 0,
      energyWh: ownWh,
      readings: { kw: Math.round((siteWh / (ctx.stepMs / 3600) + drift) * 100) / 100, kwhTotal: Math.floor(this.registerWh / 1000) },
    };
  }
}

export const energyMeter: DeviceModel = {
  kind: 'energy-meter',
  stage: 'metering',
  idPrefix: 'em',
  description: 'Energy meter: site kW and kWh register; base load of the building',
  count: () => 1,
  create: ({ id, maker }) => new EnergyMeter(id, 1 + 0.06 * maker.employees),
};
