import type { AppContext } from '../db.js';
import * as repo from './automation.repo.js';
import { parseRule, type Rule } from './automation.service.js';

/**
 * The enabled event rules, read once and kept in memory: every change to a request consults them,
 * and reading 200 rows per change would cost more than the change. A change to a rule in this
 * process drops the copy at once; one made by another process (the worker) is seen within
 * MAX_AGE_MS. Kept per application (its event bus), so that two in one process never mix.
 */
const MAX_AGE_MS = 5000;
const caches = new WeakMap<object, { at: number; rules: Promise<Rule[]> }>();

export function activeEventRules(app: AppContext): Promise<Rule[]> {
  const cached = caches.get(app.events);
  if (cached && Date.now() - cached.at <= MAX_AGE_MS) return cached.rules;
  const rules = repo.listRules(app.db, { kind: 'event', enabledOnly: true }).then((rows) => rows.map(parseRule));
  caches.set(app.events, { at: Date.now(), rules });
  rules.catch(() => caches.delete(app.events));
  return rules;
}

/** Drops the copy: the next event reads the rules again. */
export function forgetRules(app: AppContext) {
  caches.delete(app.events);
}
