import { sql } from 'kysely';
import type { RuleEvent, ConditionField } from '../../contracts/automation.js';
import { beforeCommit, inTransaction } from '../../core/db/connect.js';
import { forgetInTransaction } from '../../core/db/memo.js';
import type { DomainEvent } from '../../core/events/events.js';
import { newId } from '../../core/ids/ids.js';
import { type AppContext, type Db, within } from '../db.js';
import { applyActions, failedActionIndex } from '../macros/index.js';
import type { RuleError } from '../../contracts/automation.js';
import { actionFailed, ruleError } from './rule-errors.js';
import { attributingEntries, findTicketById, insertTimelineEntries, SYSTEM_ACTOR } from '../tickets/index.js';
import * as repo from './automation.repo.js';
import type { Rule } from './automation.service.js';
import { evaluate, fieldsOf, mayMatch } from './conditions.js';
import { judgedOnRow, loadFacts, rowFacts, type EventInfo } from './facts.js';
import { activeEventRules } from './rule-cache.js';

/** How many rounds of rules a change may set off (rules whose actions set off other rules). */
export const MAX_CHAIN_DEPTH = 5;

/** The request field each change event carries. */
const FIELD_OF_EVENT: Record<string, ConditionField> = {
  'ticket.status_changed': 'ticket.status',
  'ticket.priority_changed': 'ticket.priority',
  'ticket.assigned': 'ticket.assigneeId',
  'ticket.group_changed': 'ticket.groupId',
  'ticket.category_changed': 'ticket.category',
  'ticket.line_changed': 'ticket.line',
};
const LINE_RANK: Record<string, number> = { L1: 1, L2: 2, L3: 3 };

/** The domain events that rules run on. */
export const SOURCE_EVENTS = ['ticket.created', ...Object.keys(FIELD_OF_EVENT), 'ticket.replied', 'ticket.note_added', 'sla.warning', 'sla.breached', 'call.missed', 'sms.received'];

/** The rule events a domain event is. */
export function ruleEventsOf(e: DomainEvent): RuleEvent[] {
  const data = (e.data ?? {}) as Record<string, unknown>;
  if (e.type === 'ticket.created') return ['ticket.created'];
  if (e.type === 'ticket.line_changed') return (LINE_RANK[String(data.to)] ?? 0) > (LINE_RANK[String(data.from)] ?? 0) ? ['ticket.updated', 'ticket.escalated'] : ['ticket.updated'];
  if (FIELD_OF_EVENT[e.type]) return ['ticket.updated'];
  if (e.type === 'ticket.replied') return [data.byStaff ? 'comment.staff' : 'comment.requester'];
  if (e.type === 'ticket.note_added') return ['comment.staff'];
  if (e.type === 'sla.warning') return ['sla.warned'];
  if (e.type === 'sla.breached') return ['sla.breached'];
  if (e.type === 'call.missed' || e.type === 'sms.received') return [e.type];
  return [];
}

/** What happened to one request in a round, gathered from its events. */
interface Pending {
  events: Set<RuleEvent>;
  info: EventInfo;
}

/**
 * The rules of one transaction: a chain of rounds, the first set off by the change itself, each
 * next by the actions of the rules before. A rule runs at most once per request in a chain, so
 * its own actions never set it off again.
 */
interface Chain {
  pending: Map<string, Pending>;
  fired: Set<string>;
  /** The last rule that ran on each request: named when the chain is cut. */
  lastRule: Map<string, Rule>;
}
const chains = new WeakMap<object, Chain>();
let savepoints = 0;

/**
 * Notes a request's event for the rules, which run at the end of the transaction, when the change
 * is whole (a change of several fields is one `ticket.updated`, with every from → to).
 */
