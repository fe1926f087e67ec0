import { DEVICE_STATE_GROUPS, deviceStateGroup, type DeviceState, type DeviceStateGroup } from '@clusterpulse/contracts';

/** Sums behind OEE, accumulated over devices and intervals. */
export interface OeeTotals {
  plannedMs: number;
  runMs: number;
  /** Σ idealCycleMs × pieces made (good + defective): the time the pieces needed at rated speed. */
  idealMs: number;
  good: number;
  defective: number;
}

export interface OeeSample {
  plannedMs: number;
  runMs: number;
  idealCycleMs: number;
  good: number;
  defective: number;
}

export interface OeeResult {
  availability: number;
  performance: number;
  quality: number;
  oee: number;
}

export function emptyOeeTotals(): OeeTotals {
  return { plannedMs: 0, runMs: 0, idealMs: 0, good: 0, defective: 0 };
}

/**
 * Adds one device interval. Devices that make no pieces at a rated speed (meters, warehouses:
 * idealCycleMs 0) and intervals outside the plan say nothing about OEE and are left out.
 */
export function addOeeSample(totals: OeeTotals, sample: OeeSample): OeeTotals {
  if (sample.idealCycleMs <= 0 || sample.plannedMs <= 0) return totals;
  totals.plannedMs += sample.plannedMs;
  totals.runMs += sample.runMs;
  totals.idealMs += sample.idealCycleMs * (sample.good + sample.defective);
  totals.good += sample.good;
  totals.defective += sample.defective;
  return totals;
}

export function mergeOeeTotals(into: OeeTotals, other: OeeTotals): OeeTotals {
  into.plannedMs += other.plannedMs;
  into.runMs += other.runMs;
  into.idealMs += other.idealMs;
  into.good += other.good;
  into.defective += other.defective;
  return into;
}

/**
 * OEE = availability × performance × quality, each from the sums, so a device, a line, a maker and
 * the cluster are computed the same way. Performance is capped at 1: a device faster than its rated
 * cycle means the rating is stale, not that it made more than 100%. Null when nothing was planned.
 */
export function oeeFromTotals(totals: OeeTotals): OeeResult | null {
  if (totals.plannedMs <= 0) return null;
  const availability = totals.runMs / totals.plannedMs;
  const pieces = totals.good + totals.defective;
  const performance = totals.runMs > 0 ? Math.min(1, totals.idealMs / totals.runMs) : 0;
  const quality = pieces > 0 ? totals.good / pieces : 0;
  return { availability, performance, quality, oee: availability * performance * quality };
}

export type DeviceStateCounts = Record<DeviceStateGroup, number> & { total: number };

export function deviceStateCounts(states: Iterable<DeviceState>): DeviceStateCounts {
  const counts = Object.fromEntries(DEVICE_STATE_GROUPS.map((group) => [group, 0])) as Record<DeviceStateGroup, number>;
  let total = 0;
  for (const state of states) {
    counts[deviceStateGroup(state)] += 1;
    total += 1;
  }
  return { ...counts, total };
}

/** Pieces per hour over a span of simulated milliseconds; 0 for an empty span. */
export function piecesPerHour(pieces: number, spanMs: number): number {
  return spanMs > 0 ? pieces / (spanMs / 3_600_000) : 0;
}

/** kWh per 1,000 good pieces (= Wh per piece); null before the first piece. */
export function kwhPer1000Pieces(energyWh: number, goodPieces: number): number | null {
  return goodPieces > 0 ? energyWh / goodPieces : null;
}

/** Share of defective pieces among all made; null when none were made. */
export function defectRate(good: number, defective: number): number | null {
  const made = good + defective;
  return made > 0 ? defective / made : null;
}

/** Fraction in 0..1 of online out of total; 0 for an empty cluster. */
export function shareOnline(online: number, total: number): number {
  return total > 0 ? online / total : 0;
}
