import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

// Wednesday 25 November 2026, 10:00 in Moscow (UTC+3): client A's plan (Optimized) works 09–13 and
// 14–18 Moscow time on working days; P3 targets: first response 120, resolution 1440 business
// minutes; 15 business minutes at L1 before escalation.
const START = '2026-11-25T07:00:00.000Z';

describe.each(DATABASES)('SLA clocks and escalation (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  const fire = () => t.fireTimers();
  const sla = async (c: any, id: string) => {
    const r = await c.get(`/api/v1/tickets/${id}/sla`);
    expect(r.status).toBe(200);
    return Object.fromEntries(r.body.clocks.map((k: any) => [k.metric, k]));
  };
  const newTicket = async (body: Record<string, unknown> = {}) => {
    clock.set(START);
    const alice = await t.login('alice@client-a.test');
    const r = await alice.post('/api/v1/tickets', { subject: 'Scanner', description: 'It does not scan', ...body });
    expect(r.status).toBe(201);
    return r.body;
  };

  it('starts the clocks with deadlines in business time, and shows the line budget to staff only', async () => {
    const ticket = await newTicket();
    const alice = await t.login('alice@client-a.test');
    const l1 = await t.login('l1@demo.test');
    const own = await sla(alice, ticket.id);
    expect(Object.keys(own).sort()).toEqual(['first_response', 'resolution']);
    // 10:00 + 120 business minutes = 12:00 Moscow.
    expect(own.first_response).toMatchObject({ state: 'running', targetMinutes: 120, deadline: '2026-11-25T09:00:00.000Z', met: null });
    // 1440 minutes: Wed 420 + Thu 480 + Fri 480 = 1380, then 60 on Monday: Mon 30 Nov 10:00 Moscow.
    expect(own.resolution.deadline).toBe('2026-11-30T07:00:00.000Z');
    const staff = await sla(l1, ticket.id);
    expect(staff.line).toMatchObject({ line: 'L1', targetMinutes: 15, deadline: '2026-11-25T07:15:00.000Z' });
  });

  it('stops the first-response clock at the first public reply by staff, met', async () => {
    const ticket = await newTicket();
    const l1 = await t.login('l1@demo.test');
    clock.advanceMinutes(10);
    await l1.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Internal first', internal: true });
    expect((await sla(l1, ticket.id)).first_response.state).toBe('running');
    await l1.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Looking at it' });
    const fr = (await sla(l1, ticket.id)).first_response;
    expect(fr).toMatchObject({ state: 'stopped', met: true, usedMinutes: 10 });
  });

  it('pauses while waiting for the customer and resumes on their answer', async () => {
    const ticket = await newTicket();
    const l1 = await t.login('l1@demo.test');
    const alice = await t.login('alice@client-a.test');
    clock.advanceMinutes(30);
    await l1.patch(`/api/v1/tickets/${ticket.id}`, { status: 'pending_customer' });
    const paused = await sla(l1, ticket.id);
    expect(paused.resolution).toMatchObject({ state: 'paused', deadline: null, usedMinutes: 30 });
    clock.advanceMinutes(120); // 12:30 Moscow: paused time does not count
    await alice.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Here is the photo' });
    const resumed = await sla(l1, ticket.id);
    expect(resumed.resolution).toMatchObject({ state: 'running', usedMinutes: 30 });
    // 1410 left from Wed 12:30: Wed 30 + 240 = 270, Thu 480 → 750, Fri 480 → 1230, Mon 180 → 12:00 (lunch-free morning).
    expect(resumed.resolution.deadline).toBe('2026-11-30T09:00:00.000Z');
    const log = (await l1.get(`/api/v1/tickets/${ticket.id}/sla/log`)).body.items.filter((e: any) => e.metric === 'resolution');
    expect(log.map((e: any) => e.action)).toEqual(['start', 'pause', 'resume']);
  });

  it('escalates from L1 to L2 by itself when the L1 budget is used up, once', async () => {
    const ticket = await newTicket();
    const l1 = await t.login('l1@demo.test');
    clock.advanceMinutes(14);
    await fire();
    expect((await l1.get(`/api/v1/tickets/${ticket.id}`)).body.line).toBe('L1');
    clock.advanceMinutes(2);
    await fire();
    const after = (await l1.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(after.line).toBe('L2');
    const events = (await l1.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items.filter((e: any) => e.event?.type === 'line_changed');
    expect(events).toHaveLength(1);
    expect(events[0].event.data).toMatchObject({ from: 'L1', to: 'L2', by: 'time', reason: expect.stringContaining('15 business minutes') });
    expect(events[0].author.name).toBe('Tierdesk');
    const line = (await sla(l1, ticket.id)).line;
    expect(line).toMatchObject({ line: 'L2', state: 'running', targetMinutes: 240 }); // P3's L2 budget
    clock.advanceMinutes(5);
    await fire();
    expect((await l1.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items.filter((e: any) => e.event?.type === 'line_changed')).toHaveLength(1);
  });

  it('does not escalate by time a request waiting for the customer', async () => {
    const ticket = await newTicket();
    const l1 = await t.login('l1@demo.test');
    clock.advanceMinutes(5);
    await l1.patch(`/api/v1/tickets/${ticket.id}`, { status: 'pending_customer' });
    clock.advanceMinutes(60);
    await fire();
    expect((await l1.get(`/api/v1/tickets/${ticket.id}`)).body.line).toBe('L1');
  });

  it('warns at 75 % and 90 % and at the breach, once each, the managers at the breach', async () => {
    const ticket = await newTicket({ impact: 'high', urgency: 'high' }); // P1: first response in 15
    const db = t.td.app.db;
    // The SLA notices only: the request's other notices (its receipt to the IT manager) carry the number too.
    const mails = async () => (await db.selectFrom('mail_outbox').select(['to_address', 'subject']).where('subject', 'like', `%${ticket.number}%`).where('subject', 'like', '%SLA%').execute());
    clock.advanceMinutes(11);
    await fire();
    expect(await mails()).toHaveLength(0);
    clock.advanceMinutes(1); // 12 ≥ 11.25
    await fire();
    const at75 = await mails();
    expect(at75.length).toBeGreaterThan(0);
    expect(at75.every((m) => /75/.test(m.subject))).toBe(true);
    expect(at75.some((m) => m.to_address === 'manager@demo.test')).toBe(false);
    clock.advanceMinutes(2); // 14 ≥ 13.5
    await fire();
    expect((await mails()).filter((m) => /90/.test(m.subject)).length).toBe(at75.length);
    clock.advanceMinutes(2); // 16 > 15: breached
    await fire();
    const breach = (await mails()).filter((m) => !/75|90/.test(m.subject));
    expect(breach.some((m) => m.to_address === 'manager@demo.test')).toBe(true);
    const l1 = await t.login('l1@demo.test');
    expect((await sla(l1, ticket.id)).first_response).toMatchObject({ overdue: true, breachedAt: '2026-11-25T07:15:00.000Z' });
    const count = (await mails()).length;
    clock.advanceMinutes(30);
    await fire();
    expect((await mails()).length).toBe(count);
    const actions = (await l1.get(`/api/v1/tickets/${ticket.id}/sla/log`)).body.items.filter((e: any) => e.metric === 'first_response').map((e: any) => e.action);
    expect(actions).toEqual(['start', 'warning', 'warning', 'breach']);
  });

  it('moves deadlines when the priority changes and restarts resolution on reopen', async () => {
    const ticket = await newTicket();
    const l1 = await t.login('l1@demo.test');
    await l1.patch(`/api/v1/tickets/${ticket.id}`, { priority: 'P1' });
    const p1 = await sla(l1, ticket.id);
    expect(p1.first_response).toMatchObject({ targetMinutes: 15, deadline: '2026-11-25T07:15:00.000Z' });
    expect(p1.resolution.targetMinutes).toBe(240);
    clock.advanceMinutes(20);
    await l1.patch(`/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
    expect((await sla(l1, ticket.id)).resolution).toMatchObject({ state: 'stopped', met: true, usedMinutes: 20 });
    clock.advanceMinutes(60);
    const alice = await t.login('alice@client-a.test');
    expect((await alice.post(`/api/v1/tickets/${ticket.id}/reopen`)).status).toBe(200);
    const reopened = (await sla(l1, ticket.id)).resolution;
    expect(reopened).toMatchObject({ state: 'running', usedMinutes: 20, met: null });
    // 220 minutes left from 11:20 Moscow: 100 until 13:00, then 14:00 + 120 = 16:00.
    expect(reopened.deadline).toBe('2026-11-25T13:00:00.000Z');
  });

  it('shows the clock log to staff and the client IT manager, as JSON or CSV, never to requesters', async () => {
    const ticket = await newTicket();
    const it_ = await t.login('it@client-a.test');
    const alice = await t.login('alice@client-a.test');
    const bob = await t.login('it@client-b.test');
    const log = await it_.get(`/api/v1/tickets/${ticket.id}/sla/log`);
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: any) => e.metric).sort()).toEqual(['first_response', 'resolution']);
    expect((await alice.get(`/api/v1/tickets/${ticket.id}/sla/log`)).status).toBe(404);
    expect((await bob.get(`/api/v1/tickets/${ticket.id}/sla/log`)).status).toBe(404);
    expect((await bob.get(`/api/v1/tickets/${ticket.id}/sla`)).status).toBe(404);
    const csv = await it_.get(`/api/v1/tickets/${ticket.id}/sla/log?format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    // In the reader's language (the IT manager reads Russian): names and phrases, no codes.
    expect(csv.body.split('\n')[0]).toBe('Время (UTC),Часы,Событие,Линия,Календарь,"Цель, рабочих мин","Израсходовано, рабочих мин",Срок (UTC),Подробности');
    expect(csv.body).toContain(',Первый ответ,запущены,');
    expect(csv.body).toMatch(/,приоритет P\d\n/);
    expect(csv.body).not.toMatch(/\b[a-z]+_[a-z_]+\b|policyId|\{/);
    const en = await it_.get(`/api/v1/tickets/${ticket.id}/sla/log?format=csv&lang=en`);
    expect(en.body.split('\n')[0]).toBe('Time (UTC),Clock,Event,Line,Calendar,"Target, business min","Used, business min",Deadline (UTC),Detail');
    expect(en.body).toContain(',First response,started,');
    expect((await it_.get(`/api/v1/tickets/${ticket.id}/sla/log?format=csv&lang=de`)).status).toBe(400);
  });

  it('lists what breaches next, soonest first, within what the viewer may see', async () => {
    await newTicket({ impact: 'high', urgency: 'high' });
    const manager = await t.login('manager@demo.test');
    const items = (await manager.get('/api/v1/sla/next-breaches?limit=20')).body.items;
    expect(items.length).toBe(20);
    const deadlines = items.map((i: any) => i.deadline);
    expect([...deadlines].sort()).toEqual(deadlines);
    const it_ = await t.login('it@client-b.test');
    const own = (await it_.get('/api/v1/sla/next-breaches')).body.items;
    const orgB = (await it_.get('/api/v1/me')).body.organizationId;
    expect(own.every((i: any) => i.organizationId === orgB)).toBe(true);
    expect((await (await t.login('bob@client-b.test')).get('/api/v1/sla/next-breaches')).status).toBe(404);
  });

  it('lets an admin change a plan\'s SLA, which retargets open requests at once', async () => {
    const ticket = await newTicket();
    const admin = await t.login('admin@demo.test');
    const l1 = await t.login('l1@demo.test');
    const planId = (await admin.get(`/api/v1/organizations/${ticket.organizationId}`)).body.planId;
    const current = (await admin.get(`/api/v1/plans/${planId}/sla`)).body;
    expect(current.policies).toHaveLength(4);
    const policies = current.policies.map((p: any) => ({ ...p, ticketType: undefined, firstResponseMinutes: p.priority === 'P3' ? 60 : p.firstResponseMinutes }));
    expect((await l1.put(`/api/v1/plans/${planId}/sla`, { ...current, policies })).status).toBe(403);
    const put = await admin.put(`/api/v1/plans/${planId}/sla`, { calendarId: current.calendarId, extendedCalendarId: current.extendedCalendarId, pauseOnVendor: true, policies });
    expect(put.status).toBe(200);
    expect((await sla(l1, ticket.id)).first_response).toMatchObject({ targetMinutes: 60, deadline: '2026-11-25T08:00:00.000Z' });
    const bad = await admin.put(`/api/v1/plans/${planId}/sla`, { calendarId: null, policies: [policies[0], policies[0]] });
    expect(bad.status).toBe(400);
    expect((await (await t.login('alice@client-a.test')).get(`/api/v1/plans/${planId}/sla`)).status).toBe(403);
  });
});
