import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { DeviceStateGroup, Fen, ProductCategory, SalesChannel } from '@clusterpulse/contracts';
import { formatCount, formatDay, formatDecimal, formatInteger, formatMoney, formatPercent, isLocale, type Locale } from '../lib/format';
import { CATEGORY_NAMES, CHANNEL_NAMES, MESSAGES, STATE_NAMES, type MessageKey } from './messages';

export interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  money: (fen: Fen, digits?: number) => string;
  count: (value: number) => string;
  integer: (value: number) => string;
  decimal: (value: number, digits?: number) => string;
  percent: (ratio: number, digits?: number) => string;
  day: (day: string, style?: 'long' | 'short') => string;
  category: (category: ProductCategory) => string;
  channel: (channel: SalesChannel) => string;
  state: (state: DeviceStateGroup) => string;
}

const STORAGE_KEY = 'clusterpulse.locale';

export function makeI18n(locale: Locale, setLocale: (locale: Locale) => void = () => undefined): I18n {
  const messages = MESSAGES[locale];
  return {
    locale,
    setLocale,
    t: (key, params) => messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole)),
    money: (fen, digits) => formatMoney(fen, locale, digits),
    count: (value) => formatCount(value, locale),
    integer: (value) => formatInteger(value, locale),
    decimal: (value, digits) => formatDecimal(value, locale, digits),
    percent: (ratio, digits) => formatPercent(ratio, locale, digits),
    day: (day, style) => formatDay(day, locale, style),
    category: (category) => CATEGORY_NAMES[locale][category] ?? category,
    channel: (channel) => CHANNEL_NAMES[locale][channel] ?? channel,
    state: (state) => STATE_NAMES[locale][state] ?? state,
  };
}

/** The language asked for in the address (?lang=zh-CN), else the last one chosen, else the browser's. */
export function initialLocale(): Locale {
  if (typeof window === 'undefined') return 'en';
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (isLocale(fromUrl)) return fromUrl;
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // storage may be disabled; the browser language still decides
  }
  return window.navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

const I18nContext = createContext<I18n>(makeI18n('en'));

export function I18nProvider({ children, locale: fixed }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => fixed ?? initialLocale());
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not remembering the choice is harmless
    }
    document.documentElement.lang = next;
  }, []);
  const value = useMemo(() => makeI18n(locale, setLocale), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
