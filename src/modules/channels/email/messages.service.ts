import { recordAudit } from '../../../core/audit/audit.js';
import { Conflict, Invalid, NotFound } from '../../../core/errors.js';
import type { AppContext } from '../../db.js';
import { assertStaff, type Actor } from '../../identity/index.js';
import { loadTicket } from '../../tickets/index.js';
import { assertMayAdministerMail, assertMayReadMessage } from './email.policy.js';
import * as repo from './email.repo.js';
import type { MessageStatus } from './email.tables.js';
import { intake } from './intake.service.js';

/** One page of inbound messages for admins (the quarantine: status=quarantined), newest first. */
export async function listMessages(
  app: AppContext,
  actor: Actor,
  q: { statuses?: MessageStatus[]; reasons?: string[]; q?: string; cursor?: string; limit: number },
) {
  assertMayAdministerMail(actor);
  let after: number | undefined;
  if (q.cursor) {
    after = Number(Buffer.from(q.cursor, 'base64url').toString());
    if (!Number.isSafeInteger(after) || after < 1) throw new Invalid('The cursor is not one this list gave out', 'cursor');
  }
  const rows = await repo.listMessages(app.db, { statuses: q.statuses, reasons: q.reasons, q: q.q?.trim() || undefined, after, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last ? Buffer.from(String(last.id)).toString('base64url') : null;
  return { rows: page, nextCursor };
}

/** The messages a request was made from or answered by (staff). */
export async function listTicketMessages(app: AppContext, actor: Actor, idOrNumber: string) {
  assertStaff(actor);
  const t = await loadTicket(app.db, actor, idOrNumber);
  return repo.listMessages(app.db, { ticketId: t.id, limit: 500 });
}

/** A message by its id as the API shows it (a number). */
export async function getMessage(app: AppContext, actor: Actor, id: string) {
  const m = /^\d{1,15}$/.test(id) ? await repo.findMessage(app.db, Number(id)) : undefined;
  if (!m) throw new NotFound('Message');
  assertMayReadMessage(actor, m);
  return m;
}

/** The original message, byte for byte. */
export async function openOriginal(app: AppContext, actor: Actor, id: string) {
  const m = await getMessage(app, actor, id);
  if (m.raw_purged_at) throw new Conflict('The original of this message was removed by retention (EMAIL_ORIGINAL_RETENTION_DAYS)', 'original_removed');
  return { message: m, stream: app.files.open(m.raw_file_key) };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

/**
 * Runs a quarantined or ignored message through intake again, as it arrived, after an admin fixed
 * what stopped it (a person added, a policy changed) or decided that it was written by a person.
 * The rate limit does not apply: an admin has looked at it.
 */
export async function reprocessMessage(app: AppContext, actor: Actor, id: string, opts: { acceptNoise: boolean; acceptUnverified?: boolean }) {
  assertMayAdministerMail(actor);
  const m = /^\d{1,15}$/.test(id) ? await repo.findMessage(app.db, Number(id)) : undefined;
  if (!m) throw new NotFound('Message');
  if (m.status !== 'quarantined' && m.status !== 'ignored')
    throw new Conflict('Only a quarantined or ignored message can be processed again', 'invalid_state');
  if (m.raw_purged_at) throw new Conflict('The original of this message was removed by retention: it cannot be processed again', 'original_removed');
  const raw = await readAll(app.files.open(m.raw_file_key));
  const mailbox = m.mailbox_id ? ((await repo.findMailbox(app.db, m.mailbox_id)) ?? null) : null;
  const result = await intake(app, { raw, source: m.source, mailbox, envelopeFrom: m.envelope_from, auth: m.auth_verdict ? { verdict: m.auth_verdict, source: 'checked', summary: m.auth_summary ?? '' } : null },
    { acceptNoise: opts.acceptNoise, acceptUnverified: opts.acceptUnverified, ignoreRateLimit: true }, m);
  await recordAudit(app.db, { entityType: 'email_message', entityId: String(m.id), actorId: actor.id, action: 'reprocessed', before: { status: m.status, reason: m.reason }, after: { status: result.status, reason: result.reason } });
  return { message: (await repo.findMessage(app.db, m.id))!, outcome: result.status as MessageStatus };
}

export async function listFailingAddresses(app: AppContext, actor: Actor) {
  assertMayAdministerMail(actor);
  return repo.listFailingAddresses(app.db, 500);
}

/** An admin clears a failing mark once the address works again. */
export async function clearFailingAddress(app: AppContext, actor: Actor, address: string) {
  assertMayAdministerMail(actor);
  const r = await repo.clearFailing(app.db, address.trim().toLowerCase());
  if (!Number(r.numDeletedRows)) throw new NotFound('Failing address');
  await recordAudit(app.db, { entityType: 'email_address', entityId: address, actorId: actor.id, action: 'failing_cleared' });
}

/**
 * The Message-IDs of the mail each of `senders` sent about a request, oldest first, for threading
 * the desk's answers: each one's first message and its `last` latest (as threadMessageIds gives the desk's
 * own). Read in one plain statement, every message of the request from them: a request's inbound
 * mail is a few messages, and this runs with every notice the desk mails about it.
 */
export async function inboundMessageIds(app: Pick<AppContext, 'db'>, ticketId: string, senders: string[], last: number): Promise<Map<string, { messageId: string; at: string }[]>> {
  const keys = senders.map((from) => [from, from.trim().toLowerCase()] as const);
  const rows = keys.length ? await repo.inboundThread(app.db, ticketId, [...new Set(keys.map(([, a]) => a))]) : [];
  return new Map(
    keys.map(([from, address]) => {
      const own = rows.filter((r) => r.sender === address);
      const ends = own.filter((_, i) => i === 0 || i >= own.length - last);
      return [from, ends.map((r) => ({ messageId: r.message_id!, at: r.received_at }))];
    }),
  );
}

/** Which of `addresses` bounced permanently (outgoing mail should not be sent there), in one statement. */
export async function failingAddresses(app: Pick<AppContext, 'db'>, addresses: string[]): Promise<Set<string>> {
  const marked = new Set((await repo.findFailingAddresses(app.db, addresses.map((a) => a.trim().toLowerCase()))).map((r) => r.address));
  return new Set(addresses.filter((a) => marked.has(a.trim().toLowerCase())));
}
