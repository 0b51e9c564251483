import crypto from 'node:crypto';
import { inTransaction } from '../../../core/db/connect.js';
import { isUniqueViolation } from '../../../core/db/dialect.js';
import { Conflict, DomainError } from '../../../core/errors.js';
import { type AppContext, type Db, within } from '../../db.js';
import { isStaff, SYSTEM_USER_ID, toActor, type UserRow } from '../../identity/index.js';
import { addComment, attachToCreation, createTicket, findTicketById, loadTicket, SYSTEM_ACTOR, type TicketRow } from '../../tickets/index.js';
import { readBounce } from './bounce.js';
import { calendarSummary } from './calendar.js';
import { MimeTooComplex } from './mime-prepare.js';
import type { MessageStatus } from './email.tables.js';
import { PLACEHOLDERS, type ReasonCode } from './email.messages.js';
import * as repo from './email.repo.js';
import { classifyNoise } from './noise.js';
import { cleanText, dedupeKey, normalizeAddress, type InboundMail } from './parse.js';
import { parseOutcome, type Parsed } from './read.js';
import { splitReply, type SplitReply } from './reply-trim.js';
import { findOrCreateSender, type SenderDecision } from './routing.js';
import { selectFiles, type SkippedFile } from './files.js';
import { isForwardSubject, requestNumberIn, stripPrefixes } from './subject.js';
import type { AuthResult } from './transport/mail-auth.js';
import { countInbound } from '../../../core/observability/metrics.js';

/** A message as it reached the desk, before anything was decided about it. */
export interface Delivery {
  raw: Buffer;
  source: 'smtp' | 'imap';
  /** The desk mailbox it was sent to; null: route by sender (no mailbox is known). */
  mailbox: repo.MailboxRow | null;
  /** The envelope sender (SMTP MAIL FROM, or Return-Path): '' for the null sender `<>`, null if unknown. */
  envelopeFrom: string | null;
  /** The size the mailbox reported, when `raw` is only the header of a message too large to fetch. */
  declaredSize?: number;
  /** Whether its From passed SPF/DKIM/DMARC (see transport/mail-auth.ts); absent: not checked. */
  auth?: AuthResult | null;
  /** The message parsed already (by a reading thread, see read.ts); absent: parsed here. */
  parsed?: Parsed;
  /** The original being stored already (begun while the message was read, or stored by the reading thread): its key. Absent: stored here. */
  stored?: Promise<string>;
}

/** What became of a message. `duplicate`: the same message had arrived before and was left as it was. */
export interface IntakeResult {
  id: number;
  status: MessageStatus | 'duplicate';
  reason: ReasonCode | null;
  ticketId: string | null;
}

/** Options an admin's re-processing sets. */
export interface IntakeOptions {
  /** Treat the message as written by a person even if it looks automatic. */
  acceptNoise?: boolean;
  /** Do not apply the per-sender rate limit. */
  ignoreRateLimit?: boolean;
  /** Take in mail from a known person's address although it failed authentication. */
  acceptUnverified?: boolean;
}

/** What the decision wrote: the row's outcome fields. */
interface Outcome {
  status: MessageStatus;
  reason: ReasonCode | null;
  detail?: string | null;
  ticketId?: string | null;
  entryId?: number | null;
  personId?: string | null;
  organizationId?: string | null;
  skipped?: SkippedFile[];
  /** What was trimmed off the text the request shows (quoted history, signature). */
  quoted?: string | null;
}

const TEXT_MAX = 100_000;
const SUBJECT_MAX = 300;
const ATTEMPTS = 3;

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000);
const isCyrillic = (s: string) => /[\u0400-\u04ff]/.test(s);

/**
 * Takes in one message: stores the original, decides what it is (noise, bounce, a reply to a
 * request, a new request, or something to quarantine) and applies that in one transaction with the
 * message's record. Resolves only once that is committed, so the caller (SMTP, IMAP) acknowledges
 * the message only then. A message that fails to process is quarantined with the reason; only if
 * even that cannot be recorded does this throw, and the sender or the mailbox keeps the message.
 */
export async function receiveMessage(app: AppContext, delivery: Delivery, options: IntakeOptions = {}): Promise<IntakeResult> {
  const r = await intake(app, delivery, options, null);
  countInbound('email', r.status);
  return r;
}

