import type { Locale } from '../identity/index.js';

/**
 * Reasons the desk itself writes on a timeline and in notices. They are stored as a code with
 * parameters (beside an English text for API clients and older readers) and rendered in each
 * reader's language: on the web from the same codes (`reason.*` keys), in e-mail and SMS from here.
 */
export type Reason =
  | { code: 'auto_assigned'; params: { line: string } }
  | { code: 'line_budget_used'; params: { line: string; minutes: number } }
  | { code: 'category_needs_line'; params: { category: string; categoryRu?: string; line: string } }
  | { code: 'budget_escalated_early'; params: { line: string } }
  | { code: 'catalog_item_line'; params: { item: string; itemRu?: string; line: string } };

export type ReasonCode = Reason['code'];

type Texts = { [C in ReasonCode]: (p: Extract<Reason, { code: C }>['params']) => string };

const TEXTS: Record<Locale, Texts> = {
  en: {
    auto_assigned: (p) => `Available ${p.line} agent with the fewest open requests`,
    line_budget_used: (p) => `The ${p.line} time budget of ${p.minutes} business minutes was used up`,
    category_needs_line: (p) => `The category ${p.category} needs ${p.line}`,
    budget_escalated_early: (p) => `Escalated by the assigned agent when the ${p.line} time budget was nearly used up`,
    catalog_item_line: (p) => `The catalog item ${p.item} is handled at ${p.line}`,
  },
  ru: {
    auto_assigned: (p) => `Свободный специалист ${p.line} с наименьшим числом открытых обращений`,
    line_budget_used: (p) => `Исчерпан лимит времени на ${p.line}: ${p.minutes} раб. мин`,
    category_needs_line: (p) => `Категория «${p.categoryRu || p.category}» требует ${p.line}`,
    budget_escalated_early: (p) => `Передано исполнителем, когда лимит времени на ${p.line} почти исчерпан`,
    catalog_item_line: (p) => `Услугу каталога «${p.itemRu || p.item}» выполняет ${p.line}`,
  },
};

/** A reason as the reader reads it. */
export function reasonText(locale: Locale, r: Reason): string {
  return (TEXTS[locale][r.code] as (p: Reason['params']) => string)(r.params);
}

/** What an event's data carries for a reason: the code, its parameters, and the English text. */
export const reasonData = (r: Reason) => ({ reason: reasonText('en', r), reasonCode: r.code, reasonParams: r.params });

/**
 * The reason of an event's data: from its code, or recognized in the English text of rows written
 * before codes were stored; undefined for a person's own words (shown as they wrote them).
 */
export function reasonOf(data: Record<string, unknown>): Reason | undefined {
  if (typeof data.reasonCode === 'string' && data.reasonCode in TEXTS.en) return { code: data.reasonCode, params: (data.reasonParams ?? {}) } as Reason;
  const text = typeof data.reason === 'string' ? data.reason : '';
  let m = /^Available (L\d) agent with the fewest open requests$/.exec(text);
  if (m) return { code: 'auto_assigned', params: { line: m[1]! } };
  m = /^The (L\d) time budget of (\d+) business minutes was used up$/.exec(text);
  if (m) return { code: 'line_budget_used', params: { line: m[1]!, minutes: Number(m[2]) } };
  m = /^The category (.+) needs (L\d)$/.exec(text);
  if (m) return { code: 'category_needs_line', params: { category: m[1]!, line: m[2]! } };
  return undefined;
}

/** An event's reason in the reader's language; a person's own words as written. */
export function localizedReason(locale: Locale, data: Record<string, unknown>): string | null {
  const r = reasonOf(data);
  if (r) return reasonText(locale, r);
  return typeof data.reason === 'string' ? data.reason : null;
}
