import type { Condition, ConditionField, ConditionGroup } from '../../contracts/automation.js';
import { inTransaction } from '../../core/db/connect.js';
import type { DomainEvent } from '../../core/events/events.js';
import { scheduleTimer, type TwoPhaseTimerHandler } from '../../core/jobs/timers.js';
import { within, type AppContext, type Db } from '../db.js';
import * as repo from './automation.repo.js';
import { parseRule, type Rule } from './automation.service.js';
import { runRuleOn } from './engine.js';
import { businessCalendarFor, NoWorkingTime, subtractBusinessMinutes, type CalendarSpec } from '../sla/index.js';
import {
  claimTimeRun,
  currentPeriodStart,
  findCandidates,
  organizationIds,
  purgeEndedTimeRuns,
  syncTicketTimes,
  TIMES_FACTS,
  type CutoffGroup,
  type Prefilter,
  type PrefilterColumn,
  type TimeField,
  type TimesChange,
} from './time-rules.repo.js';

/**
 * Time rules: "pending customer for ≥ 3 business days", "unassigned for ≥ 10 minutes". A durable
 * timer runs a pass every minute; the pass finds each rule's due requests in one statement per rule
 * (the instant N business minutes ago is computed once per calendar, so the database compares
 * columns with it) and acts on each in a transaction of its own that first claims the run in a
 * ledger keyed by rule, request and the start of the condition period. A restart, a pass repeated
 * after its lease ran out, or a second worker finds the claim there and does nothing twice; a
 * request the pass did not reach is still due at the next one, so nothing is skipped.
 */

/** Fields whose values are one of a fixed set, stored in one case: a pass narrows by them in SQL. */
const PREFILTERABLE: Partial<Record<ConditionField, { column: PrefilterColumn; upper: boolean }>> = {
  'ticket.priority': { column: 'priority', upper: true },
  'ticket.line': { column: 'line', upper: true },
  'ticket.status': { column: 'status', upper: false },
  'ticket.channel': { column: 'channel', upper: false },
  'ticket.type': { column: 'type', upper: false },
};

/**
 * What a rule's conditions imply about those columns: `all` conditions of is/in (or their negation),
 * `none` ones negated. Values are compared without regard to case, as the conditions do; any other
 * condition is left to the full check.
 */
export function prefiltersOf(group: ConditionGroup): Prefilter[] {
  const out: Prefilter[] = [];
  const add = (c: Condition, negate: boolean) => {
    const spec = PREFILTERABLE[c.field];
    const values = typeof c.value === 'string' ? [c.value] : Array.isArray(c.value) ? c.value : undefined;
    if (!spec || !values || !['is', 'in', 'is_not', 'not_in'].includes(c.op)) return;
    const positive = (c.op === 'is' || c.op === 'in') !== negate;
    out.push({ column: spec.column, op: positive ? 'in' : 'not_in', values: values.map((v) => (spec.upper ? v.toUpperCase() : v.toLowerCase())) });
  };
  for (const c of group.all ?? []) add(c, false);
  for (const c of group.none ?? []) add(c, true);
  return out;
}

/** A time rule as the pass needs it. */
export interface TimeRuleSpec {
  id: string;
  organizationId: string | null;
  time: { field: TimeField; minutes: number; business: boolean };
  /** Narrowing in SQL that the rule's full conditions imply (never excludes a request they match). */
  prefilters: Prefilter[];
  /** The stored rule, for the act. */
  rule?: Rule;
}

/** The enabled time rules, in their order. */
export async function loadTimeRules(db: Db): Promise<TimeRuleSpec[]> {
  return (await repo.listRules(db, { kind: 'time', enabledOnly: true }))
    .map(parseRule)
    .filter((r) => r.time)
    .map((r) => ({ id: r.row.id, organizationId: r.row.organization_id, time: r.time!, prefilters: prefiltersOf(r.conditions), rule: r }));
}

/**
 * Acts on one due request inside the claim's transaction, with `app` bound to it; false when the
 * rule's other conditions do not hold, and the claim is then undone (they may hold later in the period).
 */
