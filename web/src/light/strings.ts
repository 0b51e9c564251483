/**
 * The light portal's languages: the reader's choice (remembered in this browser), its small string
 * table loaded on demand, and `t` as i18next reads keys (`{{name}}` placeholders, `_one`/`_few`/`_many`/`_other` plurals).
 */
import { useSyncExternalStore } from 'react';

export type Lang = 'en' | 'ru';
const KEY = 'tierdesk.lang';
const TABLES: Record<Lang, () => Promise<{ default: Record<string, string> }>> = {
  en: () => import('virtual:light-strings/en'),
  ru: () => import('virtual:light-strings/ru'),
};

/** The remembered choice, else the browser's language. */
export function initialLanguage(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'ru') return saved;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

/** Remembers the reader's choice in this browser (the full app's i18n reads the same). */
export const rememberLanguage = (to: Lang) => localStorage.setItem(KEY, to);

let lang: Lang = initialLanguage();
let table: Record<string, string> = {};
const listeners = new Set<() => void>();

/** Switches to `to` (remembered in this browser) once its strings are loaded. */
export async function switchLanguage(to: Lang) {
  rememberLanguage(to);
  const loaded = (await TABLES[to]()).default;
  lang = to;
  table = loaded;
  document.documentElement.lang = to;
  for (const l of listeners) l();
}

export const currentLang = () => lang;

/** The string of `key` in the current language, with `{{placeholders}}` filled and the plural chosen by `count`. */
export function t(key: string, vars: Record<string, unknown> = {}): string {
  const count = vars['count'];
  const plural = typeof count === 'number' ? table[`${key}_${new Intl.PluralRules(lang).select(count)}`] ?? table[`${key}_other`] : undefined;
  const s = plural ?? table[key] ?? (vars['defaultValue'] as string | undefined) ?? key;
  return s.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
}

/** Re-renders the component when the language changes; returns the current one. */
export function useLang(): Lang {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => lang,
  );
}
