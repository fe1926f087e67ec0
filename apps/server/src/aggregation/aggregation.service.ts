import {
  DAY_MS,
  chinaDay,
  chinaDayStart,
  chinaYear,
  DEVICE_KINDS,
  DEVICE_STATES,
  PRODUCT_CATEGORIES,
  SALES_CHANNELS,
  deviceStateGroup,
  gatewayClientId,
  readingExcursions,
  type AlarmEvent,
  type BirthPayload,
  type DeviceState,
  type GatewayAddress,
  type DeviceReading,
  type RejectReason,
  type ReportPayload,
  type SimStatus,
  type StatePayload,
} from '@clusterpulse/contracts';
import { addOeeSample, emptyOeeTotals, type DeviceStateCounts } from '@clusterpulse/kpi';
import { Injectable, Logger } from '@nestjs/common';
import {
  addEnterpriseDay,
  addProduction,
  addSales,
  emptyEnterpriseDay,
  emptyFlushBatch,
  emptyProduction,
  emptySales,
  enterpriseDayKey,
  productionKey,
  runKey,
  salesKey,
  type DeviceInfo,
  type EnterpriseDayCell,
  type EnterpriseInfo,
  type FlushBatch,
  type ProductionCell,
  type RestoredState,
  type RunInfo,
  type SalesCell,
} from './ledger';

/**
 * A simulator clock this far behind the newest report was rewound (reset, scenario change), not
 * merely lagging: gateways report up to a few simulated hours apart at demo speeds.
 */
export const SIM_CLOCK_REWIND_MS = 2 * 86_400_000;

/** How many out-of-order reports one gateway may have waiting for a missing predecessor. */
export const MAX_HELD_REPORTS_PER_GATEWAY = 256;

export type ReportOutcome = 'applied' | 'duplicate' | 'held' | 'dropped' | 'unknown-gateway';

export interface GatewayState {
  id: string;
  enterpriseId: string;
  /** Applied watermark: every report up to here is in the figures. */
  lastSeq: number;
  /** Highest watermark acknowledged to the gateway after a durable flush. */
  ackedSeq: number;
  online: boolean;
  lastSeen: number;
  secretHash: string | null;
  /**
   * Reports ahead of the watermark, by seq, until their predecessors arrive. Made at the first one
   * and dropped once empty: most gateways never send a report out of order, and an empty map for
   * each of 20,000 gateways took 3.7 MB.
   */
  held: Map<number, ReportPayload> | undefined;
  /** Acknowledge the watermark at the next flush even if it did not move (the gateway seems not to know it). */
  reAck: boolean;
  /** Run of its latest birth or applied report; '' when it never named one. */
  run: string;
  /** Changed since the last flush cut: on the aggregator's list of gateways to write. */
  dirty: boolean;
  /**
   * Its maker's state, once looked up: a maker's state is never replaced once made (see `restore`),
   * and a gateway's maker never changes.
   */
  ent: EnterpriseState | undefined;
}

/**
 * A connection's sender, kept by whoever holds the connection (the report lane): the client id,
 * and its gateway's state once found. A gateway's state is never replaced or removed once made,
 * so the lookup by id, a cache miss on the map's table and its key at every report, is done once.
 */
export interface GatewaySender {
  readonly clientId: string;
  gateway: GatewayState | undefined;
}

export interface EnterpriseState {
  info: EnterpriseInfo;
  /** Whether a birth (or the database) described it; false for a provisioned but silent maker. */
  described: boolean;
  online: boolean;
  devices: Map<string, DeviceInfo>;
  /** Totals per China calendar year. */
  years: Map<number, EnterpriseDayCell>;
  /** The cells its latest report added to (see DayCells): found by key once per day and flush. */
  cells?: EnterpriseCells;
  /** Its devices per dashboard group: counted when first asked after its devices changed, then kept up to date. */
  groupCounts?: DeviceStateCounts;
  /** What it adds to the cluster's counts (`AggregationService.deviceStateCounts`) now: online, its `groupCounts` itself; undefined: nothing yet. */
  counted?: DeviceStateCounts;
}

/**
 * The cells a report adds to, looked up by their string keys once per run, day and flush batch
 * and then held by reference: at tens of thousands of reports a second, building the keys and
 * looking them up for every report was a tenth of the ingest's time. A cache entry is valid
 * while its epoch (bumped whenever the live maps are emptied or replaced), run, day and pending
 * batch are the current ones.
 */
interface DayCells {
  epoch: number;
  run: string;
  day: string;
  pending: FlushBatch;
  /** By channel x category index. */
  sales: Array<{ live: SalesCell; pending: SalesCell } | undefined>;
  /** By category index. */
  production: Array<{ live: ProductionCell; pending: ProductionCell } | undefined>;
}

interface EnterpriseCells {
  epoch: number;
  run: string;
  day: string;
  pending: FlushBatch;
  year: EnterpriseDayCell;
  clusterDay: EnterpriseDayCell;
  delta: EnterpriseDayCell;
  /** The delta's key in a flush batch (run, maker, day), kept while run and day stay. */
  deltaKey: string;
}

/** Committed flush cells kept for later batches at most (about two flushes' worth of makers). */
const MAX_SPARE_CELLS = 50_000;

const CHANNEL_INDEX = new Map<string, number>(SALES_CHANNELS.map((c, i) => [c, i]));
const CATEGORY_INDEX = new Map<string, number>(PRODUCT_CATEGORIES.map((c, i) => [c, i]));
/** A device that reports no readings shares this (views only read it). */
const NO_READINGS: Record<string, number> = Object.freeze({}) as Record<string, number>;

