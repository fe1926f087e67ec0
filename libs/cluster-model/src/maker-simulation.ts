import {
  SALES_CHANNELS,
  type DeviceReading,
  type DeviceState,
  type ProductionLine,
  type ReportPayload,
  type SalesLine,
  type SimTime,
} from '@clusterpulse/contracts';
import { chinaHour, dayNumber } from './calendar';
import { CALIBRATION } from './calibration';
import { makerProfile } from './cluster-generator';
import type { DeviceFault, DeviceStage, SimDevice, StepContext } from './device-model';
import type { Maker } from './maker';
import { Rng } from './prng';
import type { DeviceRegistry } from './registry';
import { type ChannelSales, type DayBook, dayBook, hourShare, ordinaryDemandPerDay } from './sales-model';
import type { Scenario } from './scenarios';
import { isWorkingDay } from './seasonality';
import { STOCK_DAYS } from './devices/warehouse';

/** The model's fixed step. Reports aggregate whole steps, so totals never depend on the report rate. */
export const STEP_MS = 3_600_000;

/** A report without its envelope (schema version and sequence number, which the gateway adds). */
export type ReportBody = Omit<ReportPayload, 'v' | 'seq'>;

const SHIFT_HOURS = [8, 9, 10, 11, 13, 14, 15, 16];
const OVERTIME_HOURS = [17, 18, 19];

interface DeviceSlot {
  device: SimDevice;
  stage: DeviceStage;
  plannedMs: number;
  runMs: number;
  good: number;
  defective: number;
  energyWh: number;
  state: DeviceState;
  readings: Record<string, number> | undefined;
}

export interface MakerTotals {
  salesFen: number;
  salesPieces: number;
  orders: number;
  /** Good pieces packed (the maker's output). */
  good: number;
  /** Pieces rejected at any stage. */
  defective: number;
  energyWh: number;
  /** Pieces released into the first stage: good + defective + work in progress, always. */
  released: number;
}

const PASS_THROUGH: ReadonlySet<DeviceStage> = new Set(['cutting', 'sewing', 'decoration', 'finishing', 'qc', 'packing']);

/**
 * The hours of a working day the workshop waits for fabric or trims that arrived late: one run of
 * consecutive shift hours, or none. Makers buying through the platform (digitized) wait less often.
 * Draws the same numbers on every working day, so the stream stays aligned whatever happens.
 */
export function supplyWaitHours(shiftHours: readonly number[], digitization: number, rng: Rng): ReadonlySet<number> {
  const w = CALIBRATION.supplyWait;
  const waits = rng.chance(w.chancePerDay * (1 - w.digitalReduction * digitization));
  const length = Math.min(shiftHours.length, Math.max(1, Math.round(rng.exponential(w.meanHours))));
  const first = rng.int(0, shiftHours.length - length);
  return waits ? new Set(shiftHours.slice(first, first + length)) : new Set();
}

/**
 * One maker's workshop and order book, advanced in fixed steps of simulated time. Sales come from
 * the day's order book (independent of the workshop, so the cluster's revenue can be computed
 * without stepping machines); production is planned from recent demand and the finished-goods
 * stock, and flows through the devices stage by stage.
 *
 * The shift plan: on a working day the workshop works eight hours, plus overtime when the day's plan
 * needs it, and releases the plan to its first stage hour by hour. A device's planned time (OEE) is
 * the part of the shift the plan has work for it; the rest of the shift it is idle without orders,
 * which is not planned time. Nights, Sundays, holidays and closures are outside the plan.
 */
export class MakerSimulation {
  readonly maker: Maker;
  private readonly scenario: Scenario;
  private readonly slots: DeviceSlot[];
  private readonly stages: DeviceStage[];
  private t: SimTime;
  private day = Number.NaN;
  private book: DayBook = [];
  private dayPieces = 0;
  private demandEma: number;
  private stock: number;
  private shift: ReadonlySet<number> = new Set();
  private releaseLeft = 0;
  private releaseHoursLeft = 0;
  /** Shift hours of the day in which the workshop waits for fabric or trims and releases nothing. */
  private supplyWait: ReadonlySet<number> = new Set();
  /** Release held back by a supply wait, pieces; released in the first shift hour after it. */
  private withheld = 0;
  /** Per stage: pieces held up upstream of it at its previous step (see StepContext.heldUpstream). */
  private readonly heldBefore: number[];
  private readonly supplyRng: Rng;
  private powerCutUntil: SimTime = 0;
  private stepsPending = 0;
  private readonly salesAcc: ChannelSales[] = SALES_CHANNELS.map(() => ({ orders: 0, pieces: 0, amountFen: 0 }));
  private goodAcc = 0;
  private defectiveAcc = 0;
  readonly totals: MakerTotals = { salesFen: 0, salesPieces: 0, orders: 0, good: 0, defective: 0, energyWh: 0, released: 0 };

