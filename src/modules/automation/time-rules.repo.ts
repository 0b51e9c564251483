import type { ExpressionBuilder } from 'kysely';
import { PURGE_BATCH } from '../../core/db/batches.js';
import type { FactExpression } from '../../core/events/events.js';
import { memoInTransaction, rememberInTransaction } from '../../core/db/memo.js';
import { prepare } from '../../core/db/prepared.js';
import type { DB, Db } from '../db.js';
import { createdInTransaction, findTicketById } from '../tickets/index.js';

/** The time conditions a time rule may wait on (contracts/automation.ts `time.field`). */
export type TimeField = 'pending_customer' | 'unassigned' | 'resolved' | 'status_age' | 'no_staff_reply';

/** Where each time condition's period starts, and which requests it applies to at all. */
const SINCE = {
  pending_customer: 'a.status_since',
  resolved: 'a.status_since',
  status_age: 'a.status_since',
  unassigned: 'a.unassigned_since',
  no_staff_reply: 'a.awaiting_reply_since',
} as const;
const DONE = ['resolved', 'closed'];

type Eb = ExpressionBuilder<DB & { a: DB['automation_ticket_times']; t: DB['tickets'] }, 'a' | 't'>;

function appliesTo(eb: Eb, field: TimeField) {
  switch (field) {
    case 'pending_customer':
    case 'resolved':
      return eb('a.status', '=', field);
    case 'status_age':
      return eb('a.status', 'is not', null);
    case 'unassigned':
      return eb.and([eb('a.unassigned_since', 'is not', null), eb('a.status', 'not in', DONE)]);
    case 'no_staff_reply':
      return eb.and([eb('a.awaiting_reply_since', 'is not', null), eb('a.status', 'not in', DONE)]);
  }
}

/** A column of the request a pass may narrow by in SQL before the full conditions are checked. */
export type PrefilterColumn =
  | 'status'
  | 'priority'
  | 'line'
  | 'channel'
  | 'type'
  | 'category_id'
  | 'group_id'
  | 'assignee_id'
  | 'organization_id';
/** `column` in (or not in) `values`; null among the values stands for "none". */
export interface Prefilter {
  column: PrefilterColumn;
  op: 'in' | 'not_in';
  values: (string | null)[];
}

function prefilter(eb: Eb, f: Prefilter) {
  // The status lives beside the times too, where the index on it is.
  const col = f.column === 'status' ? 'a.status' : (`t.${f.column}` as const);
  const values = f.values.filter((v): v is string => v !== null);
  const hasNull = values.length < f.values.length;
  if (f.op === 'in') {
    const parts = [
      ...(values.length ? [eb(col, 'in', values)] : []),
      ...(hasNull ? [eb(col, 'is', null)] : []),
    ];
    return parts.length ? eb.or(parts) : eb.lit(false);
  }
  const parts = [
    ...(values.length ? [eb.or([eb(col, 'not in', values), eb(col, 'is', null)])] : []),
    ...(hasNull ? [eb(col, 'is not', null)] : []),
  ];
  return parts.length ? eb.and(parts) : eb.lit(true);
}

/**
 * Requests whose period began at or before `cutoff` (and after `after`, when given); `organizationIds`
 * undefined: any organization.
 */
export interface CutoffGroup {
  organizationIds?: string[];
  cutoff: string;
  after?: string;
}

export interface CandidateQuery {
  ruleId: string;
  field: TimeField;
  /** One per calendar: the same business time ends at a different instant in each; none, no request. */
  groups: CutoffGroup[];
  prefilters: Prefilter[];
  limit: number;
}

/**
 * The requests a time rule is due on: in its time condition for long enough by their calendar, not
 * yet acted on in this period, narrowed by the prefilters. One statement over the index of the
 * condition's "since" column; the earliest periods first.
 */
export async function findCandidates(
  db: Db,
  q: CandidateQuery,
): Promise<{ ticketId: string; periodStart: string }[]> {
  // One statement per calendar: each then reads its index up to its own cutoff (an OR of ranges reads more).
  const found: { ticketId: string; periodStart: string }[] = [];
  for (const group of q.groups)
    found.push(...((await findCandidatesQuery(db, q, group).execute()) as typeof found));
  return found.sort((x, y) => Date.parse(x.periodStart) - Date.parse(y.periodStart)).slice(0, q.limit);
}