export type TimeRuleAct = (app: AppContext, rule: TimeRuleSpec, ticketId: string) => Promise<boolean>;

/** How many requests one rule acts on in one pass at most; the rest are due at the next pass. */
export const PASS_LIMIT = 500;
const MINUTE_MS = 60_000;

/** The pass's durable timer: one pending at a time, set again by each pass. */
export const TIME_RULES_TIMER = { key: 'automation.time_rules', kind: 'automation.time_rules', subjectId: 'automation' } as const;
export const TIME_RULES_INTERVAL_MS = MINUTE_MS;
/** How far back before its cutoff a quick pass looks: ample for passes a minute apart, or a short outage. */
export const RECENT_MS = 24 * 60 * MINUTE_MS;
/** How often a pass is a full sweep. */
export const FULL_SWEEP_MS = 60 * MINUTE_MS;

/**
 * The instants before which a request has been in the rule's condition long enough: one for wall
 * time, one per calendar for business time (each organization by its contract's calendar; none:
 * always open). A calendar without enough working time in its horizon makes its requests never due.
 */
export async function cutoffGroups(db: Db, rule: TimeRuleSpec, now: Date): Promise<CutoffGroup[]> {
  const { minutes, business } = rule.time;
  const scope = rule.organizationId ? [rule.organizationId] : undefined;
  const wall = new Date(now.getTime() - minutes * MINUTE_MS).toISOString();
  if (!business) return [{ organizationIds: scope, cutoff: wall }];
  const byCalendar = new Map<string, { cal: CalendarSpec; organizationIds: string[] }>();
  for (const id of await organizationIds(db, rule.organizationId)) {
    const cal = await businessCalendarFor(db, { organization_id: id });
    const key = JSON.stringify(cal);
    const group = byCalendar.get(key) ?? { cal, organizationIds: [] };
    group.organizationIds.push(id);
    byCalendar.set(key, group);
  }
  const groups: CutoffGroup[] = [];
  for (const { cal, organizationIds } of byCalendar.values()) {
    let cutoff: string;
    try {
      cutoff = subtractBusinessMinutes(cal, now, minutes).toISOString();
    } catch (err) {
      if (err instanceof NoWorkingTime) continue;
      throw err;
    }
    // One calendar for every organization: no need to list them.
    groups.push({ organizationIds: byCalendar.size === 1 && !scope ? undefined : organizationIds, cutoff });
  }
  return groups;
}

class NotMatched extends Error {}

/**
 * One pass of the given time rules; counts the requests found due and those acted on. A quick pass
 * (`recentMs` given) looks only at periods that came due within that long before each cutoff: what
 * just came due, through the index, whatever the number of requests long in the condition. The full
 * sweep (no `recentMs`) also finds those that came to match a rule's other conditions late, or that
 * a pass cut short by its limit left; the timer runs one every FULL_SWEEP_MS.
 */
export async function runTimeRules(app: AppContext, rules: TimeRuleSpec[], act: TimeRuleAct, opts: { limit?: number; recentMs?: number } = {}) {
  const now = app.clock.now();
  const limit = opts.limit ?? PASS_LIMIT;
  const counts = { due: 0, acted: 0 };
  for (const rule of rules) {
    let groups = await cutoffGroups(app.db, rule, now);
    if (opts.recentMs !== undefined) groups = groups.map((g) => ({ ...g, after: new Date(Date.parse(g.cutoff) - opts.recentMs!).toISOString() }));
    const due = await findCandidates(app.db, { ruleId: rule.id, field: rule.time.field, groups, prefilters: rule.prefilters, limit });
    counts.due += due.length;
    for (const c of due) if (await actOnce(app, rule, act, c.ticketId, c.periodStart)) counts.acted++;
  }
  return counts;
}

