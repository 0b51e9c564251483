import crypto from 'node:crypto';
import { sql, type Generated, type Kysely, type SelectQueryBuilder } from 'kysely';
import { deleteInBatches } from '../db/batches.js';
import { narrow } from '../db/connect.js';
import { prepare, prepareRows, type ParamValue } from '../db/prepared.js';
import type { ModuleMigration } from '../db/migrate.js';
import { nowIso } from '../ids/ids.js';

/**
 * The durable mail outbox: a message is a row written in the transaction of the change that causes
 * it, and delivered after commit by `deliverOutbox` (delivery.ts). A row is `pending` (waiting, maybe
 * for its next attempt), `sending` (a worker has started the SMTP transaction), `sent`, or `failed`
 * (a dead letter: given up, or interrupted while sending; an admin may retry it).
 */
export interface MailTables {
  mail_outbox: {
    id: Generated<number>;
    to_address: string;
    subject: string;
    text_body: string;
    status: MailStatus;
    attempts: Generated<number>;
    last_error: string | null;
    created_at: string;
    sent_at: string | null;
    /** The Message-ID sent, without angle brackets; set at enqueue or, at the latest, before sending. */
    message_id: string | null;
    /** The request the message is about, for threading (inbound replies are matched against it). */
    ticket_id: string | null;
    reply_to: string | null;
    /** Message-IDs without angle brackets: the one replied to, and the thread (space-separated). */
    in_reply_to: string | null;
    thread_references: string | null;
    /** JSON object of extra header fields (e.g. Auto-Submitted). */
    headers: string | null;
    /** Not before: the earliest time of the next attempt after a temporary failure. */
    next_attempt_at: string | null;
    /** The claim of the worker holding the row, and its lease. */
    claimed_by: string | null;
    claimed_until: string | null;
    failed_at: string | null;
    /** Which transport delivers the row: e-mail (the default), or SMS (to_address is then an E.164 number). */
    channel: Generated<OutboxChannel>;
    /** The id the provider gave the message (e.g. an SMS gateway's message id), for its delivery reports. */
    external_id: string | null;
    /** What the provider last reported about delivery to the recipient (SMS delivery reports). */
    delivery_status: string | null;
    delivered_at: string | null;
  };
}

/** The channels the outbox delivers; each has its own delivery pass and transport. */
export type OutboxChannel = 'email' | 'sms';

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** A message to queue. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Without angle brackets; generated at delivery when absent. */
  messageId?: string;
  ticketId?: string | null;
  replyTo?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  headers?: Record<string, string>;
  /** 'email' unless told otherwise. */
  channel?: OutboxChannel;
}

export const mailMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-00-core-mail-outbox',
    async up(db, t) {
      await db.schema
        .createTable('mail_outbox')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text_body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('sent_at', t.timestamp)
        .execute();
      await db.schema.createIndex('mail_outbox_status').on('mail_outbox').columns(['status', 'id']).execute();
    },
  },
  {
    name: '2026-11-26-40-notifications-mail-outbox',
    async up(db, t) {
      const add = (name: string, type: 'text' | typeof t.timestamp) => db.schema.alterTable('mail_outbox').addColumn(name, type).execute();
      await add('message_id', 'text');
      await add('ticket_id', 'text');
      await add('reply_to', 'text');
      await add('in_reply_to', 'text');
      await add('thread_references', 'text');
      await add('headers', 'text');
      await add('next_attempt_at', t.timestamp);
      await add('claimed_by', 'text');
      await add('claimed_until', t.timestamp);
      await add('failed_at', t.timestamp);
      await db.schema.createIndex('mail_outbox_message_id').on('mail_outbox').column('message_id').unique().execute();
      // The thread of a request: its earlier messages, per recipient.
      await db.schema.createIndex('mail_outbox_ticket').on('mail_outbox').columns(['ticket_id', 'to_address', 'id']).execute();
    },
  },
  {
    // One durable outbox for every outgoing channel: SMS notices are rows with channel 'sms'.
    name: '2026-11-26-51-core-outbox-channels',
    async up(db, t) {
      await db.schema.alterTable('mail_outbox').addColumn('channel', 'text', (c) => c.notNull().defaultTo('email')).execute();
      await db.schema.alterTable('mail_outbox').addColumn('external_id', 'text').execute();
      await db.schema.alterTable('mail_outbox').addColumn('delivery_status', 'text').execute();
      await db.schema.alterTable('mail_outbox').addColumn('delivered_at', t.timestamp).execute();
      // Each channel's delivery pass claims only its own due rows.
      await db.schema.createIndex('mail_outbox_channel_status').on('mail_outbox').columns(['channel', 'status', 'id']).execute();
    },
  },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** A new Message-ID (without angle brackets) in `domain`, optionally starting with a readable prefix. */