export async function onRuleEvent(app: AppContext, trx: Db, e: DomainEvent): Promise<void> {
  if (e.subjectType !== 'ticket') return;
  const events = ruleEventsOf(e);
  if (!events.length) return;
  if (!trx.isTransaction) return inTransaction(trx, (t) => onRuleEvent(within(app, t), t, e));
  let chain = chains.get(trx);
  if (!chain) {
    // No rule for these events: nothing to remember (the usual case costs a look in memory).
    const rules = await activeEventRules(app);
    if (!rules.some((r) => r.events.some((ev) => events.includes(ev)))) return;
    chains.set(trx, (chain = { pending: new Map(), fired: new Set(), lastRule: new Map() }));
    const started = chain;
    await beforeCommit(trx, () => runChain(within(app, trx), trx, started));
  }
  const data = (e.data ?? {}) as Record<string, unknown>;
  let p = chain.pending.get(e.subjectId);
  if (!p) chain.pending.set(e.subjectId, (p = { events: new Set(), info: { changes: {}, actorId: e.actorId } }));
  for (const ev of events) p.events.add(ev);
  p.info.actorId = e.actorId;
  const field = FIELD_OF_EVENT[e.type];
  if (field) p.info.changes[field] = { from: p.info.changes[field]?.from ?? data.from ?? null, to: data.to ?? null };
  if (typeof data.entryId === 'number') p.info.entryId = data.entryId;
}

async function runChain(app: AppContext, trx: Db, chain: Chain) {
  try {
    for (let depth = 1; chain.pending.size; depth++) {
      const round = chain.pending;
      chain.pending = new Map();
      for (const [ticketId, p] of round) await runRound(app, trx, chain, ticketId, p, depth);
    }
  } finally {
    chains.delete(trx);
  }
}

/** The rules of one round on one request: all judged on the request as the round found it, then run in order. */
async function runRound(app: AppContext, trx: Db, chain: Chain, ticketId: string, p: Pending, depth: number) {
  const candidates = (await activeEventRules(app)).filter((r) => r.events.some((ev) => p.events.has(ev)) && !chain.fired.has(`${r.row.id}:${ticketId}`));
  if (!candidates.length) return;
  const t = await findTicketById(trx, ticketId);
  if (!t) return;
  // A rule of one organization never touches another's requests.
  const scoped = candidates.filter((r) => !r.row.organization_id || r.row.organization_id === t.organization_id);
  if (!scoped.length) return;
  // Judged first on what the request's row and the event tell: only the rules that this leaves open
  // have what else they ask about read, once for all of them.
  const now = app.clock.now();
  const onRow = rowFacts(t, p.info, now);
  const open = scoped.filter((r) => mayMatch(r.conditions, onRow, judgedOnRow));
  const facts = await loadFacts(trx, t, fieldsOf(open.map((r) => r.conditions)), p.info, now);
  const matched = open.filter((r) => evaluate(r.conditions, facts).matched);
  if (matched.length && depth > MAX_CHAIN_DEPTH) return recordCut(app, trx, chain.lastRule.get(ticketId), ticketId, matched, p);
  for (const rule of matched) {
    chain.fired.add(`${rule.row.id}:${ticketId}`);
    chain.lastRule.set(ticketId, rule);
  }
  const eventOf = (r: Rule) => r.events.filter((ev) => p.events.has(ev)).join(',');
  // All together first (one change of the request, as cheap as one rule); should that fail, one by
  // one, so that only the failing rule is left out.
  if (matched.length > 1 && (await runRules(app, trx, chain, matched, ticketId, eventOf)) === null) return;
  for (const rule of matched) {
    const error = await runRules(app, trx, chain, [rule], ticketId, eventOf);
    if (error !== null) await recordFailure(app, trx, rule, ticketId, eventOf(rule), error);
  }
}

/** A rule that failed on a request: the error in its runs and on the rule. */
async function recordFailure(app: AppContext, trx: Db, rule: Rule, ticketId: string, event: string, error: RuleError) {
  const at = app.clock.now().toISOString();
  await repo.insertRuns(trx, [{ id: newId(), rule_id: rule.row.id, ticket_id: ticketId, event, matched: 1, actions: JSON.stringify(rule.actions), error, created_at: at }]);
  await repo.setLastError(trx, rule.row.id, error, at);
}

/**
 * Runs rules' actions in a savepoint of the change's transaction: they commit with the change, or,
 * when one fails, the request is left as the rules found it and the error is returned (to be
 * recorded on the rule, while the change that set it off goes on regardless). On success each
 * rule's run is recorded, and the timeline entries written show as done by the rule(s).
 */