/** Claims and acts in one transaction; false when already claimed, moved on, or not matching. */
async function actOnce(app: AppContext, rule: TimeRuleSpec, act: TimeRuleAct, ticketId: string, periodStart: string) {
  try {
    return await inTransaction(app.db, async (trx) => {
      // The request may have left the condition since the pass found it (a reply, an assignment).
      if ((await currentPeriodStart(trx, ticketId, rule.time.field)) !== periodStart) return false;
      if (!(await claimTimeRun(trx, { ruleId: rule.id, ticketId, periodStart, at: app.clock.now().toISOString() }))) return false;
      if (!(await act(within(app, trx), rule, ticketId))) throw new NotMatched();
      return true;
    });
  } catch (err) {
    if (err instanceof NotMatched) return false;
    throw err;
  }
}

/** What a time rule does on a request that is due: the rule run as event rules are (engine.ts), if its conditions hold. */
export const timeRuleAct: TimeRuleAct = (app, spec, ticketId) => (spec.rule ? runRuleOn(app, app.db, spec.rule, ticketId, `time.${spec.time.field}`) : Promise.resolve(false));

/** Sets the first pass (a minute after the first start), unless one is pending. */
export async function ensureTimeRuleSchedule(app: AppContext) {
  await inTransaction(app.db, async (trx) => {
    const pending = await trx
      .selectFrom('timers')
      .select('id')
      .where('key', '=', TIME_RULES_TIMER.key)
      .where('fired_at', 'is', null)
      .where('failed_at', 'is', null)
      .executeTakeFirst();
    if (!pending) await scheduleTimer(trx, { ...TIME_RULES_TIMER, dueAt: new Date(app.clock.now().getTime() + TIME_RULES_INTERVAL_MS) });
  });
}

/**
 * The pass as a timer handler: it runs in `prepare`, outside the timer's transaction (each request
 * in a transaction of its own; running it again is harmless), and the next pass is set with the
 * timer marked fired.
 */
export function timeRulesHandler(app: AppContext, load: (db: Db) => Promise<TimeRuleSpec[]>, act: TimeRuleAct): TwoPhaseTimerHandler<string | undefined> {
  return {
    // The timer carries when the last full sweep started; none yet (a first pass, a new desk): sweep.
    prepare: async (_db, timer) => {
      const swept = typeof timer.payload.sweptAt === 'string' ? Date.parse(timer.payload.sweptAt) : NaN;
      const now = app.clock.now();
      const full = !(now.getTime() - swept < FULL_SWEEP_MS);
      await runTimeRules(app, await load(app.db), act, full ? {} : { recentMs: RECENT_MS });
      return full ? now.toISOString() : (timer.payload.sweptAt as string);
    },
    apply: async (trx, _timer, sweptAt) => {
      const dueAt = new Date(app.clock.now().getTime() + TIME_RULES_INTERVAL_MS);
      await scheduleTimer(trx, { ...TIME_RULES_TIMER, dueAt, payload: { sweptAt } });
    },
  };
}

/**
 * The retention job's part: every time rule's ledger rows older than `before` whose period has ended
 * (time-rules.repo.ts purgeEndedTimeRuns says why that never makes a rule act twice). Switched-off
 * rules too: they may be switched on again.
 */
export async function purgeTimeRuns(db: Db, before: string): Promise<number> {
  let total = 0;
  for (const r of (await repo.listRules(db, { kind: 'time' })).map(parseRule)) if (r.time) total += await purgeEndedTimeRuns(db, { id: r.row.id, field: r.time.field }, before);
  return total;
}

/** The ticket events that move the times, and how. */
const TIMES_EVENTS: Record<string, (e: DomainEvent) => TimesChange> = {
  'ticket.created': () => 'change',
  'ticket.status_changed': () => 'change',
  'ticket.assigned': () => 'change',
  'ticket.replied': (e) => (e.data?.byStaff ? 'staff_reply' : 'requester_reply'),
};

/** Keeps each request's times with its changes, in the transaction of the change. */
export function subscribeTicketTimes(app: AppContext) {
  for (const [type, change] of Object.entries(TIMES_EVENTS)) {
    for (const f of TIMES_FACTS) app.events.fact(type, f.name, f.expression);
    app.events.on(type, (trx, e) => syncTicketTimes(trx as Db, e.subjectId, app.clock.now().toISOString(), change(e), e.facts));
  }
}
