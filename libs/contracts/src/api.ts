import type { DeviceKind, DeviceState, DeviceStateGroup, ProductCategory, SalesChannel } from './domain';
import type { Fen } from './money';
import type { RejectReason, ScenarioId, SimStatus } from './payloads';
import type { Alarm } from './ws';

/** REST routes. Controllers and the dashboard both read paths from here. */
export const API_PREFIX = 'api/v1';
export const ApiRoutes = {
  kpis: `/${API_PREFIX}/kpis`,
  dailyHistory: `/${API_PREFIX}/history/daily`,
  enterprises: `/${API_PREFIX}/enterprises`,
  enterprise: (id: string) => `/${API_PREFIX}/enterprises/${encodeURIComponent(id)}`,
  /** One maker's daily figures in the current run. */
  enterpriseHistory: (id: string) => `/${API_PREFIX}/enterprises/${encodeURIComponent(id)}/history`,
  /** Kept alarms, most recently opened or escalated first, with their acknowledgement. */
  alarms: `/${API_PREFIX}/alarms`,
  /** POST, with the trainer/operator bearer token. */
  alarmAck: (id: string) => `/${API_PREFIX}/alarms/${encodeURIComponent(id)}/ack`,
  ingestStats: `/${API_PREFIX}/ingest/stats`,
  trainerCommand: `/${API_PREFIX}/trainer/commands`,
} as const;

/** The WebSocket endpoint's path on the HTTP server. */
export const WS_PATH = '/ws';

export interface ChannelSales {
  channel: SalesChannel;
  todayFen: Fen;
  yearToDateFen: Fen;
}

export interface CategoryProduction {
  category: ProductCategory;
  /** Good pieces year to date. */
  good: number;
  defective: number;
  /** Good pieces per simulated hour over the latest simulated day. */
  piecesPerHour: number;
}

export interface OeeFigures {
  availability: number;
  performance: number;
  quality: number;
  oee: number;
}

export interface SalesKpis {
  /** Simulated calendar year the figures belong to. */
  year: number;
  todayFen: Fen;
  yearToDateFen: Fen;
  /** Annualized from the trailing window of daily sales. */
  runRateFen: Fen;
  projectedYearEndFen: Fen;
  targetFen: Fen;
  baselineFen: Fen;
  /** Target minus year to date; 0 once reached. */
  gapToTargetFen: Fen;
  /** Daily sales needed from tomorrow to reach the target by year end; 0 once reached. */
  neededDailyFen: Fen;
  /** 'YYYY-MM-DD' on which year-to-date sales reach the target at the current rate; null if never. */
  targetReachedDate: string | null;
  byChannel: ChannelSales[];
}

export interface IngestStats {
  accepted: number;
  rejected: number;
  duplicates: number;
  gaps: number;
  rejectsByReason: Record<RejectReason, number>;
}

/**
 * Where the moment the KPIs describe comes from: the newest applied report (`asOf`); before the
 * first report, the simulator's clock from its status, else the newest day in the history, else
 * the server's wall clock.
 */
export const AS_OF_SOURCES = ['report', 'simulator', 'history', 'wall-clock'] as const;
export type AsOfSource = (typeof AS_OF_SOURCES)[number];

export interface ClusterKpisResponse {
  cluster: string;
  /** Simulated time of the newest applied report; null before the first. */
  asOf: number | null;
  /** What `sales.year` and "today" are taken from; 'report' exactly when asOf is not null. */
  asOfSource: AsOfSource;
  /** China calendar day of asOf. */
  simDate: string | null;
  sales: SalesKpis;
  production: {
    byCategory: CategoryProduction[];
    totalGood: number;
    totalDefective: number;
  };
  oee: OeeFigures | null;
  /** kWh per 1,000 good pieces over the year to date; null before any piece. */
  kwhPer1000Pieces: number | null;
  devices: Record<DeviceStateGroup, number> & { total: number };
  enterprises: { total: number; online: number };
  ingest: IngestStats;
  /** The simulator's own status (scenario, speed, paused), as last published on sim/status; null if none seen. */
  sim: SimStatus | null;
  /** The run the figures belong to ('' for reports that name none); absent from older servers. */
  run?: string;
}

export interface DailyHistoryPoint {
  day: string;
  salesFen: Fen;
  good: number;
  defective: number;
  energyWh: number;
  byChannel: Record<SalesChannel, Fen>;
  byCategory: Record<ProductCategory, number>;
}

export interface DailyHistoryResponse {
  cluster: string;
  days: DailyHistoryPoint[];
}

export interface EnterpriseSummary {
  id: string;
  name: string;
  town: string;
  park: string;
  category: ProductCategory;
  digitization: number;
  online: boolean;
  yearToDateFen: Fen;
  good: number;
  defective: number;
  oee: number | null;
  /** kWh per 1,000 good pieces this year; absent where the server does not compute it per maker. */
  kwhPer1000Pieces?: number | null;
  devices: Record<DeviceStateGroup, number>;
}

/** One device of a maker as last reported. */
export interface DeviceDetail {
  id: string;
  kind: DeviceKind;
  /** Line or area inside the workshop; null where the device belongs to none. */
  line: string | null;
  /** As reported; 'offline' while the maker's gateway is offline. */
  state: DeviceState;
  group: DeviceStateGroup;
  /** Sensor values of the latest report, e.g. { tempC: 97.8 } for a dye vat; empty before one. */
  readings: Record<string, number>;
  /** OEE over the device's latest report interval; null before one or where undefined (nothing planned). */
  oee: OeeFigures | null;
  /** Energy the device drew in its latest report interval, Wh; null before one. */
  energyWh: number | null;
  /** Simulated end of the latest report interval that included the device; null before one. */
  lastTs: number | null;
}

/** `ApiRoutes.enterprise(id)`: the maker's summary with each of its devices. */
export interface EnterpriseDetailResponse extends EnterpriseSummary {
  deviceList: DeviceDetail[];
}

export interface EnterpriseHistoryDay {
  day: string;
  salesFen: Fen;
  good: number;
  defective: number;
  energyWh: number;
  oee: number | null;
}

/** `ApiRoutes.enterpriseHistory(id)`: the maker's days in the current run, as last flushed to the database. */
export interface EnterpriseHistoryResponse {
  enterprise: string;
  run: string;
  days: EnterpriseHistoryDay[];
}

/** `ApiRoutes.alarms`: kept by the server (bounded), most recently opened or escalated (`alarmEscalated`) first. */
export interface AlarmListResponse {
  alarms: Alarm[];
}

export interface AlarmAckResponse {
  alarm: Alarm;
}

export interface EnterpriseListResponse {
  total: number;
  enterprises: EnterpriseSummary[];
}

export interface TrainerCommandResponse {
  accepted: true;
  scenario?: ScenarioId;
}

/** Body of an error response from any endpoint. */
export interface ApiErrorResponse {
  statusCode: number;
  error: string;
  message: string;
}

/** Operational endpoints, outside the versioned API. */
export const OpsRoutes = {
  health: '/health',
  metrics: '/metrics',
  apiDocs: `/api/docs`,
} as const;
