import type { Expression, Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { TimesheetStatus, TimetrackingTables } from './timetracking.tables.js';

type T = TimetrackingTables;
export type EntryRow = Selectable<T['work_entries']>;
export type TimerRow = Selectable<T['work_timers']>;
export type TimesheetRow = Selectable<T['timesheets']>;

// Work entries

export const insertEntry = (db: Db, row: Insertable<T['work_entries']>) => db.insertInto('work_entries').values(row).execute();

export const findEntry = (db: Db, id: string) => db.selectFrom('work_entries').selectAll().where('id', '=', id).executeTakeFirst();

export const updateEntry = (db: Db, id: string, patch: Updateable<T['work_entries']>) =>
  db.updateTable('work_entries').set(patch).where('id', '=', id).execute();

export const deleteEntry = (db: Db, id: string) => db.deleteFrom('work_entries').where('id', '=', id).execute();

/** Entries with who did the work and on which request (its number and subject, for timesheets). */
const withAgent = (db: Db) =>
  db
    .selectFrom('work_entries as w')
    .innerJoin('users as u', 'u.id', 'w.agent_id')
    .innerJoin('tickets as t', 't.id', 'w.ticket_id')
    .selectAll('w')
    .select(['u.name as agent_name', 't.number as ticket_number', 't.subject as ticket_subject']);

export type EntryWithAgent = EntryRow & { agent_name: string; ticket_number: number; ticket_subject: string };

/** A request's work, oldest first. */
export const listTicketEntries = (db: Db, ticketId: string): Promise<EntryWithAgent[]> =>
  withAgent(db).where('w.ticket_id', '=', ticketId).orderBy('w.started_at').orderBy('w.id').execute();

/** An agent's entries in one timesheet week, oldest first. */
export const listWeekEntries = (db: Db, agentId: string, weekStart: string): Promise<EntryWithAgent[]> =>
  withAgent(db).where('w.agent_id', '=', agentId).where('w.week_start', '=', weekStart).orderBy('w.started_at').orderBy('w.id').execute();

// Timers

export const findTimer = (db: Db, agentId: string) => db.selectFrom('work_timers').selectAll().where('agent_id', '=', agentId).executeTakeFirst();

export const insertTimer = (db: Db, row: Insertable<T['work_timers']>) => db.insertInto('work_timers').values(row).execute();

/** Removes this run of the agent's timer; false if it is no longer the running one. */
export async function deleteTimer(db: Db, agentId: string, id: string) {
  const r = await db.deleteFrom('work_timers').where('agent_id', '=', agentId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Marks this run of the timer as having run past midnight; false if it stopped or was flagged already. */
export async function flagTimerOvernight(db: Db, agentId: string, id: string, at: string) {
  const r = await db
    .updateTable('work_timers')
    .set({ overnight_at: at })
    .where('agent_id', '=', agentId)
    .where('id', '=', id)
    .where('overnight_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// Timesheets

export const findTimesheet = (db: Db, agentId: string, weekStart: string) =>
  db.selectFrom('timesheets').selectAll().where('agent_id', '=', agentId).where('week_start', '=', weekStart).executeTakeFirst();

/**
 * Moves a week from one status to the next if it is still in `from` (a missing row is open); false
 * when someone else moved it first.
 */
export async function moveTimesheet(db: Db, row: Selectable<T['timesheets']>, from: TimesheetStatus) {
  const r = await db
    .insertInto('timesheets')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['agent_id', 'week_start'])
        .doUpdateSet({
          status: row.status,
          submitted_at: row.submitted_at,
          approved_at: row.approved_at,
          approved_by: row.approved_by,
          note: row.note,
          updated_at: row.updated_at,
        })
        .where('timesheets.status', '=', from),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export function listTimesheets(db: Db, f: { status?: TimesheetStatus; weekStart?: string; limit: number }) {
  let q = db
    .selectFrom('timesheets as s')
    .innerJoin('users as u', 'u.id', 's.agent_id')
    .selectAll('s')
    .select('u.name as agent_name')
    .orderBy('s.week_start', 'desc')
    .orderBy('u.name')
    .limit(f.limit);
  if (f.status) q = q.where('s.status', '=', f.status);
  if (f.weekStart) q = q.where('s.week_start', '=', f.weekStart);
  return q.execute();
}

export const timerStartedIn = (db: Db, agentId: string, from: string, to: string) =>
  db.selectFrom('work_timers').select('id').where('agent_id', '=', agentId).where('started_at', '>=', from).where('started_at', '<', to).executeTakeFirst();

// Sums

/** Counted (not flagged) minutes of an organization's work in [from, to), billable and not. */
export async function organizationMinutes(db: Db, organizationId: string, from: string, to: string) {
  const r = await db
    .selectFrom('work_entries')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>(eb.case().when('billable', '=', 1).then(eb.ref('minutes')).else(0).end()), eb.lit(0)).as('billable'),
      eb.fn.coalesce(eb.fn.sum<number>('minutes'), eb.lit(0)).as('total'),
    ])
    .where('organization_id', '=', organizationId)
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .where('flagged', 'is', null)
    .executeTakeFirstOrThrow();
  return { billable: Number(r.billable), total: Number(r.total) };
}

export const insertWarning = async (db: Db, row: Insertable<T['contract_hour_warnings']>) => {
  const r = await db
    .insertInto('contract_hour_warnings')
    .values(row)
    .onConflict((oc) => oc.columns(['organization_id', 'month', 'level']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
};

export const listWarnings = (db: Db, organizationId: string, month: string) =>
  db.selectFrom('contract_hour_warnings').selectAll().where('organization_id', '=', organizationId).where('month', '=', month).orderBy('level').execute();

/** Which work a report sums: by the entry's organization and agent, and by the request it is on. */
export interface WorkScope {
  organizationIds?: string[];
  agentIds?: string[];
  /** A subquery selecting the ids of the requests in scope. */
  ticketIds?: Expression<string>;
}

function scopedEntries(db: Db, from: string, to: string, s: WorkScope) {
  let q = db.selectFrom('work_entries as w').where('w.started_at', '>=', from).where('w.started_at', '<', to);
  if (s.organizationIds) q = q.where('w.organization_id', 'in', s.organizationIds.length ? s.organizationIds : ['']);
  if (s.agentIds) q = q.where('w.agent_id', 'in', s.agentIds.length ? s.agentIds : ['']);
  if (s.ticketIds) q = q.where('w.ticket_id', 'in', s.ticketIds);
  return q;
}

/**
 * The counted minutes in [from, to) per organization and per agent, and what is left out because
 * it is flagged. One pass: grouped by organization and agent in the order of a covering index (so
 * the sums stream, no sort), then added up per organization and per agent here.
 */
export async function workTotals(db: Db, from: string, to: string, scope: WorkScope) {
  const pairs = await scopedEntries(db, from, to, scope)
    .where('w.flagged', 'is', null)
    .select((eb) => [
      'w.organization_id',
      'w.agent_id',
      eb.fn.sum<number>('w.minutes').as('minutes'),
      eb.fn.sum<number>(eb('w.minutes', '*', eb.ref('w.billable'))).as('billable'),
    ])
    .groupBy(['w.organization_id', 'w.agent_id'])
    .execute();
  const flagged = await scopedEntries(db, from, to, scope)
    .where('w.flagged', 'is not', null)
    .select((eb) => [eb.fn.countAll<number>().as('entries'), eb.fn.coalesce(eb.fn.sum<number>('w.minutes'), eb.lit(0)).as('minutes')])
    .executeTakeFirstOrThrow();
  const add = (into: Map<string, { key: string; minutes: number; billable: number }>, key: string, r: { minutes: number; billable: number }) => {
    const t = into.get(key) ?? { key, minutes: 0, billable: 0 };
    t.minutes += Number(r.minutes);
    t.billable += Number(r.billable);
    into.set(key, t);
  };
  const byOrganization = new Map<string, { key: string; minutes: number; billable: number }>();
  const byAgent = new Map<string, { key: string; minutes: number; billable: number }>();
  for (const r of pairs) {
    add(byOrganization, r.organization_id, r);
    add(byAgent, r.agent_id, r);
  }
  return { byOrganization: [...byOrganization.values()], byAgent: [...byAgent.values()], flagged: { entries: Number(flagged.entries), minutes: Number(flagged.minutes) } };
}

/** Counted minutes and distinct requests worked on by the agents of a line in [from, to): the handling time. */
export async function lineWork(db: Db, line: string, from: string, to: string) {
  const r = await db
    .selectFrom('work_entries as w')
    .innerJoin('users as u', 'u.id', 'w.agent_id')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('w.minutes'), eb.lit(0)).as('minutes'), eb.fn.count<number>('w.ticket_id').distinct().as('requests')])
    .where('u.line', '=', line as 'L1')
    .where('w.started_at', '>=', from)
    .where('w.started_at', '<', to)
    .where('w.flagged', 'is', null)
    .executeTakeFirstOrThrow();
  return { minutes: Number(r.minutes), requests: Number(r.requests) };
}