/** Runs a stored message through intake again (an admin's re-processing); updates its record. */
export async function intake(app: AppContext, delivery: Delivery, options: IntakeOptions, existing: repo.MessageRow | null): Promise<IntakeResult> {
  const { raw } = delivery;
  let mail: InboundMail | null = null;
  let early: ReasonCode | null = null;
  let detail: string | null = null;
  if (raw.length === 0 || !raw.toString('latin1', 0, 64 * 1024).trim()) early = 'empty_message';
  else if ((delivery.declaredSize ?? raw.length) > app.config.emailMaxMessageBytes) early = 'too_large';
  else {
    const parsed = delivery.parsed ?? (await parseOutcome(raw));
    if ('error' in parsed) {
      early = parsed.error instanceof MimeTooComplex ? 'mime_too_complex' : 'unreadable';
      detail = errorText(parsed.error);
    } else {
      mail = parsed.mail;
      if (!mail.headers.size) {
        early = 'unreadable';
        detail = 'no header fields';
      }
    }
  }
  const key = dedupeKey(early ? null : mail, raw);
  // Stored ahead (see Delivery.stored), or here: a message delivered again has its stored original
  // removed once that is known (it shares the first delivery's).
  const fileKey = existing?.raw_file_key ?? (await (delivery.stored ?? app.files.put(raw)));
  const record = (trx: Db, o: Outcome) => writeRecord(app, trx, { existing, delivery, mail, key, fileKey, outcome: o });
  const sender: repo.SenderWindow | null =
    mail?.from && !early && !options.ignoreRateLimit
      ? { address: mail.from.address, since: new Date(app.clock.now().getTime() - app.config.emailSenderWindowMinutes * 60_000).toISOString(), limit: app.config.emailSenderLimit }
      : null;
  /** The same message delivered before: a row that says so, sharing the first one's original. */
  const again = async (before: repo.MessageRow) => {
    await app.files.remove(fileKey);
    return recordDuplicate(app, delivery, mail, before);
  };

  for (let attempt = 1; ; attempt++) {
    let duplicateOf: number | null = null;
    try {
      const ownAddresses = new Set([...(await repo.allMailboxAddresses(app.db)), ...ownConfigAddresses(app)]);
      const done = await inTransaction(app.db, async (trx) => {
        // In the transaction: a message committed just before in the same shared commit counts too.
        // A message taken in again is no duplicate of itself.
        const screened = await repo.screenMessage(trx, existing ? null : key, sender);
        if (screened.duplicateId !== null) {
          duplicateOf = screened.duplicateId;
          return null;
        }
        const o: Outcome = early ? { status: 'quarantined', reason: early, detail } : await decide(within(app, trx), delivery, mail!, options, ownAddresses, screened.reached);
        return { id: await record(trx, o), outcome: o };
      });
      if (done) return { id: done.id, status: done.outcome.status, reason: done.outcome.reason, ticketId: done.outcome.ticketId ?? null };
    } catch (err) {
      // The same message committed meanwhile by another delivery, or a person created by a
      // concurrent message: look again.
      const raced = isUniqueViolation(err) || (err instanceof Conflict && err.code === 'already_exists');
      if (raced && attempt < ATTEMPTS) {
        const before = existing ? null : await repo.findMessageByKey(app.db, key);
        if (before) return again(before);
        continue;
      }
      // Anything else: quarantined with the reason, so that an admin sees it and can try again.
      const outcome: Outcome = { status: 'quarantined', reason: 'processing_failed', detail: errorText(err) };
      let id: number;
      try {
        id = await inTransaction(app.db, (trx) => record(trx, outcome));
      } catch (fatal) {
        // Not even the quarantine could be written (the database is down): the caller must not
        // acknowledge the message, so that it is delivered again.
        if (!existing) await app.files.remove(fileKey);
        throw fatal;
      }
      return { id, status: 'quarantined', reason: 'processing_failed', ticketId: null };
    }
    return again((await repo.findMessage(app.db, duplicateOf!))!);
  }
}

