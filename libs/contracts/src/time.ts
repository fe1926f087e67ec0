/**
 * Simulated time is epoch milliseconds. Calendar days are China Standard Time (UTC+8, no daylight
 * saving), where the cluster sells, so "today" and "year to date" follow Huizhou's calendar.
 */
export const CHINA_UTC_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** Simulated epoch ms; always an integer. */
export type SimTime = number;

/** 'YYYY-MM-DD' of the China calendar day containing ts. */
export function chinaDay(ts: SimTime): string {
  return new Date(ts + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** China calendar year containing ts. */
export function chinaYear(ts: SimTime): number {
  return new Date(ts + CHINA_UTC_OFFSET_MS).getUTCFullYear();
}

/** Epoch ms of 00:00 China time on the given 'YYYY-MM-DD'. */
export function chinaDayStart(day: string): SimTime {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day: ${day}`);
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(utcMidnight)) throw new RangeError(`not a day: ${day}`);
  return utcMidnight - CHINA_UTC_OFFSET_MS;
}

/** Epoch ms of 00:00 China time on 1 January of the year. */
export function chinaYearStart(year: number): SimTime {
  return Date.UTC(year, 0, 1) - CHINA_UTC_OFFSET_MS;
}

export function daysInYear(year: number): number {
  return (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / DAY_MS;
}

/** 'YYYY-MM-DD' n days after the given day (n may be negative). */
export function addDays(day: string, n: number): string {
  return chinaDay(chinaDayStart(day) + n * DAY_MS);
}
