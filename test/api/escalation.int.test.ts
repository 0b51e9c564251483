import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

describe.each(DATABASES)('assignment and escalation by hand (%s)', (kind) => {
  const t = useTestApp(kind);
  const me = async (c: any) => (await c.get('/api/v1/me')).body;

  it('gives a new request to an available agent who reads its language, or leaves it in the queue', async () => {
    const alice = await t.login('alice@client-a.test');
    const l1 = await t.login('l1@demo.test'); // Russian and English
    const l1en = await t.login('l1-en@demo.test'); // English only
    const [lena, liam] = [await me(l1), await me(l1en)];
    expect((await l1.patch('/api/v1/me', { availability: 'away' })).body.availability).toBe('away');

    const russian = (await alice.post('/api/v1/tickets', { subject: 'Не печатает принтер', description: 'Совсем' })).body;
    expect(russian.assignee).toBeNull();
    const english = (await alice.post('/api/v1/tickets', { subject: 'Printer is offline', description: 'Since noon' })).body;
    expect(english.assignee).toMatchObject({ id: liam.id });

    await l1.patch('/api/v1/me', { availability: 'available' });
    const again = (await alice.post('/api/v1/tickets', { subject: 'Не печатает сканер', description: 'Совсем' })).body;
    expect(again.assignee).toMatchObject({ id: lena.id });
    const timeline = (await l1.get(`/api/v1/tickets/${again.id}/timeline`)).body.items;
    const assigned = timeline.find((e: any) => e.event?.type === 'assignee_changed');
    expect(assigned.event.data).toMatchObject({ to: lena.id, by: 'auto' });
    expect(assigned.author.name).toBe('Tierdesk');
  });

  it('prefers the agent whose skills fit the category', async () => {
    const alice = await t.login('alice@client-a.test');
    const l1 = await t.login('l1@demo.test');
    const printer = (await alice.get('/api/v1/categories')).body.items.find((c: any) => c.name === 'Printer');
    // Lena lists "workplace", the parent of Printer, among her skills; Liam lists none.
    const r = (await alice.post('/api/v1/tickets', { subject: 'Paper jam', description: 'Tray 2', categoryId: printer.id })).body;
    expect(r.assignee.id).toBe((await me(l1)).id);
  });

  it('only staff set availability, and a manager can reassign', async () => {
    const alice = await t.login('alice@client-a.test');
    const r = await alice.patch('/api/v1/me', { availability: 'available' });
    expect(r.status).toBe(400);
    expect(r.body.details[0].path).toBe('availability');
    const manager = await t.login('manager@demo.test');
    const l1en = await t.login('l1-en@demo.test');
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'Не открывается файл', description: 'x' })).body;
    const moved = await manager.patch(`/api/v1/tickets/${ticket.id}`, { assigneeId: (await me(l1en)).id });
    expect(moved.body.assignee.name).toBe('Liam L1');
  });

  it('escalates and de-escalates by hand with a reason', async () => {
    const alice = await t.login('alice@client-a.test');
    const l1 = await t.login('l1@demo.test');
    const l2 = await t.login('l2@demo.test');
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'Mail server bounces', description: 'x' })).body;
    expect((await l1.post(`/api/v1/tickets/${ticket.id}/escalate`, { line: 'L2' })).status).toBe(400);
    const up = await l1.post(`/api/v1/tickets/${ticket.id}/escalate`, { line: 'L2', reason: 'Needs server access' });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ line: 'L2', assignee: { id: (await me(l2)).id } });
    expect((await alice.post(`/api/v1/tickets/${ticket.id}/escalate`, { line: 'L1', reason: 'x' })).status).toBe(403);
    const down = await l2.post(`/api/v1/tickets/${ticket.id}/escalate`, { line: 'L1', reason: 'A known issue, KB article 12' });
    expect(down.body.line).toBe('L1');
    const events = (await l2.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items.filter((e: any) => e.event?.type === 'line_changed');
    expect(events.map((e: any) => [e.event.data.to, e.event.data.by, e.event.data.reason])).toEqual([
      ['L2', 'hand', 'Needs server access'],
      ['L1', 'hand', 'A known issue, KB article 12'],
    ]);
    const log = (await l2.get(`/api/v1/tickets/${ticket.id}/sla/log`)).body.items.filter((e: any) => e.action === 'escalated');
    expect(log.map((e: any) => e.detail.to)).toEqual(['L2', 'L1']);
  });

  it('moves open requests to the extended calendar when the contract gets off-hours support', async () => {
    const alice = await t.login('alice@client-a.test');
    const admin = await t.login('admin@demo.test');
    const l1 = await t.login('l1@demo.test');
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'Weekend backup', description: 'x' })).body;
    const before = (await l1.get(`/api/v1/tickets/${ticket.id}/sla`)).body;
    const org = (await admin.get(`/api/v1/organizations/${ticket.organizationId}`)).body;
    const planSla = (await admin.get(`/api/v1/plans/${org.planId}/sla`)).body;
    expect(before.calendarId).toBe(planSla.calendarId);
    await admin.patch(`/api/v1/organizations/${org.id}`, { contractOptions: [...org.contractOptions, 'off_hours_support'] });
    const after = (await l1.get(`/api/v1/tickets/${ticket.id}/sla`)).body;
    expect(after.calendarId).toBe(planSla.extendedCalendarId);
    const log = (await l1.get(`/api/v1/tickets/${ticket.id}/sla/log`)).body.items.filter((e: any) => e.action === 'target_changed');
    expect(log.length).toBeGreaterThan(0);
    expect(log[0].calendarId).toBe(planSla.extendedCalendarId);
    await admin.patch(`/api/v1/organizations/${org.id}`, { contractOptions: org.contractOptions });
  });
});
