import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

/**
 * Time tracking over real HTTP with a manual clock: work entries, the running timer (one per agent,
 * flagged when left running overnight), timesheets with submit/approve and locking, contract hours
 * and their warnings. The demo data is loaded on Wednesday 18 November 2026; the tests work in the
 * weeks after it. Lena (L1) works in Moscow (UTC+3), Liam (L1) in London (UTC+0 in winter).
 */
const START = '2026-11-18T09:00:00.000Z';
const PASSWORD = 'hours-test-password';
const WEEK = '2026-11-23';

describe.each(DATABASES)('time tracking (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  const fire = () => t.fireAllTimers();
  const tokenClient = (email: string, password?: string) => t.tokenClient(email, password);
  const ok = <R extends { status: number; body: any }>(r: R, status = 200) => {
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const fieldsAtFault = (r: { body: any }) => (r.body.details ?? []).map((d: any) => d.path);
  /** The contract-hours warnings about an organization (their subjects start with its name). */
  const mails = (organization: string) =>
    t.td.app.db.selectFrom('mail_outbox').select(['to_address', 'subject', 'text_body']).where('subject', 'like', `Tierdesk: ${organization} %`).orderBy('id').execute();

  const ids = {} as Record<string, string>;
  let lena: Client, liam: Client, egor: Client, manager: Client, alice: Client, itA: Client;

  beforeAll(async () => {
    lena = await tokenClient('l1@demo.test');
    liam = await tokenClient('l1-en@demo.test');
    egor = await tokenClient('l2@demo.test');
    manager = await tokenClient('manager@demo.test');
    alice = await tokenClient('alice@client-a.test');
    itA = await tokenClient('it@client-a.test');
    const admin = await tokenClient('admin@demo.test');
    ids.lena = ok(await lena.get('/api/v1/me')).id;
    ids.manager = ok(await manager.get('/api/v1/me')).id;
    const plan = ok(await admin.post('/api/v1/plans', { code: 'hours-test', name: 'Hours Test', coverage: 'round_the_clock', includedHours: 10, channels: ['web'] }), 201);
    for (const [key, name] of [['hoursOrg', 'Hours Org'], ['jumpOrg', 'Jump Org']] as const) ids[key] = ok(await admin.post('/api/v1/organizations', { name, planId: plan.id }), 201).id;
    for (const [key, email, org, role] of [
      ['hana', 'hana@hours.test', ids.hoursOrg, 'requester'],
      ['itHours', 'it@hours.test', ids.hoursOrg, 'client_manager'],
      ['jake', 'jake@jump.test', ids.jumpOrg, 'requester'],
      ['itJump', 'it@jump.test', ids.jumpOrg, 'client_manager'],
    ] as const)
      ids[key] = ok(await admin.post('/api/v1/users', { email, name: email.split('@')[0], role, organizationId: org, locale: 'en', password: PASSWORD }), 201).id;
    ids.tA = ok(await alice.post('/api/v1/tickets', { subject: 'Printer', description: 'Jams' }), 201).id;
    for (const [key, requesterId] of [['tH', ids.hana], ['tJ', ids.jake]] as const)
      ids[key] = ok(await lena.post('/api/v1/tickets', { subject: 'Server room', description: 'On site visit', requesterId }), 201).id;
  });

  const entries = (ticket: string) => `/api/v1/tickets/${ticket}/work-entries`;

  it('records work on a request, validates it, and keeps it from the client side', async () => {
    clock.set('2026-11-23T10:00:00.000Z');
    const e = ok(await lena.post(entries(ids.tA!), { startedAt: '2026-11-23T07:00:00.000Z', minutes: 45, activity: 'remote', note: 'Cleared the spooler' }), 201);
    ids.monday = e.id;
    expect(e).toMatchObject({ ticketId: ids.tA, agentId: ids.lena, minutes: 45, activity: 'remote', billable: true, source: 'manual', weekStart: WEEK, flagged: null, note: 'Cleared the spooler' });
    const bad = async (body: Record<string, unknown>, field: string) => {
      const r = await lena.post(entries(ids.tA!), { startedAt: '2026-11-23T07:00:00.000Z', minutes: 10, activity: 'call', ...body });
      expect(r.status).toBe(400);
      expect(fieldsAtFault(r)).toContain(field);
    };
    await bad({ minutes: 0 }, 'minutes');
    await bad({ minutes: 24 * 60 + 1 }, 'minutes');
    await bad({ activity: 'dancing' }, 'activity');
    await bad({ startedAt: 'yesterday' }, 'startedAt');
    await bad({ startedAt: '2026-11-23T09:55:00.000Z', minutes: 10 }, 'startedAt'); // would end in the future
    await bad({ billable: 'yes' }, 'billable');
    expect((await lena.post(entries(ids.tA!), { startedAt: '2026-11-23T07:00:00.000Z', minutes: 10, activity: 'call', agentId: ids.manager })).status).toBe(403);
    const unknown = await manager.post(entries(ids.tA!), { startedAt: '2026-11-23T07:00:00.000Z', minutes: 10, activity: 'call', agentId: ids.hana });
    expect([unknown.status, fieldsAtFault(unknown)]).toEqual([400, ['agentId']]);

    expect(ok(await lena.get(entries(ids.tA!)))).toMatchObject({ items: [{ id: e.id, agentName: 'Lena L1' }], totals: { minutes: 45, billableMinutes: 45, flaggedMinutes: 0 } });
    // The client side never sees the work on a request: as if it were not there.
    for (const c of [alice, itA]) {
      expect((await c.get(entries(ids.tA!))).status).toBe(404);
      expect((await c.post(entries(ids.tA!), { startedAt: '2026-11-23T07:00:00.000Z', minutes: 5, activity: 'call' })).status).toBe(404);
      expect((await c.get(`/api/v1/work-entries/${e.id}`)).status).toBe(404);
    }
    expect((await t.anonymous().get(entries(ids.tA!))).status).toBe(401);

    // Only the agent (or a manager) changes an agent's entry; every change is in its audit trail.
    expect((await egor.patch(`/api/v1/work-entries/${e.id}`, { minutes: 5 })).status).toBe(403);
    expect((await egor.delete(`/api/v1/work-entries/${e.id}`)).status).toBe(403);
    const empty = await lena.patch(`/api/v1/work-entries/${e.id}`, {});
    expect(empty.status).toBe(400);
    expect(ok(await lena.patch(`/api/v1/work-entries/${e.id}`, { minutes: 50 })).minutes).toBe(50);
    const scratch = ok(await lena.post(entries(ids.tA!), { startedAt: '2026-11-23T08:00:00.000Z', minutes: 5, activity: 'research' }), 201);
    ok(await lena.delete(`/api/v1/work-entries/${scratch.id}`));
    const audit = ok(await lena.get(`/api/v1/work-entries/${e.id}/audit`)).items;
    expect(audit.map((a: any) => [a.action, a.actorId])).toEqual([['created', ids.lena], ['updated', ids.lena]]);
    expect(audit[1]).toMatchObject({ before: { minutes: 45 }, after: { minutes: 50 } });
    expect((await t.td.app.db.selectFrom('audit_log').select('action').where('entity_id', '=', scratch.id).orderBy('id').execute()).map((a) => a.action)).toEqual(['created', 'deleted']);
  });

  it('runs one timer at a time per agent and records its time when stopped', async () => {
    clock.set('2026-11-24T08:00:00.000Z'); // Tuesday 11:00 in Moscow
    const started = ok(await lena.post(`/api/v1/tickets/${ids.tA}/timer/start`, { activity: 'call' }), 201);
    expect(started).toMatchObject({ ticketId: ids.tA, activity: 'call', billable: true, overnight: false, runningMinutes: 0 });
    const twice = await lena.post(`/api/v1/tickets/${ids.tH}/timer/start`, {});
    expect([twice.status, twice.body.error, twice.body.details]).toEqual([409, 'timer_running', { ticketId: ids.tA }]);
    clock.advanceMinutes(37);
    expect(ok(await lena.get('/api/v1/me/timer')).timer).toMatchObject({ id: started.id, runningMinutes: 37 });
    const elsewhere = await lena.post(`/api/v1/tickets/${ids.tH}/timer/stop`, {});
    expect([elsewhere.status, elsewhere.body.error]).toEqual([409, 'timer_elsewhere']);
    // Liam's timer is his own.
    ok(await liam.post(`/api/v1/tickets/${ids.tA}/timer/start`, {}), 201);
    const entry = ok(await lena.post(`/api/v1/tickets/${ids.tA}/timer/stop`, { note: 'Talked them through it' }), 201);
    expect(entry).toMatchObject({ startedAt: '2026-11-24T08:00:00.000Z', minutes: 37, activity: 'call', source: 'timer', flagged: null, weekStart: WEEK, note: 'Talked them through it' });
    expect(ok(await lena.get('/api/v1/me/timer')).timer).toBeNull();
    expect((await lena.post(`/api/v1/tickets/${ids.tA}/timer/stop`, {})).body.error).toBe('no_timer');
    clock.advanceMinutes(3);
    expect(ok(await liam.post(`/api/v1/tickets/${ids.tA}/timer/stop`, {}), 201)).toMatchObject({ minutes: 3, flagged: null });
    expect((await alice.post(`/api/v1/tickets/${ids.tA}/timer/start`, {})).status).toBe(404);
  });

  it('flags a timer left running overnight instead of counting it, until its duration is stated', async () => {
    clock.set('2026-11-25T19:30:00.000Z'); // Wednesday 22:30 in Moscow
    ok(await lena.post(`/api/v1/tickets/${ids.tH}/timer/start`, {}), 201);
    clock.set('2026-11-25T21:00:00.000Z'); // Moscow midnight
    await fire();
    expect(ok(await lena.get('/api/v1/me/timer')).timer.overnight).toBe(true);
    clock.set('2026-11-26T06:00:00.000Z'); // 09:00 the next morning
    const flagged = ok(await lena.post(`/api/v1/tickets/${ids.tH}/timer/stop`, {}), 201);
    expect(flagged).toMatchObject({ minutes: 630, flagged: 'overnight', weekStart: WEEK });
    ids.overnight = flagged.id;
    const hours = async () => ok(await manager.get(`/api/v1/organizations/${ids.hoursOrg}/contract-hours?month=2026-11`));
    expect((await hours()).billableHours).toBe(0);
    let sheet = ok(await lena.get(`/api/v1/timesheets/me/${WEEK}`));
    // Counted: 50 on Monday and 37 on Tuesday; the 630 overnight minutes wait.
    expect(sheet.totals).toEqual({ minutes: 87, billableMinutes: 87, flaggedMinutes: 630, flaggedEntries: 1 });
    const refused = await lena.post(`/api/v1/timesheets/me/${WEEK}/submit`);
    expect([refused.status, refused.body.error]).toEqual([409, 'flagged_entries']);
    // Stating how long the work really took confirms it.
    expect(ok(await lena.patch(`/api/v1/work-entries/${flagged.id}`, { minutes: 90 }))).toMatchObject({ minutes: 90, flagged: null });
    expect((await hours()).billableHours).toBe(1.5);
    sheet = ok(await lena.get(`/api/v1/timesheets/me/${WEEK}`));
    expect(sheet.totals).toEqual({ minutes: 177, billableMinutes: 177, flaggedMinutes: 0, flaggedEntries: 0 });
    expect(sheet.days.map((d: any) => d.minutes)).toEqual([50, 37, 90, 0, 0, 0, 0]);
    // Each entry names its request: number and subject.
    const request = ok(await lena.get(`/api/v1/tickets/${ids.tH}`));
    expect(sheet.entries.find((e: any) => e.id === flagged.id)).toMatchObject({ ticketNumber: request.number, ticketSubject: request.subject });

    // With the worker down over midnight (no timer fired), stopping after midnight still flags it.
    clock.set('2026-11-26T23:30:00.000Z'); // Thursday 23:30 in London
    ok(await liam.post(`/api/v1/tickets/${ids.tH}/timer/start`, {}), 201);
    clock.set('2026-11-27T00:30:00.000Z');
    const late = ok(await liam.post(`/api/v1/tickets/${ids.tH}/timer/stop`, {}), 201);
    expect(late).toMatchObject({ minutes: 60, flagged: 'overnight' });
    ok(await liam.delete(`/api/v1/work-entries/${late.id}`));
  });

  it('locks a submitted and an approved week for the agent; a manager changes it, and the audit log says so', async () => {
    clock.set('2026-11-30T09:00:00.000Z');
    const week = `/api/v1/timesheets/me/${WEEK}`;
    const lenaWeek = `/api/v1/timesheets/${ids.lena}/${WEEK}`;
    expect(ok(await lena.post(`${week}/submit`))).toMatchObject({ status: 'submitted', submittedAt: '2026-11-30T09:00:00.000Z', agentName: 'Lena L1', timeZone: 'Europe/Moscow' });
    const locked = async (r: Promise<{ status: number; body: any }>) => expect([(await r).status, (await r).body.error]).toEqual([409, 'timesheet_locked']);
    await locked(lena.patch(`/api/v1/work-entries/${ids.monday}`, { minutes: 55 }));
    await locked(lena.delete(`/api/v1/work-entries/${ids.monday}`));
    await locked(lena.post(entries(ids.tA!), { startedAt: '2026-11-27T07:00:00.000Z', minutes: 15, activity: 'remote' }));
    expect((await lena.post(`${lenaWeek}/approve`)).status).toBe(403);
    expect((await egor.get(lenaWeek)).status).toBe(403);
    expect(ok(await manager.get('/api/v1/timesheets?status=submitted')).items).toEqual([
      { agentId: ids.lena, agentName: 'Lena L1', weekStart: WEEK, status: 'submitted', submittedAt: '2026-11-30T09:00:00.000Z', approvedAt: null },
    ]);
    expect((await lena.get('/api/v1/timesheets')).status).toBe(403);

    const noReason = await manager.post(`${lenaWeek}/reject`, {});
    expect([noReason.status, fieldsAtFault(noReason)]).toEqual([400, ['reason']]);
    expect(ok(await manager.post(`${lenaWeek}/reject`, { reason: 'Tuesday\'s call is on the wrong request' }))).toMatchObject({ status: 'open', note: "Tuesday's call is on the wrong request" });
    ok(await lena.patch(`/api/v1/work-entries/${ids.monday}`, { note: 'Cleared the spooler, twice' }));
    ok(await lena.post(`${week}/submit`));
    expect(ok(await manager.post(`${lenaWeek}/approve`))).toMatchObject({ status: 'approved', approvedBy: ids.manager, approvedAt: '2026-11-30T09:00:00.000Z' });
    expect((await manager.post(`${lenaWeek}/approve`)).body.error).toBe('invalid_transition');
    await locked(lena.patch(`/api/v1/work-entries/${ids.monday}`, { minutes: 55 }));
    // The next week is open.
    ok(await lena.post(entries(ids.tA!), { startedAt: '2026-11-30T07:00:00.000Z', minutes: 15, activity: 'remote' }), 201);

    // A manager may change an approved week; the audit trail shows who, and that the week was locked.
    ok(await manager.patch(`/api/v1/work-entries/${ids.monday}`, { minutes: 40 }));
    const audit = ok(await manager.get(`/api/v1/work-entries/${ids.monday}/audit`)).items.at(-1);
    expect(audit).toMatchObject({ action: 'updated', actorId: ids.manager, before: { minutes: 50 }, after: { minutes: 40, lockedWeek: true } });
    expect(ok(await lena.get(week)).days[0].minutes).toBe(40);
    const sheetAudit = await t.td.app.db.selectFrom('audit_log').select(['action', 'actor_id']).where('entity_type', '=', 'timesheet').where('entity_id', '=', `${ids.lena}:${WEEK}`).orderBy('id').execute();
    expect(sheetAudit.map((a) => a.action)).toEqual(['submit', 'reject', 'submit', 'approve']);

    expect(ok(await manager.post(`${lenaWeek}/reopen`, { reason: 'Correction' }))).toMatchObject({ status: 'open', approvedAt: null });
    ok(await lena.patch(`/api/v1/work-entries/${ids.monday}`, { minutes: 42 }));
    const notMonday = await lena.get('/api/v1/timesheets/me/2026-11-24');
    expect([notMonday.status, fieldsAtFault(notMonday)]).toEqual([400, ['weekStart']]);
    expect((await lena.get('/api/v1/timesheets/me/2026-11-31')).status).toBe(400);
    expect((await alice.get(`/api/v1/timesheets/me/${WEEK}`)).status).toBe(403);
  });

  it('warns the managers and the client IT manager at 80 % and 100 % of the included hours, once each a month, in their language', async () => {
    clock.set('2026-11-30T12:00:00.000Z');
    const log = (ticket: string, startedAt: string, minutes: number, billable = true) =>
      egor.post(entries(ticket), { startedAt, minutes, activity: 'on_site', billable }).then((r) => ok(r, 201));
    // Hours Org has 1.5 billable hours (the confirmed overnight work) of its plan's 10.
    await log(ids.tH!, '2026-11-27T07:00:00.000Z', 360); // 7.5 h: 75 %
    expect(await mails('Hours Org')).toEqual([]);
    await log(ids.tH!, '2026-11-27T14:00:00.000Z', 30); // 8 h: 80 %
    const at80 = await mails('Hours Org');
    expect(at80.map((m) => [m.to_address, m.subject])).toEqual([
      ['manager@demo.test', 'Tierdesk: Hours Org — израсходовано 80 % включённых часов за ноябрь 2026 г.'],
      ['it@hours.test', 'Tierdesk: Hours Org has used 80% of its included hours for November 2026'],
    ]);
    expect(at80[1]!.text_body).toContain('Hours Org has used 8 of the 10 hours included in the Hours Test plan for November 2026 (80%).');
    await log(ids.tH!, '2026-11-28T07:00:00.000Z', 60); // 9 h
    await log(ids.tH!, '2026-11-28T09:00:00.000Z', 120, false); // not billable
    expect(await mails('Hours Org')).toHaveLength(2);
    await log(ids.tH!, '2026-11-29T07:00:00.000Z', 90); // 10.5 h: 105 %
    const all = await mails('Hours Org');
    expect(all).toHaveLength(4);
    expect(all.slice(2).map((m) => [m.to_address, m.subject])).toEqual([
      ['manager@demo.test', 'Tierdesk: Hours Org — израсходовано 100 % включённых часов за ноябрь 2026 г.'],
      ['it@hours.test', 'Tierdesk: Hours Org has used 100% of its included hours for November 2026'],
    ]);
    expect(all[3]!.text_body).toContain('Overage so far: 0.5 h');
    expect(all[2]!.text_body).toContain('Сверх тарифа: 0,5 ч');
    await log(ids.tH!, '2026-11-29T09:00:00.000Z', 30);
    expect(await mails('Hours Org')).toHaveLength(4);
    expect((await itA.get(`/api/v1/organizations/${ids.hoursOrg}/contract-hours`)).status).toBe(404);
    const h = ok(await manager.get(`/api/v1/organizations/${ids.hoursOrg}/contract-hours?month=2026-11`));
    expect(h).toMatchObject({ month: '2026-11', timeZone: 'Europe/Moscow', from: '2026-10-31T21:00:00.000Z', to: '2026-11-30T21:00:00.000Z', includedHours: 10, billableHours: 11, nonBillableHours: 2, overageHours: 1, usedShare: 1.1 });
    expect(h.warnings.map((w: any) => w.level)).toEqual([80, 100]);
    // Local months: 30 November 21:30Z is already 1 December in Moscow, and counts there.
    clock.set('2026-12-01T09:00:00.000Z');
    await log(ids.tH!, '2026-11-30T21:30:00.000Z', 30);
    expect(ok(await manager.get(`/api/v1/organizations/${ids.hoursOrg}/contract-hours?month=2026-12`))).toMatchObject({ from: '2026-11-30T21:00:00.000Z', billableHours: 0.5, warnings: [] });
    expect(ok(await manager.get(`/api/v1/organizations/${ids.hoursOrg}/contract-hours?month=2026-11`)).billableHours).toBe(11);
    const badMonth = await manager.get(`/api/v1/organizations/${ids.hoursOrg}/contract-hours?month=2026-13`);
    expect([badMonth.status, fieldsAtFault(badMonth)]).toEqual([400, ['month']]);

    // Past both levels at once: one warning (the 100 % one) to each person, both levels recorded.
    await log(ids.tJ!, '2026-11-28T07:00:00.000Z', 11 * 60);
    expect((await mails('Jump Org')).map((m) => m.subject)).toEqual([
      'Tierdesk: Jump Org — израсходовано 100 % включённых часов за ноябрь 2026 г.',
      'Tierdesk: Jump Org has used 100% of its included hours for November 2026',
    ]);
    expect(ok(await manager.get(`/api/v1/organizations/${ids.jumpOrg}/contract-hours?month=2026-11`)).warnings.map((w: any) => w.level)).toEqual([80, 100]);
  });
});
