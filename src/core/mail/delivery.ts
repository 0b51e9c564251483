import crypto from 'node:crypto';
import os from 'node:os';
import { PostgresAdapter, type Kysely, type Selectable } from 'kysely';
import { systemClock, type Clock } from '../clock/clock.js';
import { narrow, type DialectName } from '../db/connect.js';
import { lockSkippingLocked } from '../db/dialect.js';
import { domainOf, newMessageId, type MailTables, type OutboxChannel } from './outbox.js';
import { isPermanentFailure, type MailTransport, type SendReceipt } from './transports.js';

/**
 * Delivery of the mail outbox, safe with several workers and across crashes:
 *
 * 1. claim: one statement takes a batch of due `pending` rows for this pass with a lease
 *    (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent workers take different rows; SQLite has
 *    one writer). A worker that dies holding a claim delays those rows by the lease, no more.
 * 2. before talking to the server, the row is marked `sending` (committed), still ours;
 * 3. after the server accepted it, `sent`. A temporary failure puts it back to `pending` with a
 *    "not before" time (backoff); a permanent one (5xx), or the last attempt, makes it a dead letter.
 *
 * A row found `sending` after its lease ran out belongs to a worker that stopped between 2 and 3:
 * the message may or may not have gone out. It is never sent again by itself; it becomes a dead letter
 * saying so, for an admin to retry if the recipient did not get it. Thus a message is sent at most once
 * unless an admin retries it, or an SMTP server accepts it but the connection fails before its answer
 * reaches us (then the attempt counts as failed and the retry may deliver a second copy, with the
 * same Message-ID, which mail clients fold together).
 */

type Row = Selectable<MailTables['mail_outbox']>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** How many attempts a message gets before it becomes a dead letter (MAIL_MAX_ATTEMPTS overrides). */
export const MAIL_MAX_ATTEMPTS = 10;

/** The wait after failed attempt number `attempt` (1-based): 1, 2, 4 … minutes, at most an hour. */
export const mailRetryDelayMs = (attempt: number): number => Math.min(60_000 * 2 ** (attempt - 1), 3_600_000);

/** The claim of a batch: long enough for the batch to reach its last row. */
const CLAIM_LEASE_MS = 5 * 60_000;
/** The lease of one message being sent: longer than the SMTP transport's own timeouts. */
const SEND_LEASE_MS = 5 * 60_000;
const INTERRUPTED = 'Interrupted while sending (the worker stopped before recording the outcome): it may or may not have been delivered; retry it if the recipient did not get it';

export interface DeliveryOptions {
  /** Guessed from the connection when absent. */
  dialect?: DialectName;
  clock?: Clock;
  batch?: number;
  workerId?: string;
  maxAttempts?: number;
  /** The channel whose rows this pass delivers: 'email' unless told otherwise. */
  channel?: OutboxChannel;
  /** Once aborted (the worker is stopping), the message being sent finishes and the rest of the batch is released. */
  signal?: AbortSignal;
  /** Told of each message sent or failed, e.g. to log it. */
  onResult?: (r: { id: number; to: string; subject: string; outcome: 'sent' | 'retry' | 'failed'; error?: string; externalId?: string | null }) => void | Promise<void>;
}

export interface DeliveryCounts {
  sent: number;
  retried: number;
  failed: number;
  /** Rows found interrupted while sending and turned into dead letters. */
  interrupted: number;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000);
const isoAfter = (at: Date, ms: number) => new Date(at.getTime() + ms).toISOString();

function dialectOf(db: AnyDb): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** The claim query: due pending rows, unclaimed or with a lapsed claim, oldest first. */
function claimQuery(anyDb: AnyDb, dialect: DialectName, a: { now: string; leaseUntil: string; token: string; batch: number; channel: OutboxChannel }) {
  const db = narrow<MailTables>(anyDb);
  const due = db
    .selectFrom('mail_outbox')
    .select('id')
    .where('channel', '=', a.channel)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', a.now)]))
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', a.now)]))
    .orderBy('id')
    .limit(a.batch);
  return db
    .updateTable('mail_outbox')
    .set({ claimed_by: a.token, claimed_until: a.leaseUntil })
    .where('id', 'in', lockSkippingLocked(due, dialect))
    .where('status', '=', 'pending')
    .returningAll();
}