export function newMessageId(domain: string, prefix?: string): string {
  const unique = `${Date.now().toString(36)}.${crypto.randomBytes(9).toString('base64url')}`;
  return `${prefix ? `${prefix.replace(/[^A-Za-z0-9._-]/g, '')}.` : ''}${unique}@${domain}`;
}

/** The domain of an address such as `Tierdesk <support@desk.test>`; `localhost` if it has none. */
export function domainOf(address: string): string {
  const m = /@([^\s>]+)>?\s*$/.exec(address.trim());
  return m?.[1]?.toLowerCase() ?? 'localhost';
}

const outboxRow = (mail: OutgoingMail, at: string) => ({
  to_address: mail.to,
  subject: mail.subject,
  text_body: mail.text,
  status: 'pending' as const,
  created_at: at,
  message_id: mail.messageId ?? null,
  ticket_id: mail.ticketId ?? null,
  reply_to: mail.replyTo ?? null,
  in_reply_to: mail.inReplyTo ?? null,
  thread_references: mail.references?.length ? mail.references.join(' ') : null,
  headers: mail.headers ? JSON.stringify(mail.headers) : null,
  channel: mail.channel ?? 'email',
});

/** Queues a message in the caller's transaction: it is sent only if the change commits. */
export async function enqueueMail(trx: AnyDb, mail: OutgoingMail, at: string = nowIso()): Promise<{ id: number; messageId: string | null }> {
  const row = await narrow<MailTables>(trx).insertInto('mail_outbox').values(outboxRow(mail, at)).returning('id').executeTakeFirstOrThrow();
  return { id: Number(row.id), messageId: mail.messageId ?? null };
}

/** Queues several messages in the caller's transaction, in one statement. */
export async function enqueueMails(trx: AnyDb, mails: OutgoingMail[], at: string = nowIso()): Promise<void> {
  await insertOutboxRows.run(narrow<MailTables>(trx), mails.map((m) => outboxRow(m, at)));
}

const insertOutboxRows = prepareRows((db: Kysely<MailTables>, rows: ReturnType<typeof outboxRow>[]) =>
  db.insertInto('mail_outbox').values(
    rows.map((r) => ({
      to_address: r.to_address,
      subject: r.subject,
      text_body: r.text_body,
      status: r.status,
      created_at: r.created_at,
      message_id: r.message_id,
      ticket_id: r.ticket_id,
      reply_to: r.reply_to,
      in_reply_to: r.in_reply_to,
      thread_references: r.thread_references,
      headers: r.headers,
      channel: r.channel,
    })),
  ),
);

/**
 * For each of `keys`, the first row and the last `last` rows (by id) that `rows(key)` selects, oldest
 * first, each row once: the ends of a mail thread (a thread's References need no more, so a long
 * thread costs no more to answer), for several threads in one statement.
 */