/**
 * The gateways changed since the last flush cut, each once, in the order they first changed: a
 * flag on the gateway and a list kept from cut to cut. (A Set cleared at every cut regrew its
 * table to every gateway each second; the tables lived until the next cut, long enough to be
 * promoted to the old generation, which they then helped fill.)
 */
class DirtyGateways {
  private readonly list: (GatewayState | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  mark(gw: GatewayState): void {
    if (gw.dirty) return;
    gw.dirty = true;
    this.list[this.count++] = gw;
  }

  /** Every marked gateway, unmarked as it is taken; the list is empty once the loop is through. */
  *drain(): Generator<GatewayState> {
    const n = this.count;
    this.count = 0;
    for (let i = 0; i < n; i++) {
      const gw = this.list[i]!;
      this.list[i] = undefined;
      gw.dirty = false;
      yield gw;
    }
  }
}

/**
 * A device's latest readings: `next`, written into the object `kept` of the previous report when
 * both name the same readings (a device's usual case), so that a report leaves no object behind.
 * Kept objects lived one report interval each, and were most of what ingest promoted to the old
 * generation.
 */
function keepReadings(kept: Record<string, number> | undefined, next: Record<string, number>): Record<string, number> {
  if (kept === undefined) return next;
  let names = 0;
  for (const name in next) {
    if (!Object.hasOwn(kept, name)) return next;
    names++;
  }
  for (const _ in kept) names--;
  if (names !== 0) return next;
  for (const name in next) kept[name] = next[name];
  return kept;
}

/*
 * Gateways, makers and devices are made here only, every field set in one order: objects of one
 * shape keep the per-report code that reads them on one fast path, where fields added later (or
 * deleted) in different orders gave each maker or device one of several shapes.
 */

/** `stored`: its row from the database (a restart); offline until its connection is back, acknowledged up to its watermark. */
function newGateway(id: string, enterpriseId: string, stored?: { lastSeq: number; lastSeen: number; secretHash: string | null; run: string }): GatewayState {
  return {
    id,
    enterpriseId,
    lastSeq: stored?.lastSeq ?? 0,
    ackedSeq: stored?.lastSeq ?? 0,
    online: false,
    lastSeen: stored?.lastSeen ?? 0,
    secretHash: stored?.secretHash ?? null,
    held: undefined,
    reAck: false,
    run: stored?.run ?? '',
    dirty: false,
    ent: undefined,
  };
}

/** Adds `counts` times `sign` (1 or -1) to `into`, group by group. */
function addCounts(into: DeviceStateCounts, counts: DeviceStateCounts, sign: 1 | -1): void {
  into.running += sign * counts.running;
  into.idle += sign * counts.idle;
  into.fault += sign * counts.fault;
  into.offline += sign * counts.offline;
  into.total += sign * counts.total;
}

function newEnterprise(info: EnterpriseInfo, described: boolean, devices: Map<string, DeviceInfo>): EnterpriseState {
  return { info, described, online: false, devices, years: new Map(), cells: undefined, groupCounts: undefined, counted: undefined };
}

/**
 * The one string of each known device kind and state. A device described by a maker's birth or
 * read back from the database holds a string parsed for it alone; 140,000 devices held about
 * 95,000 copies of a handful of names (3 MB at 20,000 makers).
 */
const NAMES = new Map<string, string>([...DEVICE_KINDS, ...DEVICE_STATES].map((name) => [name, name]));
const named = (name: string): string => NAMES.get(name) ?? name;

function newDevice(id: string, kind: string, line: string | undefined, state: string, outOfRange?: Set<string>): DeviceInfo {
  return { id, kind: named(kind), line, state: named(state), readings: undefined, oee: undefined, energyWh: undefined, lastTs: undefined, outOfRange };
}

function cellOf<K, V>(map: Map<K, V>, key: K, empty: () => V): V {
  let cell = map.get(key);
  if (!cell) {
    cell = empty();
    map.set(key, cell);
  }
  return cell;
}

export interface PendingFlush {
  batch: FlushBatch;
  /** Watermarks to acknowledge once the batch is committed, by gateway client id. */
  acks: Map<string, number>;
}

type AlarmListener = (alarm: AlarmEvent) => void;

/** Named counters of IngestCounter rows. */
export const COUNTER_ACCEPTED = 'accepted';
export const COUNTER_DUPLICATE = 'duplicate';
export const COUNTER_GAP = 'gap';
/** Reports of a run that is no longer current: their seq is consumed (and acknowledged), their figures are not counted. */
export const COUNTER_STALE_RUN = 'stale-run';
export const rejectCounter = (reason: RejectReason): string => `reject:${reason}`;

/**
 * The live state of the cluster, in memory. Every mutation is synchronous, so a flush can take a
 * consistent cut of figures and watermarks between two messages.
 */
@Injectable()
export class AggregationService {
  private readonly logger = new Logger(AggregationService.name);

  readonly gateways = new Map<string, GatewayState>();
  readonly enterprises = new Map<string, EnterpriseState>();
  /** Cluster-wide daily cells, keyed by salesKey / productionKey / day. */
  readonly sales = new Map<string, SalesCell>();
  readonly production = new Map<string, ProductionCell>();
  readonly clusterDays = new Map<string, EnterpriseDayCell>();
  readonly counters = new Map<string, number>();

