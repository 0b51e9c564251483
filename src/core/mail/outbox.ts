import fs from 'node:fs/promises';
import path from 'node:path';
import type { Generated, Kysely } from 'kysely';
import { narrow } from '../db/connect.js';
import nodemailer from 'nodemailer';
import type { ModuleMigration } from '../db/migrate.js';
import { nowIso } from '../ids/ids.js';

export interface MailTables {
  mail_outbox: {
    id: Generated<number>;
    to_address: string;
    subject: string;
    text_body: string;
    status: 'pending' | 'sent' | 'failed';
    attempts: Generated<number>;
    last_error: string | null;
    created_at: string;
    sent_at: string | null;
  };
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
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
];

/** Queues a message in the caller's transaction: it is sent only if the change commits. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function enqueueMail(trx: Kysely<any>, mail: OutgoingMail): Promise<void> {
  await narrow<MailTables>(trx)
    .insertInto('mail_outbox')
    .values({ to_address: mail.to, subject: mail.subject, text_body: mail.text, status: 'pending', created_at: nowIso() })
    .execute();
}

/** Something that sends a message. */
export interface MailTransport {
  send(mail: OutgoingMail & { id: number; from: string }): Promise<void>;
}

/** The embedded default: each message is written as an .eml file under `dir`, named by its outbox id. */
export function fileTransport(dir: string): MailTransport {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await builder.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text });
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, `${String(mail.id).padStart(8, '0')}.eml`), info.message as Buffer);
    },
  };
}

const MAX_ATTEMPTS = 5;

/**
 * Sends pending messages, oldest first. A message is marked sent after its transport succeeded; one
 * that fails MAX_ATTEMPTS times is marked failed with the error, never dropped.
 */
export async function deliverPendingMail(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  anyDb: Kysely<any>,
  transport: MailTransport,
  from: string,
  batch = 50,
): Promise<number> {
  const db = narrow<MailTables>(anyDb);
  const pending = await db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(batch)
    .execute();
  for (const m of pending) {
    try {
      await transport.send({ id: Number(m.id), from, to: m.to_address, subject: m.subject, text: m.text_body });
      await db.updateTable('mail_outbox').set({ status: 'sent', sent_at: nowIso() }).where('id', '=', m.id).execute();
    } catch (err) {
      const attempts = m.attempts + 1;
      await db
        .updateTable('mail_outbox')
        .set({ attempts, last_error: String(err), status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending' })
        .where('id', '=', m.id)
        .execute();
    }
  }
  return pending.length;
}
