import { FEN_PER_RMB, type Fen } from '@clusterpulse/contracts';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

function decimals(value: number, digits: number, locale: Locale): string {
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/**
 * Money for display. Amounts travel as integer fen; this is the only place they become floats.
 * Chinese readers count in 万 (1e4) and 亿 (1e8) yuan, English readers in millions and billions.
 */
export function formatMoney(fen: Fen, locale: Locale, digits = 2): string {
  const rmb = fen / FEN_PER_RMB;
  const abs = Math.abs(rmb);
  if (locale === 'zh-CN') {
    if (abs >= 1e8) return `${decimals(rmb / 1e8, digits, locale)} 亿元`;
    if (abs >= 1e4) return `${decimals(rmb / 1e4, digits, locale)} 万元`;
    return `${decimals(rmb, 0, locale)} 元`;
  }
  if (abs >= 1e9) return `¥${decimals(rmb / 1e9, digits, locale)} bn`;
  if (abs >= 1e6) return `¥${decimals(rmb / 1e6, digits, locale)} m`;
  return `¥${decimals(rmb, 0, locale)}`;
}

/** Piece and device counts: exact below ten thousand, then in the reader's large units. */
export function formatCount(value: number, locale: Locale): string {
  const abs = Math.abs(value);
  if (locale === 'zh-CN') {
    if (abs >= 1e8) return `${decimals(value / 1e8, 2, locale)}亿`;
    if (abs >= 1e4) return `${decimals(value / 1e4, 2, locale)}万`;
    return decimals(value, 0, locale);
  }
  if (abs >= 1e9) return `${decimals(value / 1e9, 2, locale)} bn`;
  if (abs >= 1e6) return `${decimals(value / 1e6, 2, locale)} m`;
  return decimals(value, 0, locale);
}

export function formatInteger(value: number, locale: Locale): string {
  return decimals(value, 0, locale);
}

export function formatDecimal(value: number, locale: Locale, digits = 1): string {
  return decimals(value, digits, locale);
}

/** A ratio 0..1 as a percentage. */
export function formatPercent(ratio: number, locale: Locale, digits = 1): string {
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** A China calendar day 'YYYY-MM-DD' as the reader writes dates; the day is shown as is, never shifted by a time zone. */
export function formatDay(day: string, locale: Locale, style: 'long' | 'short' = 'long'): string {
  const key = `${locale}|${style}`;
  let format = dayFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, style === 'long' ? { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' } : { month: 'short', day: 'numeric', timeZone: 'UTC' });
    dayFormats.set(key, format);
  }
  const utc = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(utc) ? day : format.format(utc);
}