  /** Simulated time of the newest applied report. */
  asOf: number | null = null;
  /** Earliest simulated time covered by any applied report (start of its interval). */
  dataStart: number | null = null;
  /** Bumped on every change a dashboard could see. */
  version = 0;
  /** The simulator's latest sim/status; null until one arrives (it is not persisted). */
  sim: SimStatus | null = null;
  /**
   * The run the live figures belong to. '' is the run of messages that name none (older senders,
   * and everything before runs existed); they always count toward the current run.
   */
  run = '';
  /** Every run seen, current or past, by id: a past run's stragglers are recognised after a restart too. */
  readonly runs = new Map<string, RunInfo>();

  /** Cluster mode: whether this instance writes a maker's rows; the others' are left to their owner. */
  writeFilter: ((enterpriseId: string) => boolean) | null = null;
  /**
   * Whether a device's change of state is written at the next flush. One instance writes a maker's
   * row when a birth describes it and when it goes online or offline, not at every change of a
   * device (at one report a second, that was most makers' rows every flush): a restart shows
   * makers offline until their gateway is back, and the birth and reports then bring the states.
   * Cluster mode writes every change, since the other instances learn states from those rows.
   */
  persistDeviceStates = false;

  private pending = emptyFlushBatch();
  /** The cluster's devices per group, as far as `counted` of every maker; see deviceStateCounts. */
  private readonly groups: DeviceStateCounts = { running: 0, idle: 0, fault: 0, offline: 0, total: 0 };
  /** Makers whose `counted` may be out of date. */
  private readonly regroup = new Set<EnterpriseState>();
  /** Makers whose `online` is true: kept by `setEnterpriseOnline`, so that no push walks every maker to count them. */
  private onlineMakers = 0;
  private readonly spareCells: EnterpriseDayCell[] = [];
  private readonly dirtyGateways = new DirtyGateways();
  private readonly dirtyEnterprises = new Set<string>();
  private readonly alarmListeners: AlarmListener[] = [];
  /** See DayCells: bumped whenever the live maps a cache entry points into are emptied or replaced. */
  private cellEpoch = 0;
  private readonly dayCells = new Map<string, DayCells>();
  /** One report's additions to its maker's day, reused report after report. */
  private readonly scratch = emptyEnterpriseDay();
  private alarmSeq = 0;
  /** Alarm ids stay unique across restarts: a dashboard that kept an old list must not confuse two. */
  private readonly alarmPrefix = `a${Date.now().toString(36)}`;

  constructor(readonly clusterId: string) {}

  onAlarm(listener: AlarmListener): () => void {
    this.alarmListeners.push(listener);
    return () => {
      const i = this.alarmListeners.indexOf(listener);
      if (i >= 0) this.alarmListeners.splice(i, 1);
    };
  }

  /**
   * The state of the database, into an aggregator that holds no gateway or maker yet: it runs once,
   * at start-up, before the broker takes a message. From then on a gateway's and a maker's state
   * are never replaced (GatewaySender and GatewayState.ent rely on it).
   */
  restore(state: RestoredState): void {
    if (this.gateways.size > 0 || this.enterprises.size > 0) throw new Error('restore runs into an empty aggregator, once, at start-up');
    this.cellEpoch++;
    this.dayCells.clear();
    for (const r of state.runs) this.runs.set(r.id, r);
    this.run = state.run;
    for (const row of state.sales) this.sales.set(salesKey(row.day, row.channel, row.category), { amountFen: row.amountFen, orders: row.orders, pieces: row.pieces });
    for (const row of state.production) this.production.set(productionKey(row.day, row.category), { good: row.good, defective: row.defective });
    for (const row of state.clusterDays) {
      const { day, ...cell } = row;
      this.clusterDays.set(day, cell);
    }
    for (const row of state.counters) this.counters.set(row.name, row.count);
    for (const row of state.enterprises) {
      const { online: _wasOnline, devices, ...info } = row;
      // Connections did not survive the restart: makers count as offline until their gateway is back.
      const ent = newEnterprise(info, true, new Map(devices.map((d) => [d.id, newDevice(d.id, d.kind, d.line, d.state)])));
      this.enterprises.set(info.id, ent);
      this.regroup.add(ent);
    }
    for (const row of state.enterpriseYears) {
      const { enterpriseId, year, ...cell } = row;
      this.ensureEnterprise(enterpriseId).years.set(year, cell);
    }
    for (const row of state.gateways) {
      this.gateways.set(row.id, newGateway(row.id, row.enterpriseId, row));
      this.ensureEnterprise(row.enterpriseId);
      if (row.lastSeen > 0) this.asOf = Math.max(this.asOf ?? 0, row.lastSeen);
    }
    const days = [...this.clusterDays.keys()].sort();
    if (days.length > 0) this.dataStart = Date.parse(`${days[0]}T00:00:00Z`) - 8 * 3_600_000;
    this.version++;
  }

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
    this.pending.counters.set(name, (this.pending.counters.get(name) ?? 0) + by);
    this.version++;
  }

  countReject(reason: RejectReason): void {
    this.count(rejectCounter(reason));
  }

  knowsGateway(clientId: string): boolean {
    return this.gateways.has(clientId);
  }

  /** A provisioned gateway (from the database or a seed) that may connect before its first birth. */
  provisionGateway(address: GatewayAddress, secretHash: string | null): void {
    const gw = this.ensureGateway(address);
    gw.secretHash = secretHash;
  }

