import { inTransaction } from '../../../core/db/connect.js';
import { isUniqueViolation } from '../../../core/db/dialect.js';
import { Conflict, DomainError } from '../../../core/errors.js';
import { toE164 } from '../../../core/phone.js';
import { type AppContext, type Db, within } from '../../db.js';
import { requestNumberIn } from '../email/index.js';
import { CLIENT_ROLES, createPerson, findOrganization, findUserByEmail, findUsersByPhone, SYSTEM_USER_ID, toActor, type UserRow } from '../../identity/index.js';
import { addComment, createTicket, loadTicket, recentOpenTicket, SYSTEM_ACTOR, type TicketRow } from '../../tickets/index.js';
import { smsShape } from './gsm.js';
import { optKeyword, requestNumberInSms, subjectFromText } from './keywords.js';
import type { SmsReason } from './sms.messages.js';
import { whileProcessingSmsFrom } from './outbound.service.js';
import * as repo from './sms.repo.js';
import type { SmsStatus } from './sms.tables.js';
import { countInbound } from '../../../core/observability/metrics.js';

/** An SMS as a gateway handed it to us, before anything was decided about it. */
export interface InboundSms {
  /** The gateway it came by; null when re-processing a message whose gateway was since deleted. */
  gateway: repo.GatewayRow | null;
  /** The sender's and the receiver's numbers as the gateway wrote them. */
  from: string;
  to: string;
  text: string;
  /** The gateway's id of the message (MessageSid, Kannel's id): the same id twice is one message. */
  externalId: string | null;
}

/** What became of an SMS. `duplicate`: the same message had arrived before and was left as it was. */
export interface SmsIntakeResult {
  id: number;
  status: SmsStatus | 'duplicate';
  reason: SmsReason | null;
  ticketId: string | null;
}

export interface SmsIntakeOptions {
  /** Do not apply the per-number rate limit (an admin's re-processing). */
  ignoreRateLimit?: boolean;
}

interface Outcome {
  status: SmsStatus;
  reason: SmsReason | null;
  detail?: string | null;
  ticketId?: string | null;
  entryId?: number | null;
  userId?: string | null;
  organizationId?: string | null;
}

/** The e-mail address of a requester made from an unknown number: `.invalid` is reserved, so no mail can go there. */
export const smsOnlyAddress = (e164: string) => `${e164.replace(/^\+/, '')}@sms.invalid`;

const TEXT_MAX = 10_000;
const ATTEMPTS = 3;
const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000);
const isCyrillic = (s: string) => /[\u0400-\u04ff]/.test(s);

/**
 * Takes in one SMS: decides what it is (STOP/START, a reply to a request, a new request, or
 * something to quarantine) and applies that in one transaction with the message's record. Never
 * drops a message: what cannot be processed is quarantined with the reason. Throws only when not
 * even the quarantine can be recorded (the gateway should then try again).
 */
export async function receiveSms(app: AppContext, inbound: InboundSms, options: SmsIntakeOptions = {}): Promise<SmsIntakeResult> {
  const r = await intake(app, inbound, options, null);
  countInbound('sms', r.status);
  return r;
}

