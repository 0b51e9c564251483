import { sql } from 'kysely';
import type { Db } from '../db.js';
import { filterCondition, type Range, type RequestFilter } from './reports.repo.js';

/**
 * The reports module's reads of other modules' tables, all in this one file: the report read model
 * is derived from the requests, their SLA clock log, their timeline and their hand-offs, and
 * reports name organizations, plans, groups, people and categories. Nothing here writes.
 */

/** Business minutes a request spent at each line, over its finished stays there (the line clock's stops). */
export async function lineDwell(db: Db, ticketId: string): Promise<Record<'L1' | 'L2' | 'L3', number>> {
  const rows = await db
    .selectFrom('sla_clock_log')
    .select((eb) => ['line', eb.fn.sum<number>('consumed_minutes').as('minutes')])
    .where('ticket_id', '=', ticketId)
    .where('metric', '=', 'line')
    .where('action', '=', 'stop')
    .groupBy('line')
    .execute();
  const out = { L1: 0, L2: 0, L3: 0 };
  for (const r of rows) if (r.line === 'L1' || r.line === 'L2' || r.line === 'L3') out[r.line] = Number(r.minutes);
  return out;
}

/** For the backfill: every request id. */
export const allTicketIds = async (db: Db) => (await db.selectFrom('tickets').select('id').orderBy('created_at').execute()).map((r) => r.id);

/** For the backfill: a request's timeline events that reports count, oldest first. */
export const countedTimelineEvents = (db: Db, ticketId: string) =>
  db
    .selectFrom('timeline_entries')
    .select(['event_type', 'data', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .where('kind', '=', 'event')
    .where('event_type', 'in', ['created', 'status_changed', 'line_changed'])
    .orderBy('id')
    .execute();

/** For the backfill: when a request was handed to the developers. */
export const handOffTimes = async (db: Db, ticketId: string) =>
  (await db.selectFrom('developer_items').select('created_at').where('ticket_id', '=', ticketId).orderBy('created_at').execute()).map((r) => r.created_at);

/** Names to label a report's rows with. */
export async function names(db: Db) {
  const [organizations, plans, groups, users, categories] = await Promise.all([
    db.selectFrom('organizations').select(['id', 'name', 'plan_id']).orderBy('name').execute(),
    db.selectFrom('plans').select(['id', 'name', 'included_hours']).execute(),
    db.selectFrom('groups').select(['id', 'name']).execute(),
    db.selectFrom('users').select(['id', 'name', 'role', 'line', 'time_zone', 'active']).where('role', 'in', ['agent', 'manager', 'admin']).execute(),
    db.selectFrom('categories').select(['id', 'name', 'name_ru', 'parent_id']).execute(),
  ]);
  return { organizations, plans, groups, users, categories };
}

/** The members of a group. */
export const groupMembers = async (db: Db, groupId: string) =>
  (await db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute()).map((r) => r.user_id);

/** The people a scheduled report goes to: active service desk managers, and active client IT managers. */
export const reportRecipients = (db: Db) =>
  db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'locale', 'organization_id', 'time_zone'])
    .where('active', '=', 1)
    .where('role', 'in', ['manager', 'client_manager'])
    .orderBy('email')
    .execute();

/** The staff of a line (for the roster), active ones. */
export const lineAgents = (db: Db, line: string) =>
  db
    .selectFrom('users')
    .select(['id', 'name', 'time_zone'])
    .where('role', '=', 'agent')
    .where('active', '=', 1)
    .where('line', '=', line as 'L1')
    .orderBy('name')
    .execute();

/**
 * The knowledge base's part in a period: self-service deflections (no request was made: counted
 * per organization only), and of the requests resolved in the period those marked as solved with an
 * article — in all, and among the ones that reached L2 or L3. Driven from the (few) solution links.
 */
export async function knowledgeBaseFigures(db: Db, range: Range, f: RequestFilter) {
  const cond = filterCondition(f);
  const resolvedIn = sql`r.resolved_ms >= ${range.lo} and r.resolved_ms < ${range.hi} and ${cond}`;
  // CROSS JOIN keeps SQLite from turning the join around (PostgreSQL plans it either way).
  const withArticle = (extra: unknown) =>
    sql`(select count(*) from (select distinct ticket_id from kb_solutions) s cross join report_requests r where r.ticket_id = s.ticket_id and ${extra} and ${resolvedIn})`;
  const from = new Date(range.lo).toISOString();
  const to = new Date(range.hi).toISOString();
  const orgs = f.organizationIds;
  const deflected = orgs
    ? sql`(select count(*) from kb_deflections d where d.created_at >= ${from} and d.created_at < ${to} and d.organization_id in (${sql.join(orgs.length ? orgs : [''])}))`
    : sql`(select count(*) from kb_deflections d where d.created_at >= ${from} and d.created_at < ${to})`;
  const { rows } = await sql<{ deflections: number; with_article: number; escalated_with_article: number }>`select ${deflected} as deflections,
    ${withArticle(sql`1 = 1`)} as with_article, ${withArticle(sql`r.max_line >= 2`)} as escalated_with_article`.execute(db);
  const r = rows[0]!;
  return { deflections: Number(r.deflections), withArticle: Number(r.with_article), escalatedWithArticle: Number(r.escalated_with_article) };
}

/** Active agents, each with the requests assigned to them that are not yet resolved, and how many of those are P1 or P2. */
export async function agentLoads(db: Db) {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('tickets as t', (j) => j.onRef('t.assignee_id', '=', 'u.id').on('t.status', 'in', ['new', 'open', 'pending_customer', 'pending_vendor']))
    .select(['u.id', 'u.name', 'u.line', 'u.availability', 'u.time_zone'])
    .select((eb) => [eb.fn.count<number>('t.id').as('open'), sql<number>`coalesce(sum(case when t.priority in ('P1', 'P2') then 1 else 0 end), 0)`.as('urgent')])
    .where('u.role', '=', 'agent')
    .where('u.active', '=', 1)
    .groupBy(['u.id', 'u.name', 'u.line', 'u.availability', 'u.time_zone'])
    .orderBy('u.name')
    .execute();
  return rows.map((r) => ({ ...r, open: Number(r.open), urgent: Number(r.urgent) }));
}

/**
 * When requests were moved up to a line (escalated by time, difficulty or hand) in [from, to), epoch
 * ms: the escalations the read model counted (a range of its kind index), each request's line changes.
 */
export async function lineArrivals(db: Db, line: string, from: string, to: string): Promise<number[]> {
  const rows = await db
    .selectFrom('report_flow as f')
    .innerJoin('timeline_entries as e', 'e.ticket_id', 'f.ticket_id')
    .select(['e.id', 'e.data', 'e.created_at'])
    .distinct()
    .where('f.kind', 'in', ['escalated_time', 'escalated_difficulty', 'escalated_hand'])
    .where('f.at_ms', '>=', Date.parse(from))
    .where('f.at_ms', '<', Date.parse(to))
    .where('e.kind', '=', 'event')
    .where('e.event_type', '=', 'line_changed')
    .where('e.created_at', '>=', from)
    .where('e.created_at', '<', to)
    .execute();
  return rows.filter((r) => (JSON.parse(r.data ?? '{}') as { to?: string }).to === line).map((r) => Date.parse(r.created_at));
}
