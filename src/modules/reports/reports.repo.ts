import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../db.js';
import type { FlowKind } from './reports.tables.js';

/** Which requests a report covers, by their attributes (current ones; the plan as when made). */
export interface RequestFilter {
  organizationIds?: string[];
  planId?: string;
  line?: string;
  groupId?: string;
  assigneeId?: string;
  /** A category and the ones below it. */
  categoryIds?: string[];
  channel?: string;
  type?: string;
}

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

/** Whether a filter narrows the requests at all (if not, the flow needs no join). */
export const isFiltered = (f: RequestFilter) => Object.values(f).some((v) => v !== undefined);

const inList = (column: RawBuilder<unknown>, values: string[]) =>
  values.length ? sql<SqlBool>`${column} in (${sql.join(values)})` : sql<SqlBool>`1 = 0`;

/** The filter as a condition on `r` (report_requests). */
export function filterCondition(f: RequestFilter): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (f.organizationIds) parts.push(inList(sql.ref('r.organization_id'), f.organizationIds));
  if (f.planId) parts.push(sql<SqlBool>`r.plan_id = ${f.planId}`);
  if (f.line) parts.push(sql<SqlBool>`r.line = ${f.line}`);
  if (f.groupId) parts.push(sql<SqlBool>`r.group_id = ${f.groupId}`);
  if (f.assigneeId) parts.push(sql<SqlBool>`r.assignee_id = ${f.assigneeId}`);
  if (f.categoryIds) parts.push(inList(sql.ref('r.category_id'), f.categoryIds));
  if (f.channel) parts.push(sql<SqlBool>`r.channel = ${f.channel}`);
  if (f.type) parts.push(sql<SqlBool>`r.type = ${f.type}`);
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : sql<SqlBool>`1 = 1`;
}

/** A count of flow rows of one kind in [lo, hi), joined to the requests only when filtered. */
function flowCount(kind: FlowKind, lo: RawBuilder<unknown>, hi: RawBuilder<unknown>, f: RequestFilter) {
  return isFiltered(f)
    ? sql`(select count(*) from report_flow f inner join report_requests r on r.ticket_id = f.ticket_id where f.kind = ${kind} and f.at_ms >= ${lo} and f.at_ms < ${hi} and ${filterCondition(f)})`
    : sql`(select count(*) from report_flow f where f.kind = ${kind} and f.at_ms >= ${lo} and f.at_ms < ${hi})`;
}

/** An instant range in epoch milliseconds: [lo, hi). */
export interface Range {
  lo: number;
  hi: number;
}

/**
 * Flow counts per kind for each range (a report's buckets): one correlated count per kind and
 * bucket, each a count over a range of the (kind, at_ms) index — no grouping, no sorting, however
 * many rows a year holds. The boundaries are whole numbers written into the statement.
 */
export async function flowPerRange(db: Db, ranges: Range[], kinds: readonly FlowKind[], f: RequestFilter) {
  if (!ranges.length) return [];
  const values = sql.join(ranges.map((r, i) => sql`(${sql.lit(i)}, ${sql.lit(Math.trunc(r.lo))}, ${sql.lit(Math.trunc(r.hi))})`));
  const cols = kinds.map((k) => sql`${flowCount(k, sql.ref('b.lo'), sql.ref('b.hi'), f)} as ${sql.ref(k)}`);
  const { rows } = await sql<Record<string, number>>`with b(i, lo, hi) as (values ${values}) select b.i, ${sql.join(cols)} from b order by b.i`.execute(db);
  return rows.map((r) => Object.fromEntries(kinds.map((k) => [k, Number(r[k])])) as Record<FlowKind, number>);
}

/** Flow counts per kind before an instant, over all time (the backlog a period starts with). */
export async function flowBefore(db: Db, before: number, kinds: readonly FlowKind[], f: RequestFilter) {
  const cols = kinds.map((k) => sql`${flowCount(k, sql.lit(0), sql.lit(Math.trunc(before)), f)} as ${sql.ref(k)}`);
  const { rows } = await sql<Record<string, number>>`select ${sql.join(cols)}`.execute(db);
  return Object.fromEntries(kinds.map((k) => [k, Number(rows[0]![k])])) as Record<FlowKind, number>;
}

