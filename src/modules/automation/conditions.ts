import type { Condition, ConditionField, ConditionGroup } from '../../contracts/automation.js';
import { isBusinessTime, type CalendarSpec } from '../sla/index.js';

/** A change an event carries: the field's value before and after. */
export interface Change {
  from: unknown;
  to: unknown;
}

/** What a rule's conditions look at, read once per request and event. */
export interface RuleFacts {
  values: Partial<Record<ConditionField, unknown>>;
  /** The fields this event changed. */
  changes: Partial<Record<ConditionField, Change>>;
  /** When the event happened, and the calendar of the request's plan. */
  at: Date;
  calendar?: CalendarSpec;
}

export interface ConditionResult {
  path: string;
  ok: boolean;
  actual: unknown;
}

/** Text longer than this is matched on its beginning only, so a pattern's cost stays bounded. */
const MAX_TEXT = 10_000;
const patterns = new Map<string, RegExp>();

function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(source, 'iu');
    if (patterns.size > 1000) patterns.clear();
    patterns.set(source, re);
  }
  return re;
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
const same = (a: unknown, b: unknown) => lower(a) === lower(b) || (a != null && b != null && String(a).toLowerCase() === String(b).toLowerCase());
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const text = (v: unknown) => (Array.isArray(v) ? v.join(' ') : v == null ? '' : String(v)).slice(0, MAX_TEXT);

function compare(a: unknown, b: unknown): number {
  const [x, y] = [Number(a), Number(b)];
  if (a !== null && a !== '' && b !== null && b !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/** Whether one condition holds; `actual` is what it saw. A list field (tags) holds when any element does. */
export function evaluateCondition(c: Condition, facts: RuleFacts): ConditionResult {
  const path = `${c.field} ${c.op}`;
  const actual = c.field === 'event.time' ? facts.at.toISOString() : (facts.values[c.field] ?? null);
  const change = facts.changes[c.field];
  const ok = ((): boolean => {
    switch (c.op) {
      case 'is':
        return list(actual).some((a) => same(a, c.value));
      case 'is_not':
        return !list(actual).some((a) => same(a, c.value));
      case 'in':
        return list(actual).some((a) => list(c.value).some((v) => same(a, v)));
      case 'not_in':
        return !list(actual).some((a) => list(c.value).some((v) => same(a, v)));
      case 'contains':
        return text(actual).toLowerCase().includes(String(c.value).toLowerCase());
      case 'not_contains':
        return !text(actual).toLowerCase().includes(String(c.value).toLowerCase());
      case 'matches':
        return pattern(String(c.value)).test(text(actual));
      case 'changed':
        return !!change;
      case 'changed_from':
        return !!change && same(change.from, c.value);
      case 'changed_to':
        return !!change && same(change.to, c.value);
      case 'gt':
        return actual !== null && compare(actual, c.value) > 0;
      case 'lt':
        return actual !== null && compare(actual, c.value) < 0;
      case 'in_business_hours':
        return !facts.calendar || isBusinessTime(facts.calendar, facts.at);
      case 'out_of_business_hours':
        return !!facts.calendar && !isBusinessTime(facts.calendar, facts.at);
    }
  })();
  return { path, ok, actual: change && c.op.startsWith('changed') ? change : actual };
}

/** Every `all` holds, at least one `any` (when there are any), no `none`; with what each saw. */
export function evaluate(group: ConditionGroup, facts: RuleFacts): { matched: boolean; conditions: ConditionResult[] } {
  const part = (name: 'all' | 'any' | 'none') =>
    (group[name] ?? []).map((c, i) => {
      const r = evaluateCondition(c, facts);
      return { ...r, path: `${name}.${i} ${r.path}` };
    });
  const [all, any, none] = [part('all'), part('any'), part('none')];
  const matched = all.every((r) => r.ok) && (!any.length || any.some((r) => r.ok)) && !none.some((r) => r.ok);
  return { matched, conditions: [...all, ...any, ...none] };
}

/**
 * Whether the conditions may still hold when only some of them can be judged yet (`judged`): false
 * when those already decide it (an `all` that fails, every `any` failing, a `none` that holds), so
 * that what the rest would need is never read for a rule that cannot match.
 */
export function mayMatch(group: ConditionGroup, facts: RuleFacts, judged: (c: Condition) => boolean): boolean {
  const holds = (c: Condition) => (judged(c) ? evaluateCondition(c, facts).ok : undefined);
  const any = group.any ?? [];
  if ((group.all ?? []).some((c) => holds(c) === false)) return false;
  if (any.length && any.every((c) => holds(c) === false)) return false;
  return !(group.none ?? []).some((c) => holds(c) === true);
}

/** The fields a set of condition groups reads, so that only those are loaded. */
export function fieldsOf(groups: ConditionGroup[]): Set<ConditionField> {
  const fields = new Set<ConditionField>();
  for (const g of groups) for (const c of [...(g.all ?? []), ...(g.any ?? []), ...(g.none ?? [])]) fields.add(c.field);
  return fields;
}