  applyBirth(address: GatewayAddress, birth: BirthPayload): void {
    const gw = this.ensureGateway(address);
    if (birth.run !== undefined) {
      if (this.isNewRun(birth.run)) this.startRun(birth.run, birth.ts);
      if (gw.run !== '' && birth.run !== gw.run && birth.seq > gw.lastSeq) {
        // The simulator discarded the previous run's unacknowledged reports with that run; every seq
        // up to this birth's was issued before the switch, so none of them is owed any more.
        this.logger.log(`gateway ${gw.id} moved from run ${gw.run} to ${birth.run}; reports ${gw.lastSeq + 1}..${birth.seq} were discarded with the old run`);
        gw.lastSeq = birth.seq;
      }
      gw.run = birth.run;
    }
    if (birth.seq < gw.lastSeq) {
      // The gateway issued fewer reports than we applied: it lost its ledger and started over.
      this.logger.warn(`gateway ${gw.id} restarted its sequence at ${birth.seq} below the applied watermark ${gw.lastSeq}; following it`);
      gw.lastSeq = birth.seq;
      gw.ackedSeq = Math.min(gw.ackedSeq, birth.seq);
    }
    gw.held = undefined;
    gw.reAck = true;
    gw.online = true;
    gw.lastSeen = Math.max(gw.lastSeen, birth.ts);
    const ent = this.ensureEnterprise(address.enterprise);
    ent.info = { id: address.enterprise, ...birth.enterprise };
    ent.described = true;
    this.setEnterpriseOnline(ent, true);
    const devices = new Map<string, DeviceInfo>();
    for (const d of birth.devices) {
      const known = ent.devices.get(d.id);
      devices.set(d.id, newDevice(d.id, d.kind, d.line, known?.state ?? 'idle', known?.outOfRange));
    }
    ent.devices = devices;
    ent.groupCounts = undefined;
    this.regroup.add(ent);
    this.dirtyGateways.mark(gw);
    this.dirtyEnterprises.add(address.enterprise);
    this.version++;
  }

  applySimStatus(status: SimStatus): void {
    if (status.run !== undefined) {
      // A status of a run already replaced is old news, whatever order the broker delivered it in.
      if (status.run !== this.run && this.runs.has(status.run)) return;
      if (this.isNewRun(status.run)) this.startRun(status.run, status.ts, status);
      else this.describeRun(status);
    } else if (this.asOf !== null && status.ts < this.asOf - SIM_CLOCK_REWIND_MS) {
      // A simulator that names no run: a reset sends its clock back; follow it, or the KPIs would
      // keep describing the abandoned timeline's "today" until it was reached again.
      this.asOf = status.ts;
    }
    this.sim = status;
    this.version++;
  }

  private isNewRun(run: string): boolean {
    return run !== this.run && !this.runs.has(run);
  }

  /**
   * Starts the live figures of a new run from zero. The old run's figures stay in the database
   * (their pending deltas are keyed by their run); gateway watermarks carry on, so a report is
   * still applied at most once whichever run it belongs to.
   */
  private startRun(run: string, ts: number, status?: SimStatus): void {
    const ordinal = Math.max(0, ...[...this.runs.values()].map((r) => r.ordinal)) + 1;
    const info: RunInfo = { id: run, ordinal, scenario: status?.scenario ?? null, seed: status?.seed ?? null, startedTs: ts };
    this.logger.log(`run ${run} started (${info.scenario ?? 'scenario not yet known'}); figures of run ${this.run || "''"} are kept in the database, not in the live figures`);
    this.runs.set(run, info);
    this.pending.runs.push(info);
    this.run = run;
    this.sales.clear();
    this.production.clear();
    this.clusterDays.clear();
    this.cellEpoch++;
    this.dayCells.clear();
    for (const ent of this.enterprises.values()) {
      ent.years.clear();
      // Assigned, not deleted: a delete turns an object into a slow dictionary for good.
      for (const device of ent.devices.values()) {
        device.readings = undefined;
        device.oee = undefined;
        device.energyWh = undefined;
        device.lastTs = undefined;
        device.outOfRange = undefined;
      }
    }
    this.asOf = null;
    this.dataStart = null;
    this.version++;
  }

  /** The status names the current run: fill in what a report that started it could not say. */
  private describeRun(status: SimStatus): void {
    const info = this.runs.get(this.run);
    if (!info || (info.scenario === status.scenario && info.seed === status.seed)) return;
    info.scenario = status.scenario;
    info.seed = status.seed;
    this.pending.runs.push(info);
  }

  applyState(address: GatewayAddress, state: StatePayload): void {
    const gw = this.gateways.get(gatewayClientId(address));
    if (!gw) return;
    this.setOnline(gw, state.online, state.ts, state.reason === 'will' ? 'last will' : state.reason);
  }

  /** The broker saw the gateway's connection open or close. */
  connectionChanged(clientId: string, online: boolean): void {
    const gw = this.gateways.get(clientId);
    if (!gw) return;
    this.setOnline(gw, online, null, online ? 'connected' : 'disconnected');
  }

  /**
   * `sender`: the connection's, where the caller keeps one (see GatewaySender); without it the
   * gateway is looked up by `gatewayClientId(address)`.
   */
  applyReport(address: GatewayAddress, report: ReportPayload, sender?: GatewaySender): ReportOutcome {
    const gw = sender === undefined ? this.gateways.get(gatewayClientId(address)) : (sender.gateway ?? (sender.gateway = this.gateways.get(sender.clientId)));
    if (!gw || gw.enterpriseId !== address.enterprise) return 'unknown-gateway';
    if (report.seq <= gw.lastSeq) {
      gw.reAck = true;
      this.dirtyGateways.mark(gw);
      this.count(COUNTER_DUPLICATE);
      return 'duplicate';
    }
    if (report.seq > gw.lastSeq + 1) {
      // Out of order: keep it until its predecessors arrive, so the watermark never skips a report
      // the gateway still holds (acking past a gap would make it forget the missing one).
      const held = gw.held ?? (gw.held = new Map());
      if (held.has(report.seq)) {
        this.count(COUNTER_DUPLICATE);
        return 'duplicate';
      }
      this.count(COUNTER_GAP);
      if (held.size >= MAX_HELD_REPORTS_PER_GATEWAY) return 'dropped';
      held.set(report.seq, report);
      return 'held';
    }
    this.applyInOrder(gw, report);
    const held = gw.held;
    if (held !== undefined) {
      for (let next = held.get(gw.lastSeq + 1); next; next = held.get(gw.lastSeq + 1)) {
        held.delete(next.seq);
        this.applyInOrder(gw, next);
      }
      if (held.size === 0) gw.held = undefined;
    }
    return 'applied';
  }