export async function threadEnds<R extends { id: number | string }>(
  db: AnyDb,
  keys: string[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rows: (key: string) => SelectQueryBuilder<any, any, R>,
  last: number,
): Promise<Map<string, R[]>> {
  if (!keys.length) return new Map();
  return endsByKey(keys, (await endsQuery(db, keys.length, (k) => rows(keys[k]!), last).execute()) as (R & { k: number })[]);
}

/** The union of each key's first row and its last `last` rows, each tagged with the key's place `k`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function endsQuery<R>(db: AnyDb, count: number, rows: (k: number) => SelectQueryBuilder<any, any, R>, last: number | ParamValue) {
  const ends = Array.from({ length: count }, (_, k) => [
    db.selectFrom(rows(k).select(sql.lit(k).as('k')).orderBy('id').limit(1).as(`f${k}`)).selectAll(),
    db.selectFrom(rows(k).select(sql.lit(k).as('k')).orderBy('id', 'desc').limit(last as number).as(`l${k}`)).selectAll(),
  ]).flat();
  return ends.slice(1).reduce((q, e) => q.unionAll(e), ends[0]!);
}

/** The rows endsQuery found, by key, oldest first, each once. */
function endsByKey<R extends { id: number | string }>(keys: string[], found: (R & { k: number })[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const [k, key] of keys.entries()) {
    const byId = new Map(found.filter((r) => Number(r.k) === k).map(({ k: _, ...r }) => [Number(r.id), r as unknown as R]));
    out.set(key, [...byId.entries()].sort(([a], [b]) => a - b).map(([, r]) => r));
  }
  return out;
}

/** The Message-IDs of the earlier messages about one request to each of `to`, oldest first (see threadEnds). */
export async function threadMessageIds(anyDb: AnyDb, ticketId: string, to: string[], last: number): Promise<Map<string, { messageId: string; at: string }[]>> {
  if (!to.length) return new Map();
  const db = narrow<MailTables>(anyDb);
  // Prepared once per number of addresses (a notice has a few): building the union costs more than running it.
  let query = threadQueries.get(to.length);
  if (!query && to.length <= 8) threadQueries.set(to.length, (query = prepareThread(to.length)));
  const found = query
    ? await query.all(db, { ticketId, last, ...Object.fromEntries(to.map((a, k) => [`to${k}`, a])) })
    : await endsQuery(db, to.length, (k) => outboxOf(db, ticketId, to[k]!), last).execute();
  const ends = endsByKey(to, found as ({ id: number; message_id: string | null; created_at: string } & { k: number })[]);
  return new Map([...ends].map(([address, rows]) => [address, rows.map((r) => ({ messageId: r.message_id!, at: r.created_at }))]));
}

const outboxOf = (db: Kysely<MailTables>, ticketId: ParamValue, address: ParamValue) =>
  db
    .selectFrom('mail_outbox')
    .select(['id', 'message_id', 'created_at'])
    .where('ticket_id', '=', ticketId as string)
    .where('to_address', '=', address as string)
    .where('message_id', 'is not', null);
const threadQueries = new Map<number, ReturnType<typeof prepareThread>>();
const prepareThread = (count: number) =>
  prepare((db: Kysely<MailTables>, p: Record<string, ParamValue>) => endsQuery(db, count, (k) => outboxOf(db, p.ticketId!, p[`to${k}`]!), p.last!));

/** A dead letter as admins see it. */
export interface DeadLetter {
  id: number;
  channel: OutboxChannel;
  to: string;
  subject: string;
  ticketId: string | null;
  messageId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  failedAt: string | null;
}

/** The dead letters, newest first, after the id `before` if given. */
export async function listDeadLetters(db: AnyDb, opts: { limit: number; before?: number }): Promise<DeadLetter[]> {
  let q = narrow<MailTables>(db).selectFrom('mail_outbox').selectAll().where('status', '=', 'failed');
  if (opts.before !== undefined) q = q.where('id', '<', opts.before);
  const rows = await q.orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    channel: r.channel,
    to: r.to_address,
    subject: r.subject,
    ticketId: r.ticket_id,
    messageId: r.message_id,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    failedAt: r.failed_at,
  }));
}

/**
 * Puts a dead letter back in the queue, to be sent at the next delivery pass with a fresh count of
 * attempts (and the same Message-ID). False when there is no dead letter with this id.
 */
export async function retryDeadLetter(db: AnyDb, id: number, now: string): Promise<boolean> {
  const r = await narrow<MailTables>(db)
    .updateTable('mail_outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, claimed_by: null, claimed_until: null, failed_at: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// Delivery lives beside the queue; these re-exports keep the one import path callers already use.
export { deliverOutbox, MAIL_MAX_ATTEMPTS, mailRetryDelayMs } from './delivery.js';
export { fileTransport, smtpTransport, type MailTransport, type OutgoingMessage } from './transports.js';

/** Deletes outbox rows (mail and SMS) sent before `before`, in short batches; pending and dead letters stay. */
export function purgeSentMail(db: AnyDb, before: string): Promise<number> {
  return deleteInBatches(db, 'mail_outbox', 'id', (q) => q.where('status', '=', 'sent').where('sent_at', '<', before));
}
