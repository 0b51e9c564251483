import type { RuleAction } from '../../contracts/actions.js';
import { CONDITION_FIELDS } from '../../contracts/automation.js';
import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { loadTicket, type TicketRow } from '../tickets/index.js';
import * as repo from './automation.repo.js';
import { assertMayRead, loadRule, parseRule, type Rule } from './automation.service.js';
import { evaluate, type ConditionResult } from './conditions.js';
import { loadFacts } from './facts.js';

export interface DryRun {
  matched: boolean;
  conditions: ConditionResult[];
  actions: RuleAction[];
  skippedReason?: string;
}

const EVERY_FIELD = new Set(CONDITION_FIELDS);

/**
 * What the rule would do to the request now: its conditions judged on the request as it is (no
 * change in this event, so `changed…` conditions do not hold), by the same evaluator the real run
 * uses, and the actions it would then run.
 */
async function judge(app: AppContext, rule: Rule, t: TicketRow): Promise<DryRun> {
  if (rule.row.organization_id && rule.row.organization_id !== t.organization_id)
    return { matched: false, conditions: [], actions: [], skippedReason: 'The rule is for another organization' };
  const facts = await loadFacts(app.db, t, EVERY_FIELD, { changes: {}, actorId: null }, app.clock.now());
  const { matched, conditions } = evaluate(rule.conditions, facts);
  const skippedReason = rule.row.enabled ? undefined : 'The rule is switched off';
  return { matched: matched && !skippedReason, conditions, actions: matched && !skippedReason ? rule.actions : [], ...(skippedReason && { skippedReason }) };
}

/** A rule's dry run against any request the staff member may see. */
export async function dryRun(app: AppContext, actor: Actor, ruleId: string, ticketRef: string): Promise<DryRun> {
  const rule = await loadRule(app.db, actor, ruleId);
  return judge(app, rule, await loadTicket(app.db, actor, ticketRef));
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
