import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { openDatabase } from '../../src/core/db/connect.js';
import { createMailDelivery } from '../../src/core/mail/mailer.js';
import { enqueueMail, mailRetryDelayMs } from '../../src/core/mail/outbox.js';
import type { DB } from '../../src/modules/db.js';
import { useTestApp, type TestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';

const START = '2026-11-25T07:00:00.000Z';

const sink = new SmtpSink();
const env: Record<string, string> = { MAIL_MAX_ATTEMPTS: '3' };
beforeAll(async () => {
  env.SMTP_URL = await sink.start();
});
afterAll(() => sink.close());

/** Queues `n` messages to addresses `prefix-<i>@example.test`; returns their outbox ids. */
async function queue(t: TestApp, prefix: string, n = 1) {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await enqueueMail(t.td.app.db, { to: `${prefix}-${i}@example.test`, subject: `${prefix} ${i}`, text: 'Body' })).id);
  return ids;
}
const row = (t: TestApp, id: number) => t.td.app.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const receivedBy = (prefix: string) => sink.received.filter((m) => m.to[0]!.startsWith(`${prefix}-`));

describe.each(DATABASES)('delivery of the mail outbox (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, env, { clock });
  const tick = () => createMailDelivery(t.td.app).tick();

  it('retries a temporary refusal with backoff, then sends once', async () => {
    await tick();
    sink.take();
    const [id] = await queue(t, 'later');
    sink.answer = (a) => (a.startsWith('later-') ? { code: 451, message: 'Greylisted, try again later' } : null);
    expect(await tick()).toMatchObject({ sent: 0, retried: 1 });
    const waiting = await row(t, id!);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: new Date(clock.now().getTime() + mailRetryDelayMs(1)).toISOString() });
    expect(waiting.last_error).toContain('451');
    sink.answer = () => null;
    // Not before its time, however often the worker looks.
    expect(await tick()).toMatchObject({ sent: 0, retried: 0 });
    clock.advance(mailRetryDelayMs(1));
    expect(await tick()).toMatchObject({ sent: 1 });
    expect(receivedBy('later')).toHaveLength(1);
    expect(await row(t, id!)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(await tick()).toMatchObject({ sent: 0 });
    expect(receivedBy('later')).toHaveLength(1);
    sink.take();
  });

  it('makes a dead letter of a permanent refusal or of the last attempt; an admin sees it and sends it again', async () => {
    const [gone] = await queue(t, 'gone');
    const [flaky] = await queue(t, 'flaky');
    sink.answer = (a) => (a.startsWith('gone-') ? { code: 550, message: 'No such user' } : a.startsWith('flaky-') ? { code: 421, message: 'Busy' } : null);
    await tick();
    expect(await row(t, gone!)).toMatchObject({ status: 'failed', attempts: 1 });
    for (let attempt = 1; attempt < 3; attempt++) {
      clock.advance(mailRetryDelayMs(attempt));
      await tick();
    }
    expect(await row(t, flaky!)).toMatchObject({ status: 'failed', attempts: 3 }); // MAIL_MAX_ATTEMPTS
    expect(sink.take()).toEqual([]);

    const admin = await t.login('admin@demo.test');
    const list = (await admin.get('/api/v1/admin/mail/dead-letters')).body.items;
    const dead = list.find((d: any) => d.id === gone);
    expect(dead).toMatchObject({ channel: 'email', to: 'gone-0@example.test', subject: 'gone 0', attempts: 1, failedAt: expect.any(String) });
    expect(dead.lastError).toContain('550');
    expect(list.find((d: any) => d.id === flaky).lastError).toContain('421');
    const page = await admin.get('/api/v1/admin/mail/dead-letters?limit=1');
    expect(page.body.items).toHaveLength(1);
    expect((await admin.get(`/api/v1/admin/mail/dead-letters?limit=1&cursor=${page.body.nextCursor}`)).body.items[0].id).toBeLessThan(page.body.items[0].id);

    sink.answer = () => null;
    expect((await admin.post(`/api/v1/admin/mail/dead-letters/${gone}/retry`)).status).toBe(202);
    expect((await admin.post(`/api/v1/admin/mail/dead-letters/${gone}/retry`)).status).toBe(404); // no longer dead
    await tick();
    expect(receivedBy('gone')).toHaveLength(1);
    expect(await row(t, gone!)).toMatchObject({ status: 'sent' });
    expect((await admin.get('/api/v1/admin/mail/dead-letters')).body.items.map((d: any) => d.id)).not.toContain(gone);
    sink.take();
  });

  it('after a crash: a lapsed claim is taken over and sent once; a send cut off midway is never repeated by itself', async () => {
    const [claimed, sending] = await queue(t, 'crash', 2);
    const db = t.td.app.db;
    const lease = new Date(clock.now().getTime() + 5 * 60_000).toISOString();
    // A worker claimed the first and died; another died after it had started sending the second.
    await db.updateTable('mail_outbox').set({ claimed_by: 'dead-worker#1', claimed_until: lease }).where('id', '=', claimed!).execute();
    await db.updateTable('mail_outbox').set({ claimed_by: 'dead-worker#1', claimed_until: lease, status: 'sending' }).where('id', '=', sending!).execute();
    expect(await tick()).toMatchObject({ sent: 0, interrupted: 0 });
    clock.advance(5 * 60_000);
    expect(await tick()).toMatchObject({ sent: 1, interrupted: 1 });
    expect(sink.take().map((m) => m.to[0])).toEqual(['crash-0@example.test']);
    const interrupted = await row(t, sending!);
    expect(interrupted).toMatchObject({ status: 'failed' });
    expect(interrupted.last_error).toMatch(/may or may not have been delivered/);
    expect(await tick()).toMatchObject({ sent: 0, interrupted: 0 });
    expect(sink.take()).toEqual([]);
    // The admin decides: sent again, once, with the Message-ID it had.
    await (await t.login('admin@demo.test')).post(`/api/v1/admin/mail/dead-letters/${sending}/retry`);
    await tick();
    const [again] = sink.take();
    expect(again!.mail.messageId).toBe(`<${(await row(t, sending!)).message_id}>`);
  });

  it('a stopping worker finishes the message in hand and gives back the rest of its batch at once', async () => {
    const ids = await queue(t, 'stop', 3);
    const stopping = new AbortController();
    // Stopped while the first message is being sent.
    const delivery = createMailDelivery(t.td.app, undefined, {
      transport: {
        send: async (m) => {
          stopping.abort();
          await createMailDelivery(t.td.app).transport.send(m);
        },
      },
    });
    expect(await delivery.tick(10, stopping.signal)).toMatchObject({ sent: 1 });
    expect(receivedBy('stop').map((m) => m.to[0])).toEqual(['stop-0@example.test']);
    for (const id of ids.slice(1)) expect(await row(t, id)).toMatchObject({ status: 'pending', claimed_by: null, claimed_until: null, attempts: 0 });
    // Another worker sends them without waiting for a lease to run out.
    expect(await tick()).toMatchObject({ sent: 2 });
    expect(receivedBy('stop').map((m) => m.to[0]).sort()).toEqual(['stop-0@example.test', 'stop-1@example.test', 'stop-2@example.test']);
    sink.take();
  });

  it('several workers at once send every message exactly once', async () => {
    const ids = await queue(t, 'many', 40);
    sink.delayMs = 5;
    // On PostgreSQL the third worker has a connection pool of its own, as another process would.
    const schema = kind === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(t.td.app.db)).rows[0]!.s : undefined;
    const other = schema ? openDatabase<DB>(t.config.databaseUrl, { pgSchema: schema, poolSize: 2 }) : undefined;
    const worker = (n: number, db = t.td.app.db) => createMailDelivery({ ...t.td.app, db }, undefined, { workerId: `worker-${n}` });
    const workers = [worker(1), worker(2), worker(3, other?.db)];
    const drain = async (w: ReturnType<typeof worker>) => {
      let sent = 0;
      for (;;) {
        const c = await w.tick(4);
        sent += c.sent;
        if (c.sent + c.retried + c.failed === 0) return sent;
      }
    };
    const sent = await Promise.all(workers.map(drain));
    await other?.close();
    sink.delayMs = 0;
    expect(sent.reduce((a, b) => a + b, 0)).toBe(40);
    const got = receivedBy('many').map((m) => m.to[0]!).sort();
    expect(got).toEqual(ids.map((_, i) => `many-${i}@example.test`).sort());
    expect(new Set(receivedBy('many').map((m) => m.mail.messageId)).size).toBe(40);
    sink.take();
  });

  it('retries when the SMTP server cannot be reached', async () => {
    const [id] = await queue(t, 'down');
    const delivery = createMailDelivery({ ...t.td.app, config: { ...t.td.app.config, smtpUrl: 'smtp://127.0.0.1:1' } });
    expect(await delivery.tick()).toMatchObject({ retried: 1 });
    expect((await row(t, id!)).last_error).toMatch(/ECONNREFUSED/);
    clock.advance(mailRetryDelayMs(1));
    await tick();
    expect(receivedBy('down')).toHaveLength(1);
    sink.take();
  });
});

