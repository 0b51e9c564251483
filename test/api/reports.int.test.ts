import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

/**
 * Reports over a fixed data set built through the API with a manual clock, every figure worked out
 * by hand below. The demo data is loaded at DEMO_AT, long after the data set's October 2026, so
 * that a report on October holds exactly what the test made (the demo's requests do not exist yet).
 *
 * The "Report Test" plan runs round the clock (a business minute is a real minute, pauses aside)
 * and pauses for vendors. Targets in minutes (first response / resolution / L1 budget):
 *   P1 15 / 60 / 20   P2 30 / 120 / 60   P3 60 / 240 / 60   P4 120 / 480 / 600; no L2 budget.
 *
 * Organization R (Moscow, UTC+3, no DST), requests made by its requester through the API (channel
 * api) unless said otherwise; minutes after creation:
 *   T8 P4 created 30 Sep 20:30Z (= 30 Sep 23:30 MSK: September): reply +10; resolution breached
 *      at +480 (1 Oct 04:30Z); resolved +570 (1 Oct 06:00Z).            FR 10 (Sep), RES 570 missed
 *   T7 P3 created 30 Sep 21:30Z (= 1 Oct 00:30 MSK: October): reply +5, resolved +25, closed by
 *      the requester +60.                                                FR 5, RES 25
 *   T1 P3 5 Oct 07:00Z: reply +10, resolved +40.                         FR 10, RES 40
 *   T2 P3 5 Oct 08:00Z: reply +20, waiting for the customer +30…+90 (the requester answers),
 *      resolved +110.                                                    FR 20, RES 50, L1 50
 *   T3 P1 6 Oct 07:00Z: reply +10, escalated by time at +20 (L1 budget), resolution breached +60,
 *      resolved +100.                                                    FR 10, RES 100 missed, L1 20, L2 80
 *   T4 P2 7 Oct 07:00Z: first response breached +30, reply +45, escalated by hand +50, resolved
 *      +100, reopened by the requester +160, resolution breached +180 (20 minutes were left),
 *      resolved +200.                                                    FR 45 missed, RES 140 missed, L1 50, L2 90
 *   T5 P3 8 Oct 07:00Z in a category of difficulty 2 (starts at L2: escalated by difficulty):
 *      reply +15, handed to the developers +20, waiting for the vendor +25 (clocks pause). Open.
 *   T6 P3 9 Oct 07:00Z, by phone (made by an agent): waiting for the customer +5. Open.
 *   T9 P3 12 Oct 07:00Z: taken +2, closed by the agent without resolving +5 (the clocks stop).
 *                                                                         FR 5, RES 5
 * On 10 October an article of the public help centre is marked as the solution of T1 and T3, and
 * R's requester (and D's) says it answered a question without making a request (a deflection).
 * On 20 October R's requester rates T1 5, T2 4 and T9 2.
 * Organization D (for the DST test, no plan) has four requests around the end of summer time in Berlin.
 */
const DEMO_AT = '2027-06-02T09:00:00.000Z';
const PASSWORD = 'report-test-password';

const MIN = 60_000;
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MIN).toISOString();

