import type { Insertable, Selectable, Updateable } from 'kysely';
import { PURGE_BATCH } from '../../../core/db/batches.js';
import { narrow } from '../../../core/db/connect.js';
import { prepareList } from '../../../core/db/prepared.js';
import type { MailTables } from '../../../core/mail/outbox.js';
import type { Db } from '../../db.js';
import type { EmailTables, MessageStatus } from './email.tables.js';

export type MailboxRow = Selectable<EmailTables['email_mailboxes']>;
export type MessageRow = Selectable<EmailTables['email_messages']>;
export type FailingAddressRow = Selectable<EmailTables['email_failing_addresses']>;

// Mailboxes

export const listMailboxes = (db: Db) => db.selectFrom('email_mailboxes').selectAll().orderBy('address').execute();

export const findMailbox = (db: Db, id: string) => db.selectFrom('email_mailboxes').selectAll().where('id', '=', id).executeTakeFirst();

/** The active mailbox for a desk address, if any. */
export const findActiveMailboxByAddress = async (db: Db, address: string) => (await mailboxSnapshot(db)).active.get(address);

/**
 * Every mailbox, read at most every few seconds: each inbound message needs them (its recipient's
 * mailbox, the desk's own addresses), and they change seldom. Changes made in this process are seen
 * at once (see forgetMailboxes); other processes see them within MAILBOX_TTL_MS.
 */
const MAILBOX_TTL_MS = 5000;
let generation = 0;
interface Snapshot {
  at: number;
  generation: number;
  active: Map<string, MailboxRow>;
  addresses: string[];
}
const snapshots = new WeakMap<Db, Snapshot>();

async function mailboxSnapshot(db: Db): Promise<Snapshot> {
  const now = Date.now();
  const cached = snapshots.get(db);
  if (cached && cached.generation === generation && now - cached.at < MAILBOX_TTL_MS) return cached;
  const rows = await db.selectFrom('email_mailboxes').selectAll().execute();
  const fresh = { at: now, generation, active: new Map(rows.filter((r) => r.active === 1).map((r) => [r.address, r])), addresses: rows.map((r) => r.address) };
  // A transaction's view is its own, and short-lived: only the database's is kept.
  if (!db.isTransaction) snapshots.set(db, fresh);
  return fresh;
}

/** Makes every snapshot stale after a change (made in this process). */
const forgetMailboxes = () => {
  generation++;
};

export const insertMailbox = (db: Db, row: Insertable<EmailTables['email_mailboxes']>) => {
  forgetMailboxes();
  return db.insertInto('email_mailboxes').values(row).execute();
};

/** Changes a mailbox's settings (an admin's change). */
export const updateMailbox = (db: Db, id: string, patch: Updateable<EmailTables['email_mailboxes']>) => {
  forgetMailboxes();
  return db.updateTable('email_mailboxes').set(patch).where('id', '=', id).execute();
};

/** Records how polling a mailbox went: not a change of its settings. */
export const updatePollState = (db: Db, id: string, patch: { last_polled_at?: string; last_error?: string | null }) =>
  db.updateTable('email_mailboxes').set(patch).where('id', '=', id).execute();

export const deleteMailbox = (db: Db, id: string) => {
  forgetMailboxes();
  return db.deleteFrom('email_mailboxes').where('id', '=', id).executeTakeFirst();
};

export const listActiveImapMailboxes = (db: Db) =>
  db.selectFrom('email_mailboxes').selectAll().where('kind', '=', 'imap').where('active', '=', 1).orderBy('address').execute();

/** Every address the desk receives on: mail from one of them is the desk talking to itself. */
export const allMailboxAddresses = async (db: Db) => (await mailboxSnapshot(db)).addresses;

/**
 * Takes (or renews) the lease to poll a mailbox: free, expired, or already ours. One statement, so
 * two workers can never both hold it.
 */
