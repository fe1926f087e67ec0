import {
  DEVICE_STATE_GROUPS,
  PRODUCT_CATEGORIES,
  REJECT_REASONS,
  SALES_CHANNELS,
  chinaDay,
  chinaDayStart,
  chinaYear,
  deviceStateGroup,
  DAY_MS,
  type AsOfSource,
  type ClusterKpisResponse,
  type DailyHistoryPoint,
  type DailyHistoryResponse,
  type DeviceDetail,
  type DeviceKind,
  type DeviceState,
  type DeviceStateGroup,
  type EnterpriseDetailResponse,
  type EnterpriseSummary,
  type IngestStats,
  type ProductCategory,
  type RejectReason,
  type SalesChannel,
} from '@clusterpulse/contracts';
import { computeSalesKpis, emptyOeeTotals, kwhPer1000Pieces, mergeOeeTotals, oeeFromTotals, piecesPerHour } from '@clusterpulse/kpi';
import { Injectable } from '@nestjs/common';
import { AggregationService, COUNTER_ACCEPTED, COUNTER_DUPLICATE, COUNTER_GAP, rejectCounter, type EnterpriseState } from './aggregation.service';
import { emptyEnterpriseDay } from './ledger';

export type EnterpriseSort = 'sales' | 'oee' | 'name';

/** Read models for REST and WebSocket, every figure computed by libs/kpi from the live state. */
@Injectable()
export class KpiViewService {
  private cached: { version: number; value: ClusterKpisResponse } | null = null;

  constructor(private readonly agg: AggregationService) {}

  kpis(): ClusterKpisResponse {
    if (this.cached && this.cached.version === this.agg.version) return this.cached.value;
    const value = this.build();
    this.cached = { version: this.agg.version, value };
    return value;
  }

  ingestStats(): IngestStats {
    const c = this.agg.counters;
    const rejectsByReason = Object.fromEntries(REJECT_REASONS.map((r) => [r, c.get(rejectCounter(r)) ?? 0])) as Record<RejectReason, number>;
    return {
      accepted: c.get(COUNTER_ACCEPTED) ?? 0,
      rejected: Object.values(rejectsByReason).reduce((a, b) => a + b, 0),
      duplicates: c.get(COUNTER_DUPLICATE) ?? 0,
      gaps: c.get(COUNTER_GAP) ?? 0,
      rejectsByReason,
    };
  }

  history(from?: string, to?: string): DailyHistoryResponse {
    const days = [...this.agg.clusterDays.keys()].filter((d) => (!from || d >= from) && (!to || d <= to)).sort();
    const points = days.map((day): DailyHistoryPoint => {
      const cell = this.agg.clusterDays.get(day) ?? emptyEnterpriseDay();
      const byChannel = Object.fromEntries(SALES_CHANNELS.map((ch) => [ch, 0])) as Record<SalesChannel, number>;
      for (const ch of SALES_CHANNELS) for (const cat of PRODUCT_CATEGORIES) byChannel[ch] += this.agg.sales.get(`${day}|${ch}|${cat}`)?.amountFen ?? 0;
      const byCategory = Object.fromEntries(PRODUCT_CATEGORIES.map((cat) => [cat, this.agg.production.get(`${day}|${cat}`)?.good ?? 0])) as Record<ProductCategory, number>;
      return { day, salesFen: cell.salesFen, good: cell.good, defective: cell.defective, energyWh: cell.energyWh, byChannel, byCategory };
    });
    return { cluster: this.agg.clusterId, days: points };
  }

