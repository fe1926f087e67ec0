import {
  BASELINE_ANNUAL_SALES_FEN,
  DAY_MS,
  TARGET_ANNUAL_SALES_FEN,
  chinaDay,
  chinaDayStart,
  chinaYear,
  chinaYearStart,
  daysInYear,
  type Fen,
  type SimTime,
} from '@clusterpulse/contracts';

/** Sales of one China calendar day. */
export interface DailySales {
  day: string;
  salesFen: Fen;
}

export interface SalesKpiInput {
  /** Simulated now: the time of the newest applied report. */
  asOf: SimTime;
  /** Daily sales, any order, any years; days after asOf are ignored. */
  days: readonly DailySales[];
  /** Trailing window of the run-rate, in days (today counts by its elapsed part). */
  windowDays?: number;
  targetFen?: Fen;
  baselineFen?: Fen;
  /**
   * When the figures began (e.g. a scenario starting on 1 January). Without it, the first day in
   * `days` is taken to have started at its midnight. The run-rate never averages over time
   * before the data began.
   */
  dataStart?: SimTime;
}

export interface SalesKpiFigures {
  year: number;
  todayFen: Fen;
  yearToDateFen: Fen;
  runRateFen: Fen;
  /** Mean daily sales over the trailing window; the "current rate" of the other figures. */
  dailyRateFen: number;
  projectedYearEndFen: Fen;
  targetFen: Fen;
  baselineFen: Fen;
  gapToTargetFen: Fen;
  neededDailyFen: Fen;
  targetReachedDate: string | null;
}

export const DEFAULT_RUN_RATE_WINDOW_DAYS = 30;
/** A target more than this many days away at the current rate is reported as never reached. */
export const TARGET_DATE_HORIZON_DAYS = 100 * 365;

/**
 * The sales KPIs toward the annual target, from daily sales alone.
 *
 * - run-rate: mean daily sales over the trailing window, times the days of the year;
 * - projected year end: year to date plus the current daily rate for the rest of the year;
 * - needed daily: what the rest of the year must sell per day to close the gap;
 * - target reached: the day year-to-date sales reach the target — the day it happened, or at the
 *   current rate the day it will (possibly after 31 December, meaning not within the year).
 */
export function computeSalesKpis(input: SalesKpiInput): SalesKpiFigures {
  const { asOf } = input;
  const windowDays = input.windowDays ?? DEFAULT_RUN_RATE_WINDOW_DAYS;
  if (!Number.isInteger(windowDays) || windowDays < 1) throw new RangeError(`windowDays must be a positive integer, got ${windowDays}`);
  const targetFen = input.targetFen ?? TARGET_ANNUAL_SALES_FEN;
  const baselineFen = input.baselineFen ?? BASELINE_ANNUAL_SALES_FEN;
  const year = chinaYear(asOf);
  const today = chinaDay(asOf);
  const yearStart = chinaYearStart(year);
  const yearEnd = chinaYearStart(year + 1);

  const byDay = new Map<string, Fen>();
  for (const { day, salesFen } of input.days) {
    if (day > today) continue;
    byDay.set(day, (byDay.get(day) ?? 0) + salesFen);
  }
  const todayFen = byDay.get(today) ?? 0;

  const yearDays = [...byDay.keys()].filter((day) => chinaDayStart(day) >= yearStart).sort();
  let yearToDateFen = 0;
  for (const day of yearDays) yearToDateFen += byDay.get(day) ?? 0;

  const firstDay = [...byDay.keys()].sort()[0];
  const dataStart = input.dataStart ?? (firstDay === undefined ? asOf : chinaDayStart(firstDay));
  // The window starts at a midnight, or later where the data began (a scenario starting at noon).
  const windowStart = Math.min(asOf, Math.max(chinaDayStart(today) - (windowDays - 1) * DAY_MS, dataStart));
  const firstWindowDay = chinaDay(windowStart);
  let windowFen = 0;
  for (const [day, fen] of byDay) if (day >= firstWindowDay) windowFen += fen;
  const windowElapsedDays = (asOf - windowStart) / DAY_MS;
  const dailyRateFen = windowElapsedDays > 0 ? windowFen / windowElapsedDays : 0;

  const runRateFen = Math.round(dailyRateFen * daysInYear(year));
  const remainingDays = (yearEnd - asOf) / DAY_MS;
  const projectedYearEndFen = yearToDateFen + Math.round(dailyRateFen * remainingDays);
  const gapToTargetFen = Math.max(0, targetFen - yearToDateFen);
  const neededDailyFen = gapToTargetFen === 0 ? 0 : Math.ceil(gapToTargetFen / remainingDays);

  let targetReachedDate: string | null = null;
  if (gapToTargetFen === 0) {
    let cumulative = 0;
    for (const day of yearDays) {
      cumulative += byDay.get(day) ?? 0;
      if (cumulative >= targetFen) {
        targetReachedDate = day;
        break;
      }
    }
  } else if (dailyRateFen > 0 && gapToTargetFen / dailyRateFen <= TARGET_DATE_HORIZON_DAYS) {
    targetReachedDate = chinaDay(asOf + Math.ceil((gapToTargetFen / dailyRateFen) * DAY_MS));
  }

  return {
    year,
    todayFen,
    yearToDateFen,
    runRateFen,
    dailyRateFen,
    projectedYearEndFen,
    targetFen,
    baselineFen,
    gapToTargetFen,
    neededDailyFen,
    targetReachedDate,
  };
}

/** Year-on-year change as a fraction (-0.205 for -20.5%); null when there was nothing the year before. */
export function yearOnYearChange(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return (current - previous) / previous;
}

/** Total sales of the days whose 'YYYY-MM' is the given month. */
export function monthSales(days: readonly DailySales[], month: string): Fen {
  let sum = 0;
  for (const { day, salesFen } of days) if (day.startsWith(`${month}-`)) sum += salesFen;
  return sum;
}
