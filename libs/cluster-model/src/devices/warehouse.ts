import type { DeviceModel, DeviceFault, SimDevice, StepContext, StepResult } from '../device-model';

/** Days of ordinary output a maker keeps as finished-goods stock. */
export const STOCK_DAYS = 10;

/** Finished-goods store: stock in from packing, stock out to customers, backorders when short. */
class Warehouse implements SimDevice {
  readonly kind = 'warehouse' as const;
  readonly idealCycleMs = 0;
  readonly queued = 0;
  private stock: number;
  private inTotal = 0;
  private outTotal = 0;

  constructor(
    readonly id: string,
    initialStock: number,
  ) {
    this.stock = initialStock;
  }

  applyFault(_fault: DeviceFault): boolean {
    return false;
  }

  step(ctx: StepContext): StepResult {
    this.stock += ctx.site.packed - ctx.site.shipped;
    this.inTotal += ctx.site.packed;
    this.outTotal += ctx.site.shipped;
    return {
      state: ctx.powered ? (ctx.onShift ? 'running' : 'idle') : 'fault',
      plannedMs: 0,
      runMs: 0,
      good: 0,
      defective: 0,
      energyWh: ctx.powered ? Math.round((ctx.onShift ? 0.4 : 0.1) * (ctx.stepMs / 3600)) : 0,
      readings: { stock: Math.max(0, this.stock), backorder: Math.max(0, -this.stock), stockIn: this.inTotal, stockOut: this.outTotal },
    };
  }
}

export const warehouse: DeviceModel = {
  kind: 'warehouse',
  stage: 'support',
  idPrefix: 'wh',
  description: 'Warehouse: stock, backorders, cumulative stock in and out',
  count: () => 1,
  create: ({ id, maker }) => new Warehouse(id, Math.round(maker.plannedPiecesPerHour * 8 * STOCK_DAYS)),
};