/** Runs an SMS through intake; with `existing`, again (an admin's re-processing), updating its record. */
export async function intake(app: AppContext, inbound: InboundSms, options: SmsIntakeOptions, existing: repo.SmsRow | null): Promise<SmsIntakeResult> {
  const from = toE164(inbound.from, app.config.phoneRegion);
  const to = toE164(inbound.to, app.config.phoneRegion) ?? inbound.to.trim().slice(0, 64);
  const text = inbound.text.replace(/\0/g, '').slice(0, TEXT_MAX);
  const gatewayId = inbound.gateway?.id ?? null;
  const duplicate = async () => {
    if (existing || !inbound.externalId || !gatewayId) return null;
    const before = await repo.findSmsByExternalId(app.db, gatewayId, 'in', inbound.externalId);
    return before ? { id: Number(before.id), status: 'duplicate' as const, reason: null, ticketId: before.ticket_id } : null;
  };
  const seen = await duplicate();
  if (seen) return seen;
  const shape = smsShape(text);
  const record = (trx: Db, o: Outcome) =>
    writeRecord(app, trx, existing, {
      gateway_id: gatewayId,
      from_number: from ?? inbound.from.trim().slice(0, 64),
      to_number: to,
      text,
      parts: shape.parts,
      coding: shape.coding,
      external_id: inbound.externalId,
    }, o);

  for (let attempt = 1; ; attempt++) {
    try {
      const { id, outcome } = await inTransaction(app.db, async (trx) => {
        const o = await whileProcessingSmsFrom(gatewayId, () => decide(within(app, trx), inbound, from, text, options));
        const id = await record(trx, o);
        if (o.status === 'opted_out') await repo.optOut(trx, from!, app.clock.now().toISOString(), id);
        if (o.status === 'opted_in') await repo.optIn(trx, from!);
        return { id, outcome: o };
      });
      return { id, status: outcome.status, reason: outcome.reason, ticketId: outcome.ticketId ?? null };
    } catch (err) {
      // The same message committed meanwhile by a replay, or a person created by a concurrent one: look again.
      const raced = isUniqueViolation(err) || (err instanceof Conflict && err.code === 'already_exists');
      if (raced && attempt < ATTEMPTS) {
        const again = await duplicate();
        if (again) return again;
        continue;
      }
      const outcome: Outcome = { status: 'quarantined', reason: 'processing_failed', detail: errorText(err) };
      const id = await inTransaction(app.db, (trx) => record(trx, outcome));
      return { id, status: 'quarantined', reason: 'processing_failed', ticketId: null };
    }
  }
}

/** Decides what an SMS is and applies it (in the caller's transaction). */
async function decide(app: AppContext, inbound: InboundSms, from: string | null, text: string, options: SmsIntakeOptions): Promise<Outcome> {
  if (!from) return { status: 'quarantined', reason: 'bad_sender' };
  const keyword = optKeyword(text);
  if (keyword) {
    // Anybody may stop SMS to their number, known or not.
    const person = (await findUsersByPhone(app.db, from))[0];
    return { status: keyword === 'stop' ? 'opted_out' : 'opted_in', reason: null, userId: person?.id ?? null, organizationId: person?.organization_id ?? null };
  }
  if (!text.trim()) return { status: 'quarantined', reason: 'empty_text' };
  if (!options.ignoreRateLimit) {
    const since = new Date(app.clock.now().getTime() - app.config.smsSenderWindowMinutes * 60_000).toISOString();
    if ((await repo.countFromNumber(app.db, from, since, app.config.smsSenderLimit)) >= app.config.smsSenderLimit)
      return { status: 'quarantined', reason: 'rate_limited' };
  }

  const sender = await findSender(app, inbound.gateway, from, isCyrillic(text) ? 'ru' : 'en');
  if ('refused' in sender) return { status: 'quarantined', reason: sender.refused };
  const { user } = sender;
  const actor = toActor(user);
  const who = { userId: user.id, organizationId: user.organization_id };

  const thread = (await quotedTicket(app, text, user)) ?? (await recentTicket(app, user));
  if (thread) {
    const maySee = thread.requester_id === user.id || user.role === 'client_manager';
    const { entryId } = maySee
      ? await addComment(app, actor, thread.id, { body: text.trim(), internal: false })
      : // A colleague outside the request's audience: staff see it, the requester does not.
        await addComment(app, SYSTEM_ACTOR, thread.id, { body: `${user.name} (${from}, SMS):\n\n${text.trim()}`, internal: true });
    return { status: 'appended', reason: null, ticketId: thread.id, entryId, ...who };
  }
  const ticketId = await createTicket(app, actor, { subject: subjectFromText(text), description: text.trim() }, 'sms');
  return { status: 'created', reason: null, ticketId, ...who };
}

type SenderDecision = { user: UserRow } | { refused: SmsReason };

/**
 * The person who has the number. Several people may share one (a company phone): client-side
 * people of one organization are taken as its oldest account; of several organizations, nobody
 * (a number is only ever attached to requests of its own organization). An unknown number follows
 * the gateway's policy: a requester "to be identified" named by the number, or quarantine.
 */
