import { sql } from 'kysely';
import type { Generated } from 'kysely';
import type { ModuleMigration } from '../../../core/db/migrate.js';

/** How a mailbox's mail reaches the desk: relayed to the built-in SMTP listener, or polled over IMAP. */
export type MailboxKind = 'smtp' | 'imap';
/** What the poller does to an IMAP message once it is committed: flag it (\Seen and a keyword) or move it. */
export type DoneAction = 'flag' | 'move';
/**
 * What a mailbox does with mail that fails authentication (see transport/mail-auth.ts) and comes
 * from a known person's address: hold it in quarantine, or take it in marked as an unverified sender.
 */
export type AuthPolicy = 'quarantine' | 'accept_unverified';
/**
 * What became of an inbound message: it opened a request, was added to one, was ignored as noise
 * (auto-replies, bulk and list mail, loops), was a delivery failure notice, waits in quarantine,
 * or was the same message delivered again (duplicate: a row of the log, nothing else changed).
 */
export type MessageStatus = 'created' | 'appended' | 'ignored' | 'bounce' | 'quarantined' | 'duplicate';
export const MESSAGE_STATUSES: MessageStatus[] = ['created', 'appended', 'ignored', 'bounce', 'quarantined', 'duplicate'];

export interface EmailTables {
  email_mailboxes: {
    id: string;
    /** The desk address, lower case; unique. */
    address: string;
    name: string;
    kind: MailboxKind;
    /** Mail to this address opens requests of this organization; null: route by sender. */
    organization_id: string | null;
    imap_host: string | null;
    imap_port: number | null;
    imap_secure: number;
    imap_user: string | null;
    imap_password: string | null;
    imap_folder: string;
    done_action: DoneAction;
    move_to: string | null;
    active: number;
    /** Which process polls it (IMAP), until when: several workers never poll one mailbox at once. */
    poll_owner: string | null;
    poll_lease_until: string | null;
    last_polled_at: string | null;
    last_error: string | null;
    /** For a mailbox that routes by sender: where unknown senders of no client's domain become requesters; null: quarantined. */
    walk_in_organization_id: string | null;
    auth_policy: AuthPolicy;
    /** IMAP: the authserv-id of the provider whose Authentication-Results header is trusted instead of checking here. */
    trusted_authserv_id: string | null;
    created_at: string;
    updated_at: string;
  };
  email_messages: {
    /** In arrival order. */
    id: Generated<number>;
    mailbox_id: string | null;
    source: 'smtp' | 'imap';
    /** The Message-ID without angle brackets (null if it had none). */
    message_id: string | null;
    /** What makes a message the same message delivered again: its Message-ID, else a hash of its bytes. */
    dedupe_key: string;
    envelope_from: string | null;
    from_address: string | null;
    from_name: string | null;
    subject: string;
    received_at: string;
    /** The original message, byte for byte, in the file store (until removed by retention). */
    raw_file_key: string;
    /** When retention removed the original from the file store; null while it is kept. */
    raw_purged_at: string | null;
    raw_size: number;
    status: MessageStatus;
    /** Why it was ignored or quarantined (a code; see email.messages.ts). */
    reason: string | null;
    /** Technical detail of a failure, for admins. */
    detail: string | null;
    ticket_id: string | null;
    entry_id: number | null;
    person_id: string | null;
    organization_id: string | null;
    /** The message's HTML body, sanitized; null when it had none. */
    html_body: string | null;
    /** JSON array of {filename, contentType, size, reason} for attachments that were not accepted. */
    skipped_attachments: string;
    /** Whether the From passed authentication ('pass', 'fail'); null: not checked. */
    auth_verdict: 'pass' | 'fail' | null;
    /** What the checks said, e.g. `spf=pass dkim=none dmarc=fail (p=REJECT) arc=none`. */
    auth_summary: string | null;
    /** How many times it was processed (re-processing adds one). */
    attempts: number;
    /** What was trimmed off the text the request shows (quoted history, signature), for "show quoted text". */
    quoted_text: string | null;
    /** The message was signed (multipart/signed): JSON {kind: smime|pgp, status: valid|invalid|unverified, signer}; null when not. */
    signature: string | null;
    processed_at: string;
  };
  email_failing_addresses: {
    address: string;
    /** The delivery status code of the last failure, e.g. 5.1.1. */
    status_code: string | null;
    diagnostic: string | null;
    bounce_count: number;
    first_failed_at: string;
    last_failed_at: string;
    /** The bounce that last marked it. */
    message_id: string | null;
  };
}

