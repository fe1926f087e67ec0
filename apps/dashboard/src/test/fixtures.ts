import {
  BASELINE_ANNUAL_SALES_FEN,
  DEFAULT_CLUSTER_ID,
  PRODUCT_CATEGORIES,
  REJECT_REASONS,
  TARGET_ANNUAL_SALES_FEN,
  type Alarm,
  type ClusterKpisResponse,
  type DailyHistoryPoint,
  type EnterpriseDetailResponse,
  type EnterpriseHistoryResponse,
  type EnterpriseSummary,
  type ProductCategory,
  type ServerEvent,
} from '@clusterpulse/contracts';

/** A mid-year snapshot of the cluster, typed by the contracts so a changed contract breaks these tests. */
export function kpisFixture(overrides: Partial<ClusterKpisResponse> = {}): ClusterKpisResponse {
  return {
    cluster: DEFAULT_CLUSTER_ID,
    asOf: Date.UTC(2020, 5, 30, 4),
    asOfSource: 'report',
    simDate: '2020-06-30',
    sales: {
      year: 2020,
      todayFen: 27_400_000_000,
      yearToDateFen: 4_310_000_000_000,
      runRateFen: 8_950_000_000_000,
      projectedYearEndFen: 8_800_000_000_000,
      targetFen: TARGET_ANNUAL_SALES_FEN,
      baselineFen: BASELINE_ANNUAL_SALES_FEN,
      gapToTargetFen: 5_690_000_000_000,
      neededDailyFen: 31_100_000_000,
      targetReachedDate: null,
      byChannel: [
        { channel: 'ecommerce', todayFen: 13_000_000_000, yearToDateFen: 2_100_000_000_000 },
        { channel: 'wholesale', todayFen: 9_400_000_000, yearToDateFen: 1_500_000_000_000 },
        { channel: 'export', todayFen: 5_000_000_000, yearToDateFen: 710_000_000_000 },
      ],
    },
    production: {
      byCategory: PRODUCT_CATEGORIES.map((category, i) => ({ category, good: 1_000_000 * (i + 1), defective: 10_000 * (i + 1), piecesPerHour: 1000 * (i + 1) })),
      totalGood: 28_000_000,
      totalDefective: 280_000,
    },
    oee: { availability: 0.9, performance: 0.8, quality: 0.99, oee: 0.7128 },
    kwhPer1000Pieces: 412.5,
    devices: { running: 61_000, idle: 12_500, fault: 420, offline: 2_080, total: 76_000 },
    enterprises: { total: 20_000, online: 19_480 },
    ingest: {
      accepted: 1_234_567,
      rejected: 3,
      duplicates: 12,
      gaps: 1,
      rejectsByReason: { ...Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])), schema: 2, 'not-json': 1 } as ClusterKpisResponse['ingest']['rejectsByReason'],
    },
    sim: null,
    ...overrides,
  };
}

export function historyFixture(days: number, start = '2020-01-01', dailyFen = 23_000_000_000): DailyHistoryPoint[] {
  const startMs = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => {
    const byCategory = Object.fromEntries(PRODUCT_CATEGORIES.map((c, k) => [c, 10_000 * (k + 1) + i])) as Record<ProductCategory, number>;
    return {
      day: new Date(startMs + i * 86_400_000).toISOString().slice(0, 10),
      salesFen: dailyFen,
      good: Object.values(byCategory).reduce((a, b) => a + b, 0),
      defective: 500,
      energyWh: 9_000_000,
      byChannel: { ecommerce: dailyFen / 2, wholesale: dailyFen / 4, export: dailyFen / 4 },
      byCategory,
    };
  });
}

export function alarmFixture(overrides: Partial<Alarm> = {}): Alarm {
  return {
    id: 'alarm-1',
    scope: 'condition',
    severity: 'critical',
    kind: 'fault',
    enterprise: 'e00042',
    device: 'sewing-3',
    message: 'Sewing line 3 stopped: breakdown',
    count: 1,
    makers: 1,
    firstAt: Date.UTC(2020, 5, 30, 2, 15),
    lastAt: Date.UTC(2020, 5, 30, 2, 15),
    ...overrides,
  };
}

