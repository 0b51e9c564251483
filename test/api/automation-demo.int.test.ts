import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { buildMessage, sendRaw, useSmtpListener } from '../support/email.js';

/**
 * The demo's automation rules doing their work through the real paths: a monitoring system's mail
 * over SMTP, a request left waiting for the customer (the time rules on the worker's timers).
 */

// Wednesday 25 November 2026, 10:00 in Moscow; client A works Moscow working days (09–13, 14–18).
const START = '2026-11-25T07:00:00.000Z';
const desk = { from: 'relay@mx.desk.test', to: ['support@desk.test'] };

describe.each(DATABASES)('the demo automation rules (%s)', (db) => {
  const clock = new ManualClock(START);
  const t = useTestApp(db, {}, { clock });
  const smtp = useSmtpListener(t);
  let staff: Client;
  let alice: Client;

  beforeAll(async () => {
    // API tokens: sessions expire as the clock moves on by days.
    staff = await t.tokenClient('l1@demo.test');
    alice = await t.tokenClient('alice@client-a.test');
  });

  const timeline = async (id: string) => (await staff.get(`/api/v1/tickets/${id}/timeline`)).body.items as { kind: string; body: string; eventType: string | null }[];

  it('turns mail from the monitoring system into a P2 incident tagged monitoring, and other mail not', async () => {
    const alert = buildMessage({ from: 'Zabbix <monitoring@client-a.test>', subject: 'PROBLEM: Free disk space is less than 5% on srv-db01', messageId: 'zbx-1@client-a.test' }, 'Trigger: Free disk space is less than 5%\nHost: srv-db01');
    expect(await sendRaw(smtp.port, alert, desk)).toMatchObject({ ok: true, code: 250 });
    const plain = buildMessage({ from: 'Alice Petrova <alice@client-a.test>', subject: 'Scanner is offline', messageId: 'alice-1@client-a.test' }, 'The scanner is offline.');
    expect(await sendRaw(smtp.port, plain, desk)).toMatchObject({ ok: true, code: 250 });

    const found = (q: string) => staff.get(`/api/v1/tickets?q=${encodeURIComponent(q)}`).then((r) => r.body.items[0]);
    const incident = (await staff.get(`/api/v1/tickets/${(await found('srv-db01')).id}`)).body;
    expect(incident).toMatchObject({ type: 'incident', priority: 'P2', channel: 'email' });
    expect(incident.tags).toContain('monitoring');
    const other = (await staff.get(`/api/v1/tickets/${(await found('Scanner is offline')).id}`)).body;
    expect(other.tags).not.toContain('monitoring');
    expect(other.priority).not.toBe('P2');
  });

  it('reminds the requester after 3 business days waiting, in their language, and closes after 7', async () => {
    clock.set(START);
    const created = await alice.post('/api/v1/tickets', { subject: 'Нужен доступ к общей папке', description: 'Папка бухгалтерии.' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await staff.patch(`/api/v1/tickets/${id}`, { status: 'pending_customer' })).status).toBe(200);
    const reminders = async () => (await timeline(id)).filter((e) => e.kind === 'reply' && e.body.includes('напоминаем'));

    // Friday evening: only two business days have passed.
    clock.set('2026-11-27T15:00:00.000Z');
    await t.fireAllTimers();
    expect(await reminders()).toHaveLength(0);
    // Monday 10:00 Moscow: three.
    clock.set('2026-11-30T07:01:00.000Z');
    await t.fireAllTimers();
    await t.fireAllTimers();
    expect(await reminders()).toHaveLength(1);
    expect((await staff.get(`/api/v1/tickets/${id}`)).body.status).toBe('pending_customer');
    // Friday 10:00 Moscow: seven business days, closed with a word to the requester.
    clock.set('2026-12-04T07:01:00.000Z');
    await t.fireAllTimers();
    expect((await staff.get(`/api/v1/tickets/${id}`)).body.status).toBe('closed');
    expect((await timeline(id)).filter((e) => e.kind === 'reply' && e.body.includes('7 рабочих дней'))).toHaveLength(1);
    expect(await reminders()).toHaveLength(1);
  });

  it('pages the on-call L2 engineer by SMS for a P1 made out of business hours, and not for one within them', async () => {
    const admin = await t.tokenClient('admin@demo.test');
    const l2 = await t.tokenClient('l2@demo.test');
    const gw = await admin.post('/api/v1/sms/gateways', { name: 'Kannel', kind: 'kannel', unknownSenderPolicy: 'refuse', kannel: { sendsmsUrl: 'http://127.0.0.1:1/cgi-bin/sendsms', username: 'td', password: 'sendsms-password' } });
    expect(gw.status, JSON.stringify(gw.body)).toBe(201);
    expect((await l2.patch('/api/v1/me', { phone: '+7 916 000-00-02', availability: 'available' })).status).toBe(200);
    const aliceId = (await alice.get('/api/v1/me')).body.id as string;
    const p1 = async (subject: string) => {
      const r = await staff.post('/api/v1/tickets', { subject, description: 'Everything is down.', requesterId: aliceId, channel: 'phone', priority: 'P1' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body as { id: string; number: string };
    };
    const sms = (ticketId: string) => t.td.app.db.selectFrom('mail_outbox').select(['to_address', 'text_body']).where('channel', '=', 'sms').where('ticket_id', '=', ticketId).execute();

    // Saturday 22:00 in Moscow: out of client A's business hours.
    clock.set('2026-12-05T19:00:00.000Z');
    const night = await p1('Все серверы недоступны');
    const paged = await sms(night.id);
    expect(paged).toHaveLength(1);
    expect(paged[0]!.to_address).toBe('+79160000002');
    expect(paged[0]!.text_body).toMatch(new RegExp(`^P1 ${night.number}: Все серверы недоступны\\. (Срочно|Urgent)`));

    // Wednesday 11:00 in Moscow: within them, nobody is paged.
    clock.set('2026-12-09T08:00:00.000Z');
    const day = await p1('Сервер печати недоступен');
    expect(await sms(day.id)).toEqual([]);
  });
});
