import type { OeeTotals } from '@clusterpulse/kpi';

/**
 * The additive figures the server keeps and persists. Every value is an integer count, so a
 * flush can add deltas with `x = x + excluded.x` and a restart can rebuild totals by summing rows.
 */
export interface SalesCell {
  amountFen: number;
  orders: number;
  pieces: number;
}

export interface ProductionCell {
  good: number;
  defective: number;
}

export interface EnterpriseDayCell {
  salesFen: number;
  good: number;
  defective: number;
  energyWh: number;
  /** OEE inputs from device readings. */
  oee: OeeTotals;
}

export const emptySales = (): SalesCell => ({ amountFen: 0, orders: 0, pieces: 0 });
export const emptyProduction = (): ProductionCell => ({ good: 0, defective: 0 });
export const emptyEnterpriseDay = (): EnterpriseDayCell => ({
  salesFen: 0,
  good: 0,
  defective: 0,
  energyWh: 0,
  oee: { plannedMs: 0, runMs: 0, idealMs: 0, good: 0, defective: 0 },
});

export function addSales(into: SalesCell, delta: SalesCell): void {
  into.amountFen += delta.amountFen;
  into.orders += delta.orders;
  into.pieces += delta.pieces;
}

export function addProduction(into: ProductionCell, delta: ProductionCell): void {
  into.good += delta.good;
  into.defective += delta.defective;
}

export function addEnterpriseDay(into: EnterpriseDayCell, delta: EnterpriseDayCell): void {
  into.salesFen += delta.salesFen;
  into.good += delta.good;
  into.defective += delta.defective;
  into.energyWh += delta.energyWh;
  into.oee.plannedMs += delta.oee.plannedMs;
  into.oee.runMs += delta.oee.runMs;
  into.oee.idealMs += delta.oee.idealMs;
  into.oee.good += delta.oee.good;
  into.oee.defective += delta.oee.defective;
}

export const salesKey = (day: string, channel: string, category: string): string => `${day}|${channel}|${category}`;
export const productionKey = (day: string, category: string): string => `${day}|${category}`;
export const enterpriseDayKey = (enterprise: string, day: string): string => `${enterprise}|${day}`;
/** Keys of a flush batch lead with the run the figures belong to: a batch may straddle a run change. */
export const runKey = (run: string, key: string): string => `${run}|${key}`;

export interface DeviceInfo {
  id: string;
  kind: string;
  line?: string;
  state: string;
  /** Latest report only, in memory (not persisted): sensor values, OEE inputs, end of interval. */
  readings?: Record<string, number>;
  oee?: OeeTotals;
  energyWh?: number;
  lastTs?: number;
  /**
   * Readings outside their range at the latest report (in memory only): an alarm is raised when a
   * reading leaves its range, not again while it stays out, and again after it came back.
   */
  outOfRange?: Set<string>;
}

/** A simulator run; the highest ordinal is the current one. */
export interface RunInfo {
  id: string;
  ordinal: number;
  scenario: string | null;
  seed: number | null;
  startedTs: number;
}

export interface EnterpriseInfo {
  id: string;
  name: string;
  town: string;
  park: string;
  category: string;
  digitization: number;
  employees: number;
}

/** Everything a flush writes in one transaction: deltas since the previous flush plus current rows. */
export interface FlushBatch {
  sales: Map<string, SalesCell>;
  production: Map<string, ProductionCell>;
  enterpriseDays: Map<string, EnterpriseDayCell>;
  counters: Map<string, number>;
  enterprises: Array<EnterpriseInfo & { online: boolean; devices: DeviceInfo[] }>;
  gateways: Array<{ id: string; enterpriseId: string; lastSeq: number; online: boolean; lastSeen: number; run: string }>;
  runs: RunInfo[];
}

export function emptyFlushBatch(): FlushBatch {
  return { sales: new Map(), production: new Map(), enterpriseDays: new Map(), counters: new Map(), enterprises: [], gateways: [], runs: [] };
}

export function isEmptyBatch(batch: FlushBatch): boolean {
  return (
    batch.sales.size === 0 &&
    batch.production.size === 0 &&
    batch.enterpriseDays.size === 0 &&
    batch.counters.size === 0 &&
    batch.enterprises.length === 0 &&
    batch.gateways.length === 0 &&
    batch.runs.length === 0
  );
}

/** What the database holds, read once at start to rebuild the in-memory state (figures: the current run's only). */
export interface RestoredState {
  run: string;
  runs: RunInfo[];
  sales: Array<{ day: string; channel: string; category: string } & SalesCell>;
  production: Array<{ day: string; category: string } & ProductionCell>;
  /** Per enterprise and calendar year. */
  enterpriseYears: Array<{ enterpriseId: string; year: number } & EnterpriseDayCell>;
  /** Cluster totals per day, summed over enterprises. */
  clusterDays: Array<{ day: string } & EnterpriseDayCell>;
  counters: Array<{ name: string; count: number }>;
  enterprises: Array<EnterpriseInfo & { online: boolean; devices: DeviceInfo[] }>;
  gateways: Array<{ id: string; enterpriseId: string; lastSeq: number; online: boolean; lastSeen: number; secretHash: string | null; run: string }>;
}
