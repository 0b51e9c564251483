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
});
