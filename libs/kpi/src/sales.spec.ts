import { DAY_MS, chinaDayStart } from '@clusterpulse/contracts';
import { computeSalesKpis, monthSales, yearOnYearChange, type DailySales } from './sales';

const at = (day: string, hours = 0) => chinaDayStart(day) + hours * 3_600_000;
const series = (from: string, count: number, fen: number): DailySales[] =>
  Array.from({ length: count }, (_, i) => ({ day: new Date(Date.parse(`${from}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10), salesFen: fen }));

describe('computeSalesKpis', () => {
  it('annualizes the trailing rate, projects the year end and dates the target (worked example)', () => {
    // 1,000,000 fen a day from 1 Jan 2020; now is noon on 10 Jan with half a day sold.
    const days = [...series('2020-01-01', 9, 1_000_000), { day: '2020-01-10', salesFen: 500_000 }];
    const k = computeSalesKpis({ asOf: at('2020-01-10', 12), days, targetFen: 100_000_000, baselineFen: 63_000_000, dataStart: at('2020-01-01') });
    expect(k).toEqual({
      year: 2020,
      todayFen: 500_000,
      yearToDateFen: 9_500_000,
      dailyRateFen: 1_000_000,
      runRateFen: 366_000_000, // 2020 has 366 days
      projectedYearEndFen: 366_000_000, // 9.5 m so far + 356.5 days at 1 m
      targetFen: 100_000_000,
      baselineFen: 63_000_000,
      gapToTargetFen: 90_500_000,
      neededDailyFen: 253_857, // ceil(90.5 m / 356.5 days)
      targetReachedDate: '2020-04-10', // 90.5 days after noon on 10 Jan
    });
  });

  it.each([
    // window days, expected daily rate: 10 days of 1 m then 10 days of 3 m, now at the end of day 20
    [30, 2_000_000],
    [10, 3_000_000],
    [5, 3_000_000],
  ])('averages over a trailing window of %i days', (windowDays, rate) => {
    const days = [...series('2020-03-01', 10, 1_000_000), ...series('2020-03-11', 10, 3_000_000)];
    const k = computeSalesKpis({ asOf: at('2020-03-21') - 1, days, windowDays, targetFen: 1 });
    expect(k.dailyRateFen).toBeCloseTo(rate, -1);
  });

  it('gives the day the target was reached once year-to-date sales passed it', () => {
    const days = [
      { day: '2020-01-01', salesFen: 60 },
      { day: '2020-01-02', salesFen: 50 },
      { day: '2020-01-03', salesFen: 50 },
    ];
    const k = computeSalesKpis({ asOf: at('2020-01-03', 18), days, targetFen: 100 });
    expect(k.gapToTargetFen).toBe(0);
    expect(k.neededDailyFen).toBe(0);
    expect(k.targetReachedDate).toBe('2020-01-02');
  });

  it('reports no target date and no run-rate before any sale', () => {
    const k = computeSalesKpis({ asOf: at('2020-06-01', 8), days: [] });
    expect(k.runRateFen).toBe(0);
    expect(k.projectedYearEndFen).toBe(0);
    expect(k.targetReachedDate).toBeNull();
    expect(k.gapToTargetFen).toBe(100 * 1e9 * 100);
  });

  it('counts only the current year to date but lets the run-rate window reach into the last year', () => {
    const days = [
      { day: '2019-12-31', salesFen: 2_000_000 },
      { day: '2020-01-01', salesFen: 2_000_000 },
      { day: '2020-01-02', salesFen: 1_000_000 },
    ];
    const k = computeSalesKpis({ asOf: at('2020-01-02', 12), days });
    expect(k.yearToDateFen).toBe(3_000_000);
    expect(k.todayFen).toBe(1_000_000);
    expect(k.dailyRateFen).toBeCloseTo(2_000_000, 6);
  });

  it('ignores days after now and splits days on China time, not UTC', () => {
    // 23:30 UTC on 31 Dec 2019 is already 07:30 on 1 Jan 2020 in Huizhou.
    const asOf = Date.UTC(2019, 11, 31, 23, 30);
    const days = [
      { day: '2019-12-31', salesFen: 7 },
      { day: '2020-01-01', salesFen: 5 },
      { day: '2020-01-02', salesFen: 1_000 },
    ];
    const k = computeSalesKpis({ asOf, days, targetFen: 100 });
    expect(k.year).toBe(2020);
    expect(k.todayFen).toBe(5);
    expect(k.yearToDateFen).toBe(5);
  });

  it('measures the rate from when the data began, even mid-day', () => {
    const k = computeSalesKpis({ asOf: at('2020-02-02', 12), days: [{ day: '2020-02-01', salesFen: 1_000 }, { day: '2020-02-02', salesFen: 1_000 }], dataStart: at('2020-02-01', 12) });
    expect(k.dailyRateFen).toBeCloseTo(2_000 / 1, 9);
    expect(k.targetReachedDate).toBeNull(); // 1e13 fen at 2,000 a day: not within a century
  });

  it('refuses a window that is not a positive whole number of days', () => {
    expect(() => computeSalesKpis({ asOf: at('2020-01-01'), days: [], windowDays: 0 })).toThrow(RangeError);
  });
});

describe('yearOnYearChange and monthSales', () => {
  it.each([
    [79.5, 100, -0.205],
    [97.2, 100, -0.028],
    [158.7, 100, 0.587],
  ])('%d against %d is %d', (current, previous, change) => {
    expect(yearOnYearChange(current, previous)).toBeCloseTo(change, 10);
  });

  it('has no change against an empty previous year', () => {
    expect(yearOnYearChange(5, 0)).toBeNull();
  });

  it('sums the days of one month only', () => {
    const days = [...series('2020-01-30', 4, 10)]; // 30, 31 Jan, 1, 2 Feb
    expect(monthSales(days, '2020-01')).toBe(20);
    expect(monthSales(days, '2020-02')).toBe(20);
    expect(monthSales(days, '2020-1')).toBe(0);
  });
});
