import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

/**
 * The weekly and monthly report e-mails, driven by durable timers and a manual clock. The app
 * starts on Wednesday 2 June 2027 (the demo data is loaded then): the first weekly report is due on
 * Monday 7 June at 07:00 in Moscow (04:00Z), the first monthly one on 1 July at 07:00.
 *
 * Weekly Org (plan of 30 hours a month, its IT manager reads Russian) has three requests that
 * week; one is resolved; one hour of billable work: the week's report (31 May – 6 June) to its IT
 * manager says received 3, resolved 1, open at the end 2, billable 1 h, included 30 × 1/31 for May
 * plus 30 × 6/30 for June = 6.97 h, which reads "7" with one decimal at most.
 */
const START = '2027-06-02T09:00:00.000Z';
const PASSWORD = 'weekly-test-password';

describe.each(DATABASES)('scheduled reports (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  const fire = () => t.fireAllTimers();
  const tokenClient = (email: string, password?: string) => t.tokenClient(email, password);
  const ok = <R extends { status: number; body: any }>(r: R, status = 200) => {
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /** The report e-mails sent so far (their subjects name the kind of report). */
  const reportMails = () =>
    t.td.app.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body'])
      .where((eb) => eb.or(['weekly', 'monthly', 'недельный', 'месячный'].map((w) => eb('subject', 'like', `Tierdesk: ${w} %`))))
      .orderBy('id')
      .execute();
  const pending = (key: string) =>
    t.td.app.db.selectFrom('timers').select('due_at').where('key', '=', key).where('fired_at', 'is', null).where('failed_at', 'is', null).execute();
  let manager: Client;
  const ids = {} as Record<string, string>;

  beforeAll(async () => {
    const admin = await tokenClient('admin@demo.test');
    manager = await tokenClient('manager@demo.test');
    const plan = ok(await admin.post('/api/v1/plans', { code: 'weekly-test', name: 'Weekly Test', coverage: 'round_the_clock', includedHours: 30, channels: ['web'] }), 201);
    ids.org = ok(await admin.post('/api/v1/organizations', { name: 'Weekly Org', planId: plan.id }), 201).id;
    for (const [email, role, locale] of [['wendy@weekly.test', 'requester', 'en'], ['it@weekly.test', 'client_manager', 'ru']] as const)
      ok(await admin.post('/api/v1/users', { email, name: email.split('@')[0], role, organizationId: ids.org, locale, password: PASSWORD }), 201);
    const wendy = await tokenClient('wendy@weekly.test', PASSWORD);
    const l1 = await tokenClient('l1@demo.test');
    const made: string[] = [];
    for (const at of ['2027-06-02T10:00:00.000Z', '2027-06-03T10:00:00.000Z', '2027-06-04T10:00:00.000Z']) {
      clock.set(at);
      made.push(ok(await wendy.post('/api/v1/tickets', { subject: 'Weekly', description: 'Something' }), 201).id);
    }
    clock.set('2027-06-04T10:30:00.000Z');
    ok(await l1.patch(`/api/v1/tickets/${made[0]}`, { status: 'resolved' }));
    ok(await l1.post(`/api/v1/tickets/${made[0]}/work-entries`, { startedAt: '2027-06-02T11:00:00.000Z', minutes: 60, activity: 'remote' }), 201);
  });

  it('sets the first runs when the app starts: Monday 07:00 and the 1st at 07:00 in the provider\'s time zone', async () => {
    expect(await pending('reports:weekly')).toEqual([{ due_at: '2027-06-07T04:00:00.000Z' }]);
    expect(await pending('reports:monthly')).toEqual([{ due_at: '2027-07-01T04:00:00.000Z' }]);
  });

  it('sends the past week\'s report to each client IT manager (their organization only) and to the managers, in their language', async () => {
    clock.set('2027-06-07T03:59:00.000Z');
    await fire();
    expect(await reportMails()).toEqual([]);
    clock.set('2027-06-07T04:00:00.000Z');
    await fire();
    const mails = await reportMails();
    const to = (address: string) => mails.filter((m) => m.to_address === address);

    const own = to('it@weekly.test');
    expect(own).toHaveLength(1);
    expect(own[0]!.subject).toMatch(/^Tierdesk: недельный отчёт — Weekly Org, 31 мая/);
    expect(own[0]!.text_body).toContain('Недельный отчёт службы поддержки — Weekly Org');
    for (const line of ['Поступило обращений: 3', 'Решено обращений: 1', 'Открыто на конец: 2', 'Оплачиваемых часов: 1', 'Включено часов: 7'])
      expect(own[0]!.text_body).toContain(`\n${line}\n`);
    expect(own[0]!.text_body).toContain(`/reports?period=week&date=2027-06-06&organizationId=${ids.org}`);
    expect(own[0]!.text_body).not.toMatch(/Client [ABC]|Эскалировано/);

    // Client B's IT manager (English): B's own week, the same numbers as B's report on the API.
    const b = ok(await manager.get('/api/v1/organizations')).items.find((o: any) => o.name === 'Client B Retail');
    const bWeek = ok(await manager.get(`/api/v1/reports?period=week&date=2027-06-06&timeZone=Europe/Moscow&organizationId=${b.id}`));
    const bMail = to('it@client-b.test');
    expect(bMail).toHaveLength(1);
    expect(bMail[0]!.subject).toMatch(/^Tierdesk: weekly report for Client B Retail, 31 May/);
    expect(bMail[0]!.text_body).toContain(`\nRequests received: ${bWeek.volume.received}\n`);
    expect(bMail[0]!.text_body).toContain(`\nBacklog at end: ${bWeek.volume.backlogAtEnd}\n`);

    // The service desk manager (Russian): every client, with escalations and hours worked.
    const all = ok(await manager.get('/api/v1/reports?period=week&date=2027-06-06&timeZone=Europe/Moscow'));
    expect(all.volume.received).toBeGreaterThan(bWeek.volume.received + 3);
    const m = to('manager@demo.test');
    expect(m).toHaveLength(1);
    expect(m[0]!.subject).toMatch(/^Tierdesk: недельный отчёт — все клиенты, 31 мая/);
    expect(m[0]!.text_body).toContain(`\nПоступило обращений: ${all.volume.received}\n`);
    expect(m[0]!.text_body).toContain('\nЭскалировано по времени: ');
    expect(m[0]!.text_body).toContain(`\nОтработано часов: ${String(all.time.workedHours).replace('.', ',')}\n`);
    // And the telephone: the same figures as the report's calls section.
    expect(m[0]!.text_body).toContain(`\nВходящих звонков: ${all.calls.inbound}\n`);
    expect(m[0]!.text_body).toContain(`\nПерезвонов открыто: ${all.calls.callbacksOpened}\n`);
    // Requesters and agents get none.
    expect(mails.map((x) => x.to_address).sort()).toEqual(['it@client-a.test', 'it@client-b.test', 'it@client-c.test', 'it@weekly.test', 'manager@demo.test']);

    // Once: the next run is a week later.
    await fire();
    expect(await reportMails()).toHaveLength(5);
    expect(await pending('reports:weekly')).toEqual([{ due_at: '2027-06-14T04:00:00.000Z' }]);
  });

  it('sends the past month\'s report on the 1st, once, and sets the next', async () => {
    clock.set('2027-07-01T04:00:00.000Z');
    await fire();
    const monthly = (await reportMails()).filter((m) => /monthly|месячный/.test(m.subject));
    expect(monthly).toHaveLength(5);
    const own = monthly.find((m) => m.to_address === 'it@weekly.test')!;
    expect(own.subject).toMatch(/^Tierdesk: месячный отчёт — Weekly Org, 1–30 июня 2027/);
    // All of June: 3 received; 30 included hours, a whole month.
    expect(own.text_body).toContain('\nПоступило обращений: 3\n');
    expect(own.text_body).toContain('\nВключено часов: 30\n');
    await fire();
    expect((await reportMails()).filter((m) => /monthly|месячный/.test(m.subject))).toHaveLength(5);
    expect(await pending('reports:monthly')).toEqual([{ due_at: '2027-08-01T04:00:00.000Z' }]);
    // The weekly timer missed while the clock jumped fired once for its week, and is set after now.
    expect(await pending('reports:weekly')).toEqual([{ due_at: '2027-07-05T04:00:00.000Z' }]);
  });
});