export async function leaseMailbox(db: Db, id: string, owner: string, now: string, until: string): Promise<boolean> {
  const r = await db
    .updateTable('email_mailboxes')
    .set({ poll_owner: owner, poll_lease_until: until })
    .where('id', '=', id)
    .where('active', '=', 1)
    .where((eb) => eb.or([eb('poll_owner', 'is', null), eb('poll_owner', '=', owner), eb('poll_lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const releaseMailbox = (db: Db, id: string, owner: string) =>
  db.updateTable('email_mailboxes').set({ poll_owner: null, poll_lease_until: null }).where('id', '=', id).where('poll_owner', '=', owner).execute();

// Messages

export const findMessage = (db: Db, id: number) => db.selectFrom('email_messages').selectAll().where('id', '=', id).executeTakeFirst();

export const findMessageByKey = (db: Db, dedupeKey: string) =>
  db.selectFrom('email_messages').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirst();

export async function insertMessage(db: Db, row: Insertable<EmailTables['email_messages']>): Promise<number> {
  const r = await db.insertInto('email_messages').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export const updateMessage = (db: Db, id: number, patch: Updateable<EmailTables['email_messages']>) =>
  db.updateTable('email_messages').set(patch).where('id', '=', id).execute();

/** A sender's rate-limit window: `limit` messages since `since`. */
export interface SenderWindow {
  address: string;
  since: string;
  limit: number;
}

/**
 * What intake checks first about a message, in one statement: the message that had the same dedupe
 * key (it was delivered before; null key: not asked), and whether its sender sent `limit` messages
 * in the window already (null window: not asked). The latter asks whether there is a `limit`-th: it
 * reads at most `limit` entries of the sender's index, so that a storm does not make each of its
 * messages dearer. A duplicate delivery is the same message, and counts once.
 */
export async function screenMessage(db: Db, dedupeKey: string | null, sender: SenderWindow | null): Promise<{ duplicateId: number | null; reached: boolean }> {
  if (dedupeKey === null && !sender) return { duplicateId: null, reached: false };
  const r = await db
    .selectNoFrom((eb) => [
      dedupeKey === null ? eb.lit(null).as('duplicate') : eb.selectFrom('email_messages').select('id').where('dedupe_key', '=', dedupeKey).as('duplicate'),
      sender
        ? eb
            .selectFrom('email_messages')
            .select(eb.lit(1).as('one'))
            .where('from_address', '=', sender.address)
            .where('received_at', '>', sender.since)
            .where('status', '!=', 'duplicate')
            .limit(1)
            .offset(sender.limit - 1)
            .as('reached')
        : eb.lit(null).as('reached'),
    ])
    .executeTakeFirstOrThrow();
  return { duplicateId: r.duplicate === null ? null : Number(r.duplicate), reached: r.reached !== null };
}

/**
 * The request a reply belongs to, by the Message-IDs it answers: an inbound message of ours, or
 * mail the desk sent (the outbox keeps each message's id and request). The newest match wins.
 */
export async function ticketForMessageIds(db: Db, ids: string[]): Promise<string | null> {
  if (!ids.length) return null;
  const inbound = await db
    .selectFrom('email_messages')
    .select(['message_id', 'ticket_id'])
    .where('message_id', 'in', ids)
    .where('ticket_id', 'is not', null)
    .execute();
  const outbound = await narrow<MailTables>(db)
    .selectFrom('mail_outbox')
    .select(['message_id', 'ticket_id'])
    .where('message_id', 'in', ids)
    .where('ticket_id', 'is not', null)
    .execute();
  const byId = new Map<string, string>();
  for (const r of [...inbound, ...outbound]) if (r.message_id && r.ticket_id) byId.set(r.message_id, r.ticket_id);
  // `ids` lists In-Reply-To first, then References newest first.
  for (const id of ids) if (byId.has(id)) return byId.get(id)!;
  return null;
}

/** The messages with a Message-ID about a request from the given (lower-case) addresses, oldest first; `sender` lower case. */
export const inboundThread = (db: Db, ticketId: string, senders: string[]) => inboundOf.all(db, { ticketId }, senders);
const inboundOf = prepareList((db: Db, p: { ticketId: string }, senders) =>
  db
    .selectFrom('email_messages')
    .select((eb) => ['message_id', 'received_at', eb.fn<string>('lower', ['from_address']).as('sender')])
    .where('ticket_id', '=', p.ticketId)
    .where('message_id', 'is not', null)
    .where((eb) => eb(eb.fn('lower', ['from_address']), 'in', senders as string[]))
    .orderBy('id'),
);

export interface MessageListQuery {
  statuses?: MessageStatus[];
  /** Only these reasons (auto_reply, bulk, loop, duplicate…). */
  reasons?: string[];
  /** Words in the sender's address or name or the subject. */
  q?: string;
  ticketId?: string;
  /** The id of the last row of the previous page. */
  after?: number;
  limit: number;
}

/** Inbound messages, newest first, without their HTML. */
export function listMessages(db: Db, q: MessageListQuery) {
  let s = db.selectFrom('email_messages').selectAll();
  if (q.statuses?.length) s = s.where('status', 'in', q.statuses);
  if (q.reasons?.length) s = s.where('reason', 'in', q.reasons);
  if (q.q) {
    const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    s = s.where((eb) =>
      eb.or(
        (['from_address', 'from_name', 'subject'] as const).map((c) => eb(eb.fn('lower', [eb.fn.coalesce(c, eb.val(''))]), 'like', eb.val(like))),
      ),
    );
  }
  if (q.ticketId) s = s.where('ticket_id', '=', q.ticketId);
  if (q.after !== undefined) s = s.where('id', '<', q.after);
  return s.orderBy('id', 'desc').limit(q.limit).execute();
}

// Failing addresses

export const findFailingAddresses = async (db: Db, addresses: string[]) => (addresses.length ? failingOf.all(db, {}, addresses) : []);
const failingOf = prepareList((db: Db, _p: Record<string, never>, addresses) => db.selectFrom('email_failing_addresses').select('address').where('address', 'in', addresses as string[]));

export const listFailingAddresses = (db: Db, limit: number) =>
  db.selectFrom('email_failing_addresses').selectAll().orderBy('last_failed_at', 'desc').limit(limit).execute();

/** Records a permanent delivery failure for an address (one more, if it had failed before). */
export async function markFailing(db: Db, row: { address: string; statusCode: string | null; diagnostic: string | null; at: string; messageId: string }) {
  await db
    .insertInto('email_failing_addresses')
    .values({
      address: row.address,
      status_code: row.statusCode,
      diagnostic: row.diagnostic,
      bounce_count: 1,
      first_failed_at: row.at,
      last_failed_at: row.at,
      message_id: row.messageId,
    })
    .onConflict((oc) =>
      oc.column('address').doUpdateSet((eb) => ({
        status_code: row.statusCode,
        diagnostic: row.diagnostic,
        bounce_count: eb('email_failing_addresses.bounce_count', '+', 1),
        last_failed_at: row.at,
        message_id: row.messageId,
      })),
    )
    .execute();
}

export const clearFailing = (db: Db, address: string) =>
  db.deleteFrom('email_failing_addresses').where('address', '=', address).executeTakeFirst();

// Retention

/**
 * Removes the originals (.eml) of messages received before `before` from the file store, a batch at
 * a time: the rows are marked first, in their own short transaction, then the files go, so that a
 * row never names a file that is gone without saying so. The message rows stay (they link requests).
 */
export async function purgeOriginals(db: Db, files: { remove(key: string): Promise<void> }, before: string, now: string, batch = PURGE_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db
      .selectFrom('email_messages')
      .select(['id', 'raw_file_key'])
      .where('raw_purged_at', 'is', null)
      .where('received_at', '<', before)
      .orderBy('received_at')
      .orderBy('id')
      .limit(batch)
      .execute();
    if (!rows.length) return total;
    await db.updateTable('email_messages').set({ raw_purged_at: now }).where('id', 'in', rows.map((r) => r.id)).where('raw_purged_at', 'is', null).execute();
    // A key may be shared by a message delivered again (see intake): its file goes once no kept row names it.
    const keys = [...new Set(rows.map((r) => r.raw_file_key))];
    const stillKept = new Set(
      (await db.selectFrom('email_messages').select('raw_file_key').where('raw_file_key', 'in', keys).where('raw_purged_at', 'is', null).execute()).map((r) => r.raw_file_key),
    );
    for (const key of keys) if (!stillKept.has(key)) await files.remove(key);
    total += rows.length;
    if (rows.length < batch) return total;
  }
}

/** The mailbox the request's first message came in by (null: not by mail, or by the SMTP listener without one). */
export const mailboxOfTicket = async (db: Db, ticketId: string) =>
  (await db.selectFrom('email_messages').select('mailbox_id').where('ticket_id', '=', ticketId).orderBy('id').limit(1).executeTakeFirst())?.mailbox_id ?? null;
