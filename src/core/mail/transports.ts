import fs from 'node:fs/promises';
import path from 'node:path';
import { lazy } from '../lazy.js';

const nodemailer = lazy(async () => (await import('nodemailer')).default);

/** A message as a transport sends it; Message-IDs without angle brackets. */
export interface OutgoingMessage {
  id: number;
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  replyTo?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  headers?: Record<string, string>;
}

/** What a transport may learn when a message is accepted: the provider's id for it. */
export interface SendReceipt {
  externalId?: string | null;
}

/** Something that sends a message; it throws when the message was not accepted. */
export interface MailTransport {
  send(mail: OutgoingMessage): Promise<void | SendReceipt>;
  close?(): void;
}

const bracket = (id: string) => `<${id}>`;

/** The message in nodemailer's terms: the same for every transport, so a file shows what SMTP would send. */
function message(mail: OutgoingMessage) {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: bracket(mail.messageId),
    ...(mail.replyTo && { replyTo: mail.replyTo }),
    ...(mail.inReplyTo && { inReplyTo: bracket(mail.inReplyTo) }),
    ...(mail.references?.length && { references: mail.references.map(bracket) }),
    ...(mail.headers && { headers: mail.headers }),
  };
}

/**
 * The embedded default, which needs no mail server: each message is written as an .eml file under
 * `dir`, named by its outbox id, and reported to `log` (the process log) so that it can be seen.
 */
export function fileTransport(dir: string, log?: (info: { to: string; subject: string; file: string }) => void): MailTransport {
  const builder = lazy(async () => (await nodemailer()).createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  return {
    async send(mail) {
      const info = await (await builder()).sendMail(message(mail));
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(dir, `${String(mail.id).padStart(8, '0')}.eml`);
      await fs.writeFile(file, info.message as Buffer);
      log?.({ to: mail.to, subject: mail.subject, file });
    },
  };
}

/**
 * Sends through an SMTP server given as a URL (`smtp://user:pass@host:587`, `smtps://…:465`). One
 * connection per message keeps a failure confined to its message; the timeouts are shorter than
 * the delivery lease, so a hung server cannot outlast the worker's claim.
 */
export function smtpTransport(url: string): MailTransport {
  const transport = lazy(async () => (await nodemailer()).createTransport({ url, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 }));
  return {
    async send(mail) {
      await (await transport()).sendMail(message(mail));
    },
    close: () => void transport().then((t) => t.close()),
  };
}

/**
 * True when the SMTP server refused the message for good (a 5xx answer), or another transport
 * marked its error `permanent`: retrying cannot help.
 */
export function isPermanentFailure(err: unknown): boolean {
  if ((err as { permanent?: unknown })?.permanent === true) return true;
  const code = (err as { responseCode?: number })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