/** Turns rows left `sending` by a stopped worker into dead letters (see above); returns how many. */
async function settleInterrupted(anyDb: AnyDb, now: string, channel: OutboxChannel): Promise<number> {
  const r = await narrow<MailTables>(anyDb)
    .updateTable('mail_outbox')
    .set({ status: 'failed', failed_at: now, last_error: INTERRUPTED })
    .where('channel', '=', channel)
    .where('status', '=', 'sending')
    .where('claimed_until', '<=', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Gives back claimed rows not yet started, so that another worker sends them at once rather than after the lease. */
async function releaseClaims(db: Kysely<MailTables>, ids: number[], token: string) {
  await db
    .updateTable('mail_outbox')
    .set({ claimed_by: null, claimed_until: null })
    .where('id', 'in', ids)
    .where('claimed_by', '=', token)
    .where('status', '=', 'pending')
    .execute();
}

/** Runs `fn` again a few times if it throws: recording an outcome must not be lost to a passing error. */
async function persist(fn: () => Promise<unknown>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/**
 * One delivery pass: settles interrupted sends, claims up to `batch` due messages and sends each
 * through `transport` from `from`. Returns what happened; never throws for a message's failure.
 */
export async function deliverOutbox(anyDb: AnyDb, transport: MailTransport, from: string, opts: DeliveryOptions = {}): Promise<DeliveryCounts> {
  const db = narrow<MailTables>(anyDb);
  const dialect = opts.dialect ?? dialectOf(anyDb);
  const clock = opts.clock ?? systemClock;
  const maxAttempts = opts.maxAttempts ?? MAIL_MAX_ATTEMPTS;
  const token = `${opts.workerId ?? `${os.hostname()}:${process.pid}`}#${crypto.randomBytes(4).toString('hex')}`;
  const counts: DeliveryCounts = { sent: 0, retried: 0, failed: 0, interrupted: 0 };
  const start = clock.now();
  const channel = opts.channel ?? 'email';
  counts.interrupted = await settleInterrupted(db, start.toISOString(), channel);
  const rows = await claimQuery(db, dialect, {
    now: start.toISOString(),
    leaseUntil: isoAfter(start, CLAIM_LEASE_MS),
    token,
    batch: opts.batch ?? 50,
    channel,
  }).execute();
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  for (const [i, row] of rows.entries()) {
    if (opts.signal?.aborted) {
      await releaseClaims(db, rows.slice(i).map((r) => r.id), token);
      break;
    }
    const outcome = await deliverOne(db, transport, from, row, token, clock, maxAttempts);
    if (!outcome) continue;
    counts[outcome.outcome === 'sent' ? 'sent' : outcome.outcome === 'retry' ? 'retried' : 'failed']++;
    await opts.onResult?.({ id: Number(row.id), to: row.to_address, subject: row.subject, ...outcome });
  }
  return counts;
}

async function deliverOne(
  db: Kysely<MailTables>,
  transport: MailTransport,
  from: string,
  row: Row,
  token: string,
  clock: Clock,
  maxAttempts: number,
): Promise<{ outcome: 'sent' | 'retry' | 'failed'; error?: string; externalId?: string | null } | null> {
  const messageId = row.message_id ?? newMessageId(domainOf(from), `outbox-${row.id}`);
  // Committed before the server is contacted: from here on, a crash leaves evidence instead of a resend.
  const marked = await db
    .updateTable('mail_outbox')
    .set({ status: 'sending', message_id: messageId, claimed_until: isoAfter(clock.now(), SEND_LEASE_MS) })
    .where('id', '=', row.id)
    .where('claimed_by', '=', token)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(marked.numUpdatedRows) !== 1) return null; // taken over or retried meanwhile
  let receipt: void | SendReceipt;
  try {
    receipt = await transport.send({
      id: Number(row.id),
      from,
      to: row.to_address,
      subject: row.subject,
      text: row.text_body,
      messageId,
      replyTo: row.reply_to,
      inReplyTo: row.in_reply_to,
      references: row.thread_references ? row.thread_references.split(' ') : undefined,
      headers: row.headers ? (JSON.parse(row.headers) as Record<string, string>) : undefined,
    });
  } catch (err) {
    const error = errorText(err);
    const attempts = row.attempts + 1;
    const giveUp = isPermanentFailure(err) || attempts >= maxAttempts;
    const now = clock.now();
    await persist(() =>
      db
        .updateTable('mail_outbox')
        .set({
          status: giveUp ? 'failed' : 'pending',
          attempts,
          last_error: error,
          next_attempt_at: giveUp ? null : isoAfter(now, mailRetryDelayMs(attempts)),
          failed_at: giveUp ? now.toISOString() : null,
          claimed_by: null,
          claimed_until: null,
        })
        .where('id', '=', row.id)
        .where('claimed_by', '=', token)
        .execute(),
    );
    return { outcome: giveUp ? 'failed' : 'retry', error };
  }
  // Also if an impatient sweep marked it interrupted meanwhile: it was ours, and it went out.
  await persist(() =>
    db
      .updateTable('mail_outbox')
      .set({
        status: 'sent',
        sent_at: clock.now().toISOString(),
        attempts: row.attempts + 1,
        last_error: null,
        failed_at: null,
        claimed_by: null,
        claimed_until: null,
        ...(receipt?.externalId && { external_id: receipt.externalId }),
      })
      .where('id', '=', row.id)
      .where('claimed_by', '=', token)
      .execute(),
  );
  return { outcome: 'sent', externalId: receipt?.externalId ?? null };
}