/** The statement of findCandidates for one group. */
function findCandidatesQuery(db: Db, q: CandidateQuery, g: CutoffGroup) {
  const since = SINCE[q.field];
  return db
    .selectFrom('automation_ticket_times as a')
    .innerJoin('tickets as t', 't.id', 'a.ticket_id')
    .select(['t.id as ticketId', `${since} as periodStart`])
    .where((eb) => appliesTo(eb, q.field))
    .where(since, '<=', g.cutoff)
    .$if(g.after !== undefined, (qb) => qb.where(since, '>', g.after!))
    .$if(g.organizationIds !== undefined, (qb) =>
      qb.where('t.organization_id', 'in', g.organizationIds!.length ? g.organizationIds! : ['']),
    )
    .where((eb) => eb.and(q.prefilters.map((f) => prefilter(eb, f))))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('automation_time_runs as r')
            .select('r.ticket_id')
            .where('r.rule_id', '=', q.ruleId)
            .whereRef('r.ticket_id', '=', 'a.ticket_id')
            .whereRef('r.period_start', '=', since),
        ),
      ),
    )
    .orderBy(since)
    .limit(q.limit);
}

/** The start of a request's present period for a time condition; undefined when it is not in one. */
export async function currentPeriodStart(
  db: Db,
  ticketId: string,
  field: TimeField,
): Promise<string | undefined> {
  const since = SINCE[field];
  const row = await db
    .selectFrom('automation_ticket_times as a')
    .innerJoin('tickets as t', 't.id', 'a.ticket_id')
    .select(`${since} as periodStart`)
    .where('a.ticket_id', '=', ticketId)
    .where((eb) => appliesTo(eb, field))
    .executeTakeFirst();
  return (row?.periodStart as string | null | undefined) ?? undefined;
}

/**
 * Claims a rule's run on a request for one period, in the caller's transaction: false when it was
 * claimed already (by an earlier pass, or by another worker; on PostgreSQL a concurrent claim waits
 * for the other transaction and then finds its row).
 */
