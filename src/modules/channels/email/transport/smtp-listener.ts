import crypto from 'node:crypto';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { lazy } from '../../../../core/lazy.js';

const smtpServer = lazy(() => import('smtp-server'));

/**
 * An SMTP listener for mail relayed to the desk (no domain words: what a message means is the
 * handler's business). It accepts a recipient only if the handler does, and answers the end of
 * DATA only once the handler's promise settles: 250 after it resolved (the message is committed),
 * 451 if it failed (the relay keeps the message and tries again), 552 if the message is too large.
 * It never relays: a recipient the handler does not know gets 550. With a certificate it offers
 * STARTTLS; with credentials it takes mail only from clients that signed in (relays).
 */
export interface SmtpHandler {
  acceptRecipient(address: string): Promise<boolean>;
  deliver(message: {
    raw: Buffer;
    envelopeFrom: string;
    recipients: string[];
    remoteAddress: string;
    /** The name the client gave in EHLO/HELO. */
    helo: string;
    /** The client signed in (a relay): the message's origin is in its Received header, not the connection. */
    relay: boolean;
  }): Promise<void>;
}

export interface SmtpListenerOptions {
  host: string;
  /** 0: any free port (see `port` on the result). */
  port: number;
  maxBytes: number;
  /** The name the listener greets with. */
  name?: string;
  handler: SmtpHandler;
  /** PEM certificate and key: STARTTLS is offered. */
  tls?: { cert: Buffer; key: Buffer } | null;
  /** Credentials a client must sign in with (AUTH PLAIN or LOGIN) before it may send. */
  auth?: { user: string; password: string } | null;
  onError?(err: Error): void;
}

export interface SmtpListener {
  host: string;
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** Compares in time that depends only on the lengths of the hashes, not on where the strings differ. */
const sameSecret = (a: string, b: string) =>
  crypto.timingSafeEqual(crypto.createHash('sha256').update(a).digest(), crypto.createHash('sha256').update(b).digest());

export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const server = new (await smtpServer()).SMTPServer({
    name: opts.name ?? 'tierdesk',
    banner: 'Tierdesk mail intake',
    secure: false,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : { hideSTARTTLS: true }),
    authOptional: !opts.auth,
    authMethods: ['PLAIN', 'LOGIN'],
    // Credentials cross the wire in the clear only when no certificate is configured (a relay on loopback).
    allowInsecureAuth: !opts.tls,
    disabledCommands: [...(opts.auth ? [] : ['AUTH']), ...(opts.tls ? [] : ['STARTTLS'])],
    size: opts.maxBytes,
    maxClients: 200,
    socketTimeout: 60_000,
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = !!opts.auth && auth.method !== 'XOAUTH2' && sameSecret(auth.username ?? '', opts.auth.user) && sameSecret(auth.password ?? '', opts.auth.password);
      callback(ok ? null : smtpError(535, '5.7.8 Authentication credentials invalid'), ok ? { user: opts.auth!.user } : undefined);
    },
    onRcptTo(address, _session, callback) {
      opts.handler
        .acceptRecipient(address.address)
        .then((ok) => callback(ok ? undefined : smtpError(550, '5.1.1 No such mailbox here')))
        .catch((err: Error) => {
          opts.onError?.(err);
          callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
        });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, reply) {
      // One answer per message, whatever the stream does.
      let answered = false;
      const callback: typeof reply = (...args) => {
        if (answered) return;
        answered = true;
        reply(...args);
      };
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= opts.maxBytes) chunks.push(c);
      });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded || size > opts.maxBytes) return callback(smtpError(552, '5.3.4 Message too big'));
        const mailFrom = session.envelope.mailFrom;
        opts.handler
          .deliver({
            raw: Buffer.concat(chunks, size),
            envelopeFrom: mailFrom ? mailFrom.address : '',
            recipients: session.envelope.rcptTo.map((r) => r.address),
            remoteAddress: session.remoteAddress,
            helo: session.hostNameAppearsAs ?? '',
            relay: !!session.user,
          })
          .then(() => callback(null, 'Message accepted'))
          .catch((err: Error) => {
            opts.onError?.(err);
            callback(smtpError(451, '4.3.0 The message could not be stored; try again later'));
          });
      });
    },
  });
  server.on('error', (err) => opts.onError?.(err));
  await new Promise<void>((resolve, reject) => {
    const server_ = server.server;
    server_.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server_.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    host: opts.host,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
