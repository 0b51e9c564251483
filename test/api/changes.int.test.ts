import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { buildMessage, sendRaw, useSmtpListener } from '../support/email.js';

const desk = { from: 'x@test', to: ['support@desk.test'] };
const CHANGE = { risk: 'medium', plan: 'Upgrade the file server firmware.', rollbackPlan: 'Flash the previous firmware.', windowStart: '2026-11-28T19:00:00.000Z', windowEnd: '2026-11-28T23:00:00.000Z' };

describe.each(DATABASES)('changes with approval (%s)', (kind) => {
  const clock = new ManualClock('2026-11-25T07:00:00.000Z');
  const t = useTestApp(kind, {}, { clock });
  const smtp = useSmtpListener(t);
  let admin: Client;
  let agent: Client;
  let manager: Client;
  let alice: Client;
  let itA: Client;
  let itB: Client;
  let itemId: string;
  let planA: string;

  beforeAll(async () => {
    admin = await t.login('admin@demo.test');
    agent = await t.login('l1@demo.test');
    manager = await t.login('manager@demo.test');
    alice = await t.login('alice@client-a.test');
    itA = await t.login('it@client-a.test');
    itB = await t.login('it@client-b.test');
    planA = ((await admin.get('/api/v1/organizations')).body.items as any[]).find((o) => o.name === 'Client A Logistics').planId;
    const item = await admin.post('/api/v1/catalog/items', { name: 'Server maintenance', nameRu: 'Обслуживание сервера', type: 'change', needsApproval: true, planIds: [planA], fields: [{ key: 'server', kind: 'text', label: 'Server', labelRu: 'Сервер', required: true }] });
    itemId = item.body.id;
  });

  const orderChange = async (server = 'FS-01') => {
    clock.advance(60_000);
    const r = await alice.post(`/api/v1/catalog/items/${itemId}/order`, { answers: { server }, change: CHANGE });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.ticketId as string;
  };
  const mailTo = (to: string, ticketId: string) =>
    t.td.app.db.selectFrom('mail_outbox').select(['subject', 'text_body', 'message_id']).where('to_address', '=', to).where('ticket_id', '=', ticketId).orderBy('id').execute();
  const linkIn = (text: string, decision: 'approve' | 'reject') => new RegExp(`/approve/([A-Za-z0-9_-]+)\\?decision=${decision}`).exec(text)![1]!;
  const clockStates = async (ticketId: string) => ((await agent.get(`/api/v1/tickets/${ticketId}/sla`)).body.clocks as any[]).map((c) => `${c.metric}:${c.state}`).sort();

  it('admins set who approves under a plan; staff read it, clients may not', async () => {
    expect((await agent.put(`/api/v1/plans/${planA}/change-settings`, { clientApproval: 'any', providerApproval: true, pauseSla: true })).status).toBe(403);
    const r = await admin.put(`/api/v1/plans/${planA}/change-settings`, { clientApproval: 'any', providerApproval: true, pauseSla: true });
    expect(r.body).toEqual({ clientApproval: 'any', providerApproval: true, pauseSla: true });
    expect((await agent.get(`/api/v1/plans/${planA}/change-settings`)).body.providerApproval).toBe(true);
    expect((await itA.get(`/api/v1/plans/${planA}/change-settings`)).status).toBe(403);
  });

  it('a change needs its plan and a sensible window', async () => {
    const none = await alice.post(`/api/v1/catalog/items/${itemId}/order`, { answers: { server: 'FS-01' } });
    expect(none.status).toBe(400);
    expect(none.body.details[0].path).toBe('change');
    const backwards = await alice.post(`/api/v1/catalog/items/${itemId}/order`, { answers: { server: 'FS-01' }, change: { ...CHANGE, windowEnd: CHANGE.windowStart } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.details[0].path).toBe('windowEnd');
  });

  it('goes through the steps in order: the client’s IT manager, then the provider’s change manager (by the e-mailed link); nothing is worked before', async () => {
    const id = await orderChange();
    let change = (await agent.get(`/api/v1/tickets/${id}/change`)).body;
    expect(change).toMatchObject({ approvalState: 'pending', currentStep: 1, risk: 'medium', pausesSla: true });
    expect(change.approvals.map((a: any) => [a.step, a.kind])).toEqual([[1, 'client_manager'], [2, 'change_manager']]);
    // The SLA waits while approval is pending.
    expect(await clockStates(id)).toEqual(['first_response:paused', 'line:paused', 'resolution:paused']);
    // Nothing is worked: staff cannot open, take or resolve it.
    const open = await agent.patch(`/api/v1/tickets/${id}`, { status: 'open' });
    expect(open.status).toBe(409);
    expect(open.body.error).toBe('approval_pending');
    expect((await agent.post(`/api/v1/tickets/${id}/take`)).status).toBe(409);
    expect((await agent.patch(`/api/v1/tickets/${id}`, { status: 'resolved' })).body.error).toBe('approval_pending');
    // A question to the client is not work: the reply goes through (the first response) and the other clocks stay held.
    expect((await agent.post(`/api/v1/tickets/${id}/comments`, { body: 'Which share is affected?', internal: false })).status).toBe(201);
    expect(await clockStates(id)).toEqual(['first_response:stopped', 'line:paused', 'resolution:paused']);

    // The IT manager is asked, in Russian, with links; the change manager not yet.
    const asked = await mailTo('it@client-a.test', id);
    expect(asked.map((m) => m.subject)).toContainEqual(expect.stringMatching(/Требуется согласование/));
    expect(await mailTo('manager@demo.test', id)).toEqual([]);
    expect((await itA.get('/api/v1/approvals')).body.items.map((i: any) => i.ticketId)).toContain(id);
    // Out of order: the change manager's step is not open yet; a requester is no approver; another organization's manager does not see it.
    expect((await manager.post(`/api/v1/tickets/${id}/change/decision`, { decision: 'approved' })).body.error).toBe('approval_step_not_open');
    expect((await alice.post(`/api/v1/tickets/${id}/change/decision`, { decision: 'approved' })).status).toBe(403);
    expect((await itB.post(`/api/v1/tickets/${id}/change/decision`, { decision: 'approved' })).status).toBe(404);
    expect((await itB.get(`/api/v1/tickets/${id}/change`)).status).toBe(404);

    const first = await itA.post(`/api/v1/tickets/${id}/change/decision`, { decision: 'approved', comment: 'OK for Saturday' });
    expect(first.body).toEqual({ ticketId: id, approvalState: 'pending' });
    expect((await itA.post(`/api/v1/tickets/${id}/change/decision`, { decision: 'approved' })).status).toBe(403);

    // Step two: the change manager gets a link; opening it changes nothing, the page's button decides.
    const [mail] = await mailTo('manager@demo.test', id);
    const token = linkIn(mail!.text_body, 'approve');
    const anon = t.anonymous();
    const view = await anon.get(`/api/v1/approval-links/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ approverName: 'Mikhail Manager', change: { approvalState: 'pending', currentStep: 2, mayDecide: true } });
    expect((await agent.get(`/api/v1/tickets/${id}/change`)).body.approvalState).toBe('pending');
    expect((await anon.get('/api/v1/approval-links/not-a-real-token-at-all-123')).status).toBe(404);
    const decided = await anon.post(`/api/v1/approval-links/${token}`, { decision: 'approved', comment: 'Go' });
    expect(decided.body).toEqual({ ticketId: id, approvalState: 'approved' });
    expect((await anon.post(`/api/v1/approval-links/${token}`, { decision: 'rejected' })).body.error).toBe('approval_not_pending');

    change = (await itA.get(`/api/v1/tickets/${id}/change`)).body;
    expect(change.approvals.map((a: any) => [a.decision, a.via, a.comment])).toEqual([['approved', 'portal', 'OK for Saturday'], ['approved', 'link', 'Go']]);
    expect(await clockStates(id)).toEqual(['first_response:stopped', 'line:running', 'resolution:running']);
    expect((await agent.post(`/api/v1/tickets/${id}/take`)).status).toBe(200);

    // Every step is on the timeline (the client's too) and in the audit log; the requester was told.
    const events = ((await alice.get(`/api/v1/tickets/${id}/timeline`)).body.items as any[]).filter((e) => e.event).map((e) => e.event.type);
    expect(events).toEqual(expect.arrayContaining(['change_planned', 'approval_requested', 'approval_decided', 'change_approved']));
    const audit = ((await manager.get(`/api/v1/tickets/${id}/audit`)).body.items as any[]).map((a) => a.action);
    expect(audit.filter((a) => a === 'change_approved')).toHaveLength(2);
    expect((await mailTo('alice@client-a.test', id)).map((m) => m.subject).join('\n')).toMatch(/Изменение согласовано/);
  });

  it('a rejection ends the change: the request closes, nothing more is decided; webhooks hear of it', async () => {
    const hook = await admin.post('/api/v1/webhooks', { name: 'CAB board', url: 'http://127.0.0.1:9/hooks', events: ['catalog.ordered', 'change.approval_requested', 'change.approval_decided', 'change.rejected'] });
    expect(hook.status).toBe(201);
    const id = await orderChange('FS-02');
    const r = await itA.post(`/api/v1/tickets/${id}/change/decision`, { decision: 'rejected', comment: 'Not during the stock-take' });
    expect(r.body.approvalState).toBe('rejected');
    expect((await agent.get(`/api/v1/tickets/${id}`)).body.status).toBe('closed');
    expect((await manager.post(`/api/v1/tickets/${id}/change/decision`, { decision: 'approved' })).body.error).toBe('approval_not_pending');
    expect((await agent.patch(`/api/v1/tickets/${id}`, { status: 'open' })).status).toBe(409);
    expect(await clockStates(id)).toEqual(['first_response:stopped', 'line:stopped', 'resolution:stopped']);
    const told = await mailTo('alice@client-a.test', id);
    expect(told.map((m) => m.text_body).join('\n')).toContain('Not during the stock-take');
    const deliveries = await t.td.app.db.selectFrom('webhook_deliveries').select(['event', 'payload']).where('webhook_id', '=', hook.body.id).where('ticket_id', '=', id).orderBy('id').execute();
    expect(deliveries.map((d) => d.event)).toEqual(['catalog.ordered', 'change.approval_requested', 'change.approval_decided', 'change.rejected']);
    expect(JSON.parse(deliveries[2]!.payload).data).toMatchObject({ decision: 'rejected', comment: 'Not during the stock-take', via: 'portal' });
    await admin.delete(`/api/v1/webhooks/${hook.body.id}`);
  });

  it('approves by an e-mail reply "согласовано", and the change manager by "approve"', async () => {
    const id = await orderChange('FS-03');
    const ask = (await mailTo('it@client-a.test', id)).find((m) => m.subject.includes('согласование'));
    const reply = buildMessage({ from: 'Igor Ivanov <it@client-a.test>', subject: `Re: ${ask!.subject}`, inReplyTo: ask!.message_id! }, 'Согласовано.\nТолько после 20:00.\n\n> Изменение требует вашего согласования');
    expect(await sendRaw(smtp.port, reply, desk)).toMatchObject({ ok: true });
    let change = (await agent.get(`/api/v1/tickets/${id}/change`)).body;
    expect(change.approvals[0]).toMatchObject({ decision: 'approved', via: 'reply', comment: 'Только после 20:00.' });
    expect(change.currentStep).toBe(2);
    // A reply that says something else decides nothing.
    const [askManager] = await mailTo('manager@demo.test', id);
    const chat = buildMessage({ from: 'manager@demo.test', subject: `Re: ${askManager!.subject}`, inReplyTo: askManager!.message_id! }, 'Can we move it an hour later?');
    expect(await sendRaw(smtp.port, chat, desk)).toMatchObject({ ok: true });
    expect((await agent.get(`/api/v1/tickets/${id}/change`)).body.approvalState).toBe('pending');
    const yes = buildMessage({ from: 'manager@demo.test', subject: `Re: ${askManager!.subject}`, inReplyTo: askManager!.message_id! }, 'approve');
    expect(await sendRaw(smtp.port, yes, desk)).toMatchObject({ ok: true });
    change = (await agent.get(`/api/v1/tickets/${id}/change`)).body;
    expect(change.approvalState).toBe('approved');
    expect(change.approvals[1]).toMatchObject({ decision: 'approved', via: 'reply' });
  });

  it('a reply "отклонено" rejects', async () => {
    const id = await orderChange('FS-04');
    const ask = (await mailTo('it@client-a.test', id)).find((m) => m.subject.includes('согласование'));
    const reply = buildMessage({ from: 'it@client-a.test', subject: `Re: ${ask!.subject}`, inReplyTo: ask!.message_id! }, 'отклонено');
    expect(await sendRaw(smtp.port, reply, desk)).toMatchObject({ ok: true });
    expect((await agent.get(`/api/v1/tickets/${id}/change`)).body.approvalState).toBe('rejected');
  });

  it('with every IT manager required, one approval is not enough', async () => {
    await admin.put(`/api/v1/plans/${planA}/change-settings`, { clientApproval: 'all', providerApproval: false, pauseSla: false });
    const orgA = ((await admin.get('/api/v1/organizations')).body.items as any[]).find((o) => o.name === 'Client A Logistics').id;
    const second = await admin.post('/api/v1/users', { email: 'it2@client-a.test', name: 'Inna Second (IT, Client A)', role: 'client_manager', organizationId: orgA, password: 'tierdesk-demo-2' });
    expect(second.status).toBe(201);
    const id = await orderChange('FS-05');
    expect(await clockStates(id)).toEqual(['first_response:running', 'line:running', 'resolution:running']);
    expect((await itA.post(`/api/v1/tickets/${id}/change/decision`, { decision: 'approved' })).body.approvalState).toBe('pending');
    const it2 = await t.login('it2@client-a.test', 'tierdesk-demo-2');
    expect((await it2.post(`/api/v1/tickets/${id}/change/decision`, { decision: 'approved' })).body.approvalState).toBe('approved');
  });

  it('staff make a change themselves; the calendar shows approved windows, to an IT manager their own only', async () => {
    await admin.put(`/api/v1/plans/${planA}/change-settings`, { clientApproval: 'any', providerApproval: false, pauseSla: true });
    const people = (await admin.get('/api/v1/users?limit=100')).body.items as any[];
    const bob = people.find((p) => p.email === 'bob@client-b.test').id;
    expect((await alice.post('/api/v1/changes', { ...CHANGE, subject: 'x', description: 'y', requesterId: bob })).status).toBe(403);
    const made = await agent.post('/api/v1/changes', { ...CHANGE, windowStart: '2026-11-29T08:00:00.000Z', windowEnd: '2026-11-29T09:00:00.000Z', subject: 'Replace the core switch', description: 'Store 4', requesterId: bob });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ approvalState: 'pending', risk: 'medium' });
    const range = 'from=2026-11-28T00:00:00Z&to=2026-11-30T00:00:00Z';
    const before = (await agent.get(`/api/v1/changes/calendar?${range}`)).body.items.map((i: any) => i.ticketId);
    expect(before).not.toContain(made.body.ticketId);
    expect((await agent.get(`/api/v1/changes/calendar?${range}&includePending=true`)).body.items.map((i: any) => i.ticketId)).toContain(made.body.ticketId);
    expect((await itB.post(`/api/v1/tickets/${made.body.ticketId}/change/decision`, { decision: 'approved' })).body.approvalState).toBe('approved');

    const staffView = (await agent.get(`/api/v1/changes/calendar?${range}`)).body.items as any[];
    expect(new Set(staffView.map((i) => i.organizationName))).toEqual(new Set(['Client A Logistics', 'Client B Retail']));
    const aView = (await itA.get(`/api/v1/changes/calendar?${range}`)).body.items as any[];
    expect(aView.length).toBeGreaterThan(0);
    expect(aView.every((i) => i.organizationName === 'Client A Logistics')).toBe(true);
    const bView = (await itB.get(`/api/v1/changes/calendar?${range}`)).body.items as any[];
    expect(bView.map((i) => i.ticketId)).toEqual([made.body.ticketId]);
    expect((await itB.get(`/api/v1/changes/calendar?${range}&organizationId=${aView[0].organizationId}`)).status).toBe(403);
    expect((await alice.get(`/api/v1/changes/calendar?${range}`)).status).toBe(403);
    expect((await agent.get('/api/v1/changes/calendar?from=2026-11-30T00:00:00Z&to=2026-11-28T00:00:00Z')).status).toBe(400);
  });
});