export async function claimTimeRun(
  db: Db,
  r: { ruleId: string; ticketId: string; periodStart: string; at: string },
): Promise<boolean> {
  const row = await db
    .insertInto('automation_time_runs')
    .values({ rule_id: r.ruleId, ticket_id: r.ticketId, period_start: r.periodStart, at: r.at })
    .onConflict((oc) => oc.columns(['rule_id', 'ticket_id', 'period_start']).doNothing())
    .returning('rule_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The organizations a rule covers: the one it is scoped to, or all. */
export async function organizationIds(db: Db, organizationId?: string | null): Promise<string[]> {
  if (organizationId) return [organizationId];
  return (await db.selectFrom('organizations').select('id').orderBy('id').execute()).map((o) => o.id);
}

/** How a ticket event moves the times: a reply by staff or by the requester, or only a change of fields. */
export type TimesChange = 'change' | 'staff_reply' | 'requester_reply';

/**
 * Brings a request's times up to date with the request as it now is, in the event's transaction.
 * Compares with what was stored rather than trusting the event's order, so that events raised
 * while another is being handled (an assignment on creation) leave the same result.
 */
export async function syncTicketTimes(
  db: Db,
  ticketId: string,
  now: string,
  change: TimesChange,
  facts?: Readonly<Record<string, unknown>>,
): Promise<void> {
  // The request as the transaction left it, and its times read once per transaction (written
  // through here only), by the event's own statement when it brought them (TIMES_FACTS).
  const t = await findTicketById(db, ticketId);
  if (!t) return;
  const key = `ticket-times:${ticketId}`;
  // A request made in this transaction has no times but those written here (remembered).
  const row = await memoInTransaction(db, key, async () =>
    createdInTransaction(db, ticketId)
      ? undefined
      : facts
        ? timesOfFacts(ticketId, facts)
        : ticketTimes.first(db, { ticketId }),
  );
  const done = DONE.includes(t.status);
  const unassigned_since = t.assignee_id ? null : (row?.unassigned_since ?? now);
  let awaiting_reply_since = row ? row.awaiting_reply_since : now;
  if (change === 'staff_reply' || done) awaiting_reply_since = null;
  else if (change === 'requester_reply') awaiting_reply_since ??= now;
  if (!row) {
    const values = {
      ticket_id: ticketId,
      status: t.status,
      status_since: now,
      unassigned_since,
      awaiting_reply_since,
    };
    await insertTimes.run(db, values);
    rememberInTransaction(db, key, values);
    return;
  }
  const status_since = row.status === t.status ? row.status_since : now;
  if (
    row.status === t.status &&
    row.unassigned_since === unassigned_since &&
    row.awaiting_reply_since === awaiting_reply_since
  )
    return;
  const values = {
    ticket_id: ticketId,
    status: t.status,
    status_since,
    unassigned_since,
    awaiting_reply_since,
  };
  await updateTimes.run(db, values);
  rememberInTransaction(db, key, values);
}

/**
 * Deletes a time rule's ledger rows claimed before `before` whose condition period has ended: the
 * request's present period for the rule's time field started at another instant, or it is in none
 * (it left pending customer, was assigned, was answered). A new period always starts later than the
 * one it follows, so no pass can find an ended period due again, and forgetting that it was acted on
 * never makes the rule act twice. A period still running stays whatever its age, even on a closed
 * request: a reopened one goes on in the same period (it stays unassigned since the same instant).
 * In batches of PURGE_BATCH rows, each statement on its own.
 */
export async function purgeEndedTimeRuns(
  db: Db,
  rule: { id: string; field: TimeField },
  before: string,
): Promise<number> {
  const since = SINCE[rule.field];
  let total = 0;
  for (;;) {
    const ended = await db
      .selectFrom('automation_time_runs as r')
      .innerJoin('automation_ticket_times as a', 'a.ticket_id', 'r.ticket_id')
      .select(['r.ticket_id as ticketId', 'r.period_start as periodStart'])
      .where('r.rule_id', '=', rule.id)
      .where('r.at', '<', before)
      .where((eb) => eb.or([eb(since, 'is', null), eb(since, '<>', eb.ref('r.period_start'))]))
      .limit(PURGE_BATCH)
      .execute();
    if (!ended.length) return total;
    const r = await db
      .deleteFrom('automation_time_runs')
      .where('rule_id', '=', rule.id)
      .where((eb) =>
        eb.or(
          ended.map((e) =>
            eb.and([eb('ticket_id', '=', e.ticketId), eb('period_start', '=', e.periodStart)]),
          ),
        ),
      )
      .executeTakeFirst();
    total += Number(r.numDeletedRows);
    if (ended.length < PURGE_BATCH) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

type Times = DB['automation_ticket_times'];
/** A request's times as facts of its event (see EventBus.fact): each column by a subquery on the event's subject. */
export const TIMES_FACTS = (
  ['status', 'status_since', 'unassigned_since', 'awaiting_reply_since'] as const
).map((column) => ({
  name: `times.${column}`,
  expression: ((eb) =>
    eb
      .selectFrom('automation_ticket_times as a')
      .select(`a.${column}`)
      .whereRef('a.ticket_id', '=', 'events.subject_id')) as FactExpression,
}));

/** The times the facts brought; none when the request has no row yet (its status is never null). */
function timesOfFacts(ticketId: string, facts: Readonly<Record<string, unknown>>): Times | undefined {
  const status = facts['times.status'] as string | null;
  if (status === null || status === undefined) return undefined;
  return {
    ticket_id: ticketId,
    status,
    status_since: facts['times.status_since'] as string,
    unassigned_since: facts['times.unassigned_since'] as string | null,
    awaiting_reply_since: facts['times.awaiting_reply_since'] as string | null,
  };
}

const ticketTimes = prepare((db: Db, p: { ticketId: string }) =>
  db.selectFrom('automation_ticket_times').selectAll().where('ticket_id', '=', p.ticketId),
);
const insertTimes = prepare((db: Db, p: Times) =>
  db
    .insertInto('automation_ticket_times')
    .values({
      ticket_id: p.ticket_id,
      status: p.status,
      status_since: p.status_since,
      unassigned_since: p.unassigned_since,
      awaiting_reply_since: p.awaiting_reply_since,
    }),
);
const updateTimes = prepare((db: Db, p: Times) =>
  db
    .updateTable('automation_ticket_times')
    .set({
      status: p.status,
      status_since: p.status_since,
      unassigned_since: p.unassigned_since,
      awaiting_reply_since: p.awaiting_reply_since,
    })
    .where('ticket_id', '=', p.ticket_id),
);