  private applyInOrder(gw: GatewayState, report: ReportPayload): void {
    const run = report.run ?? this.run;
    if (run !== this.run) {
      if (this.runs.has(run)) {
        // A straggler of a replaced run: consume its seq so the watermark moves on, count nothing.
        gw.lastSeq = report.seq;
        gw.lastSeen = Math.max(gw.lastSeen, report.ts);
        this.dirtyGateways.mark(gw);
        this.count(COUNTER_STALE_RUN);
        return;
      }
      // Reports of a new run may overtake the simulator's status (another connection): start it here.
      this.startRun(run, report.ts - report.intervalMs);
    }
    if (report.run !== undefined) gw.run = report.run;
    const enterpriseId = gw.enterpriseId;
    const ent = this.makerOf(gw);
    // A report belongs to the China calendar day of its interval's last millisecond.
    const { day, year } = this.calendarDayOf(report.ts - 1);
    const cells = this.dayCellsOf(run, day);
    const delta = this.scratch;
    delta.salesFen = delta.good = delta.defective = 0;
    delta.oee.plannedMs = delta.oee.runMs = delta.oee.idealMs = delta.oee.good = delta.oee.defective = 0;

    for (const line of report.sales) {
      const pair = this.salesCells(cells, line.channel, line.category);
      addSales(pair.live, line);
      addSales(pair.pending, line);
      delta.salesFen += line.amountFen;
    }
    for (const line of report.production) {
      const pair = this.productionCells(cells, line.category);
      addProduction(pair.live, line);
      addProduction(pair.pending, line);
      delta.good += line.good;
      delta.defective += line.defective;
    }
    delta.energyWh = report.energyWh;

    for (const reading of report.devices) {
      addOeeSample(delta.oee, reading);
      let device = ent.devices.get(reading.id);
      const previous = device?.state;
      if (device) device.state = reading.state;
      else ent.devices.set(reading.id, (device = newDevice(reading.id, reading.kind, undefined, reading.state)));
      device.readings = reading.readings === undefined ? NO_READINGS : keepReadings(device.readings, reading.readings);
      // The latest interval only: the object is reused, nobody keeps it (views compute from it).
      if (device.oee) {
        const o = device.oee;
        o.plannedMs = o.runMs = o.idealMs = o.good = o.defective = 0;
        addOeeSample(o, reading);
      } else device.oee = addOeeSample(emptyOeeTotals(), reading);
      device.energyWh = reading.energyWh;
      device.lastTs = report.ts;
      if (previous !== reading.state) {
        const own = ent.groupCounts;
        if (own && previous !== undefined) {
          // A known device moved between groups: the maker's counts follow without a recount, and
          // so do the cluster's where they count the maker by its own counts (online). `groups`
          // stays the sum of every maker's `counted`, whether or not it waits to be counted afresh.
          const from = deviceStateGroup(previous as DeviceState);
          const to = deviceStateGroup(reading.state);
          own[from] -= 1;
          own[to] += 1;
          if (ent.counted === own) {
            this.groups[from] -= 1;
            this.groups[to] += 1;
          }
        } else {
          ent.groupCounts = undefined;
          this.regroup.add(ent);
        }
        if (this.persistDeviceStates) this.dirtyEnterprises.add(enterpriseId);
        if (reading.state === 'fault') {
          this.raise({ ts: report.ts, severity: 'critical', kind: 'fault', enterprise: enterpriseId, device: reading.id, message: `${reading.kind} ${reading.id} reports a fault` });
        }
      }
      if (reading.readings !== undefined || device.outOfRange !== undefined) this.checkReadings(enterpriseId, device, reading, report.ts);
    }

    const own = this.enterpriseCellsOf(ent, enterpriseId, run, day, year);
    addEnterpriseDay(own.year, delta);
    addEnterpriseDay(own.clusterDay, delta);
    addEnterpriseDay(own.delta, delta);
    this.version++;

    gw.lastSeq = report.seq;
    gw.lastSeen = Math.max(gw.lastSeen, report.ts);
    this.dirtyGateways.mark(gw);
    this.count(COUNTER_ACCEPTED);
    const start = report.ts - report.intervalMs;
    if (this.asOf === null || report.ts > this.asOf) this.asOf = report.ts;
    if (this.dataStart === null || start < this.dataStart) this.dataStart = start;
  }