async function runRules(app: AppContext, trx: Db, chain: Chain, rules: Rule[], ticketId: string, eventOf: (r: Rule) => string): Promise<RuleError | null> {
  const sp = `automation_${++savepoints}`;
  const outer = chain.pending;
  chain.pending = new Map();
  const at = app.clock.now().toISOString();
  const actions = rules.flatMap((r) => r.actions);
  await sql.raw(`savepoint ${sp}`).execute(trx);
  try {
    // The entries the actions write on the request show as made by the rule(s).
    await attributingEntries(trx, ticketId, { id: rules[0]!.row.id, name: rules.map((r) => r.row.name).join(', ') }, () =>
      applyActions(app, SYSTEM_ACTOR, ticketId, actions),
    );
    // One entry per rule naming what it did, for the actions that leave none of their own (notices, webhooks, timers).
    await insertTimelineEntries(
      trx,
      rules.map((r) => ({
        ticket_id: ticketId,
        kind: 'event' as const,
        author_id: SYSTEM_ACTOR.id,
        body: '',
        event_type: 'automation_ran',
        data: JSON.stringify({ ruleId: r.row.id, ruleName: r.row.name, actions: r.actions.map((a) => a.type) }),
        created_at: at,
        rule_id: r.row.id,
        rule_name: r.row.name,
      })),
    );
    await repo.insertRuns(trx, rules.map((r) => ({ id: newId(), rule_id: r.row.id, ticket_id: ticketId, event: eventOf(r), matched: 1, actions: JSON.stringify(r.actions), error: null, created_at: at })));
    await sql.raw(`release ${sp}`).execute(trx);
    for (const [id, p] of chain.pending) mergeInto(outer, id, p);
    return null;
  } catch (err) {
    await sql.raw(`rollback to ${sp}`).execute(trx);
    await sql.raw(`release ${sp}`).execute(trx);
    // What the transaction remembered of rows the rules wrote is gone with them.
    forgetInTransaction(trx);
    return actionFailed(err, actions, failedActionIndex(err));
  } finally {
    chain.pending = outer;
  }
}

/**
 * Runs one rule on one request in the caller's transaction, as a time rule does when its time has
 * come (time-rules.ts): judged on the request as it is now, run as runRules runs them. False when the
 * rule's organization or conditions do not fit the request.
 */
export async function runRuleOn(app: AppContext, trx: Db, rule: Rule, ticketId: string, event: string): Promise<boolean> {
  const t = await findTicketById(trx, ticketId);
  if (!t || (rule.row.organization_id && rule.row.organization_id !== t.organization_id)) return false;
  const facts = await loadFacts(trx, t, fieldsOf([rule.conditions]), { changes: {}, actorId: null }, app.clock.now());
  if (!evaluate(rule.conditions, facts).matched) return false;
  const error = await runRules(app, trx, { pending: new Map(), fired: new Set(), lastRule: new Map() }, [rule], ticketId, () => event);
  if (error !== null) await recordFailure(app, trx, rule, ticketId, event, error);
  return true;
}

function mergeInto(into: Map<string, Pending>, ticketId: string, p: Pending) {
  const q = into.get(ticketId);
  if (!q) return void into.set(ticketId, p);
  for (const ev of p.events) q.events.add(ev);
  for (const [f, c] of Object.entries(p.info.changes)) q.info.changes[f as ConditionField] = { from: q.info.changes[f as ConditionField]?.from ?? c.from, to: c.to };
  q.info.actorId = p.info.actorId;
  q.info.entryId = p.info.entryId ?? q.info.entryId;
}

/**
 * A chain cut at MAX_CHAIN_DEPTH: the rules that would run next do not, and the rule whose actions
 * set them off records why, as an error in its runs.
 */
async function recordCut(app: AppContext, trx: Db, last: Rule | undefined, ticketId: string, stopped: Rule[], p: Pending) {
  if (!last) return;
  const at = app.clock.now().toISOString();
  const error = ruleError({ code: 'chain_cut', params: { depth: MAX_CHAIN_DEPTH, rules: stopped.map((r) => r.row.name) } });
  await repo.insertRuns(trx, [{ id: newId(), rule_id: last.row.id, ticket_id: ticketId, event: [...p.events].join(','), matched: 0, actions: '[]', error, created_at: at }]);
  await repo.setLastError(trx, last.row.id, error, at);
}
