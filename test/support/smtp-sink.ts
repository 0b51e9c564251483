import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the SMTP server received it. */
export interface Received {
  from: string;
  to: string[];
  raw: string;
  mail: ParsedMail;
}

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps what it receives, for tests
 * of outgoing mail. `answer` decides per recipient: a reply code of 4xx or 5xx refuses it.
 */
export class SmtpSink {
  received: Received[] = [];
  answer: (address: string) => { code: number; message: string } | null = () => null;
  /** Milliseconds to wait before accepting each message (to make deliveries overlap). */
  delayMs = 0;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo: (address, _session, callback) => {
      const refusal = this.answer(address.address);
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = await simpleParser(raw);
        if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        this.received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw, mail });
        callback();
      });
    },
  });

  /** Starts listening on a free port; returns the SMTP_URL that reaches it. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The messages received since the last call. */
  take(): Received[] {
    const out = this.received;
    this.received = [];
    return out;
  }
}