/** What the server shows for a park-wide power cut: one alarm for every device fault in the park. */
export function parkAlarmFixture(overrides: Partial<Alarm> = {}): Alarm {
  return alarmFixture({
    id: 'park:fault:Zhili East Park:a1-42',
    scope: 'park',
    enterprise: 'm01843',
    device: 'meter',
    park: 'Zhili East Park',
    town: 'Zhili',
    message: 'energy-meter meter reports a fault',
    count: 23_410,
    makers: 1_843,
    firstAt: Date.UTC(2020, 5, 30, 2, 0),
    lastAt: Date.UTC(2020, 5, 30, 2, 40),
    replaces: ['a1-1', 'a1-2'],
    ...overrides,
  });
}

export function kpisEvent(data: ClusterKpisResponse): ServerEvent {
  return { event: 'kpis', data };
}

export function makerFixture(i: number, overrides: Partial<EnterpriseSummary> = {}): EnterpriseSummary {
  return {
    id: `m${String(i).padStart(5, '0')}`,
    name: `Maker ${i}`,
    town: `Town ${i % 3}`,
    park: `Park ${i % 4}`,
    category: PRODUCT_CATEGORIES[i % PRODUCT_CATEGORIES.length],
    digitization: (i % 10) / 10,
    online: i % 17 !== 0,
    yearToDateFen: 1_000_000 * ((i * 7919) % 1000),
    good: 1000 + i,
    defective: i % 13,
    oee: i % 11 === 0 ? null : ((i * 37) % 100) / 100,
    devices: { running: i % 5 === 0 ? 0 : 3, idle: 1, fault: i % 23 === 0 ? 1 : 0, offline: 0 },
    ...overrides,
  };
}

/** A fetch that answers from a table of paths, recording every request. */
export function tableFetch(routes: Record<string, (init?: RequestInit) => { status: number; body: unknown }>) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const impl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init });
    const path = url.split('?')[0];
    const handler = routes[path];
    const { status, body } = handler ? handler(init) : { status: 404, body: { statusCode: 404, error: 'Not Found', message: `no route ${path}` } };
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: status === 200 ? 'OK' : 'Error',
      json: async () => body,
      text: async () => JSON.stringify(body),
    } as Response;
  }) as typeof fetch;
  return { impl, calls };
}

/** A maker's drill-down: a sewing line running, a dye vat holding too hot, a meter without a line. */
export function makerDetailFixture(i: number): EnterpriseDetailResponse {
  return {
    ...makerFixture(i),
    kwhPer1000Pieces: 512.25,
    deviceList: [
      { id: 'sew-1', kind: 'sewing-line', line: 'L1', state: 'running', group: 'running', readings: {}, oee: { availability: 0.9, performance: 0.8, quality: 0.95, oee: 0.684 }, energyWh: 12_500, lastTs: Date.UTC(2020, 5, 30, 4) },
      { id: 'dye-1', kind: 'dye-vat', line: 'L2', state: 'running', group: 'running', readings: { tempC: 99.6, setpointC: 80, toleranceC: 3, holding: 1, batches: 12 }, oee: null, energyWh: 14_000, lastTs: Date.UTC(2020, 5, 30, 4) },
      { id: 'dye-2', kind: 'dye-vat', line: 'L2', state: 'fault', group: 'fault', readings: { tempC: 61.2, setpointC: 60, toleranceC: 3, holding: 1, batches: 3 }, oee: null, energyWh: 0, lastTs: Date.UTC(2020, 5, 30, 4) },
      { id: 'meter', kind: 'energy-meter', line: null, state: 'running', group: 'running', readings: {}, oee: null, energyWh: null, lastTs: null },
    ],
  };
}

export function makerHistoryFixture(id: string, days = 5): EnterpriseHistoryResponse {
  return {
    enterprise: id,
    run: 'run-1',
    days: Array.from({ length: days }, (_, k) => ({ day: `2020-06-${String(26 + k).padStart(2, '0')}`, salesFen: 1_000_000 * (k + 1), good: 500 + k, defective: 5, energyWh: 90_000, oee: 0.6 })),
  };
}
