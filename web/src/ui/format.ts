import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';

/** What these helpers need of a translation function (i18next's `t`, or the light portal's). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** A duration in minutes as people read it: "45 min", "3 h 5 min", "2 d 4 h"; under a minute "now", or "0 min" for an `amount`. */
export function duration(t: Translate, minutes: number, amount = false): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 1) return amount ? t('time.minutes', { count: 0 }) : t('time.now');
  if (m < 60) return t('time.minutes', { count: m });
  if (m < 24 * 60) return t('time.hours', { h: Math.floor(m / 60), m: m % 60 });
  return t('time.days', { d: Math.floor(m / 1440), h: Math.floor((m % 1440) / 60) });
}

/** A date and time in the interface language. */
export const dateTime = (iso: string, lang: string) =>
  new Date(iso).toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** The current time, ticking every `ms` (for countdowns). */
export function useNow(ms = 30_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** An error as a sentence in the interface language, from the API's stable `error` code. */
export function errorText(t: Translate, e: unknown): string {
  if (!(e instanceof ApiError)) return t('errors.generic');
  if (e.code === 'network') return t('errors.network');
  if (e.code === 'invalid') return t('errors.invalid', { message: e.message });
  const key = `errors.${e.code}`;
  return t(key, { defaultValue: t('errors.generic') });
}
