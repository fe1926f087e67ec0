import { PRODUCT_CATEGORIES, SALES_CHANNELS, type ProductCategory, type SalesChannel } from '@clusterpulse/contracts';
import { calendarOf, dayOf, lunarNewYear } from './calendar';

/**
 * Demand seasonality of the children's-wear market, per channel and category:
 * - new clothes for the New Year: buying peaks in the three weeks before Chinese New Year,
 *   then logistics and workshops stop for the holiday and sales collapse for about two weeks;
 * - 618 (JD's mid-year festival, 1-18 June) and Double 11 (Singles' Day, 11 November) and
 *   Double 12: e-commerce spikes;
 * - back to school (mid August to mid September): schoolwear and everyday wear;
 * - outerwear sells in autumn and winter, hardly in summer;
 * - wholesale markets are quiet on Sundays.
 * The shape is normalized so that each calendar year averages 1 for every channel and category:
 * a calendar effect moves sales between days, it never creates or destroys a year's demand.
 */
function rawFactor(day: number, channel: SalesChannel, category: ProductCategory): number {
  const { year, month, date, weekday } = calendarOf(day);
  let f = 1;

  // Chinese New Year: the holiday of the year the day falls in, or of next year (late December
  // already sees the pre-holiday peak when New Year is in mid-January).
  for (const ny of [lunarNewYear(year), lunarNewYear(year + 1)]) {
    const d = day - ny;
    if (d >= -24 && d < -3) f *= 1.35; // shopping for new clothes
    else if (d >= -3 && d < 10) f *= 0.26; // holiday: shops, couriers and workshops closed
    else if (d >= 10 && d < 18) f *= 0.26 + ((d - 10) / 8) * 0.74; // reopening
  }

  if (channel === 'ecommerce') {
    if (month === 6 && date <= 18) f *= date === 18 ? 3.2 : 1.45;
    if ((month === 10 && date >= 25) || (month === 11 && date < 11)) f *= 1.5; // pre-sales
    if (month === 11 && date === 11) f *= 7;
    if (month === 11 && date > 11 && date <= 13) f *= 1.3;
    if (month === 12 && date === 12) f *= 2.2;
    if (weekday === 0 || weekday === 6) f *= 1.1;
  } else {
    if (weekday === 0) f *= channel === 'wholesale' ? 0.55 : 0.8;
  }

  const backToSchool = (month === 8 && date >= 10) || (month === 9 && date <= 10);
  if (backToSchool) f *= category === 'schoolwear' ? 2.1 : 1.2;
  if (category === 'schoolwear' && month === 2) f *= 1.3; // spring term

  if (category === 'outerwear') {
    if (month >= 10 || month <= 1) f *= 1.7;
    else if (month >= 5 && month <= 8) f *= 0.35;
  }
  if (month === 7) f *= 0.9; // summer lull
  return f;
}

const normalizers = new Map<number, Float64Array>();

function key(channel: SalesChannel, category: ProductCategory): number {
  return SALES_CHANNELS.indexOf(channel) * PRODUCT_CATEGORIES.length + PRODUCT_CATEGORIES.indexOf(category);
}

function normalizer(year: number): Float64Array {
  let norm = normalizers.get(year);
  if (!norm) {
    norm = new Float64Array(SALES_CHANNELS.length * PRODUCT_CATEGORIES.length);
    const first = dayOf(`${year}-01-01`);
    const last = dayOf(`${year + 1}-01-01`);
    for (const channel of SALES_CHANNELS) {
      for (const category of PRODUCT_CATEGORIES) {
        let sum = 0;
        for (let d = first; d < last; d++) sum += rawFactor(d, channel, category);
        norm[key(channel, category)] = (last - first) / sum;
      }
    }
    normalizers.set(year, norm);
  }
  return norm;
}

const cache = new Map<number, Float64Array>();

/** Demand factor of a day for one channel and category; each calendar year averages 1. */
export function seasonality(day: number, channel: SalesChannel, category: ProductCategory): number {
  let row = cache.get(day);
  if (!row) {
    const norm = normalizer(calendarOf(day).year);
    row = new Float64Array(SALES_CHANNELS.length * PRODUCT_CATEGORIES.length);
    for (const ch of SALES_CHANNELS) for (const cat of PRODUCT_CATEGORIES) row[key(ch, cat)] = rawFactor(day, ch, cat) * norm[key(ch, cat)];
    if (cache.size > 4000) cache.clear();
    cache.set(day, row);
  }
  return row[key(channel, category)];
}

/** Whether workshops work on the day in an ordinary year: six-day weeks, closed over New Year and National Day. */
export function isWorkingDay(day: number): boolean {
  const { year, month, date, weekday } = calendarOf(day);
  if (weekday === 0) return false;
  const fromNewYear = day - lunarNewYear(year);
  if (fromNewYear >= -3 && fromNewYear < 10) return false;
  if (month === 10 && date <= 3) return false;
  return true;
}