describe.each(DATABASES)('outgoing mail without a mail server (%s)', (kind) => {
  const t = useTestApp(kind);

  it('writes each message as an .eml file under DATA_DIR/mail and says so in the log', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const { id } = await enqueueMail(t.td.app.db, { to: 'someone@example.test', subject: '[TD-000001] Re: Offline', text: 'Written to a file', messageId: 'TD-000001.abc@desk.test', inReplyTo: 'TD-000001.abb@desk.test', references: ['TD-000001.abb@desk.test'], replyTo: 'support@desk.test' });
    const counts = await createMailDelivery(t.td.app, logger).tick();
    expect(counts.sent).toBeGreaterThanOrEqual(1);
    const file = path.join(t.dataDir, 'mail', `${String(id).padStart(8, '0')}.eml`);
    const eml = fs.readFileSync(file, 'utf8');
    expect(eml).toMatch(/^Message-ID: <TD-000001\.abc@desk\.test>$/m);
    expect(eml).toMatch(/^In-Reply-To: <TD-000001\.abb@desk\.test>$/m);
    expect(eml).toMatch(/^Reply-To: support@desk\.test$/m);
    expect(eml).toContain('Written to a file');
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.file === file);
    expect(logged).toMatchObject({ to: 'someone@example.test', subject: '[TD-000001] Re: Offline' });
  });
});
