import { sql, type Insertable, type RawBuilder, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { DialectName } from '../../../core/db/connect.js';
import { secondsBetween } from '../../../core/db/dialect.js';
import type { Db } from '../../db.js';
import type { CallbackStatus, Direction, Outcome, PhoneTables } from './phone.tables.js';

type Connectors = PhoneTables['pbx_connectors'];
type Calls = PhoneTables['calls'];
export type ConnectorRow = Selectable<Connectors>;
export type CallRow = Selectable<Calls>;

// Connectors

export const listConnectors = (db: Db) => db.selectFrom('pbx_connectors').selectAll().orderBy('name').execute();
export const findConnector = (db: Db, id: string) => db.selectFrom('pbx_connectors').selectAll().where('id', '=', id).executeTakeFirst();
export async function insertConnector(db: Db, row: Insertable<Connectors>) {
  await db.insertInto('pbx_connectors').values(row).execute();
}
export async function updateConnector(db: Db, id: string, patch: Updateable<Connectors>) {
  await db.updateTable('pbx_connectors').set(patch).where('id', '=', id).execute();
}
export async function deleteConnector(db: Db, id: string) {
  await db.deleteFrom('pbx_connectors').where('id', '=', id).execute();
}
export const connectorHasCalls = async (db: Db, id: string) =>
  !!(await db.selectFrom('calls').select('id').where('connector_id', '=', id).limit(1).executeTakeFirst());

// Calls

/** Adds the call unless the connector already has one with this external id (the first event makes it). */
export async function insertCallIfNew(db: Db, row: Insertable<Calls>) {
  await db.insertInto('calls').values(row).onConflict((oc) => oc.columns(['connector_id', 'external_id']).doNothing()).execute();
}

/** A call by its PBX id, locked for the rest of the transaction on PostgreSQL (SQLite has one writer). */
export function lockCallByExternalId(db: Db, dialect: DialectName, connectorId: string, externalId: string) {
  const q = db.selectFrom('calls').selectAll().where('connector_id', '=', connectorId).where('external_id', '=', externalId);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirstOrThrow();
}

export function lockCall(db: Db, dialect: DialectName, id: string) {
  const q = db.selectFrom('calls').selectAll().where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

export const findCall = (db: Db, id: string) => db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();

export async function updateCall(db: Db, id: string, patch: Updateable<Calls>) {
  await db.updateTable('calls').set(patch).where('id', '=', id).execute();
}

export const findEvent = (db: Db, connectorId: string, eventId: string) =>
  db.selectFrom('call_events').select('call_id').where('connector_id', '=', connectorId).where('event_id', '=', eventId).executeTakeFirst();

/** Records an event by its id; false if the connector sent this id before (a replay). */
export async function insertEvent(db: Db, row: Insertable<PhoneTables['call_events']>) {
  const r = await db
    .insertInto('call_events')
    .values(row)
    .onConflict((oc) => oc.columns(['connector_id', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface CallFilter {
  outcomes?: Outcome[];
  direction?: Direction;
  agentId?: string;
  from?: string;
  to?: string;
  number?: string;
  /** started_at and id of the last row of the previous page. */
  after?: [string, string];
  limit: number;
}

/** The call log, newest first. */
export function listCalls(db: Db, f: CallFilter) {
  let q = db.selectFrom('calls').selectAll();
  if (f.outcomes?.length) q = q.where('outcome', 'in', f.outcomes);
  if (f.direction) q = q.where('direction', '=', f.direction);
  if (f.agentId) q = q.where('agent_id', '=', f.agentId);
  if (f.from) q = q.where('started_at', '>=', f.from);
  if (f.to) q = q.where('started_at', '<', f.to);
  if (f.number) q = q.where('number', '=', f.number);
  if (f.after) {
    const [at, id] = f.after;
    q = q.where((eb) => eb.or([eb('started_at', '<', at), eb.and([eb('started_at', '=', at), eb('id', '<', id)])]));
  }
  return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

/** The latest calls with a number. */
export const recentCalls = (db: Db, number: string, limit: number) =>
  db.selectFrom('calls').selectAll().where('number', '=', number).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();

/** The open callback for a number (the first missed call not yet called back), if any. */
export const findOpenCallback = (db: Db, number: string) =>
  db.selectFrom('calls').selectAll().where('number', '=', number).where('callback_status', '=', 'open').orderBy('started_at').executeTakeFirst();

/** Callbacks in a state, oldest first. */
export const listCallbacks = (db: Db, status: CallbackStatus, limit: number) =>
  db
    .selectFrom('calls')
    .selectAll()
    .where('callback_status', '=', status)
    .orderBy(status === 'open' ? 'started_at' : 'callback_done_at', status === 'open' ? 'asc' : 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();

/** The missed calls merged into each of these callbacks: how many, and the last one's time. */
export async function mergedCounts(db: Db, headIds: string[]) {
  const out = new Map<string, { count: number; last: string }>();
  if (!headIds.length) return out;
  const rows = await db
    .selectFrom('calls')
    .select((eb) => ['callback_of', eb.fn.countAll<number>().as('n'), eb.fn.max('started_at').as('last')])
    .where('callback_of', 'in', headIds)
    .groupBy('callback_of')
    .execute();
  for (const r of rows) if (r.callback_of) out.set(r.callback_of, { count: Number(r.n), last: String(r.last) });
  return out;
}

/** Completes a callback and the missed calls merged into it. */
export async function completeCallback(db: Db, headId: string, done: { at: string; by: string | null; callId: string | null }) {
  await db
    .updateTable('calls')
    .set({ callback_status: 'done', callback_done_at: done.at, callback_done_by: done.by, callback_call_id: done.callId, updated_at: done.at })
    .where((eb) => eb.or([eb('id', '=', headId), eb('callback_of', '=', headId)]))
    .where('callback_status', 'in', ['open', 'merged'])
    .execute();
}

// Figures for the reports

/** The calls a report counts: started in [from, to), optionally of one organization and one agent. */
export interface CallScope {
  from: string;
  to: string;
  organizationId?: string;
  agentId?: string;
}

function scopeCondition(s: CallScope): RawBuilder<SqlBool> {
  const parts = [sql<SqlBool>`c.started_at >= ${s.from}`, sql<SqlBool>`c.started_at < ${s.to}`];
  if (s.organizationId) parts.push(sql<SqlBool>`c.organization_id = ${s.organizationId}`);
  if (s.agentId) parts.push(sql<SqlBool>`c.agent_id = ${s.agentId}`);
  return sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

/** Inbound calls answered with a recorded answer instant (their time to answer is measured). */
const ANSWER_TIMED = sql<SqlBool>`c.direction = 'inbound' and c.outcome = 'answered' and c.answered_at is not null`;
/** Callbacks (the missed-call heads, not the repeated calls merged into them) done at a known instant. */
const CALLBACK_TIMED = sql<SqlBool>`c.callback_of is null and c.callback_status = 'done' and c.callback_done_at is not null`;

/**
 * Counts and sums over the calls in scope, in one pass (`count(case …)` counts the rows that match,
 * the same on both engines).
 */
export async function callCounts(db: Db, s: CallScope) {
  const { rows } = await sql<Record<string, unknown>>`select
    count(case when c.direction = 'inbound' then 1 end) as inbound,
    count(case when c.direction = 'outbound' then 1 end) as outbound,
    count(case when c.direction = 'inbound' and c.outcome = 'answered' then 1 end) as inbound_answered,
    count(case when c.direction = 'inbound' and c.outcome in ('missed', 'busy', 'voicemail') then 1 end) as inbound_missed,
    count(case when c.direction = 'inbound' and c.outcome = 'failed' then 1 end) as inbound_failed,
    count(case when ${ANSWER_TIMED} then 1 end) as answer_timed,
    avg(case when c.outcome = 'answered' then c.talk_seconds end) as avg_talk_seconds,
    count(case when c.callback_of is null and c.callback_status is not null then 1 end) as callbacks_opened,
    count(case when c.callback_of is null and c.callback_status = 'done' then 1 end) as callbacks_done,
    count(case when ${CALLBACK_TIMED} then 1 end) as callback_timed
    from calls c where ${scopeCondition(s)}`.execute(db);
  const r = rows[0]!;
  const num = (k: string) => Number(r[k] ?? 0);
  return {
    inbound: num('inbound'),
    outbound: num('outbound'),
    inboundAnswered: num('inbound_answered'),
    inboundMissed: num('inbound_missed'),
    inboundFailed: num('inbound_failed'),
    answerTimed: num('answer_timed'),
    avgTalkSeconds: r.avg_talk_seconds === null || r.avg_talk_seconds === undefined ? null : Number(r.avg_talk_seconds),
    callbacksOpened: num('callbacks_opened'),
    callbacksDone: num('callbacks_done'),
    callbackTimed: num('callback_timed'),
  };
}

/**
 * The continuous percentile (as PostgreSQL's percentile_cont, and the request reports: linear
 * interpolation between the values at the nearest ranks) of the seconds to answer an inbound call,
 * or from a missed call to its callback done: the two values at the rank, read in order — the same
 * statement on both engines. `count` is how many calls have the value (from `callCounts`).
 */
export async function callPercentile(db: Db, dialect: DialectName, what: 'answer' | 'callback', s: CallScope, count: number, p: number) {
  if (!count) return null;
  const rank = Math.round(p * (count - 1) * 1e9) / 1e9;
  const k = Math.floor(rank);
  const [value, cond] =
    what === 'answer'
      ? [secondsBetween(dialect, sql.ref('c.started_at'), sql.ref('c.answered_at')), ANSWER_TIMED]
      : [secondsBetween(dialect, sql.ref('c.started_at'), sql.ref('c.callback_done_at')), CALLBACK_TIMED];
  const { rows } = await sql<{ v: number }>`select ${value} as v from calls c where ${cond} and ${scopeCondition(s)} order by v limit 2 offset ${k}`.execute(db);
  if (!rows[0]) return null;
  const a = Number(rows[0].v);
  const b = rows[1] ? Number(rows[1].v) : a;
  return a + (rank - k) * (b - a);
}
