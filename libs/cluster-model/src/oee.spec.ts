import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type OeeResult, type OeeTotals, oeeFromTotals } from '@clusterpulse/kpi';
import { OEE_PLAUSIBLE } from './calibration';

/**
 * A simulated month of 1,000 makers, its device readings rolled up the way the server does, must
 * show the OEE of small apparel workshops (OEE_PLAUSIBLE) and add up: for several seeds and for
 * ordinary, peak and lockdown-recovery months. Each month runs in a worker thread, as the sales
 * calibration does, because jest's sandbox slows the model down many times.
 */
interface MonthRun {
  makers: number;
  cluster: OeeTotals;
  fromCounters: OeeTotals;
  byKind: Record<string, OeeTotals>;
  quartiles: { least: OeeTotals; most: OeeTotals };
  checks: Record<string, number>;
}

const MONTHS: Array<[seed: number, scenario: string, from: string]> = [
  [11, 'baseline-2019', '2019-03-01'],
  [4242, 'baseline-2019', '2019-09-01'],
  [90210, 'baseline-2019', '2019-06-01'],
  [11, 'digital-2020', '2020-11-01'],
  [4242, 'lockdown-2020', '2020-02-20'],
];
const MAKERS = 1_000;
const DAYS = 30;

function runMonth(seed: number, scenario: string, from: string): Promise<MonthRun> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, '../test/oee.worker.js'), { workerData: { seed, makers: MAKERS, scenario, from, days: DAYS } });
    worker.once('message', (run: MonthRun) => {
      resolve(run);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const runs = new Map<string, Promise<MonthRun>>();
function run(seed: number, scenario: string, from: string): Promise<MonthRun> {
  const key = `${seed}|${scenario}|${from}`;
  let r = runs.get(key);
  if (!r) {
    r = runMonth(seed, scenario, from);
    runs.set(key, r);
  }
  return r;
}

function oee(totals: OeeTotals): OeeResult {
  const result = oeeFromTotals(totals);
  if (!result) throw new Error('nothing was planned');
  return result;
}

function expectWithin(value: number, range: { min: number; max: number }, what: string): void {
  if (value < range.min || value > range.max) throw new Error(`${what} ${(100 * value).toFixed(1)}% is outside ${100 * range.min}-${100 * range.max}%`);
}

describe.each(MONTHS)('OEE of 1,000 makers, seed %i, %s, 30 days from %s', (seed, scenario, from) => {
  jest.setTimeout(180_000);
  const month = (): Promise<MonthRun> => run(seed, scenario, from);

  it('comes out within the plausible ranges of small apparel workshops for the cluster', async () => {
    const r = await month();
    expect(r.makers).toBe(MAKERS);
    const c = oee(r.cluster);
    expectWithin(c.availability, OEE_PLAUSIBLE.availability, 'availability');
    expectWithin(c.performance, OEE_PLAUSIBLE.performance, 'performance');
    expectWithin(c.quality, OEE_PLAUSIBLE.quality, 'quality');
    expectWithin(c.oee, OEE_PLAUSIBLE.oee, 'OEE');
  });

  it('keeps every kind of rated device within the plausible availability and performance, and at least the quality', async () => {
    const r = await month();
    // cutting, sewing, QC and packing in every maker; embroidery and printing in some
    expect(Object.keys(r.byKind).sort()).toEqual(['cutting-table', 'embroidery-machine', 'packing-station', 'printing-machine', 'qc-station', 'sewing-line']);
    for (const [kind, totals] of Object.entries(r.byKind)) {
      const k = oee(totals);
      expectWithin(k.availability, OEE_PLAUSIBLE.availability, `${kind} availability`);
      expectWithin(k.performance, OEE_PLAUSIBLE.performance, `${kind} performance`);
      // a packing station spoils almost nothing: quality has a floor per kind, not a ceiling
      expect(k.quality).toBeGreaterThanOrEqual(OEE_PLAUSIBLE.quality.min);
    }
  });

  it('gives the most digitized quarter of makers a better OEE than the least digitized quarter, in every component', async () => {
    const { least, most } = (await month()).quartiles;
    const [l, m] = [oee(least), oee(most)];
    expect(m.availability).toBeGreaterThan(l.availability);
    expect(m.performance).toBeGreaterThan(l.performance);
    expect(m.quality).toBeGreaterThan(l.quality);
    expect(m.oee).toBeGreaterThan(l.oee + 0.02);
  });

  it('reports consistent counts and times: runs within plan, plan within the interval, never faster than rated', async () => {
    const { checks } = await month();
    expect(checks.readings).toBeGreaterThan(checks.reports);
    expect(checks).toMatchObject({ runAbovePlanned: 0, plannedAboveInterval: 0, fasterThanRated: 0, ratedNonStations: 0 });
  });

  it('makes production the sum of its devices: packed good plus rejects, every released piece accounted for', async () => {
    const { checks } = await month();
    expect(checks.productionNotDevices).toBe(0);
    expect(checks.notConserved).toBe(0);
  });

  it("gives the cluster's OEE from the reports exactly what libs/kpi computes from the stations' own counters", async () => {
    const r = await month();
    expect(r.checks).toMatchObject({ countersNotTime: 0, countersNotReports: 0 });
    expect(r.cluster).toEqual(r.fromCounters);
    expect(oee(r.cluster)).toEqual(oee(r.fromCounters));
  });
});