/** The report dimensions a breakdown may group by, and their column. */
export const DIMENSIONS = {
  organization: 'organization_id',
  plan: 'plan_id',
  line: 'line',
  group: 'group_id',
  agent: 'assignee_id',
  category: 'category_id',
  channel: 'channel',
  type: 'type',
  priority: 'priority',
} as const;
export type Dimension = keyof typeof DIMENSIONS;

/** Flow counts per value of a dimension in [from, to), and the backlog per value at `to`. */
export async function flowByDimension(db: Db, by: Dimension, { lo, hi }: Range, f: RequestFilter) {
  const col = sql.ref(`r.${DIMENSIONS[by]}`);
  const counts = await sql<{ key: string | null; kind: FlowKind; n: number }>`select ${col} as key, f.kind as kind, count(*) as n from report_flow f inner join report_requests r on r.ticket_id = f.ticket_id where f.at_ms >= ${lo} and f.at_ms < ${hi} and ${filterCondition(f)} group by ${col}, f.kind`.execute(db);
  const backlog = await sql<{ key: string | null; n: number }>`select ${col} as key, sum(case when f.kind in ('received', 'reopened') then 1 when f.kind in ('resolved', 'closed_unresolved') then -1 else 0 end) as n from report_flow f inner join report_requests r on r.ticket_id = f.ticket_id where f.at_ms < ${hi} and ${filterCondition(f)} group by ${col}`.execute(db);
  return { counts: counts.rows.map((r) => ({ ...r, n: Number(r.n) })), backlog: backlog.rows.map((r) => ({ ...r, n: Number(r.n) })) };
}

/**
 * Targets met and missed, and breaches, per priority: counts over index ranges that begin with
 * the priority (per-row CASE expressions would cost more than the scan itself).
 */
async function perPriority(db: Db, at: 'fr_ms' | 'resolved_ms', met: 'fr_met' | 'res_met', breached: 'fr_breached_ms' | 'res_breached_ms', { lo, hi }: Range, f: RequestFilter) {
  const cond = filterCondition(f);
  const count = (extra: RawBuilder<SqlBool>, column: string) =>
    sql`(select count(*) from report_requests r where ${extra} and ${sql.ref(`r.${column}`)} >= ${lo} and ${sql.ref(`r.${column}`)} < ${hi} and ${cond})`;
  const cols = PRIORITIES.flatMap((p) => [
    sql`${count(sql<SqlBool>`r.priority = ${p} and ${sql.ref(`r.${met}`)} = 1`, at)} as ${sql.ref(`met_${p}`)}`,
    sql`${count(sql<SqlBool>`r.priority = ${p} and ${sql.ref(`r.${met}`)} = 0`, at)} as ${sql.ref(`missed_${p}`)}`,
    sql`${count(sql<SqlBool>`r.priority = ${p} and ${sql.ref(`r.${met}`)} is null`, at)} as ${sql.ref(`untargeted_${p}`)}`,
    sql`${count(sql<SqlBool>`r.priority = ${p}`, breached)} as ${sql.ref(`breached_${p}`)}`,
  ]);
  const { rows } = await sql<Record<string, number>>`select ${sql.join(cols)}`.execute(db);
  const n = (k: string) => Number(rows[0]![k]);
  return Object.fromEntries(PRIORITIES.map((p) => [p, { met: n(`met_${p}`), missed: n(`missed_${p}`), untargeted: n(`untargeted_${p}`), breaches: n(`breached_${p}`) }])) as Record<
    (typeof PRIORITIES)[number],
    { met: number; missed: number; untargeted: number; breaches: number }
  >;
}

/**
 * The continuous percentile (as PostgreSQL's percentile_cont: linear interpolation between the
 * values at the nearest ranks) of a column over the requests whose moment falls in the range:
 * the two values at the rank, read in order from an index on the column — on both engines the
 * same statement, and a walk to the rank instead of collecting and sorting every value.
 */