/** Decides what a parsed message is, and applies it (in the caller's transaction). */
async function decide(app: AppContext, delivery: Delivery, mail: InboundMail, options: IntakeOptions, ownAddresses: Set<string>, rateReached: boolean): Promise<Outcome> {
  const noise = options.acceptNoise ? null : classifyNoise(mail, { envelopeFrom: delivery.envelopeFrom, ownAddresses });
  if (noise?.kind === 'bounce') {
    const bounce = await recordBounce(app, delivery.raw, mail, ownAddresses);
    return { ...bounce, detail: [bounce.detail, `(${noise.why})`].filter(Boolean).join(' ') };
  }
  if (noise) return { status: 'ignored', reason: noise.reason, detail: noise.why };
  if (!mail.from) return { status: 'quarantined', reason: 'no_sender' };

  // The sender's messages in the window were counted with the duplicate check (see screenMessage).
  if (rateReached) return { status: 'quarantined', reason: 'rate_limited' };

  const thread = await findThread(app, mail);
  const sender: SenderDecision = await findOrCreateSender(app, mail, delivery.mailbox, isCyrillic(`${mail.subject} ${mail.text}`) ? 'ru' : 'en');
  if ('refused' in sender) return { status: 'quarantined', reason: sender.refused };
  const { user } = sender;
  // A forged From never posts as a known person unseen: held back, or taken in marked (the mailbox decides).
  if (!sender.created && delivery.auth?.verdict === 'fail' && !options.acceptUnverified && delivery.mailbox?.auth_policy !== 'accept_unverified')
    return { status: 'quarantined', reason: 'sender_unverified', detail: delivery.auth.summary, personId: user.id };
  const actor = toActor(user);
  const locale = user.locale;
  const { files, skipped } = selectFiles(mail.files, app.config.attachmentMaxBytes);
  skipped.push(...mail.setAside.map((f) => ({ ...f, detail: null })));
  const { text, quoted } = bodyText(mail, locale, !!thread, delivery.parsed && 'split' in delivery.parsed ? delivery.parsed.split : undefined);

  if (isStaff(actor)) {
    // Staff answer requests by e-mail; they never open one for themselves.
    if (!thread || thread.status === 'closed') return { status: 'quarantined', reason: 'staff_sender', personId: user.id };
    const { entryId } = await addComment(app, actor, thread.id, { body: text, internal: false, files });
    return { status: 'appended', reason: null, ticketId: thread.id, entryId, personId: user.id, skipped, quoted };
  }

  // A reply lands in its request only when the sender is of the request's organization.
  if (thread && thread.status !== 'closed' && thread.organization_id === user.organization_id) {
    const maySee = thread.requester_id === user.id || user.role === 'client_manager';
    const { entryId } = maySee
      ? await addComment(app, actor, thread.id, { body: text, internal: false, files })
      : // A colleague outside the request's audience: staff see it, the requester does not.
        await addComment(app, SYSTEM_ACTOR, thread.id, { body: `${user.name} <${user.email}>:\n\n${text}`, internal: true, files });
    return { status: 'appended', reason: null, ticketId: thread.id, entryId, personId: user.id, organizationId: user.organization_id, skipped, quoted };
  }

  const subject = cleanSubject(mail.subject, locale);
  const ticketId = await createTicket(app, actor, { subject, description: text }, 'email');
  await attachToCreation(app, actor, ticketId, files);
  return { status: 'created', reason: null, ticketId, personId: user.id, organizationId: user.organization_id, skipped, quoted };
}

/** The request a message answers: by the Message-IDs it names, then by the number in its subject. */
async function findThread(app: AppContext, mail: InboundMail): Promise<TicketRow | null> {
  const byId = await repo.ticketForMessageIds(app.db, mail.parentIds);
  if (byId) return (await findTicketById(app.db, byId)) ?? null;
  const n = requestNumberIn(mail.subject);
  if (n === null) return null;
  try {
    return await loadTicket(app.db, SYSTEM_ACTOR, `TD-${n}`);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'not_found') return null;
    throw err;
  }
}

/** A delivery failure: the addresses it failed on permanently are marked, and it is linked to its request. */
async function recordBounce(app: AppContext, raw: Buffer, mail: InboundMail, own: Set<string>): Promise<Outcome> {
  const report = readBounce(raw, mail.headers, mail.text);
  const at = app.clock.now().toISOString();
  const failed = report.recipients.filter((r) => r.permanent && !own.has(r.address));
  for (const r of failed) await repo.markFailing(app.db, { address: r.address, statusCode: r.statusCode, diagnostic: r.diagnostic, at, messageId: report.originalMessageId ?? mail.messageId ?? '' });
  const ticketId = report.originalMessageId ? await repo.ticketForMessageIds(app.db, [report.originalMessageId]) : null;
  if (failed.length)
    await app.events.append(app.db, {
      type: 'email.address_failed',
      subjectType: 'email_address',
      subjectId: failed.map((r) => r.address).join(','),
      actorId: SYSTEM_USER_ID,
      data: { addresses: failed.map((r) => r.address), ticketId },
    });
  return { status: 'bounce', reason: 'bounce', ticketId, detail: report.recipients.map((r) => `${r.address} ${r.statusCode ?? ''} ${r.permanent ? 'failed' : 'delayed'}`.trim()).join('; ') || null };
}

/**
 * The text for the timeline: what the person wrote, without quoted history and signature (and,
 * in a reply, without the closing and name block), then a summary of each calendar invitation.
 * `newSplit`: the text split as a new request's already (see newRequestSplit), used unless this is a reply.
 */
function bodyText(mail: InboundMail, locale: UserRow['locale'], reply: boolean, newSplit?: SplitReply): { text: string; quoted: string | null } {
  const split = (!reply && newSplit) || splitReply(mail.text, { signOff: reply, forward: isForwardSubject(mail.subject) });
  let text = split.reply.trim();
  const invitations = mail.calendar.map((e) => calendarSummary(e, locale));
  if (invitations.length) text = [text, ...invitations].filter(Boolean).join('\n\n');
  if (!text) text = PLACEHOLDERS.noText[locale];
  if (text.length > TEXT_MAX) text = `${text.slice(0, TEXT_MAX - 200)}\n\n${PLACEHOLDERS.truncated[locale]}`;
  return { text, quoted: split.quoted.slice(0, TEXT_MAX) || null };
}

