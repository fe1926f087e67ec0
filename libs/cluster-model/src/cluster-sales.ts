import { SALES_CHANNELS, type SimTime } from '@clusterpulse/contracts';
import { dayNumber, isoDayOf } from './calendar';
import type { Cluster } from './cluster-generator';
import type { Maker } from './maker';
import { type DayBook, dayBook } from './sales-model';
import type { Scenario } from './scenarios';

/**
 * The cluster's sales day by day, straight from every maker's order book, without stepping
 * machines. The hourly simulation ships exactly these books (its 24 hourly shares of a day add up
 * to the day's book), so this is the same revenue the gateways report, computed fast enough to
 * run whole years in a test.
 */
export function forEachDayBook(
  makers: readonly Maker[],
  scenario: Scenario,
  from: SimTime,
  to: SimTime,
  visit: (maker: Maker, day: number, book: DayBook) => void,
): void {
  const first = dayNumber(from);
  const last = dayNumber(to - 1);
  for (const maker of makers) {
    for (let day = first; day <= last; day++) visit(maker, day, dayBook(maker, day, scenario));
  }
}

export interface DailySalesTotal {
  day: string;
  salesFen: number;
  pieces: number;
  byChannel: Record<(typeof SALES_CHANNELS)[number], number>;
}

/** Cluster sales per China calendar day over [from, to). */
export function clusterDailySales(cluster: Cluster, scenario: Scenario, from: SimTime, to: SimTime, makers: readonly Maker[] = cluster.makers): DailySalesTotal[] {
  const first = dayNumber(from);
  const days: DailySalesTotal[] = [];
  forEachDayBook(makers, scenario, from, to, (_maker, day, book) => {
    const i = day - first;
    let row = days[i];
    if (!row) {
      row = { day: isoDayOf(day), salesFen: 0, pieces: 0, byChannel: { ecommerce: 0, wholesale: 0, export: 0 } };
      days[i] = row;
    }
    book.forEach((line, c) => {
      row.salesFen += line.amountFen;
      row.pieces += line.pieces;
      row.byChannel[SALES_CHANNELS[c]] += line.amountFen;
    });
  });
  return days;
}
