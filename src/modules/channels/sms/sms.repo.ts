import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db.js';
import type { SmsStatus, SmsTables } from './sms.tables.js';

export type GatewayRow = Selectable<SmsTables['sms_gateways']>;
export type SmsRow = Selectable<SmsTables['sms_messages']>;

// Gateways

export const listGateways = (db: Db) => db.selectFrom('sms_gateways').selectAll().orderBy('name').execute();

export const findGateway = (db: Db, id: string) => db.selectFrom('sms_gateways').selectAll().where('id', '=', id).executeTakeFirst();

export const insertGateway = (db: Db, row: Insertable<SmsTables['sms_gateways']>) => db.insertInto('sms_gateways').values(row).execute();

export const updateGateway = (db: Db, id: string, patch: Updateable<SmsTables['sms_gateways']>) =>
  db.updateTable('sms_gateways').set(patch).where('id', '=', id).execute();

export const deleteGateway = (db: Db, id: string) => db.deleteFrom('sms_gateways').where('id', '=', id).execute();

/** The active gateways that can send (have their outbound settings), oldest first. */
export const listSendingGateways = (db: Db) =>
  db
    .selectFrom('sms_gateways')
    .selectAll()
    .where('active', '=', 1)
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', 'kannel'), eb('kannel_sendsms_url', 'is not', null)]),
        eb.and([eb('kind', '=', 'twilio'), eb('api_base_url', 'is not', null), eb('account_sid', 'is not', null)]),
      ]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute();

// Messages

export const findSms = (db: Db, id: number) => db.selectFrom('sms_messages').selectAll().where('id', '=', id).executeTakeFirst();

export const findSmsByExternalId = (db: Db, gatewayId: string, direction: 'in' | 'out', externalId: string) =>
  db
    .selectFrom('sms_messages')
    .selectAll()
    .where('gateway_id', '=', gatewayId)
    .where('direction', '=', direction)
    .where('external_id', '=', externalId)
    .executeTakeFirst();

export const findSmsByOutbox = (db: Db, outboxId: number) => db.selectFrom('sms_messages').selectAll().where('outbox_id', '=', outboxId).executeTakeFirst();

export async function insertSms(db: Db, row: Insertable<SmsTables['sms_messages']>): Promise<number> {
  const r = await db.insertInto('sms_messages').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export const updateSms = (db: Db, id: number, patch: Updateable<SmsTables['sms_messages']>) =>
  db.updateTable('sms_messages').set(patch).where('id', '=', id).execute();

/** Records a delivery attempt of an outbound SMS; its status becomes `status` unless a delivery report already settled it. */
export const recordAttempt = (db: Db, id: number, status: SmsStatus, patch: Updateable<SmsTables['sms_messages']>) =>
  db
    .updateTable('sms_messages')
    .set({ ...patch, status: sql<SmsStatus>`case when dlr_status in ('delivered', 'failed') then status else ${status} end` })
    .where('id', '=', id)
    .execute();

/** How many SMS a number sent since an instant (the rate limit's window), counting up to `upTo`. */
export async function countFromNumber(db: Db, number: string, since: string, upTo: number): Promise<number> {
  const recent = db
    .selectFrom('sms_messages')
    .select('id')
    .where('direction', '=', 'in')
    .where('from_number', '=', number)
    .where('received_at', '>', since)
    .limit(upTo);
  const r = await db
    .selectFrom(recent.as('recent'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The gateway a request's latest inbound SMS came by, if any. */
export async function gatewayOfTicket(db: Db, ticketId: string): Promise<string | null> {
  const r = await db
    .selectFrom('sms_messages')
    .select('gateway_id')
    .where('ticket_id', '=', ticketId)
    .where('direction', '=', 'in')
    .where('gateway_id', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.gateway_id ?? null;
}

export interface SmsListQuery {
  statuses?: SmsStatus[];
  direction?: 'in' | 'out';
  ticketId?: string;
  /** The id of the last row of the previous page. */
  after?: number;
  limit: number;
}

/** SMS, newest first. */
export function listSms(db: Db, q: SmsListQuery) {
  let s = db.selectFrom('sms_messages').selectAll();
  if (q.statuses?.length) s = s.where('status', 'in', q.statuses);
  if (q.direction) s = s.where('direction', '=', q.direction);
  if (q.ticketId) s = s.where('ticket_id', '=', q.ticketId);
  if (q.after !== undefined) s = s.where('id', '<', q.after);
  return s.orderBy('id', 'desc').limit(q.limit).execute();
}

// Opt-outs

export const isOptedOut = async (db: Db, number: string) =>
  !!(await db.selectFrom('sms_opt_outs').select('number').where('number', '=', number).executeTakeFirst());

export const optOut = (db: Db, number: string, at: string, messageId: number | null) =>
  db
    .insertInto('sms_opt_outs')
    .values({ number, opted_out_at: at, message_id: messageId })
    .onConflict((oc) => oc.column('number').doNothing())
    .execute();

export const optIn = (db: Db, number: string) => db.deleteFrom('sms_opt_outs').where('number', '=', number).execute();
