import type { RuleAction } from '../../contracts/actions.js';
import type { z } from 'zod';
import { CONDITION_FIELDS, type DryRunEvent, type RuleEvent, type SkipReason } from '../../contracts/automation.js';
import { Invalid } from '../../core/errors.js';
import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { loadTicket, type TicketRow } from '../tickets/index.js';
import * as repo from './automation.repo.js';
import { assertMayRead, loadRule, parseRule, type Rule } from './automation.service.js';
import { evaluate, type ConditionResult } from './conditions.js';
import { loadFacts, type EventInfo } from './facts.js';
import { skipReason } from './rule-errors.js';

export interface DryRun {
  matched: boolean;
  conditions: (ConditionResult & { needsEvent?: boolean })[];
  actions: RuleAction[];
  skippedReason?: SkipReason;
}

const EVERY_FIELD = new Set(CONDITION_FIELDS);
/** The events that carry a change of a field (from → to). */
const CHANGE_EVENTS = new Set<RuleEvent>(['ticket.updated', 'ticket.escalated']);

/**
 * What the rule would do to the request now: its conditions judged on the request as it is, by the
 * same evaluator the real run uses, and the actions it would then run. With an event, as if that
 * event had just happened (a change: the field as it became); without one nothing changed, so
 * `changed…` conditions do not hold, and the result says they wait for an event.
 */
async function judge(app: AppContext, rule: Rule, t: TicketRow, event?: z.infer<typeof DryRunEvent>): Promise<DryRun> {
  if (rule.row.organization_id && rule.row.organization_id !== t.organization_id)
    return { matched: false, conditions: [], actions: [], skippedReason: skipReason({ code: 'other_organization', params: {} }) };
  const change = event?.change;
  const info: EventInfo = { changes: change ? { [change.field]: { from: change.from, to: change.to } } : {}, actorId: null };
  const facts = await loadFacts(app.db, t, EVERY_FIELD, info, app.clock.now());
  if (change) facts.values[change.field] = change.to;
  const judged = evaluate(rule.conditions, facts);
  const conditions = judged.conditions.map((c) => (!event && / changed/.test(c.path) ? { ...c, needsEvent: true } : c));
  const skippedReason = !rule.row.enabled
    ? skipReason({ code: 'rule_disabled', params: {} })
    : event && !rule.events.includes(event.type)
      ? skipReason({ code: 'other_event', params: { event: event.type } })
      : undefined;
  const matched = judged.matched && !skippedReason;
  return { matched, conditions, actions: matched ? rule.actions : [], ...(skippedReason && { skippedReason }) };
}

/** A rule's dry run against any request the staff member may see, optionally as set off by an event. */
export async function dryRun(app: AppContext, actor: Actor, ruleId: string, ticketRef: string, event?: z.infer<typeof DryRunEvent>): Promise<DryRun> {
  const rule = await loadRule(app.db, actor, ruleId);
  if (event?.change && !CHANGE_EVENTS.has(event.type)) throw new Invalid('Only ticket.updated or ticket.escalated carries a change', 'event.change');
  return judge(app, rule, await loadTicket(app.db, actor, ticketRef), event);
}

/** Which of the switched-on rules would match the request now, and what they would do. */
export async function rulesForTicket(app: AppContext, actor: Actor, ticketRef: string) {
  assertMayRead(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  const rules = (await repo.listRules(app.db, { organizationId: t.organization_id, enabledOnly: true })).map(parseRule);
  const items = [];
  for (const rule of rules) {
    const r = await judge(app, rule, t);
    items.push({ rule: { id: rule.row.id, name: rule.row.name }, matched: r.matched, actions: r.actions });
  }
  return items;
}