  constructor(maker: Maker, scenario: Scenario, registry: DeviceRegistry, start: SimTime) {
    if (start % STEP_MS !== 0) throw new RangeError('a simulation starts on a whole simulated hour');
    this.maker = maker;
    this.scenario = scenario;
    this.t = start;
    const profile = makerProfile(maker);
    const counters = new Map<string, number>();
    this.slots = maker.devices.map((d) => {
      const model = registry.get(d.kind);
      const number = (counters.get(d.kind) ?? 0) + 1;
      counters.set(d.kind, number);
      const device = model.create({ id: d.id, number, maker: profile, rng: Rng.derive(maker.seed, 'device', d.id) });
      return { device, stage: model.stage, plannedMs: 0, runMs: 0, good: 0, defective: 0, energyWh: 0, state: 'idle', readings: undefined };
    });
    this.stages = [...new Set(this.slots.map((s) => s.stage))];
    this.heldBefore = this.stages.map(() => 0);
    this.supplyRng = Rng.derive(maker.seed, 'workshop', 'supply');
    this.demandEma = ordinaryDemandPerDay(maker);
    this.stock = Math.round(profile.plannedPiecesPerHour * 8 * STOCK_DAYS);
  }

  /** Simulated time up to which the maker has been stepped. */
  get now(): SimTime {
    return this.t;
  }

  /** Pieces released and not finished: queued at the devices. */
  get workInProgress(): number {
    return this.slots.reduce((sum, s) => sum + s.device.queued, 0);
  }

  /** Steps taken since the last report. */
  get pendingSteps(): number {
    return this.stepsPending;
  }

  get devices(): readonly SimDevice[] {
    return this.slots.map((s) => s.device);
  }

  /** Steps until `until` (exclusive of a partial step), at most maxSteps; returns the steps taken. */
  advanceTo(until: SimTime, maxSteps = Number.POSITIVE_INFINITY): number {
    let n = 0;
    while (this.t + STEP_MS <= until && n < maxSteps) {
      this.step();
      n++;
    }
    return n;
  }

  /** Cuts the workshop's power until the given time. */
  powerCut(until: SimTime): void {
    this.powerCutUntil = Math.max(this.powerCutUntil, until);
  }

  /** Applies a fault to one device, or to the first device that accepts it; false if none did. */
  injectFault(fault: DeviceFault, deviceId?: string): boolean {
    for (const slot of this.slots) {
      if (deviceId !== undefined && slot.device.id !== deviceId) continue;
      if (slot.device.applyFault(fault)) return true;
    }
    return false;
  }

  step(): void {
    const day = dayNumber(this.t);
    if (day !== this.day) this.startDay(day);
    const hour = chinaHour(this.t);

    const shipped: ChannelSales[] = SALES_CHANNELS.map(() => ({ orders: 0, pieces: 0, amountFen: 0 }));
    hourShare(this.book, hour, shipped);
    let shippedPieces = 0;
    for (let c = 0; c < shipped.length; c++) {
      const acc = this.salesAcc[c];
      acc.orders += shipped[c].orders;
      acc.pieces += shipped[c].pieces;
      acc.amountFen += shipped[c].amountFen;
      shippedPieces += shipped[c].pieces;
      this.totals.orders += shipped[c].orders;
      this.totals.salesFen += shipped[c].amountFen;
    }
    this.totals.salesPieces += shippedPieces;
    this.dayPieces += shippedPieces;

    const onShift = this.shift.has(hour);
    let release = 0;
    if (onShift && this.releaseHoursLeft > 0) {
      release = Math.floor(this.releaseLeft / this.releaseHoursLeft);
      this.releaseLeft -= release;
      this.releaseHoursLeft--;
    }
    if (this.supplyWait.has(hour)) {
      this.withheld += release;
      release = 0;
    } else if (onShift) {
      release += this.withheld;
      this.withheld = 0;
    }
    this.totals.released += release;
    const powered = this.t >= this.powerCutUntil;
    const ctx: StepContext = {
      ts: this.t,
      stepMs: STEP_MS,
      hour,
      onShift,
      powered,
      input: 0,
      heldUpstream: 0,
      site: { packed: 0, shipped: shippedPieces, energyWh: 0 },
    };

    let flow = release;
    // Work held up upstream of the stage about to step: release held back, and what earlier stages
    // have queued after their step. What it gained since the stage's previous step is work the
    // stage's devices were meant to get and did not.
    let upstream = this.withheld;
    this.stages.forEach((stage, stageIndex) => {
      const inStage = this.slots.filter((s) => s.stage === stage);
      const passThrough = PASS_THROUGH.has(stage);
      let held = 0;
      if (passThrough) {
        held = Math.max(0, upstream - this.heldBefore[stageIndex]) / inStage.length;
        this.heldBefore[stageIndex] = upstream;
      }
      let next = 0;
      inStage.forEach((slot, i) => {
        // split the stage's input evenly; the first devices take the remainder
        const share = passThrough ? Math.floor(flow / inStage.length) + (i < flow % inStage.length ? 1 : 0) : 0;
        ctx.input = share;
        ctx.heldUpstream = held;
        const r = slot.device.step(ctx);
        slot.plannedMs += r.plannedMs;
        slot.runMs += r.runMs;
        slot.good += r.good;
        slot.defective += r.defective;
        slot.energyWh += r.energyWh;
        slot.state = r.state;
        slot.readings = r.readings;
        ctx.site.energyWh += r.energyWh;
        this.totals.energyWh += r.energyWh;
        if (passThrough) {
          next += r.good;
          this.defectiveAcc += r.defective;
          this.totals.defective += r.defective;
        }
      });
      if (passThrough) {
        flow = next;
        for (const slot of inStage) upstream += slot.device.queued;
        if (stage === 'packing') {
          ctx.site.packed = next;
          this.goodAcc += next;
          this.totals.good += next;
          this.stock += next;
        }
      }
    });
    this.stock -= shippedPieces;
    this.t += STEP_MS;
    this.stepsPending++;
  }

