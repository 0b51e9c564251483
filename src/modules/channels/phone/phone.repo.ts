import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DialectName } from '../../../core/db/connect.js';
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