  enterprises(opts: { offset: number; limit: number; sort: EnterpriseSort; order: 'asc' | 'desc'; year?: number }) {
    const year = opts.year ?? chinaYear(this.clock().at);
    const all = [...this.agg.enterprises.values()].map((ent) => this.summary(ent, year));
    const dir = opts.order === 'asc' ? 1 : -1;
    const key = (e: EnterpriseSummary): number | string => (opts.sort === 'sales' ? e.yearToDateFen : opts.sort === 'oee' ? (e.oee ?? -1) : e.name);
    all.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka < kb) return -dir;
      if (ka > kb) return dir;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    return { total: all.length, enterprises: all.slice(opts.offset, opts.offset + opts.limit) };
  }

  enterprise(id: string): EnterpriseDetailResponse | null {
    const ent = this.agg.enterprises.get(id);
    if (!ent) return null;
    const deviceList = [...ent.devices.values()]
      .map((d): DeviceDetail => {
        const state: DeviceState = ent.online ? (d.state as DeviceState) : 'offline';
        return {
          id: d.id,
          kind: d.kind as DeviceKind,
          line: d.line ?? null,
          state,
          group: deviceStateGroup(state),
          readings: d.readings ?? {},
          oee: d.oee ? oeeFromTotals(d.oee) : null,
          energyWh: d.energyWh ?? null,
          lastTs: d.lastTs ?? null,
        };
      })
      .sort((a, b) => (a.line ?? '\uffff').localeCompare(b.line ?? '\uffff') || a.id.localeCompare(b.id));
    return { ...this.summary(ent, chinaYear(this.clock().at)), deviceList };
  }

  private summary(ent: EnterpriseState, year: number): EnterpriseSummary {
    const cell = ent.years.get(year) ?? emptyEnterpriseDay();
    const counts = this.agg.deviceStateCounts(ent);
    const devices = Object.fromEntries(DEVICE_STATE_GROUPS.map((g) => [g, counts[g]])) as Record<DeviceStateGroup, number>;
    return {
      id: ent.info.id,
      name: ent.info.name,
      town: ent.info.town,
      park: ent.info.park,
      category: ent.info.category as ProductCategory,
      digitization: ent.info.digitization,
      online: ent.online,
      yearToDateFen: cell.salesFen,
      good: cell.good,
      defective: cell.defective,
      oee: oeeFromTotals(cell.oee)?.oee ?? null,
      kwhPer1000Pieces: kwhPer1000Pieces(cell.energyWh, cell.good),
      devices,
    };
  }

  private build(): ClusterKpisResponse {
    const agg = this.agg;
    const asOf = agg.asOf;
    const { at, source: asOfSource } = this.clock();
    const year = chinaYear(at);
    const today = chinaDay(at);
    const yearPrefix = `${year}-`;

    const dailySales = [...agg.clusterDays].map(([day, cell]) => ({ day, salesFen: cell.salesFen }));
    const figures = computeSalesKpis({ asOf: at, days: dailySales, dataStart: agg.dataStart ?? undefined });

    const byChannel = SALES_CHANNELS.map((channel) => ({ channel, todayFen: 0, yearToDateFen: 0 }));
    const goodYtd = new Map<string, number>();
    const defectiveYtd = new Map<string, number>();
    const goodToday = new Map<string, number>();
    for (const [key, cell] of agg.sales) {
      const [day, channel] = key.split('|');
      if (!day.startsWith(yearPrefix) || day > today) continue;
      const entry = byChannel.find((c) => c.channel === channel);
      if (!entry) continue;
      entry.yearToDateFen += cell.amountFen;
      if (day === today) entry.todayFen += cell.amountFen;
    }
    for (const [key, cell] of agg.production) {
      const [day, category] = key.split('|');
      if (!day.startsWith(yearPrefix) || day > today) continue;
      goodYtd.set(category, (goodYtd.get(category) ?? 0) + cell.good);
      defectiveYtd.set(category, (defectiveYtd.get(category) ?? 0) + cell.defective);
      if (day === today) goodToday.set(category, (goodToday.get(category) ?? 0) + cell.good);
    }
    const elapsedToday = Math.max(0, at - chinaDayStart(today));
    const byCategory = PRODUCT_CATEGORIES.map((category) => ({
      category,
      good: goodYtd.get(category) ?? 0,
      defective: defectiveYtd.get(category) ?? 0,
      piecesPerHour: piecesPerHour(goodToday.get(category) ?? 0, elapsedToday),
    }));

    const oeeTotals = emptyOeeTotals();
    let energyWh = 0;
    let totalGood = 0;
    let totalDefective = 0;
    for (const [day, cell] of agg.clusterDays) {
      if (!day.startsWith(yearPrefix) || day > today) continue;
      mergeOeeTotals(oeeTotals, cell.oee);
      energyWh += cell.energyWh;
      totalGood += cell.good;
      totalDefective += cell.defective;
    }
    // Kept by the aggregator: a walk over 20,000 makers at every push was 2 % of the server's main
    // thread at 20,000 gateways, each maker's object a cache miss (docs/BENCHMARKS.md, item 42).
    const online = agg.onlineEnterprises;

    return {
      cluster: agg.clusterId,
      asOf,
      asOfSource,
      simDate: asOf === null ? null : chinaDay(asOf),
      sales: {
        year: figures.year,
        todayFen: figures.todayFen,
        yearToDateFen: figures.yearToDateFen,
        runRateFen: figures.runRateFen,
        projectedYearEndFen: figures.projectedYearEndFen,
        targetFen: figures.targetFen,
        baselineFen: figures.baselineFen,
        gapToTargetFen: figures.gapToTargetFen,
        neededDailyFen: figures.neededDailyFen,
        targetReachedDate: figures.targetReachedDate,
        byChannel,
      },
      production: { byCategory, totalGood, totalDefective },
      oee: oeeFromTotals(oeeTotals),
      kwhPer1000Pieces: kwhPer1000Pieces(energyWh, totalGood),
      devices: agg.deviceStateCounts(),
      enterprises: { total: agg.enterprises.size, online },
      ingest: this.ingestStats(),
      sim: agg.sim,
      run: agg.run,
    };
  }

  /**
   * The moment the KPIs describe. Before the first report, the simulator's clock says which
   * simulated year is running; without it the newest stored day does; only then the wall clock,
   * which would show an empty current year next to a simulated 2020.
   */
  private clock(): { at: number; source: AsOfSource } {
    const agg = this.agg;
    if (agg.asOf !== null) return { at: agg.asOf, source: 'report' };
    if (agg.sim) return { at: agg.sim.ts, source: 'simulator' };
    let newest: string | null = null;
    for (const day of agg.clusterDays.keys()) if (newest === null || day > newest) newest = day;
    // The last millisecond of that day, so "today" is the stored day itself.
    if (newest !== null) return { at: chinaDayStart(newest) + DAY_MS - 1, source: 'history' };
    return { at: Date.now(), source: 'wall-clock' };
  }
}