export const emailMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-30-email-mailboxes',
    async up(db, t) {
      await db.schema
        .createTable('email_mailboxes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('address', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id'))
        .addColumn('imap_host', 'text')
        .addColumn('imap_port', 'integer')
        .addColumn('imap_secure', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('imap_user', 'text')
        .addColumn('imap_password', 'text')
        .addColumn('imap_folder', 'text', (c) => c.notNull().defaultTo('INBOX'))
        .addColumn('done_action', 'text', (c) => c.notNull().defaultTo('flag'))
        .addColumn('move_to', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('poll_owner', 'text')
        .addColumn('poll_lease_until', t.timestamp)
        .addColumn('last_polled_at', t.timestamp)
        .addColumn('last_error', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '2026-11-26-31-email-messages',
    async up(db, t) {
      await db.schema
        .createTable('email_messages')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('mailbox_id', 'text', (c) => c.references('email_mailboxes.id').onDelete('set null'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .addColumn('envelope_from', 'text')
        .addColumn('from_address', 'text')
        .addColumn('from_name', 'text')
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('received_at', t.timestamp, (c) => c.notNull())
        .addColumn('raw_file_key', 'text', (c) => c.notNull())
        .addColumn('raw_size', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('detail', 'text')
        .addColumn('ticket_id', 'text', (c) => c.references('tickets.id').onDelete('set null'))
        .addColumn('entry_id', 'bigint')
        .addColumn('person_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('set null'))
        .addColumn('html_body', 'text')
        .addColumn('skipped_attachments', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('processed_at', t.timestamp, (c) => c.notNull())
        .execute();
      // Threading: a reply names the Message-IDs it answers.
      await db.schema.createIndex('email_messages_message_id').on('email_messages').column('message_id').execute();
      // The per-sender rate limit counts a sender's recent messages.
      await db.schema.createIndex('email_messages_sender').on('email_messages').columns(['from_address', 'received_at']).execute();
      // The admin lists (quarantine first of all), newest first.
      await db.schema.createIndex('email_messages_status').on('email_messages').columns(['status', 'id']).execute();
      await db.schema.createIndex('email_messages_ticket').on('email_messages').columns(['ticket_id', 'id']).execute();
    },
  },
  {
    name: '2026-11-26-32-email-failing-addresses',
    async up(db, t) {
      await db.schema
        .createTable('email_failing_addresses')
        .addColumn('address', 'text', (c) => c.primaryKey())
        .addColumn('status_code', 'text')
        .addColumn('diagnostic', 'text')
        .addColumn('bounce_count', 'integer', (c) => c.notNull())
        .addColumn('first_failed_at', t.timestamp, (c) => c.notNull())
        .addColumn('last_failed_at', t.timestamp, (c) => c.notNull())
        .addColumn('message_id', 'text')
        .execute();
    },
  },
  {
    name: '2026-12-06-20-email-authentication',
    async up(db) {
      await db.schema.alterTable('email_mailboxes').addColumn('walk_in_organization_id', 'text', (c) => c.references('organizations.id').onDelete('set null')).execute();
      await db.schema.alterTable('email_mailboxes').addColumn('auth_policy', 'text', (c) => c.notNull().defaultTo('quarantine')).execute();
      await db.schema.alterTable('email_mailboxes').addColumn('trusted_authserv_id', 'text').execute();
      await db.schema.alterTable('email_messages').addColumn('auth_verdict', 'text').execute();
      await db.schema.alterTable('email_messages').addColumn('auth_summary', 'text').execute();
    },
  },
  {
    name: '2026-12-06-40-email-original-retention',
    async up(db, t) {
      await db.schema.alterTable('email_messages').addColumn('raw_purged_at', t.timestamp).execute();
      // Retention walks the originals still kept, oldest first.
      await db.schema.createIndex('email_messages_raw_kept').on('email_messages').columns(['received_at', 'id']).where(sql.ref('raw_purged_at'), 'is', null).execute();
    },
  },
  {
    name: '2026-12-06-10-email-quoted-text-signature',
    async up(db) {
      await db.schema.alterTable('email_messages').addColumn('quoted_text', 'text').execute();
      await db.schema.alterTable('email_messages').addColumn('signature', 'text').execute();
      // The inbound log searched by reason (auto_reply, duplicate…), newest first.
      await db.schema.createIndex('email_messages_reason').on('email_messages').columns(['reason', 'id']).execute();
    },
  },
  {
    name: '2026-12-08-6-email-sender-index-status',
    async up(db) {
      // The rate limit counts a sender's recent messages but duplicates: with the status in the index,
      // counting reads the index alone, not every message's row.
      await db.schema.dropIndex('email_messages_sender').execute();
      await db.schema.createIndex('email_messages_sender').on('email_messages').columns(['from_address', 'received_at', 'status']).execute();
    },
  },
];