async function findSender(app: AppContext, gateway: repo.GatewayRow | null, from: string, locale: 'en' | 'ru'): Promise<SenderDecision> {
  const people = await findUsersByPhone(app.db, from);
  const clients = people.filter((u) => (CLIENT_ROLES as readonly string[]).includes(u.role));
  if (people.length && !clients.length) return { refused: 'staff_sender' };
  if (new Set(clients.map((u) => u.organization_id)).size > 1) return { refused: 'ambiguous_sender' };
  if (clients[0]) return { user: clients[0] };

  if (!gateway || gateway.unknown_sender_policy === 'refuse') return { refused: 'unknown_sender_refused' };
  const org = gateway.organization_id ? await findOrganization(app.db, gateway.organization_id) : undefined;
  if (!org) return { refused: 'unknown_organization' };
  const email = smsOnlyAddress(from);
  const earlier = await findUserByEmail(app.db, email);
  if (earlier) return earlier.active && earlier.organization_id === org.id ? { user: earlier } : { refused: 'unknown_sender_refused' };
  const user = await createPerson(app, SYSTEM_ACTOR, { email, name: from, role: 'requester', organizationId: org.id, phone: from, locale, languages: [locale] });
  return { user };
}

/** The request the SMS names by number, when it is of the sender's organization and not closed. */
async function quotedTicket(app: AppContext, text: string, user: UserRow): Promise<TicketRow | null> {
  const n = requestNumberInSms(text, requestNumberIn);
  if (n === null) return null;
  let t: TicketRow;
  try {
    t = await loadTicket(app.db, SYSTEM_ACTOR, `TD-${n}`);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'not_found') return null;
    throw err;
  }
  // Another organization's number is not a way into its request: the SMS goes on as if unnumbered.
  return t.organization_id === user.organization_id && t.status !== 'closed' ? t : null;
}

/** The sender's open request updated within the threading window (SMS_THREAD_WINDOW_HOURS). */
async function recentTicket(app: AppContext, user: UserRow): Promise<TicketRow | null> {
  if (!user.organization_id || app.config.smsThreadWindowHours === 0) return null;
  const since = new Date(app.clock.now().getTime() - app.config.smsThreadWindowHours * 3_600_000).toISOString();
  const r = await recentOpenTicket(app.db, user.id, user.organization_id, since);
  return r ? loadTicket(app.db, SYSTEM_ACTOR, r.id) : null;
}

/** Writes (or, on re-processing, updates) the message's record, and the event of a quarantine. */
async function writeRecord(
  app: AppContext,
  trx: Db,
  existing: repo.SmsRow | null,
  message: { gateway_id: string | null; from_number: string; to_number: string; text: string; parts: number; coding: 'gsm7' | 'ucs2'; external_id: string | null },
  o: Outcome,
): Promise<number> {
  const now = app.clock.now().toISOString();
  const fields = {
    status: o.status,
    reason: o.reason,
    detail: o.detail ?? null,
    ticket_id: o.ticketId ?? null,
    entry_id: o.entryId ?? null,
    user_id: o.userId ?? null,
    organization_id: o.organizationId ?? null,
    processed_at: now,
  };
  let id: number;
  if (existing) {
    id = Number(existing.id);
    await repo.updateSms(trx, id, { ...fields, attempts: existing.attempts + 1 });
  } else id = await repo.insertSms(trx, { direction: 'in', ...message, received_at: now, attempts: 1, outbox_id: null, dlr_status: null, dlr_at: null, ...fields });
  // The request it made or was added to hears of it (automation rules run on `sms.received`).
  if (o.ticketId && (o.status === 'created' || o.status === 'appended'))
    await app.events.append(trx, { type: 'sms.received', subjectType: 'ticket', subjectId: o.ticketId, actorId: o.userId ?? null, data: { smsId: id, gatewayId: message.gateway_id, entryId: o.entryId } });
  if (o.status === 'quarantined')
    await app.events.append(trx, {
      type: 'sms.quarantined',
      subjectType: 'sms_message',
      subjectId: String(id),
      actorId: SYSTEM_USER_ID,
      data: { reason: o.reason, from: message.from_number },
    });
  return id;
}
