import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { enqueueMail } from '../../src/core/mail/outbox.js';
import { receiveMessage } from '../../src/modules/channels/email/index.js';
import { RETENTION_TIMER } from '../../src/modules/retention/index.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

const START = '2026-01-10T09:00:00.000Z';
const DAY = 24 * 3600_000;

const mail = (subject: string) =>
  Buffer.from(
    [`From: Alice <alice@client-a.test>`, 'To: support@desk.test', `Subject: ${subject}`, `Message-ID: <${crypto.randomUUID()}@client-a.test>`, 'Date: Sat, 10 Jan 2026 09:00:00 +0000', '', `${subject}: the printer is jammed again.`, ''].join('\r\n'),
  );

describe.each(DATABASES)('retention (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, { RETENTION_DAYS: '30', EMAIL_ORIGINAL_RETENTION_DAYS: '60' }, { clock });

  it('the daily job purges operational rows past their age in batches; young rows and what is kept by law stay', async () => {
    const app = t.td.app;
    const db = app.db;
    const deliver = (subject: string) => receiveMessage(app, { raw: mail(subject), source: 'smtp', mailbox: null, envelopeFrom: 'alice@client-a.test' });
    const oldMail = await deliver('Old message');
    const oldSession = await t.login('l1@demo.test');
    clock.advance(50 * DAY);
    const youngMail = await deliver('Young message');
    clock.advance(50 * DAY);
    // Now: 100 days after START. Old: 40 days ago; young: 10 days ago.
    const now = clock.now().getTime();
    const at = (days: number) => new Date(now - days * DAY).toISOString();
    const userId = (await db.selectFrom('users').select('id').where('email', '=', 'l2@demo.test').executeTakeFirstOrThrow()).id;

    // More old events than one batch holds, and one young.
    const events = (type: string, n: number, created: string) =>
      Array.from({ length: n }, () => ({ type, subject_type: 'test', subject_id: 'x', actor_id: null, data: '{}', created_at: created }));
    await db.insertInto('events').values(events('test.old', 1200, at(40))).execute();
    await db.insertInto('events').values(events('test.young', 1, at(10))).execute();
    const timer = (key: string, o: { fired?: string; failed?: string }) => ({
      key,
      kind: 'test.kind',
      subject_id: 'x',
      due_at: at(45),
      payload: '{}',
      fired_at: o.fired ?? null,
      failed_at: o.failed ?? null,
    });
    await db
      .insertInto('timers')
      .values([timer('test:old-fired', { fired: at(40) }), timer('test:young-fired', { fired: at(10) }), timer('test:old-failed', { failed: at(40) })])
      .execute();
    const outbox = async (subject: string, status: 'sent' | 'failed', when: string) => {
      const { id } = await enqueueMail(db, { to: 'someone@client-a.test', subject, text: 'x' }, when);
      await db.updateTable('mail_outbox').set({ status, sent_at: status === 'sent' ? when : null }).where('id', '=', id).execute();
    };
    await outbox('old sent', 'sent', at(40));
    await outbox('young sent', 'sent', at(10));
    await outbox('old dead letter', 'failed', at(40));
    await db
      .insertInto('password_resets')
      .values([
        { token_hash: `old-${crypto.randomUUID()}`, user_id: userId, created_at: at(2), expires_at: at(1) },
        { token_hash: `live-${crypto.randomUUID()}`, user_id: userId, created_at: at(0), expires_at: new Date(now + 3600_000).toISOString() },
      ])
      .execute();
    const liveSession = await t.login('l2@demo.test');

    const count = async (table: 'tickets' | 'timeline_entries' | 'audit_log' | 'email_messages') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const timelineIds = async () => (await db.selectFrom('timeline_entries').select('id').execute()).map((r) => Number(r.id));
    const kept = { tickets: await count('tickets'), timeline: await timelineIds(), audit: await count('audit_log'), messages: await count('email_messages') };
    expect(kept.tickets).toBeGreaterThan(0);
    expect(kept.timeline.length).toBeGreaterThan(0);
    expect(kept.audit).toBeGreaterThan(0);

    // The job is a durable timer, set when the app started; it runs with the background work.
    await t.fireAllTimers();

    const types = (await db.selectFrom('events').select('type').where('type', 'like', 'test.%').execute()).map((e) => e.type);
    expect(types).toEqual(['test.young']);
    const keys = (await db.selectFrom('timers').select('key').where('key', 'like', 'test:%').orderBy('key').execute()).map((r) => r.key);
    expect(keys).toEqual(['test:old-failed', 'test:young-fired']);
    const subjects = (await db.selectFrom('mail_outbox').select('subject').where('subject', 'in', ['old sent', 'young sent', 'old dead letter']).orderBy('subject').execute()).map((r) => r.subject);
    expect(subjects).toEqual(['old dead letter', 'young sent']);
    const resets = (await db.selectFrom('password_resets').select('token_hash').where('user_id', '=', userId).execute()).map((r) => r.token_hash.split('-')[0]);
    expect(resets).toEqual(['live']);
    expect(Number((await db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).where('expires_at', '<', clock.now().toISOString()).executeTakeFirstOrThrow()).n)).toBe(0);
    expect((await oldSession.get('/api/v1/me')).status).toBe(401);
    expect((await liveSession.get('/api/v1/me')).status).toBe(200);

    // The original of the old e-mail is gone (the message's record stays); the young one's is there.
    const original = (id: number) => liveSession.get(`/api/v1/email/messages/${id}/original`);
    const gone = await original(oldMail.id);
    expect(gone.status).toBe(409);
    expect(gone.body.message).toContain('removed by retention');
    const young = await original(youngMail.id);
    expect(young.status).toBe(200);
    expect(young.body).toContain('Young message');
    expect((await liveSession.get(`/api/v1/email/messages/${oldMail.id}`)).status).toBe(200);

    // Kept by law: untouched.
    expect(await count('tickets')).toBe(kept.tickets);
    // (the timers fired on the way add entries, SLA breaches: every entry there before is there still)
    expect(await timelineIds()).toEqual(expect.arrayContaining(kept.timeline));
    expect(await count('audit_log')).toBeGreaterThanOrEqual(kept.audit);
    expect(await count('email_messages')).toBe(kept.messages);

    // And the next run is set a day later.
    const next = await db.selectFrom('timers').select('due_at').where('key', '=', RETENTION_TIMER.key).where('fired_at', 'is', null).execute();
    expect(next).toEqual([{ due_at: new Date(now + DAY).toISOString() }]);
  }, 120_000);
});