async function percentile(db: Db, value: 'fr_minutes' | 'res_minutes', at: 'fr_ms' | 'resolved_ms', { lo, hi }: Range, f: RequestFilter, count: number, p: number) {
  if (!count) return null;
  const rank = Math.round(p * (count - 1) * 1e9) / 1e9;
  const k = Math.floor(rank);
  const v = sql.ref(`r.${value}`);
  const t = sql.ref(`r.${at}`);
  const { rows } = await sql<{ v: number }>`select ${v} as v from report_requests r where ${t} >= ${lo} and ${t} < ${hi} and ${v} is not null and ${filterCondition(f)} order by ${v} limit 2 offset ${k}`.execute(db);
  const a = Number(rows[0]!.v);
  const b = rows[1] ? Number(rows[1].v) : a;
  return a + (rank - k) * (b - a);
}

/** First responses given in the range: how many, their business minutes (median, 90th percentile), targets per priority. */
export async function responded(db: Db, range: Range, f: RequestFilter) {
  const priorities = await perPriority(db, 'fr_ms', 'fr_met', 'fr_breached_ms', range, f);
  // Every first response is counted once per priority: met, missed or without a target.
  const n = Object.values(priorities).reduce((sum, p) => sum + p.met + p.missed + p.untargeted, 0);
  return {
    n,
    p50: await percentile(db, 'fr_minutes', 'fr_ms', range, f, n, 0.5),
    p90: await percentile(db, 'fr_minutes', 'fr_ms', range, f, n, 0.9),
    priorities,
  };
}

/**
 * Requests resolved in the range (and still resolved): resolution business minutes (median, 90th
 * percentile), how many never left L1, time at each line, ratings; targets per priority. One pass
 * over a covering index for the counts and sums (`nullif` counts the rows that are not the value,
 * the same on both engines).
 */
export async function resolved(db: Db, range: Range, f: RequestFilter) {
  const cond = filterCondition(f);
  const inRange = sql`r.resolved_ms >= ${range.lo} and r.resolved_ms < ${range.hi} and ${cond}`;
  const { rows } = await sql<Record<string, number | null>>`select count(*) as n, count(r.res_minutes) as timed, count(nullif(r.max_line, 1)) as escalated,
    count(nullif(r.l1_minutes, 0)) as n_l1, count(nullif(r.l2_minutes, 0)) as n_l2, count(nullif(r.l3_minutes, 0)) as n_l3,
    coalesce(sum(r.l1_minutes), 0) as l1, coalesce(sum(r.l2_minutes), 0) as l2, coalesce(sum(r.l3_minutes), 0) as l3,
    (select count(*) from report_requests r where r.rating is not null and ${inRange}) as rated,
    (select avg(r.rating) from report_requests r where r.rating is not null and ${inRange}) as rating
    from report_requests r where ${inRange}`.execute(db);
  const figures = numbers(rows[0]!);
  const timed = figures.timed ?? 0;
  return Object.assign(figures, {
    at_l1: (figures.n ?? 0) - (figures.escalated ?? 0),
    p50: await percentile(db, 'res_minutes', 'resolved_ms', range, f, timed, 0.5),
    p90: await percentile(db, 'res_minutes', 'resolved_ms', range, f, timed, 0.9),
    priorities: await perPriority(db, 'resolved_ms', 'res_met', 'res_breached_ms', range, f),
  });
}

/** Whether any request has been rated at all. */
export const anyRating = async (db: Db) => Boolean(await db.selectFrom('report_requests').select('ticket_id').where('rating', 'is not', null).limit(1).executeTakeFirst());

/** The requests in scope, as a subquery of ids (for the time tracked on them). */
export const requestIds = (f: RequestFilter) => sql<string>`(select r.ticket_id from report_requests r where ${filterCondition(f)})`;

const numbers = (r: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : Number(v)])) as Record<string, number | null>;

// Rosters

export const listRosters = (db: Db) => db.selectFrom('staff_rosters').selectAll().execute();

export async function saveRoster(db: Db, userId: string, week: string, now: string) {
  await db
    .insertInto('staff_rosters')
    .values({ user_id: userId, week, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ week, updated_at: now }))
    .execute();
}

export const deleteRoster = (db: Db, userId: string) => db.deleteFrom('staff_rosters').where('user_id', '=', userId).execute();