/**
 * The same message delivered again: a row in the inbound log that says so and names the first
 * delivery, sharing its stored original; nothing else changes.
 */
async function recordDuplicate(app: AppContext, delivery: Delivery, mail: InboundMail | null, before: repo.MessageRow): Promise<IntakeResult> {
  const now = app.clock.now().toISOString();
  const id = await repo.insertMessage(app.db, {
    mailbox_id: delivery.mailbox?.id ?? null,
    source: delivery.source,
    message_id: null,
    dedupe_key: `dup:${before.id}:${crypto.randomUUID()}`,
    envelope_from: delivery.envelopeFrom === null ? null : cleanText(delivery.envelopeFrom).slice(0, 320),
    from_address: mail?.from?.address ?? before.from_address,
    from_name: mail?.from?.name.slice(0, 200) || before.from_name,
    subject: (mail?.subject ?? before.subject).slice(0, 1000),
    received_at: now,
    raw_file_key: before.raw_file_key,
    raw_size: delivery.raw.length,
    html_body: null,
    attempts: 1,
    status: 'duplicate',
    reason: 'duplicate',
    detail: `#${before.id}`,
    ticket_id: before.ticket_id,
    entry_id: null,
    person_id: before.person_id,
    organization_id: before.organization_id,
    skipped_attachments: '[]',
    processed_at: now,
  });
  return { id, status: 'duplicate', reason: 'duplicate', ticketId: before.ticket_id };
}

function cleanSubject(subject: string, locale: UserRow['locale']): string {
  // Another request's number (a reply that did not land in it, or to a closed one) is no part of a new one.
  const s = stripPrefixes(stripPrefixes(subject).replace(/\[?#?TD-\d{1,12}\]?:?/gi, ' ').replace(/\s+/g, ' ')) || subject.trim();
  return (s || PLACEHOLDERS.noSubject[locale]).slice(0, SUBJECT_MAX);
}

/** The desk's own addresses in the configuration (sender and reply address of outgoing mail). */
function ownConfigAddresses(app: AppContext): string[] {
  const fromAddress = /<([^<>]+)>/.exec(app.config.mailFrom)?.[1] ?? app.config.mailFrom;
  return [fromAddress, app.config.mailReplyTo].map((a) => normalizeAddress(a)).filter((a): a is string => !!a);
}

/** Writes (or, on re-processing, updates) the message's record, and the event of a quarantine. */
async function writeRecord(
  app: AppContext,
  trx: Db,
  r: { existing: repo.MessageRow | null; delivery: Delivery; mail: InboundMail | null; key: string; fileKey: string; outcome: Outcome },
): Promise<number> {
  const { outcome: o, mail, delivery } = r;
  const now = app.clock.now().toISOString();
  const fields = {
    status: o.status,
    reason: o.reason,
    detail: o.detail ?? null,
    ticket_id: o.ticketId ?? null,
    entry_id: o.entryId ?? null,
    person_id: o.personId ?? null,
    organization_id: o.organizationId ?? null,
    skipped_attachments: JSON.stringify(o.skipped ?? []),
    auth_verdict: delivery.auth?.verdict ?? null,
    auth_summary: delivery.auth?.summary.slice(0, 500) ?? null,
    quoted_text: o.quoted ?? null,
    signature: mail?.signature ? JSON.stringify(mail.signature) : null,
    processed_at: now,
  };
  let id: number;
  if (r.existing) {
    id = r.existing.id;
    await repo.updateMessage(trx, id, { ...fields, attempts: r.existing.attempts + 1 });
  } else
    id = await repo.insertMessage(trx, {
      mailbox_id: delivery.mailbox?.id ?? null,
      source: delivery.source,
      message_id: mail?.messageId ?? null,
      dedupe_key: r.key,
      envelope_from: delivery.envelopeFrom === null ? null : cleanText(delivery.envelopeFrom).slice(0, 320),
      from_address: mail?.from?.address ?? null,
      from_name: mail?.from?.name.slice(0, 200) || null,
      subject: (mail?.subject ?? '').slice(0, 1000),
      received_at: now,
      raw_file_key: r.fileKey,
      raw_size: delivery.raw.length,
      html_body: mail?.html ?? null,
      attempts: 1,
      ...fields,
    });
  if (o.status === 'quarantined')
    await app.events.append(trx, {
      type: 'email.quarantined',
      subjectType: 'email_message',
      subjectId: String(id),
      actorId: SYSTEM_USER_ID,
      data: { reason: o.reason, from: mail?.from?.address ?? null },
    });
  return id;
}