  /**
   * Hands over everything changed since the previous flush and starts collecting anew. The cut is
   * taken synchronously, so each gateway's watermark covers exactly the deltas in the batch.
   */
  takeFlush(): PendingFlush {
    const batch = this.pending;
    this.pending = emptyFlushBatch();
    const acks = new Map<string, number>();
    const writes = this.writeFilter ?? (() => true);
    for (const gw of this.dirtyGateways.drain()) {
      // The gateway's own state: none is replaced once made (see restore).
      const id = gw.id;
      if (!writes(gw.enterpriseId)) continue;
      batch.gateways.push({ id, enterpriseId: gw.enterpriseId, lastSeq: gw.lastSeq, online: gw.online, lastSeen: gw.lastSeen, run: gw.run });
      if (gw.lastSeq > gw.ackedSeq || (gw.reAck && gw.lastSeq > 0)) {
        gw.reAck = false;
        acks.set(id, gw.lastSeq);
      }
    }
    for (const id of this.dirtyEnterprises) {
      const ent = this.enterprises.get(id);
      // Only what describes a device is stored; its latest readings are live-only.
      if (ent?.described && writes(id)) batch.enterprises.push({ ...ent.info, online: ent.online, devices: [...ent.devices.values()].map(({ id: deviceId, kind, line, state }) => ({ id: deviceId, kind, line, state })) });
    }
    this.dirtyEnterprises.clear();
    return { batch, acks };
  }

  /**
   * Cluster mode: another instance's committed flush joins the live figures (not this instance's
   * pending batch: it is stored already). Rows of makers this instance writes itself are skipped,
   * its own state of them being newer; their figures count, since they were committed elsewhere.
   */
  applyCommitted(batch: FlushBatch, mine: (enterpriseId: string) => boolean, origin: { run: string; dataStart: number | null }): void {
    // The owner of some maker saw a new run first (its report overtook the simulator's status).
    for (const r of batch.runs) if (this.isNewRun(r.id)) this.startRun(r.id, r.startedTs);
    // The owner's earliest interval start when it cut the batch: the run-rate counts from there.
    if (origin.run === this.run && origin.dataStart !== null && (this.dataStart === null || origin.dataStart < this.dataStart)) this.dataStart = origin.dataStart;
    const current = (key: string): string | null => {
      const cut = key.indexOf('|');
      return key.slice(0, cut) === this.run ? key.slice(cut + 1) : null;
    };
    for (const [k, cell] of batch.sales) {
      const key = current(k);
      if (key) this.addTo(this.sales, key, cell, emptySales, addSales);
    }
    for (const [k, cell] of batch.production) {
      const key = current(k);
      if (key) this.addTo(this.production, key, cell, emptyProduction, addProduction);
    }
    for (const [k, cell] of batch.enterpriseDays) {
      const key = current(k);
      if (!key) continue;
      const [enterpriseId, day] = key.split('|');
      this.addTo(this.ensureEnterprise(enterpriseId).years, Number(day.slice(0, 4)), cell, emptyEnterpriseDay, addEnterpriseDay);
      this.addTo(this.clusterDays, day, cell, emptyEnterpriseDay, addEnterpriseDay);
    }
    for (const [name, n] of batch.counters) this.counters.set(name, (this.counters.get(name) ?? 0) + n);
    for (const row of batch.enterprises) {
      if (mine(row.id)) continue;
      const { online, devices, ...info } = row;
      const ent = this.ensureEnterprise(row.id);
      ent.info = info;
      ent.described = true;
      this.setEnterpriseOnline(ent, online);
      ent.devices = new Map(
        devices.map((d) => {
          // The row describes the device; what this instance saw of it live stays.
          const known = ent.devices.get(d.id);
          const device = newDevice(d.id, d.kind, d.line, d.state, known?.outOfRange);
          if (known) {
            device.readings = known.readings;
            device.oee = known.oee;
            device.energyWh = known.energyWh;
            device.lastTs = known.lastTs;
          }
          return [d.id, device];
        }),
      );
      ent.groupCounts = undefined;
      this.regroup.add(ent);
    }
    for (const row of batch.gateways) {
      if (mine(row.enterpriseId)) continue;
      const gw = this.viewGateway(row.id, row.enterpriseId);
      gw.lastSeq = row.lastSeq;
      gw.ackedSeq = row.lastSeq;
      gw.online = row.online;
      gw.lastSeen = Math.max(gw.lastSeen, row.lastSeen);
      gw.run = row.run;
      gw.held = undefined;
      if (row.run === this.run && row.lastSeen > 0) this.asOf = Math.max(this.asOf ?? 0, row.lastSeen);
    }
    this.version++;
  }