describe.each(DATABASES)('reports (%s)', (kind) => {
  const clock = new ManualClock(DEMO_AT);
  // Hand-offs need a tracker; nothing listens on the discard port, so they stay pending (and count).
  // Organization D has no plan, hence no SLA; a huge default L1 budget keeps its requests at L1.
  const t = useTestApp(kind, { DEV_TRACKER_URL: 'http://127.0.0.1:9/items', DEV_TRACKER_SECRET: 'report-test-tracker-secret', L1_BUDGET_MINUTES: '100000' }, { clock });
  const fire = () => t.fireAllTimers();
  /** Moves the clock to `iso`, fires what came due on the way, then acts. */
  const at = async <T>(iso: string, act: () => Promise<T>) => {
    clock.set(iso);
    await fire();
    return act();
  };
  /** A client authenticated by an API token (sessions would expire as the clock moves on). */
  const tokenClient = async (email: string, password?: string) => {
    const c = await t.login(email, password);
    const token = (await c.post('/api/v1/me/tokens', { name: 'report test' })).body.token;
    const b = new Client(t.base);
    b.bearer = token;
    return b;
  };
  const ok = <R extends { status: number; body: any }>(r: R, status = 200) => {
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };

  const ids = {} as Record<string, string>;
  let admin: Client, manager: Client, l1: Client, l2: Client, requester: Client, itR: Client, itB: Client;

  beforeAll(async () => {
    admin = await tokenClient('admin@demo.test');
    manager = await tokenClient('manager@demo.test');
    l1 = await tokenClient('l1@demo.test');
    l2 = await tokenClient('l2@demo.test');
    itB = await tokenClient('it@client-b.test');
    const plan = ok(await admin.post('/api/v1/plans', { code: 'report-test', name: 'Report Test', coverage: 'round_the_clock', includedHours: 10, channels: ['web', 'phone'] }), 201);
    const policy = (priority: string, fr: number, res: number, l1Budget: number) => ({ priority, firstResponseMinutes: fr, resolutionMinutes: res, l1BudgetMinutes: l1Budget, l2BudgetMinutes: 0 });
    ok(await admin.put(`/api/v1/plans/${plan.id}/sla`, { calendarId: null, pauseOnVendor: true, policies: [policy('P1', 15, 60, 20), policy('P2', 30, 120, 60), policy('P3', 60, 240, 60), policy('P4', 120, 480, 600)] }));
    ids.plan = plan.id;
    ids.orgR = ok(await admin.post('/api/v1/organizations', { name: 'Report Org', planId: plan.id }), 201).id;
    ids.orgD = ok(await admin.post('/api/v1/organizations', { name: 'DST Org' }), 201).id;
    const person = async (email: string, role: string, organizationId: string, locale = 'en') =>
      ok(await admin.post('/api/v1/users', { email, name: email.split('@')[0], role, organizationId, locale, password: PASSWORD }), 201).id;
    ids.rita = await person('rita@report.test', 'requester', ids.orgR!);
    ids.itR = await person('it@report.test', 'client_manager', ids.orgR!, 'ru');
    ids.dora = await person('dora@dst.test', 'requester', ids.orgD!);
    requester = await tokenClient('rita@report.test', PASSWORD);
    itR = await tokenClient('it@report.test', PASSWORD);
    const dora = await tokenClient('dora@dst.test', PASSWORD);
    ids.vpn = ok(await admin.get('/api/v1/categories')).items.find((c: any) => c.name === 'VPN').id;

    const create = (body: Record<string, unknown> = {}) => requester.post('/api/v1/tickets', { subject: 'Report test', description: 'Something is broken', ...body }).then((r) => ok(r, 201).id as string);
    const reply = (c: Client, id: string) => c.post(`/api/v1/tickets/${id}/comments`, { body: 'Looking at it' }).then((r) => ok(r, 201));
    const status = (c: Client, id: string, s: string) => c.patch(`/api/v1/tickets/${id}`, { status: s }).then((r) => ok(r));

    // T8 and T7 cross midnight in Moscow on 30 September.
    const t8 = '2026-09-30T20:30:00.000Z';
    ids.t8 = await at(t8, () => create({ impact: 'low' }));
    await at(plus(t8, 10), () => reply(l1, ids.t8!));
    const t7 = '2026-09-30T21:30:00.000Z';
    ids.t7 = await at(t7, () => create());
    await at(plus(t7, 5), () => reply(l1, ids.t7!));
    await at(plus(t7, 25), () => status(l1, ids.t7!, 'resolved'));
    await at(plus(t7, 60), () => requester.post(`/api/v1/tickets/${ids.t7}/close`).then((r) => ok(r)));
    await at(plus(t8, 570), () => status(l1, ids.t8!, 'resolved'));

    const t1 = '2026-10-05T07:00:00.000Z';
    ids.t1 = await at(t1, () => create());
    await at(plus(t1, 10), () => reply(l1, ids.t1!));
    await at(plus(t1, 40), () => status(l1, ids.t1!, 'resolved'));

    const t2 = '2026-10-05T08:00:00.000Z';
    ids.t2 = await at(t2, () => create());
    await at(plus(t2, 20), () => reply(l1, ids.t2!));
    await at(plus(t2, 30), () => status(l1, ids.t2!, 'pending_customer'));
    await at(plus(t2, 90), () => requester.post(`/api/v1/tickets/${ids.t2}/comments`, { body: 'Here it is' }).then((r) => ok(r, 201)));
    await at(plus(t2, 110), () => status(l1, ids.t2!, 'resolved'));

    const t3 = '2026-10-06T07:00:00.000Z';
    ids.t3 = await at(t3, () => create({ impact: 'high', urgency: 'high' }));
    await at(plus(t3, 10), () => reply(l1, ids.t3!));
    await at(plus(t3, 20), async () => {}); // the L1 budget runs out: to L2 by time
    await at(plus(t3, 100), () => status(l2, ids.t3!, 'resolved'));

    const t4 = '2026-10-07T07:00:00.000Z';
    ids.t4 = await at(t4, () => create({ impact: 'high' }));
    await at(plus(t4, 45), () => reply(l1, ids.t4!));
    await at(plus(t4, 50), () => manager.post(`/api/v1/tickets/${ids.t4}/escalate`, { line: 'L2', reason: 'Needs an engineer' }).then((r) => ok(r)));
    await at(plus(t4, 100), () => status(l2, ids.t4!, 'resolved'));
    await at(plus(t4, 160), () => requester.post(`/api/v1/tickets/${ids.t4}/reopen`).then((r) => ok(r)));
    await at(plus(t4, 200), () => status(l2, ids.t4!, 'resolved'));

    const t5 = '2026-10-08T07:00:00.000Z';
    ids.t5 = await at(t5, () => create({ categoryId: ids.vpn }));
    await at(plus(t5, 15), () => reply(l2, ids.t5!));
    await at(plus(t5, 20), () => l2.post(`/api/v1/tickets/${ids.t5}/handoff`, { summary: 'The VPN client crashes' }).then((r) => ok(r, 202)));
    await at(plus(t5, 25), () => status(l2, ids.t5!, 'pending_vendor'));

    const t6 = '2026-10-09T07:00:00.000Z';
    ids.t6 = await at(t6, () => l1.post('/api/v1/tickets', { subject: 'Called in', description: 'By phone', requesterId: ids.rita, channel: 'phone' }).then((r) => ok(r, 201).id as string));
    await at(plus(t6, 5), () => status(l1, ids.t6!, 'pending_customer'));

    await at('2026-10-10T07:00:00.000Z', async () => {
      const space = ok(await l2.get('/api/v1/kb/spaces')).items.find((x: any) => x.visibility === 'public');
      const page = ok(await l2.post('/api/v1/kb/pages', { title: 'VPN and printers, report test', body: 'Restart the spooler.', spaceId: space.id }), 201);
      for (const ticket of [ids.t1, ids.t3]) ok(await l2.post(`/api/v1/kb/requests/${ticket}/solutions`, { pageId: page.id }), 201);
      ok(await requester.post('/api/v1/kb/deflections', { pageId: page.id, text: 'How do I restart the spooler?' }), 201);
      ok(await dora.post('/api/v1/kb/deflections', { pageId: page.id, text: 'Spooler' }), 201);
    });

    const t9 = '2026-10-12T07:00:00.000Z';
    ids.t9 = await at(t9, () => create());
    await at(plus(t9, 2), () => l1.post(`/api/v1/tickets/${ids.t9}/take`).then((r) => ok(r)));
    await at(plus(t9, 5), () => status(l1, ids.t9!, 'closed'));

    // Work on R's requests in October: 30 min billable (L1), 60 non-billable (L1), 90 billable (L2); ratings.
    await at('2026-10-20T12:00:00.000Z', async () => {
      for (const [ticket, rating] of [[ids.t1, 5], [ids.t2, 4], [ids.t9, 2]] as const) ok(await requester.put(`/api/v1/tickets/${ticket}/satisfaction`, { rating }));
      ok(await l1.post(`/api/v1/tickets/${ids.t1}/work-entries`, { startedAt: '2026-10-05T07:05:00.000Z', minutes: 30, activity: 'remote' }), 201);
      ok(await l1.post(`/api/v1/tickets/${ids.t2}/work-entries`, { startedAt: '2026-10-05T08:10:00.000Z', minutes: 60, activity: 'call', billable: false }), 201);
      ok(await l2.post(`/api/v1/tickets/${ids.t3}/work-entries`, { startedAt: '2026-10-06T07:30:00.000Z', minutes: 90, activity: 'on_site' }), 201);
    });

    // Berlin leaves summer time on Sunday 25 October 2026 at 03:00 CEST (01:00Z): that day has 25 hours.
    for (const [key, created] of [
      ['d1', '2026-10-24T21:59:00.000Z'], // Sat 24 Oct 23:59 CEST
      ['d2', '2026-10-24T22:00:00.000Z'], // Sun 25 Oct 00:00 CEST: the 25th begins
      ['d3', '2026-10-25T22:30:00.000Z'], // Sun 25 Oct 23:30 CET (a fixed +02:00 would say the 26th)
      ['d4', '2026-10-25T23:00:00.000Z'], // Mon 26 Oct 00:00 CET: the 26th begins
    ] as const)
      ids[key] = await at(created, () => dora.post('/api/v1/tickets', { subject: 'DST', description: 'Around the change' }).then((r) => ok(r, 201).id as string));
    clock.set('2026-11-02T09:00:00.000Z');
  });

  const report = async (c: Client, query: string) => ok(await c.get(`/api/v1/reports?${query}`));
  const october = `period=month&date=2026-10-15&timeZone=Europe/Moscow`;

  it('counts the volume of a month in its time zone: received, resolved, closed, reopened, backlog', async () => {
    const r = await report(manager, `${october}&organizationId=${ids.orgR}`);
    expect(r.period).toEqual({ kind: 'month', timeZone: 'Europe/Moscow', start: '2026-10-01', end: '2026-10-31', from: '2026-09-30T21:00:00.000Z', to: '2026-10-31T21:00:00.000Z', bucket: 'day' });
    // Received: T7 (1 Oct 00:30 MSK), T1–T6, T9 = 8; T8 (30 Sep MSK) is September's.
    // Resolved: T8, T7, T1, T2, T3 and T4 twice = 7; closed: T7 (after resolving) and T9 (without) = 2.
    // Backlog: T8 at the start; 1 + 8 received + 1 reopened − 7 resolved − 1 closed unresolved = 2 (T5, T6).
    expect(r.volume).toMatchObject({ received: 8, resolved: 7, closed: 2, reopened: 1, backlogAtStart: 1, backlogAtEnd: 2 });
    expect(r.volume.series).toHaveLength(31);
    const day = (d: string) => r.volume.series.find((s: any) => s.start === d);
    // 1 Oct: T7 received, resolved, closed; T8 resolved. Backlog 1 + 1 − 2 = 0.
    expect(day('2026-10-01')).toEqual({ start: '2026-10-01', end: '2026-10-01', received: 1, resolved: 2, closed: 1, reopened: 0, backlog: 0 });
    expect(day('2026-10-05')).toMatchObject({ received: 2, resolved: 2, backlog: 0 });
    // 7 Oct: T4 received, resolved, reopened, resolved again.
    expect(day('2026-10-07')).toMatchObject({ received: 1, resolved: 2, reopened: 1, backlog: 0 });
    expect(day('2026-10-09')).toMatchObject({ received: 1, backlog: 2 });
    expect(day('2026-10-12')).toMatchObject({ received: 1, closed: 1, backlog: 2 });
    expect(r.volume.series.at(-1)).toMatchObject({ start: '2026-10-31', backlog: 2 });
  });

  it('puts period boundaries at local midnights: the same month in UTC counts differently', async () => {
    const r = await report(manager, `period=month&date=2026-10-15&timeZone=UTC&organizationId=${ids.orgR}`);
    // In UTC T7 (30 Sep 21:30Z) and its resolution and closing are September's; T8 is still open on 1 Oct 00:00Z.
    expect(r.volume).toMatchObject({ received: 7, resolved: 6, closed: 1, reopened: 1, backlogAtStart: 1, backlogAtEnd: 2 });
    expect(r.period.from).toBe('2026-10-01T00:00:00.000Z');
  });

  it('takes response and resolution times from the SLA clocks: median and 90th percentile in business minutes', async () => {
    const r = await report(manager, `${october}&organizationId=${ids.orgR}`);
    // First responses in October: T7 5, T9 5, T1 10, T3 10, T5 15, T2 20, T4 45 (T8's was in September).
    // Median: the 4th of 7 = 10. 90th percentile: rank 0.9 × 6 = 5.4 → 20 + 0.4 × (45 − 20) = 30.
    expect(r.times.firstResponse).toEqual({ count: 7, medianMinutes: 10, p90Minutes: 30 });
    // Resolutions in October: T9 5, T7 25, T1 40, T2 50 (110 minus 60 waiting), T3 100, T4 140 (100 + 40
    // after the reopen), T8 570. Median 50; 90th: 140 + 0.4 × (570 − 140) = 312.
    expect(r.times.resolution).toEqual({ count: 7, medianMinutes: 50, p90Minutes: 312 });
  });

  it('gives SLA compliance per target and priority, and the breaches when they happened', async () => {
    const r = await report(manager, `${october}&organizationId=${ids.orgR}`);
    const row = (metric: string, priority: string | null) => r.sla.targets.find((x: any) => x.metric === metric && x.priority === priority);
    // First response: all met but T4 (45 > 30); breached once, T4 at +30.
    expect(row('first_response', null)).toEqual({ metric: 'first_response', priority: null, total: 7, met: 6, missed: 1, compliancePct: 85.7, breaches: 1 });
    expect(row('first_response', 'P1')).toMatchObject({ total: 1, met: 1, missed: 0, compliancePct: 100, breaches: 0 });
    expect(row('first_response', 'P2')).toMatchObject({ total: 1, met: 0, missed: 1, compliancePct: 0, breaches: 1 });
    expect(row('first_response', 'P3')).toMatchObject({ total: 5, met: 5, missed: 0, compliancePct: 100 });
    expect(row('first_response', 'P4')).toMatchObject({ total: 0, met: 0, missed: 0, compliancePct: null, breaches: 0 });
    // Resolution: T7, T1, T2, T9 met; T8 (570 > 480), T3 (100 > 60), T4 (140 > 120) missed, each breached in October.
    expect(row('resolution', null)).toEqual({ metric: 'resolution', priority: null, total: 7, met: 4, missed: 3, compliancePct: 57.1, breaches: 3 });
    expect(row('resolution', 'P1')).toMatchObject({ total: 1, met: 0, missed: 1, breaches: 1 });
    expect(row('resolution', 'P2')).toMatchObject({ total: 1, met: 0, missed: 1, breaches: 1 });
    expect(row('resolution', 'P3')).toMatchObject({ total: 4, met: 4, missed: 0, compliancePct: 100, breaches: 0 });
    expect(row('resolution', 'P4')).toMatchObject({ total: 1, met: 0, missed: 1, breaches: 1 });
  });

  it('counts escalations by time, difficulty and hand, hand-offs, the share solved at L1 and the time at each line', async () => {
    const r = await report(manager, `${october}&organizationId=${ids.orgR}`);
    // Resolved in October: T8, T7, T1, T2, T9 never left L1; T3 and T4 did: 5 of 7 = 71.4 %, short of 90 %.
    expect(r.escalations).toEqual({ resolved: 7, resolvedAtL1: 5, resolvedAtL1Pct: 71.4, goalPct: 90, goalMet: false, byTime: 1, byDifficulty: 1, byHand: 1, handedToDevelopers: 1 });
    // L1: T8 570 + T7 25 + T1 40 + T2 50 + T3 20 + T4 50 + T9 5 = 760 over 7; L2: T3 80 + T4 (50 + 40) = 170 over 2.
    expect(r.lines).toEqual([
      { line: 'L1', totalMinutes: 760, requests: 7, avgMinutesPerRequest: 108.57, avgMinutesPerResolvedRequest: 108.57 },
      { line: 'L2', totalMinutes: 170, requests: 2, avgMinutesPerRequest: 85, avgMinutesPerResolvedRequest: 24.29 },
      { line: 'L3', totalMinutes: 0, requests: 0, avgMinutesPerRequest: null, avgMinutesPerResolvedRequest: 0 },
    ]);
  });

  it('gives the satisfaction with the requests resolved in the period, and says so where there is none', async () => {
    const r = await report(manager, `${october}&organizationId=${ids.orgR}`);
    // T1 5, T2 4, T9 2: 11 / 3 = 3.67 on average; 3 of the 7 resolved were rated.
    expect(r.satisfaction).toEqual({ available: true, ratings: 3, averageRating: 3.67, responseRatePct: 42.9, note: null });
    // Client B resolved nothing in October; its IT manager reads English.
    const b = await report(itB, october);
    expect(b.satisfaction).toEqual({ available: false, ratings: 0, averageRating: null, responseRatePct: null, note: 'No request resolved in this period has been rated.' });
    expect(b.notes).toContain(b.satisfaction.note);
  });

  it('counts deflections, requests solved with an article and L2/L3 solutions without one', async () => {
    // Resolved in October: T1 and T3 with the article (2 of 7); at L2 or L3: T3 (with) and T4 (without).
    const r = await report(manager, `${october}&organizationId=${ids.orgR}`);
    expect(r.knowledgeBase).toEqual({ deflections: 1, solvedWithArticle: 2, solvedWithArticlePct: 28.6, resolvedAtL2L3: 2, resolvedAtL2L3WithoutArticle: 1, note: null });
    expect((await report(manager, october)).knowledgeBase.deflections).toBe(2);
    // Deflections have no request: a line filter leaves them per organization, and says so.
    const l2 = await report(manager, `${october}&organizationId=${ids.orgR}&line=L2`);
    expect(l2.knowledgeBase).toMatchObject({ deflections: 1, solvedWithArticle: 1, resolvedAtL2L3: 2, resolvedAtL2L3WithoutArticle: 1 });
    expect(l2.knowledgeBase.note).toMatch(/^Предотвращённые обращения/);
  });

  it('sums the time worked and billable per organization against the plan, and per agent', async () => {
    const r = await report(manager, `${october}&organizationId=${ids.orgR}`);
    // 30 + 60 + 90 minutes, 120 of them billable; the plan includes 10 hours a month, a whole month here.
    expect(r.time).toMatchObject({ workedHours: 3, billableHours: 2, flaggedEntries: 0, flaggedHours: 0 });
    expect(r.time.organizations).toEqual([
      { organizationId: ids.orgR, name: 'Report Org', planId: ids.plan, planName: 'Report Test', includedHours: 10, billableHours: 2, nonBillableHours: 1, overageHours: 0 },
    ]);
    // October 2026 has 22 weekdays: her demo roster (8 hours each weekday) gives 176 hours. Lena worked 1.5 h (0.85 %), Egor 1.5 h.
    const lena = r.time.agents.find((a: any) => a.name === 'Lena L1');
    expect(lena).toEqual({ agentId: expect.any(String), name: 'Lena L1', workedHours: 1.5, billableHours: 0.5, capacityHours: 176, utilisationPct: 0.9, capacityFrom: 'roster' });
    expect(r.time.agents.find((a: any) => a.name === 'Egor L2')).toMatchObject({ workedHours: 1.5, billableHours: 1.5 });
    // A week of a plan's month counts 7/31 of its hours.
    const week = await report(manager, `period=week&date=2026-10-05&timeZone=Europe/Moscow&organizationId=${ids.orgR}`);
    expect(week.time.organizations[0]).toMatchObject({ includedHours: 2.26, billableHours: 2, overageHours: 0 });
  });

  it('counts the whole provider, and filters by channel, line, plan, agent, category, type and group', async () => {
    const all = await report(manager, october);
    // The DST organization's four requests are October's too (received, open at the end).
    expect(all.volume).toMatchObject({ received: 12, resolved: 7, closed: 2, reopened: 1, backlogAtStart: 1, backlogAtEnd: 6 });
    expect((await report(manager, `${october}&channel=phone`)).volume).toMatchObject({ received: 1, resolved: 0, backlogAtEnd: 1 });
    // T5 is at L2 now; the rest of R's and D's open requests at L1.
    expect((await report(manager, `${october}&line=L2`)).volume).toMatchObject({ received: 3, resolved: 3, reopened: 1, backlogAtEnd: 1 });
    expect((await report(manager, `${october}&planId=${ids.plan}`)).volume.received).toBe(8);
    // Egor, the one L2 agent, was given each request that reached L2: T3, T4, T5.
    const egor = ok(await l2.get('/api/v1/me')).id;
    expect((await report(manager, `${october}&agentId=${egor}`)).volume).toMatchObject({ received: 3, resolved: 3, reopened: 1, backlogAtEnd: 1 });
    // "Network" counts its VPN subcategory (T5); every request here is an incident; none is in a group.
    const network = ok(await manager.get('/api/v1/categories')).items.find((c: any) => c.name === 'Network').id;
    expect((await report(manager, `${october}&categoryId=${network}`)).volume).toMatchObject({ received: 1, backlogAtEnd: 1 });
    expect((await report(manager, `${october}&type=incident`)).volume.received).toBe(12);
    expect((await report(manager, `${october}&type=service_request`)).volume).toMatchObject({ received: 0, backlogAtStart: 0, backlogAtEnd: 0 });
    const group = ok(await manager.get('/api/v1/groups')).items[0].id;
    expect((await report(manager, `${october}&groupId=${group}`)).volume.received).toBe(0);
    const by = await report(manager, `${october}&organizationId=${ids.orgR}&by=channel`);
    expect(by.volume.breakdown).toEqual({
      by: 'channel',
      rows: [
        { key: 'api', label: 'api', received: 7, resolved: 7, closed: 2, reopened: 1, backlogAtEnd: 1 },
        { key: 'phone', label: 'phone', received: 1, resolved: 0, closed: 0, reopened: 0, backlogAtEnd: 1 },
      ],
    });
  });

  it('buckets by local day around a DST change: Sunday 25 October 2026 in Berlin has 25 hours', async () => {
    const r = await report(manager, `period=custom&from=2026-10-24&to=2026-10-26&timeZone=Europe/Berlin&organizationId=${ids.orgD}`);
    expect(r.volume.series).toEqual([
      { start: '2026-10-24', end: '2026-10-24', received: 1, resolved: 0, closed: 0, reopened: 0, backlog: 1 },
      { start: '2026-10-25', end: '2026-10-25', received: 2, resolved: 0, closed: 0, reopened: 0, backlog: 3 },
      { start: '2026-10-26', end: '2026-10-26', received: 1, resolved: 0, closed: 0, reopened: 0, backlog: 4 },
    ]);
    expect([r.period.from, r.period.to]).toEqual(['2026-10-23T22:00:00.000Z', '2026-10-26T23:00:00.000Z']);
    // The week of 19–25 October by day ends with the long Sunday; by week it is one bucket.
    const week = await report(manager, `period=week&date=2026-10-21&timeZone=Europe/Berlin&organizationId=${ids.orgD}`);
    expect(week.period).toMatchObject({ from: '2026-10-18T22:00:00.000Z', to: '2026-10-25T23:00:00.000Z' });
    expect(week.volume.series.map((s: any) => s.received)).toEqual([0, 0, 0, 0, 0, 1, 2]);
    const weeks = await report(manager, `period=month&date=2026-10-01&timeZone=Europe/Berlin&bucket=week&organizationId=${ids.orgD}`);
    expect(weeks.volume.series.map((s: any) => [s.start, s.end, s.received])).toEqual([
      ['2026-10-01', '2026-10-04', 0],
      ['2026-10-05', '2026-10-11', 0],
      ['2026-10-12', '2026-10-18', 0],
      ['2026-10-19', '2026-10-25', 3],
      ['2026-10-26', '2026-10-31', 1],
    ]);
  });

  it('exports CSV with headers in the reader\'s language', async () => {
    const csv = await manager.get(`/api/v1/reports?${october}&organizationId=${ids.orgR}&format=csv&table=sla&lang=en`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('tierdesk-report-2026-10-01-2026-10-31-sla.csv');
    const lines = (csv.body as string).replace(/^\ufeff/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Target,Priority,Measured,Met,Missed,"Compliance, %",Breaches');
    expect(lines[1]).toBe('First response,All priorities,7,6,1,85.7,1');
    expect(lines[6]).toBe('Resolution,All priorities,7,4,3,57.1,3');
    expect(lines).toHaveLength(11);
    const ru = await itR.get(`/api/v1/reports?${october}&format=csv&table=volume`);
    const rows = (ru.body as string).replace(/^\ufeff/, '').trimEnd().split('\r\n');
    expect(rows[0]).toBe('С,По,Поступило,Решено,Закрыто,Переоткрыто,Открыто на конец');
    expect(rows[1]).toBe('2026-10-01,2026-10-01,1,2,1,0,0');
    expect((await manager.get(`/api/v1/reports?${october}&format=csv`)).status).toBe(400);
  });

  it('exports XLSX with a sheet per table, read back with exceljs', async () => {
    const res = await fetch(`${t.base}/api/v1/reports?${october}&organizationId=${ids.orgR}&format=xlsx&lang=ru`, { headers: { authorization: `Bearer ${manager.bearer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Сводка', 'Объём', 'Разбивка', 'SLA', 'Линии', 'Организации', 'Сотрудники', 'Звонки']);
    const summary = wb.getWorksheet('Сводка')!;
    expect(summary.getRow(1).values).toEqual([undefined, 'Показатель', 'Значение']);
    const figures = Object.fromEntries(summary.getSheetValues().slice(2).map((r: any) => [r[1], r[2]]));
    expect(figures).toMatchObject({ 'Поступило обращений': 8, 'Решено обращений': 7, 'Открыто на конец': 2, 'Первый ответ, медиана (рабочих мин)': 10, 'Решение, 90-й процентиль (рабочих мин)': 312, 'Решено на L1, % (цель 90)': 71.4 });
    const lines = wb.getWorksheet('Линии')!;
    expect(lines.getRow(3).values).toEqual([undefined, 'L2', 170, 2, 85, 24.29]);
    const orgs = wb.getWorksheet('Организации')!;
    expect(orgs.getRow(2).values).toEqual([undefined, 'Report Org', 'Report Test', 10, 2, 1, 0]);
  });

  it('gives a client IT manager their own organization\'s numbers only, on every report endpoint', async () => {
    const own = await report(itR, october);
    const asManager = await report(manager, `${october}&organizationId=${ids.orgR}`);
    expect(own.volume).toEqual(asManager.volume);
    expect(own.filter).toEqual({ organizationId: ids.orgR });
    expect(own.time.organizations.map((o: any) => o.organizationId)).toEqual([ids.orgR]);
    expect(own.time.agents).toBeNull();
    // Another organization's numbers are not found, in every format; agent and group breakdowns are staff's.
    for (const format of ['json', 'csv&table=volume', 'xlsx']) {
      expect((await itB.get(`/api/v1/reports?${october}&organizationId=${ids.orgR}&format=${format}`)).status).toBe(404);
      expect((await itR.get(`/api/v1/reports?${october}&organizationId=${ids.orgD}&format=${format}`)).status).toBe(404);
    }
    expect((await itR.get(`/api/v1/reports?${october}&agentId=${asManager.time.agents[0].agentId}`)).status).toBe(403);
    expect((await itR.get(`/api/v1/reports?${october}&by=agent`)).status).toBe(403);
    expect(ok(await itR.get(`/api/v1/reports?${october}&by=organization`)).volume.breakdown.rows.map((x: any) => x.label)).toEqual(['Report Org']);
    // Client B's IT manager gets B's October: nothing of R's.
    const b = await report(itB, october);
    expect(b.volume).toMatchObject({ received: 0, resolved: 0, backlogAtEnd: 0 });
    const bCsv = await itB.get(`/api/v1/reports?${october}&format=csv&table=organizations`);
    expect(bCsv.body).not.toContain('Report Org');
    expect(bCsv.body).toContain('Client B Retail');
    expect((await itB.get(`/api/v1/organizations/${ids.orgR}/contract-hours?month=2026-10`)).status).toBe(404);
    expect((await itR.get(`/api/v1/organizations/${ids.orgR}/contract-hours?month=2026-10`)).status).toBe(200);
    expect((await itR.get('/api/v1/reports/staffing')).status).toBe(403);
    expect((await itR.get('/api/v1/staffing/rosters')).status).toBe(403);
  });

  it('refuses requesters, agents and anonymous callers, and names the field at fault', async () => {
    expect((await requester.get(`/api/v1/reports?${october}`)).status).toBe(403);
    expect((await l1.get(`/api/v1/reports?${october}`)).status).toBe(403);
    expect((await requester.get(`/api/v1/organizations/${ids.orgR}/contract-hours`)).status).toBe(403);
    expect((await t.anonymous().get(`/api/v1/reports?${october}`)).status).toBe(401);
    expect((await t.anonymous().get('/api/v1/reports/staffing')).status).toBe(401);
    const bad = async (query: string, field: string) => {
      const r = await manager.get(`/api/v1/reports?${query}`);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body.details)).toContain(field);
    };
    await bad('period=month&date=2026-02-30', 'date');
    await bad('period=month&timeZone=Mars/Olympus', 'timeZone');
    await bad('period=fortnight', 'period');
    await bad('period=custom&from=2026-10-10', 'to');
    await bad('period=custom&from=2026-10-10&to=2026-10-01', 'to');
    await bad('period=custom&from=2020-01-01&to=2026-01-01', 'to');
    await bad(`period=month&planId=${ids.orgR}`, 'planId');
    await bad('period=month&organizationId=not-a-uuid', 'organizationId');
    await bad('period=month&by=colour', 'by');
    await bad('period=month&format=pdf', 'format');
    expect((await manager.get(`/api/v1/reports?period=month&organizationId=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)).status).toBe(404);
  });
});