  private startDay(day: number): void {
    if (!Number.isNaN(this.day)) this.demandEma += (this.dayPieces - this.demandEma) / 7;
    this.day = day;
    this.dayPieces = 0;
    this.book = dayBook(this.maker, day, this.scenario);
    const works = isWorkingDay(day) && this.scenario.workshopOpen(this.maker, day);
    if (!works) {
      this.shift = new Set();
      this.supplyWait = new Set();
      this.releaseLeft = 0;
      this.releaseHoursLeft = 0;
      return;
    }
    const wip = this.withheld + this.workInProgress;
    const target = this.demandEma * STOCK_DAYS;
    // six working days cover seven days of demand; the stock gap closes over about a week
    const plan = Math.max(0, Math.round((this.demandEma * 7) / 6 + (target - this.stock - wip) / 6));
    const hourly = makerProfile(this.maker).plannedPiecesPerHour * CALIBRATION.capacityHeadroom;
    const overtime = Math.min(OVERTIME_HOURS.length, Math.max(0, Math.ceil((plan - hourly * SHIFT_HOURS.length) / hourly)));
    const hours = [...SHIFT_HOURS, ...OVERTIME_HOURS.slice(0, overtime)];
    this.shift = new Set(hours);
    this.supplyWait = supplyWaitHours(hours, this.scenario.digitization(this.maker, day), this.supplyRng);
    this.releaseLeft = Math.min(plan, Math.round(hourly * hours.length));
    this.releaseHoursLeft = hours.length;
  }

  /** Everything since the previous report, or null if no step was taken since. */
  takeReport(): ReportBody | null {
    if (this.stepsPending === 0) return null;
    const intervalMs = this.stepsPending * STEP_MS;
    const sales: SalesLine[] = [];
    SALES_CHANNELS.forEach((channel, c) => {
      const acc = this.salesAcc[c];
      if (acc.orders > 0 || acc.pieces > 0 || acc.amountFen > 0) {
        sales.push({ channel, category: this.maker.category, orders: acc.orders, pieces: acc.pieces, amountFen: acc.amountFen });
      }
      acc.orders = 0;
      acc.pieces = 0;
      acc.amountFen = 0;
    });
    const production: ProductionLine[] = [{ category: this.maker.category, good: this.goodAcc, defective: this.defectiveAcc }];
    let energyWh = 0;
    const devices: DeviceReading[] = this.slots.map((s) => {
      energyWh += s.energyWh;
      const reading: DeviceReading = {
        id: s.device.id,
        kind: s.device.kind,
        state: s.state,
        plannedMs: s.plannedMs,
        runMs: s.runMs,
        good: s.good,
        defective: s.defective,
        idealCycleMs: s.device.idealCycleMs,
        energyWh: s.energyWh,
      };
      if (s.readings) reading.readings = { ...s.readings };
      s.plannedMs = 0;
      s.runMs = 0;
      s.good = 0;
      s.defective = 0;
      s.energyWh = 0;
      return reading;
    });
    this.goodAcc = 0;
    this.defectiveAcc = 0;
    this.stepsPending = 0;
    return { ts: this.t, intervalMs, sales, production, energyWh, devices };
  }
}
