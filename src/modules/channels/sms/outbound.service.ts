import { narrow } from '../../../core/db/connect.js';
import { scopedValue } from '../../../core/scoped.js';
import { enqueueMail, type MailTables } from '../../../core/mail/outbox.js';
import type { AppContext, Db } from '../../db.js';
import { smsShape } from './gsm.js';
import * as repo from './sms.repo.js';

/** An SMS to queue about a request (a notice). */
export interface OutgoingSms {
  to: string;
  text: string;
  ticketId: string | null;
  userId: string | null;
}

const arrivedBy = scopedValue<string>();

/**
 * Runs the processing of an inbound SMS: the notices it causes (the receipt of the request it
 * opens, before its record names the request) go back by the gateway it came by.
 */
export const whileProcessingSmsFrom = <T>(gatewayId: string | null, fn: () => Promise<T>): Promise<T> => (gatewayId ? arrivedBy.run(gatewayId, fn) : fn());

/** The gateway an SMS about a request goes by: the one the request came in by, else the first that can send. */
async function sendingGateway(db: Db, ticketId: string | null): Promise<repo.GatewayRow | null> {
  const sending = await repo.listSendingGateways(db);
  const cameBy = arrivedBy.get() ?? (ticketId ? await repo.gatewayOfTicket(db, ticketId) : null);
  return sending.find((g) => g.id === cameBy) ?? sending[0] ?? null;
}

/** Whether a number said STOP: it gets no SMS at all until it says START. */
export const isNumberOptedOut = (db: Db, number: string) => repo.isOptedOut(db, number);

/**
 * Queues an SMS in the caller's transaction, through the durable outbox (channel 'sms'), with its
 * record in the SMS log. Nothing is queued to a number that opted out, or when no gateway can send;
 * returns whether it was queued.
 */
export async function enqueueSms(app: Pick<AppContext, 'clock'>, trx: Db, sms: OutgoingSms): Promise<boolean> {
  if (await repo.isOptedOut(trx, sms.to)) return false;
  const gateway = await sendingGateway(trx, sms.ticketId);
  if (!gateway) return false;
  const at = app.clock.now().toISOString();
  const { id } = await enqueueMail(trx, { to: sms.to, subject: sms.text.slice(0, 80), text: sms.text, ticketId: sms.ticketId, channel: 'sms' }, at);
  const shape = smsShape(sms.text);
  await repo.insertSms(trx, {
    direction: 'out',
    gateway_id: gateway.id,
    from_number: gateway.from_number ?? '',
    to_number: sms.to,
    text: sms.text,
    parts: shape.parts,
    coding: shape.coding,
    status: 'queued',
    reason: null,
    detail: null,
    ticket_id: sms.ticketId,
    entry_id: null,
    user_id: sms.userId,
    organization_id: null,
    external_id: null,
    outbox_id: id,
    dlr_status: null,
    dlr_at: null,
    received_at: at,
    processed_at: at,
    attempts: 0,
  });
  return true;
}

/** The outcome of a delivery attempt, on the SMS log (the outbox row has its own). */
export async function recordSendOutcome(db: Db, outboxId: number, r: { outcome: 'sent' | 'retry' | 'failed'; error?: string; externalId?: string | null }, at: string) {
  const m = await repo.findSmsByOutbox(db, outboxId);
  if (!m) return;
  // A delivery report may come before this is recorded (Kannel's fake SMSC reports at once): it
  // stands, decided in the statement itself, whatever ran in between.
  const next = r.outcome === 'sent' ? 'sent' : r.outcome === 'failed' ? 'failed' : m.status;
  await repo.recordAttempt(db, Number(m.id), next, {
    detail: r.error ?? null,
    attempts: m.attempts + 1,
    processed_at: at,
    ...(r.externalId && { external_id: r.externalId }),
  });
}

/** A delivery report's meaning: delivered to the phone, failed for good, or a step on the way. */
export type ReportedStatus = 'delivered' | 'failed' | 'accepted' | 'buffered' | 'sent';

/**
 * Records a gateway's delivery report on the outbox row and the SMS log. A report that arrives
 * after a final one (delivered, failed) does not undo it. Returns false when the message is unknown.
 */
export async function recordDeliveryReport(app: Pick<AppContext, 'db' | 'clock'>, gatewayId: string, ref: { outboxId?: number; externalId?: string }, status: ReportedStatus, detail: string | null): Promise<boolean> {
  let m = ref.outboxId !== undefined ? await repo.findSmsByOutbox(app.db, ref.outboxId) : undefined;
  if (!m && ref.externalId) {
    // The log learns the gateway's id just after the outbox row does: a quick report may find only the latter.
    m = await repo.findSmsByExternalId(app.db, gatewayId, 'out', ref.externalId);
    const row = m ? undefined : await narrow<MailTables>(app.db).selectFrom('mail_outbox').select('id').where('channel', '=', 'sms').where('external_id', '=', ref.externalId).executeTakeFirst();
    if (row) m = await repo.findSmsByOutbox(app.db, Number(row.id));
  }
  if (!m || m.direction !== 'out' || m.gateway_id !== gatewayId) return false;
  const at = app.clock.now().toISOString();
  const final = status === 'delivered' || status === 'failed';
  // Reports may come at once and in any order (Kannel sends "accepted" and "delivered" together):
  // a step on the way never overwrites an outcome, in one statement each, whatever ran in between.
  await app.db
    .updateTable('sms_messages')
    .set({
      dlr_status: status,
      dlr_at: at,
      ...(status === 'delivered' && { status: 'delivered' as const }),
      ...(status === 'failed' && { status: 'failed' as const, detail: detail ?? m.detail }),
    })
    .where('id', '=', m.id)
    .$if(!final, (q) => q.where((eb) => eb.or([eb('dlr_status', 'is', null), eb('dlr_status', 'not in', ['delivered', 'failed'])])))
    .execute();
  if (m.outbox_id !== null)
    await narrow<MailTables>(app.db)
      .updateTable('mail_outbox')
      .set({ delivery_status: status, ...(status === 'delivered' && { delivered_at: at }) })
      .where('id', '=', Number(m.outbox_id))
      .where('channel', '=', 'sms')
      .$if(!final, (q) => q.where((eb) => eb.or([eb('delivery_status', 'is', null), eb('delivery_status', 'not in', ['delivered', 'failed'])])))
      .execute();
  return true;
}
