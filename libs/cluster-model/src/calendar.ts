import { CHINA_UTC_OFFSET_MS, DAY_MS, type SimTime } from '@clusterpulse/contracts';

/**
 * Day numbers: whole China calendar days since 1970-01-01 (China time). The model keys its daily
 * draws by day number so a day's outcome never depends on how the simulation was stepped.
 */
export function dayNumber(ts: SimTime): number {
  return Math.floor((ts + CHINA_UTC_OFFSET_MS) / DAY_MS);
}

/** Epoch ms of 00:00 China time on the day. */
export function dayStart(day: number): SimTime {
  return day * DAY_MS - CHINA_UTC_OFFSET_MS;
}

/** Day number of a 'YYYY-MM-DD' China calendar day. */
export function dayOf(isoDay: string): number {
  const ms = Date.parse(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}$/.test(isoDay)) throw new RangeError(`not a day: ${isoDay}`);
  return ms / DAY_MS;
}

export function isoDayOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  date: number;
  /** 0 = Sunday .. 6 = Saturday */
  weekday: number;
}

export function calendarOf(day: number): CalendarDate {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** China local hour (0..23) of a simulated instant. */
export function chinaHour(ts: SimTime): number {
  return Math.floor(((ts + CHINA_UTC_OFFSET_MS) % DAY_MS) / 3_600_000);
}

/** Chinese New Year's day (first day of the lunar year), which moves between late January and mid February. */
const LUNAR_NEW_YEAR: Record<number, string> = {
  2015: '2015-02-19',
  2016: '2016-02-08',
  2017: '2017-01-28',
  2018: '2018-02-16',
  2019: '2019-02-05',
  2020: '2020-01-25',
  2021: '2021-02-12',
  2022: '2022-02-01',
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
};

export function lunarNewYear(year: number): number {
  const iso = LUNAR_NEW_YEAR[year];
  // outside the table, early February is the typical date: close enough for a demo year
  return dayOf(iso ?? `${year}-02-05`);
}
