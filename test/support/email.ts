import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { TestApp } from './app.js';
import { startSmtpIntake } from '../../src/modules/channels/email/index.js';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { DnsResolver } from '../../src/modules/channels/email/transport/mail-auth.js';
import { memoryResolver } from './mail-dns.js';

export const CORPUS_DIR = path.resolve(__dirname, '../fixtures/email');

/**
 * The SMTP listener of a test app, on a free loopback port, for the tests of one `describe`. Its
 * DNS (for SPF, DKIM, DMARC) is answered from memory: by default no name exists, so no sender passes.
 */
export function useSmtpListener(t: TestApp, opts: { resolver?: DnsResolver } = {}) {
  const ctx = {} as { port: number; close(): Promise<void> };
  beforeAll(async () => {
    const listener = await startSmtpIntake(t.td.app, pino({ level: 'silent' }), { host: '127.0.0.1', port: 0, resolver: opts.resolver ?? memoryResolver() });
    Object.assign(ctx, { port: listener.port, close: listener.close });
  });
  afterAll(async () => ctx.close?.());
  return ctx;
}

/** What an SMTP server answered to a message: the final reply of its DATA, or the error. */
export interface SmtpAnswer {
  ok: boolean;
  code: number | null;
  response: string;
}

/**
 * Sends a raw message over real SMTP (nodemailer, one connection per message) to a listener on
 * loopback, with the envelope given, and resolves with the server's answer.
 */
export async function sendRaw(port: number, raw: Buffer | string, envelope: { from: string; to: string[] }): Promise<SmtpAnswer> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 10_000, socketTimeout: 20_000 });
  try {
    const info = await transport.sendMail({ envelope, raw });
    return { ok: true, code: Number(/^(\d{3})/.exec(info.response)?.[1] ?? 250), response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? null, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}

/** A corpus message with its placeholders (`%%NAME%%`) filled in. */
export function corpusMessage(file: string, values: Record<string, string> = {}): Buffer {
  const raw = fs.readFileSync(path.join(CORPUS_DIR, file));
  if (!raw.includes('%%')) return raw;
  // Placeholders are ASCII; latin1 round-trips every other byte (8-bit charsets) unchanged.
  const text = raw.toString('latin1').replace(/%%([A-Z0-9_:-]+)%%/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`${file}: no value for %%${name}%%`);
    return values[name]!;
  });
  return Buffer.from(text, 'latin1');
}

/** A minimal message built in a test. */
export function buildMessage(h: { from: string; to?: string; subject: string; messageId?: string; inReplyTo?: string; headers?: Record<string, string> }, body: string): string {
  const lines = [
    `From: ${h.from}`,
    `To: ${h.to ?? 'support@desk.test'}`,
    `Subject: ${h.subject}`,
    `Date: Wed, 25 Nov 2026 10:00:00 +0300`,
    `Message-ID: <${h.messageId ?? `${Math.random().toString(36).slice(2)}.${Date.now()}@test.local`}>`,
    ...(h.inReplyTo ? [`In-Reply-To: <${h.inReplyTo}>`, `References: <${h.inReplyTo}>`] : []),
    ...Object.entries(h.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ];
  return lines.join('\r\n');
}