  /**
   * Cluster mode: this instance starts applying the makers `taken` selects; their gateways'
   * watermarks are the stored ones (whatever an earlier owner applied but did not store is
   * replayed by the gateways and applied here).
   */
  adoptGateways(stored: Array<{ id: string; enterpriseId: string; lastSeq: number }>, taken: (enterpriseId: string) => boolean): void {
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const row of stored) this.viewGateway(row.id, row.enterpriseId);
    for (const gw of this.gateways.values()) {
      if (!taken(gw.enterpriseId)) continue;
      gw.lastSeq = byId.get(gw.id)?.lastSeq ?? 0;
      gw.ackedSeq = gw.lastSeq;
      gw.held = undefined;
      gw.reAck = true;
    }
  }

  /** A gateway known from another instance's rows: not dirty, this instance does not write it. */
  private viewGateway(id: string, enterpriseId: string): GatewayState {
    let gw = this.gateways.get(id);
    if (!gw) {
      gw = newGateway(id, enterpriseId);
      this.gateways.set(id, gw);
      this.ensureEnterprise(enterpriseId);
    }
    return gw;
  }

  /**
   * The flush committed: its watermarks may now be acknowledged. Its batch is written and nobody
   * reads it any more: its maker cells serve later batches.
   */
  flushCommitted(flush: PendingFlush): void {
    for (const [gatewayId, seq] of flush.acks) {
      const gw = this.gateways.get(gatewayId);
      if (gw && seq > gw.ackedSeq) gw.ackedSeq = seq;
    }
    this.recycle(flush.batch.enterpriseDays.values());
  }

  /** The flush failed: put its deltas back so the next one writes them. */
  flushFailed(flush: PendingFlush): void {
    const { batch } = flush;
    for (const [k, v] of batch.sales) this.addTo(this.pending.sales, k, v, emptySales, addSales);
    for (const [k, v] of batch.production) this.addTo(this.pending.production, k, v, emptyProduction, addProduction);
    for (const [k, v] of batch.enterpriseDays) this.addTo(this.pending.enterpriseDays, k, v, this.spareCell, addEnterpriseDay);
    for (const [k, v] of batch.counters) this.pending.counters.set(k, (this.pending.counters.get(k) ?? 0) + v);
    for (const g of batch.gateways) {
      const gw = this.gateways.get(g.id);
      if (gw) this.dirtyGateways.mark(gw);
    }
    for (const e of batch.enterprises) this.dirtyEnterprises.add(e.id);
    this.pending.runs.unshift(...batch.runs);
  }

  /** Rows waiting for the next flush, for the backlog metric. */
  backlog(): number {
    const p = this.pending;
    return p.sales.size + p.production.size + p.enterpriseDays.size + p.counters.size + this.dirtyGateways.size + this.dirtyEnterprises.size;
  }

  /**
   * Devices per group of the dashboard's four (libs/kpi `deviceStateCounts` of every device's
   * state): a maker offline takes its devices with it. Of one maker, or of the whole cluster. Every
   * dashboard push asks for the cluster's: a walk over every maker was a cache miss per maker, so
   * the cluster's counts are kept, moved along as devices change state and counted afresh for the
   * makers whose devices or connection changed (`regroup`) since the last time they were asked.
   */
  deviceStateCounts(enterprise?: EnterpriseState): DeviceStateCounts {
    if (enterprise) return { ...this.shareOf(enterprise) };
    for (const ent of this.regroup) {
      if (ent.counted) addCounts(this.groups, ent.counted, -1);
      addCounts(this.groups, (ent.counted = this.shareOf(ent)), 1);
    }
    this.regroup.clear();
    return { ...this.groups };
  }

  /**
   * One maker's devices per group: of an online maker its own counts (counted afresh if its
   * devices changed), the object itself, which a device's change of state moves along.
   */
  private shareOf(ent: EnterpriseState): DeviceStateCounts {
    const total = ent.devices.size;
    if (!ent.online) return { running: 0, idle: 0, fault: 0, offline: total, total };
    let own = ent.groupCounts;
    if (!own) {
      own = { running: 0, idle: 0, fault: 0, offline: 0, total };
      for (const device of ent.devices.values()) own[deviceStateGroup(device.state as DeviceState)] += 1;
      ent.groupCounts = own;
    }
    return own;
  }

  /** Whether a cache entry (DayCells, EnterpriseCells) still points into the live maps, for this run and day. */
  private sameDay<T extends { epoch: number; run: string; day: string }>(entry: T | undefined, run: string, day: string): entry is T {
    return entry !== undefined && entry.epoch === this.cellEpoch && entry.run === run && entry.day === day;
  }

  private dayCellsOf(run: string, day: string): DayCells {
    let cells = this.dayCells.get(day);
    if (!this.sameDay(cells, run, day) || cells.pending !== this.pending) {
      // A new flush batch every flush interval: the live cells stay, the pending ones are new.
      if (this.dayCells.size > 64) this.dayCells.clear();
      cells = { epoch: this.cellEpoch, run, day, pending: this.pending, sales: [], production: [] };
      this.dayCells.set(day, cells);
    }
    return cells;
  }

  private salesCells(cells: DayCells, channel: string, category: string): { live: SalesCell; pending: SalesCell } {
    const c = CHANNEL_INDEX.get(channel);
    const g = CATEGORY_INDEX.get(category);
    const slot = c === undefined || g === undefined ? -1 : c * PRODUCT_CATEGORIES.length + g;
    let pair = slot >= 0 ? cells.sales[slot] : undefined;
    if (!pair) {
      const key = salesKey(cells.day, channel, category);
      pair = { live: cellOf(this.sales, key, emptySales), pending: cellOf(cells.pending.sales, runKey(cells.run, key), emptySales) };
      if (slot >= 0) cells.sales[slot] = pair;
    }
    return pair;
  }

  private productionCells(cells: DayCells, category: string): { live: ProductionCell; pending: ProductionCell } {
    const slot = CATEGORY_INDEX.get(category) ?? -1;
    let pair = slot >= 0 ? cells.production[slot] : undefined;
    if (!pair) {
      const key = productionKey(cells.day, category);
      pair = { live: cellOf(this.production, key, emptyProduction), pending: cellOf(cells.pending.production, runKey(cells.run, key), emptyProduction) };
      if (slot >= 0) cells.production[slot] = pair;
    }
    return pair;
  }

  private enterpriseCellsOf(ent: EnterpriseState, enterpriseId: string, run: string, day: string, year: number): EnterpriseCells {
    const own = ent.cells;
    if (this.sameDay(own, run, day)) {
      if (own.pending !== this.pending) {
        // Only the flush batch is new (every flush interval): the same objects and key serve on.
        own.pending = this.pending;
        own.delta = cellOf(this.pending.enterpriseDays, own.deltaKey, this.spareCell);
      }
      return own;
    }
    const deltaKey = runKey(run, enterpriseDayKey(enterpriseId, day));
    return (ent.cells = {
      epoch: this.cellEpoch,
      run,
      day,
      pending: this.pending,
      year: cellOf(ent.years, year, emptyEnterpriseDay),
      clusterDay: cellOf(this.clusterDays, day, emptyEnterpriseDay),
      delta: cellOf(this.pending.enterpriseDays, deltaKey, this.spareCell),
      deltaKey,
    });
  }

  /**
   * A zeroed cell for a flush batch: one of a committed batch's if there is one. A batch's cells
   * live from the first report of a flush interval until that flush commits, long enough to be
   * promoted to the old generation; made anew every second for every maker, they were a large
   * part of what fills it and brings the full collections.
   */
  private readonly spareCell = (): EnterpriseDayCell => this.spareCells.pop() ?? emptyEnterpriseDay();

  private recycle(cells: Iterable<EnterpriseDayCell>): void {
    for (const cell of cells) {
      if (this.spareCells.length >= MAX_SPARE_CELLS) return;
      cell.salesFen = cell.good = cell.defective = cell.energyWh = 0;
      const o = cell.oee;
      o.plannedMs = o.runMs = o.idealMs = o.good = o.defective = 0;
      this.spareCells.push(cell);
    }
  }

  /** The China calendar day (and its year) of a simulated moment; one day's answer is kept. */
  private calendarDayOf(ts: number): { day: string; year: number } {
    const memo = this.dayMemo;
    if (ts < memo.start || ts >= memo.end) {
      memo.day = chinaDay(ts);
      memo.year = chinaYear(ts);
      memo.start = chinaDayStart(memo.day);
      memo.end = memo.start + DAY_MS;
    }
    return memo;
  }
  private readonly dayMemo = { start: 0, end: 0, day: '', year: 0 };

  /** Makers online now (their gateway connected), as a walk over every maker would count them. */
  get onlineEnterprises(): number {
    return this.onlineMakers;
  }

  private setEnterpriseOnline(ent: EnterpriseState, online: boolean): void {
    if (ent.online === online) return;
    ent.online = online;
    this.onlineMakers += online ? 1 : -1;
  }

  private setOnline(gw: GatewayState, online: boolean, ts: number | null, why: string): void {
    if (ts !== null) gw.lastSeen = Math.max(gw.lastSeen, ts);
    this.dirtyGateways.mark(gw);
    const ent = this.makerOf(gw);
    if (gw.online === online && ent.online === online) return;
    gw.online = online;
    this.setEnterpriseOnline(ent, online);
    this.regroup.add(ent);
    this.dirtyEnterprises.add(gw.enterpriseId);
    this.version++;
    if (!online) {
      this.raise({ ts: ts ?? this.asOf ?? Date.now(), severity: 'warning', kind: 'offline', enterprise: gw.enterpriseId, message: `gateway ${gw.id} went offline (${why})` });
    }
  }

  private checkReadings(enterpriseId: string, device: DeviceInfo, reading: DeviceReading, ts: number): void {
    const out = readingExcursions(reading.kind, reading.readings);
    const was = device.outOfRange;
    if (out.length === 0) {
      // Assigned, not deleted: a delete would turn the device into a slow dictionary object.
      if (was) device.outOfRange = undefined;
      return;
    }
    const now = new Set<string>();
    for (const e of out) {
      now.add(e.reading);
      if (was?.has(e.reading)) continue;
      const range = e.low === -Infinity ? `at most ${e.high}` : e.high === Infinity ? `at least ${e.low}` : `${e.low}..${e.high}`;
      this.raise({
        ts,
        severity: 'warning',
        kind: 'out-of-range',
        enterprise: enterpriseId,
        device: reading.id,
        // Each reading of a device is its own condition: a hot vat and a slow pump are two alarms.
        code: e.reading,
        message: `${reading.kind} ${reading.id}: ${e.reading} ${e.value} ${e.unit} outside ${range} ${e.unit}`,
      });
    }
    device.outOfRange = now;
  }

  private raise(alarm: Omit<AlarmEvent, 'id'>): void {
    // The maker's place travels with the alarm: another instance may not know the maker yet.
    const ent = this.enterprises.get(alarm.enterprise);
    const place = ent?.described ? { park: ent.info.park, town: ent.info.town } : {};
    this.notifyAlarm({ id: `${this.alarmPrefix}-${++this.alarmSeq}`, ...place, ...alarm });
  }

  /** Cluster mode: an alarm another instance raised for a maker it applies, told to this one's listeners. */
  relayAlarm(event: AlarmEvent): void {
    this.notifyAlarm(event);
  }

  private notifyAlarm(event: AlarmEvent): void {
    for (const listener of this.alarmListeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`alarm listener failed: ${String(error)}`);
      }
    }
  }

  private ensureGateway(address: GatewayAddress): GatewayState {
    const id = gatewayClientId(address);
    let gw = this.gateways.get(id);
    if (!gw) {
      gw = newGateway(id, address.enterprise);
      this.gateways.set(id, gw);
      this.dirtyGateways.mark(gw);
    }
    this.ensureEnterprise(address.enterprise);
    return gw;
  }

  /** The maker of `gw`, looked up once and then held by the gateway (see GatewayState.ent). */
  private makerOf(gw: GatewayState): EnterpriseState {
    return gw.ent ?? (gw.ent = this.ensureEnterprise(gw.enterpriseId));
  }

  private ensureEnterprise(id: string): EnterpriseState {
    let ent = this.enterprises.get(id);
    if (!ent) {
      ent = newEnterprise({ id, name: id, town: '', park: '', category: 'tops', digitization: 0, employees: 1 }, false, new Map());
      this.enterprises.set(id, ent);
    }
    return ent;
  }

  private addTo<K, V>(map: Map<K, V>, key: K, delta: V, empty: () => V, add: (into: V, delta: V) => void): void {
    add(cellOf(map, key, empty), delta);
    this.version++;
  }
}

