import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { purgeExpired } from '../../src/modules/retention/index.js';
import { receiveSms } from '../../src/modules/channels/sms/index.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const R = '/api/v1/automation/rules';
const T = '/api/v1/tickets';
// Wednesday 12:00 in Moscow: within the demo's business calendar.
const WEEKDAY_NOON = '2026-12-09T09:00:00.000Z';
const SUNDAY_NIGHT = '2026-12-13T00:30:00.000Z';

describe.each(DATABASES)('automation rules at work (%s)', (kind) => {
  const clock = new ManualClock(WEEKDAY_NOON);
  const t = useTestApp(kind, { DEV_TRACKER_URL: 'http://127.0.0.1:9/rest/items', DEV_TRACKER_SECRET: 'automation-test-secret-0123', MAIL_FROM: 'Acme Service Desk <support@desk.test>' }, { clock });
  let manager: Client, admin: Client, l1: Client, alice: Client, bob: Client;
  let aliceId: string, bobId: string, l1Id: string, orgA: { id: string; name: string; planId: string }, orgBId: string;
  const made: string[] = [];

  beforeAll(async () => {
    [manager, admin, l1, alice, bob] = (await Promise.all(
      ['manager@demo.test', 'admin@demo.test', 'l1@demo.test', 'alice@client-a.test', 'bob@client-b.test'].map((e) => t.login(e)),
    )) as [Client, Client, Client, Client, Client];
    [aliceId, bobId, l1Id] = await Promise.all([alice, bob, l1].map(async (c) => (await c.get('/api/v1/me')).body.id as string)) as [string, string, string];
    const orgs = (await admin.get('/api/v1/organizations')).body.items as { id: string; name: string; planId: string }[];
    orgA = orgs.find((o) => o.name.startsWith('Client A'))!;
    orgBId = orgs.find((o) => o.name.startsWith('Client B'))!.id;
  });

  afterEach(async () => {
    clock.set(WEEKDAY_NOON);
    for (const id of made.splice(0)) await manager.delete(`${R}/${id}`);
  });

  const rule = async (body: Record<string, unknown>) => {
    const r = await manager.post(R, { name: `Rule ${randomUUID().slice(0, 8)}`, events: ['ticket.created'], ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    made.push(r.body.id);
    return r.body as { id: string; name: string };
  };
  /** A request for Alice (Client A) made by L1 by phone: P1, tagged, about the VPN. */
  const newTicket = async (body: Record<string, unknown> = {}, c: Client = l1) => {
    const r = await c.post(T, {
      subject: `VPN down ${randomUUID().slice(0, 6)}`,
      description: 'Cannot connect to vpn.example.com since the morning.',
      ...(c === l1 && { requesterId: aliceId, channel: 'phone', priority: 'P1', tags: ['vip', 'marker'] }),
      ...body,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string };
  };
  let gateway: { id: string } | undefined;
  const smsGateway = async () => {
    if (!gateway) {
      const r = await admin.post('/api/v1/sms/gateways', { name: 'Kannel', kind: 'kannel', unknownSenderPolicy: 'refuse', kannel: { sendsmsUrl: 'http://127.0.0.1:1/cgi-bin/sendsms', username: 'td', password: 'sendsms-password' } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      gateway = r.body;
    }
    return gateway!;
  };
  const detail = async (id: string) => (await l1.get(`${T}/${id}`)).body;
  type Coded = { code: string; params: Record<string, unknown>; text: string };
  const runs = async (ruleId: string) => (await manager.get(`${R}/${ruleId}/runs`)).body.items as { ticketId: string; event: string; matched: boolean; error: Coded | null; actions: unknown[] }[];

  it('judges every kind of condition on a new request', async () => {
    const c = (field: string, op: string, value?: unknown) => ({ field, op, ...(value !== undefined && { value }) });
    const cases: [string, Record<string, unknown>][] = [
      ['c-prio-is', { all: [c('ticket.priority', 'is', 'P1')] }],
      ['x-prio-isnot', { all: [c('ticket.priority', 'is_not', 'P1')] }],
      ['c-status-in', { all: [c('ticket.status', 'in', ['new', 'open'])] }],
      ['x-status-notin', { all: [c('ticket.status', 'not_in', ['new'])] }],
      ['c-line-notin', { all: [c('ticket.line', 'not_in', ['L2', 'L3'])] }],
      ['c-type', { all: [c('ticket.type', 'is', 'incident')] }],
      ['c-channel', { all: [c('ticket.channel', 'is', 'phone')] }],
      ['c-tags', { all: [c('ticket.tags', 'contains', 'vip')] }],
      ['x-tags', { all: [c('ticket.tags', 'is', 'printer')] }],
      ['c-subject', { all: [c('ticket.subject', 'contains', 'vpn')] }],
      ['c-notcontains', { all: [c('ticket.subject', 'not_contains', 'printer')] }],
      ['c-body-re', { all: [c('ticket.body', 'matches', 'vpn\\.example\\.(com|org)')] }],
      ['x-body-re', { all: [c('ticket.body', 'matches', '^printer')] }],
      ['c-org', { all: [c('organization.id', 'is', orgA.id)] }],
      ['c-org-name', { all: [c('organization.name', 'contains', 'client a')] }],
      ['c-plan', { all: [c('plan.id', 'is', orgA.planId)] }],
      ['c-req', { all: [c('requester.id', 'is', aliceId), c('requester.email', 'is', 'ALICE@client-a.test'), c('requester.language', 'is', 'ru')] }],
      ['c-lt', { all: [c('ticket.priority', 'lt', 'P2')] }],
      ['x-gt', { all: [c('ticket.priority', 'gt', 'P2')] }],
      ['c-unassigned', { all: [c('ticket.groupId', 'is', null)] }],
      ['x-assignee', { all: [c('ticket.assigneeId', 'is', randomUUID())] }],
      ['c-impact', { all: [c('ticket.impact', 'is', 'medium'), c('ticket.urgency', 'is', 'medium'), c('ticket.category', 'is', null)] }],
      ['c-actor', { all: [c('event.actor', 'is', 'staff')] }],
      ['c-hours-in', { all: [c('event.time', 'in_business_hours')] }],
      ['x-hours-out', { all: [c('event.time', 'out_of_business_hours')] }],
      ['x-changed', { all: [c('ticket.priority', 'changed')] }],
      ['c-any-none', { any: [c('ticket.priority', 'is', 'P4'), c('ticket.channel', 'is', 'phone')], none: [c('ticket.line', 'is', 'L3')] }],
      ['x-any', { any: [c('ticket.priority', 'is', 'P4'), c('ticket.channel', 'is', 'web')] }],
      ['x-none', { none: [c('ticket.tags', 'contains', 'marker')] }],
      ['x-mailbox', { all: [c('mailbox.id', 'is', randomUUID())] }],
      ['x-gateway', { all: [c('smsGateway.id', 'is', randomUUID())] }],
    ];
    for (const [tag, conditions] of cases) await rule({ conditions: { ...conditions, all: [...((conditions.all as unknown[]) ?? []), c('ticket.tags', 'contains', 'marker')] }, actions: [{ type: 'tags', add: [tag] }] });
    const tk = await newTicket();
    const tags = (await detail(tk.id)).tags as string[];
    for (const [tag] of cases) expect(tags.includes(tag), tag).toBe(tag.startsWith('c-'));

    // Out of the plan's business hours (a Sunday night in Moscow) the other one holds.
    // (Signed in anew: the sessions of noon have expired by then.)
    clock.set(SUNDAY_NIGHT);
    const agent = await t.login('l1@demo.test');
    const r = await agent.post(T, { subject: 'VPN at night', description: 'Down.', requesterId: aliceId, channel: 'phone', priority: 'P1', tags: ['marker'] });
    expect(r.status).toBe(201);
    const nightTags = (await agent.get(`${T}/${r.body.id}`)).body.tags as string[];
    expect(nightTags).toContain('x-hours-out');
    expect(nightTags).not.toContain('c-hours-in');
  });

  it('judges what changed in the event (from → to), and who commented with what', async () => {
    await rule({ events: ['ticket.updated'], conditions: { all: [{ field: 'ticket.priority', op: 'changed_from', value: 'P1' }, { field: 'ticket.priority', op: 'changed_to', value: 'P3' }, { field: 'ticket.tags', op: 'contains', value: 'chg' }] }, actions: [{ type: 'tags', add: ['p1-to-p3'] }] });
    await rule({ events: ['ticket.updated'], conditions: { all: [{ field: 'ticket.status', op: 'changed' }, { field: 'ticket.tags', op: 'contains', value: 'chg' }] }, actions: [{ type: 'tags', add: ['status-moved'] }] });
    await rule({ events: ['comment.requester'], conditions: { all: [{ field: 'comment.body', op: 'contains', value: 'urgent' }, { field: 'event.actor', op: 'is', value: 'requester' }] }, actions: [{ type: 'priority', priority: 'P2' }] });
    await rule({ events: ['comment.staff'], conditions: { all: [{ field: 'comment.body', op: 'matches', value: '^fixed' }] }, actions: [{ type: 'tags', add: ['staff-said-fixed'] }] });
    const tk = await newTicket({ tags: ['chg', 'marker'] });
    expect((await l1.patch(`${T}/${tk.id}`, { priority: 'P3' })).status).toBe(200);
    expect((await detail(tk.id)).tags).toContain('p1-to-p3');
    expect((await detail(tk.id)).tags).not.toContain('status-moved');
    expect((await l1.patch(`${T}/${tk.id}`, { status: 'open' })).status).toBe(200);
    expect((await detail(tk.id)).tags).toContain('status-moved');
    expect((await alice.post(`${T}/${tk.id}/comments`, { body: 'This is urgent, please!' })).status).toBe(201);
    expect((await detail(tk.id)).priority).toBe('P2');
    expect((await l1.post(`${T}/${tk.id}/comments`, { body: 'Fixed the tunnel', internal: true })).status).toBe(201);
    expect((await detail(tk.id)).tags).toContain('staff-said-fixed');
  });

  it('takes every kind of action, each on the timeline as done by the rule', async () => {
    const canned = (await manager.post('/api/v1/canned-replies', { name: `Ack ${randomUUID().slice(0, 6)}`, bodyEn: 'Hello {{requester.firstName}}, we got {{ticket.number}}.', bodyRu: '{{requester.firstName}}, мы получили {{ticket.number}}.', shared: true })).body.id;
    const group = (await admin.post('/api/v1/groups', { name: `Network ${randomUUID().slice(0, 6)}`, memberIds: [l1Id] })).body;
    const kbPage = (await l1.get('/api/v1/kb/pages')).body.items[0].id;
    const hook = (await admin.post('/api/v1/webhooks', { name: 'Rules', url: 'http://127.0.0.1:9/hook', events: ['ticket.rated'] })).body;
    await smsGateway();
    const all = await rule({
      conditions: { all: [{ field: 'ticket.tags', contains: 'x', op: 'contains', value: 'all-actions' }] },
      actions: [
        { type: 'reply', cannedReplyId: canned },
        { type: 'note', body: 'Auto-triaged for {{requester.name}}' },
        { type: 'priority', priority: 'P2' },
        { type: 'type', ticketType: 'service_request' },
        { type: 'group', groupId: group.id },
        { type: 'assignee', assigneeId: l1Id },
        { type: 'status', status: 'open' },
        { type: 'tags', add: ['triaged'] },
        { type: 'kb', pageId: kbPage },
        { type: 'notify', to: 'requester', channel: 'email', text: 'We are on {{ticket.number}}' },
        { type: 'notify', to: 'group', channel: 'in_app', cannedReplyId: canned },
        { type: 'notify', to: 'requester', channel: 'sms', text: 'SMS about {{ticket.number}}' },
        { type: 'webhook', webhookId: hook.id },
        { type: 'timer', timer: 'start' },
        { type: 'escalate', reason: 'VPN goes to L2' },
        { type: 'handoff', note: 'VPN client defect' },
      ],
    });
    const tk = await newTicket({ tags: ['all-actions'] });
    const d = await detail(tk.id);
    expect(d).toMatchObject({ priority: 'P2', type: 'service_request', status: 'open', line: 'L2' });
    expect(d.tags).toContain('triaged');
    const entries = (await l1.get(`${T}/${tk.id}/timeline`)).body.items as { kind: string; body: string; event: { type: string; data: Record<string, unknown> } | null; rule: { id: string; name: string } | null }[];
    const reply = entries.find((e) => e.kind === 'reply')!;
    expect(reply.body).toBe(`Alice, мы получили ${tk.number}.`);
    expect(reply.rule).toEqual({ id: all.id, name: all.name });
    expect(entries.find((e) => e.kind === 'note' && e.body.startsWith('Auto-triaged'))!.body).toBe('Auto-triaged for Alice Petrova');
    for (const type of ['priority_changed', 'status_changed', 'line_changed', 'automation_ran']) expect(entries.find((e) => e.event?.type === type)?.rule, type).toEqual({ id: all.id, name: all.name });
    // The requester never sees which rule did it.
    expect(((await alice.get(`${T}/${tk.id}/timeline`)).body.items as { rule?: unknown }[]).every((e) => !e.rule)).toBe(true);
    expect((await l1.get(`/api/v1/kb/requests/${tk.id}/solutions`)).body.items.map((p: { id: string }) => p.id)).toEqual([kbPage]);
    const db = t.td.app.db;
    const outbox = await db.selectFrom('mail_outbox').select(['channel', 'to_address', 'text_body']).where('ticket_id', '=', tk.id).execute();
    expect(outbox.some((m) => m.channel === 'email' && m.to_address === 'alice@client-a.test' && m.text_body.includes(`We are on ${tk.number}`))).toBe(true);
    expect(outbox.some((m) => m.channel === 'sms' && m.text_body === `SMS about ${tk.number}`)).toBe(true);
    const feed = (await l1.get('/api/v1/notifications')).body.items as { body: string }[];
    expect(feed.some((n) => n.body === `Alice, мы получили ${tk.number}.` || n.body === `Hello Alice, we got ${tk.number}.`)).toBe(true);
    expect(await db.selectFrom('webhook_deliveries').select('event').where('webhook_id', '=', hook.id).where('ticket_id', '=', tk.id).execute()).toEqual([{ event: 'automation.rule' }]);
    expect(JSON.stringify((await l1.get('/api/v1/me/timer')).body.timer)).toContain(tk.id);
    expect((await l1.get(`${T}/${tk.id}/handoff`)).body.items).toHaveLength(1);
    expect((await runs(all.id))[0]).toMatchObject({ ticketId: tk.id, event: 'ticket.created', matched: true, error: null });

    // Stopping the timer is an action too (of the assignee's: L1 took the request to L2's engineer).
    await rule({ events: ['comment.staff'], conditions: { all: [{ field: 'ticket.tags', op: 'contains', value: 'all-actions' }] }, actions: [{ type: 'assignee', assigneeId: l1Id }, { type: 'timer', timer: 'stop' }] });
    await l1.post(`${T}/${tk.id}/comments`, { body: 'Looking', internal: true });
    expect((await l1.get('/api/v1/me/timer')).body.timer).toBeNull();
    expect((await l1.get(`${T}/${tk.id}/work-entries`)).body.items).toHaveLength(1);
  });

  it('runs on an SMS received, judging the gateway it came by', async () => {
    const gw = await smsGateway();
    const row = (await t.td.app.db.selectFrom('sms_gateways').selectAll().where('id', '=', gw.id).executeTakeFirst())!;
    await rule({ events: ['sms.received'], conditions: { all: [{ field: 'smsGateway.id', op: 'is', value: gw.id }, { field: 'comment.body', op: 'contains', value: 'printer on fire' }] }, actions: [{ type: 'tags', add: ['by-sms'] }] });
    await rule({ events: ['sms.received'], conditions: { all: [{ field: 'smsGateway.id', op: 'is_not', value: gw.id }] }, actions: [{ type: 'tags', add: ['x-other-gateway'] }] });
    const r = await receiveSms(t.td.app, { gateway: row, from: '+79161110003', to: '+70000000000', text: 'Printer on fire', externalId: randomUUID() });
    expect(r.ticketId).toBeTruthy();
    // Carol's open request takes it (threading), as her comment.
    expect((await detail(r.ticketId!)).tags).toContain('by-sms');
    expect((await detail(r.ticketId!)).tags).not.toContain('x-other-gateway');
  });

  it('a rule never sets itself off again, and a chain of rules stops after its depth, saying so', async () => {
    const self = await rule({ events: ['ticket.updated'], conditions: { all: [{ field: 'ticket.tags', op: 'contains', value: 'loop' }] }, actions: [{ type: 'priority', priority: 'P4' }, { type: 'note', body: 'again' }] });
    const tk = await newTicket({ tags: ['loop'] });
    // Each change is a chain of its own: the rule runs once in it, whatever its own actions change.
    const before = (await runs(self.id)).filter((r) => r.ticketId === tk.id).length;
    await l1.patch(`${T}/${tk.id}`, { status: 'open' });
    expect((await runs(self.id)).filter((r) => r.ticketId === tk.id)).toHaveLength(before + 1);
    expect((await detail(tk.id)).priority).toBe('P4');
    await manager.delete(`${R}/${self.id}`);

    const step = (from: string, to: Record<string, unknown>, cond = { field: 'ticket.priority', op: 'changed_to', value: from }) =>
      rule({ events: ['ticket.updated'], conditions: { all: [cond, { field: 'ticket.tags', op: 'contains', value: 'chain' }] }, actions: [to] });
    const r1 = await step('P1', { type: 'priority', priority: 'P2' });
    await step('P2', { type: 'priority', priority: 'P3' });
    await step('P3', { type: 'priority', priority: 'P4' });
    await step('P4', { type: 'priority', priority: 'P1' });
    const r5 = await step('P4', { type: 'status', status: 'pending_vendor' }, { field: 'ticket.priority', op: 'changed_from', value: 'P4' });
    const r6 = await step('', { type: 'tags', add: ['too-deep'] }, { field: 'ticket.status', op: 'changed_to', value: 'pending_vendor' });
    const c = await newTicket({ tags: ['chain'], priority: 'P3' });
    expect((await l1.patch(`${T}/${c.id}`, { priority: 'P1' })).status).toBe(200);
    const d = await detail(c.id);
    expect(d).toMatchObject({ priority: 'P1', status: 'pending_vendor' });
    expect(d.tags).not.toContain('too-deep');
    expect(await runs(r6.id)).toEqual([]);
    expect((await runs(r1.id)).filter((r) => r.ticketId === c.id)).toHaveLength(1);
    const cut = (await runs(r5.id)).find((r) => r.error);
    expect(cut?.error).toEqual({ code: 'chain_cut', params: { depth: 5, rules: [r6.name] }, text: expect.stringContaining('Stopped after 5 rounds') });
    expect((await manager.get(`${R}/${r5.id}`)).body.lastError).toMatchObject({ code: 'chain_cut', params: { rules: [r6.name] } });
  });

  it('a failing rule leaves the request as it was, records the error, and never blocks the change', async () => {
    const hook = (await admin.post('/api/v1/webhooks', { name: 'Gone', url: 'http://127.0.0.1:9/gone', events: ['ticket.created'] })).body;
    const failing = await rule({ conditions: { all: [{ field: 'ticket.tags', op: 'contains', value: 'fails' }] }, actions: [{ type: 'priority', priority: 'P4' }, { type: 'tags', add: ['half-done'] }, { type: 'webhook', webhookId: hook.id }] });
    const after = await rule({ conditions: { all: [{ field: 'ticket.tags', op: 'contains', value: 'fails' }] }, actions: [{ type: 'tags', add: ['next-rule-ran'] }] });
    expect((await admin.delete(`/api/v1/webhooks/${hook.id}`)).status).toBe(204);
    const tk = await newTicket({ tags: ['fails'] });
    const d = await detail(tk.id);
    expect(d.priority).toBe('P1');
    expect(d.tags).toEqual(['fails', 'next-rule-ran']);
    const [run] = await runs(failing.id);
    expect(run).toMatchObject({ ticketId: tk.id, matched: true });
    // Which action failed and why, as a code the reader's language renders; the English beside it.
    const failure = { code: 'action_failed', params: { n: 3, action: 'webhook', reason: 'not_found', message: expect.stringMatching(/webhook/i) }, text: expect.stringMatching(/^Action 3 \(webhook\) failed: .*webhook/i) };
    expect(run!.error).toEqual(failure);
    expect((await manager.get(`${R}/${failing.id}`)).body.lastError).toEqual(failure);
    const entries = (await l1.get(`${T}/${tk.id}/timeline`)).body.items as { event: { type: string; data: { ruleId?: string } } | null }[];
    expect(entries.filter((e) => e.event?.type === 'automation_ran').map((e) => e.event!.data.ruleId)).toEqual([after.id]);
  });

  it('a rule of one organization never touches another’s requests; client roles never see rules', async () => {
    const onlyB = await rule({ organizationId: orgBId, conditions: {}, actions: [{ type: 'tags', add: ['for-b'] }] });
    const a = await newTicket();
    const b = await newTicket({ requesterId: bobId });
    expect((await detail(a.id)).tags).not.toContain('for-b');
    expect((await detail(b.id)).tags).toContain('for-b');
    const dry = await l1.post(`${R}/${onlyB.id}/dry-run`, { ticket: a.number });
    expect(dry.body).toMatchObject({ matched: false, actions: [], skippedReason: { code: 'other_organization', params: {}, text: expect.any(String) } });
    for (const c of [alice, bob]) {
      expect((await c.get(`${T}/${b.id}/automation`)).status).toBe(403);
      expect((await c.post(`${R}/${onlyB.id}/dry-run`, { ticket: b.number })).status).toBe(403);
      expect((await c.get(`${R}/${onlyB.id}/runs`)).status).toBe(403);
      expect((await c.get(`${R}/${onlyB.id}`)).status).toBe(403);
    }
  });

  it('a dry run says exactly what the real run then does', async () => {
    const cond = { all: [{ field: 'ticket.tags', op: 'contains', value: 'dry' }, { field: 'ticket.status', op: 'is', value: 'new' }, { field: 'event.time', op: 'in_business_hours' }] };
    const yes = await rule({ events: ['comment.staff'], conditions: cond, actions: [{ type: 'tags', add: ['dry-yes'] }, { type: 'priority', priority: 'P3' }] });
    const no = await rule({ events: ['comment.staff'], conditions: { ...cond, none: [{ field: 'ticket.channel', op: 'is', value: 'phone' }] }, actions: [{ type: 'tags', add: ['dry-no'] }] });
    const tk = await newTicket({ tags: ['dry'] });
    const dryYes = (await l1.post(`${R}/${yes.id}/dry-run`, { ticket: tk.number })).body;
    const dryNo = (await l1.post(`${R}/${no.id}/dry-run`, { ticket: tk.id })).body;
    expect(dryYes.matched).toBe(true);
    expect(dryYes.conditions.every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect(dryNo).toMatchObject({ matched: false, actions: [] });
    expect(dryNo.conditions.find((c: { path: string }) => c.path.startsWith('none.0'))).toMatchObject({ ok: true, actual: 'phone' });
    const page = (await l1.get(`${T}/${tk.number}/automation`)).body.items as { rule: { id: string }; matched: boolean; actions: unknown[] }[];
    expect(page.find((i) => i.rule.id === yes.id)).toMatchObject({ matched: true, actions: dryYes.actions });
    expect(page.find((i) => i.rule.id === no.id)).toMatchObject({ matched: false });

    // The real run, set off by an internal note (which leaves the judged fields as they were).
    expect((await l1.post(`${T}/${tk.id}/comments`, { body: 'Checking', internal: true })).status).toBe(201);
    const real = (await runs(yes.id)).filter((r) => r.ticketId === tk.id);
    expect(real).toHaveLength(1);
    expect(real[0]!.actions).toEqual(dryYes.actions);
    expect(await runs(no.id)).toEqual([]);
    expect((await detail(tk.id)).tags).toEqual(['dry', 'dry-yes']);
  });

  it('signs a rule’s public reply with the assignee’s name, or the desk’s when nobody has the request', async () => {
    const canned = (await manager.post('/api/v1/canned-replies', { name: `Signed ${randomUUID().slice(0, 6)}`, bodyEn: '{{ticket.number}}: on it. {{agent.name}} ({{agent.firstName}})', bodyRu: '{{ticket.number}}: занимаемся. {{agent.name}} ({{agent.firstName}})', shared: true })).body.id;
    const l1Name = (await l1.get('/api/v1/me')).body.name as string;
    await rule({ conditions: { all: [{ field: 'ticket.tags', op: 'contains', value: 'sign-assigned' }] }, actions: [{ type: 'assignee', assigneeId: l1Id }, { type: 'reply', cannedReplyId: canned }] });
    await rule({ conditions: { all: [{ field: 'ticket.tags', op: 'contains', value: 'sign-desk' }] }, actions: [{ type: 'assignee', assigneeId: null }, { type: 'reply', cannedReplyId: canned }] });
    const reply = async (id: string) => ((await l1.get(`${T}/${id}/timeline`)).body.items as { kind: string; body: string }[]).find((e) => e.kind === 'reply')!.body;
    const assigned = await newTicket({ tags: ['sign-assigned'] });
    expect(await reply(assigned.id)).toBe(`${assigned.number}: занимаемся. ${l1Name} (${l1Name.split(' ')[0]})`);
    const unassigned = await newTicket({ tags: ['sign-desk'] });
    expect((await detail(unassigned.id)).assigneeId ?? null).toBeNull();
    expect(await reply(unassigned.id)).toBe(`${unassigned.number}: занимаемся. Acme Service Desk (Acme)`);
  });

  it('a dry run judged as set off by an event holds "changed" conditions as the real run on that event does', async () => {
    const r = await rule({
      events: ['ticket.updated'],
      conditions: { all: [{ field: 'ticket.priority', op: 'changed_to', value: 'P3' }, { field: 'ticket.tags', op: 'contains', value: 'dry-ev' }] },
      actions: [{ type: 'tags', add: ['dry-ev-ran'] }],
    });
    const tk = await newTicket({ tags: ['dry-ev'] });
    const dry = (event?: unknown) => l1.post(`${R}/${r.id}/dry-run`, { ticket: tk.number, ...(event !== undefined && { event }) });
    // No event: nothing changed, and the result says the condition waits for one.
    const none = (await dry()).body;
    expect(none).toMatchObject({ matched: false, actions: [] });
    expect(none.conditions[0]).toMatchObject({ ok: false, needsEvent: true });
    expect(none.conditions[1].needsEvent).toBeUndefined();
    // The change the rule waits for.
    const asUpdate = (await dry({ type: 'ticket.updated', change: { field: 'ticket.priority', from: 'P1', to: 'P3' } })).body;
    expect(asUpdate).toMatchObject({ matched: true, actions: [{ type: 'tags', add: ['dry-ev-ran'] }] });
    expect(asUpdate.conditions[0]).toMatchObject({ ok: true, actual: { from: 'P1', to: 'P3' } });
    expect(asUpdate.conditions[0].needsEvent).toBeUndefined();
    // Another change, another event.
    expect((await dry({ type: 'ticket.updated', change: { field: 'ticket.priority', from: 'P1', to: 'P2' } })).body.matched).toBe(false);
    expect((await dry({ type: 'comment.staff' })).body).toMatchObject({ matched: false, skippedReason: { code: 'other_event', params: { event: 'comment.staff' } } });
    const bad = await dry({ type: 'comment.staff', change: { field: 'ticket.priority', from: 'P1', to: 'P3' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('event.change');

    // The real change: the rule runs, doing what the dry run said.
    expect((await l1.patch(`${T}/${tk.id}`, { priority: 'P3' })).status).toBe(200);
    const real = (await runs(r.id)).filter((x) => x.ticketId === tk.id);
    expect(real).toHaveLength(1);
    expect(real[0]!.actions).toEqual(asUpdate.actions);
    expect((await detail(tk.id)).tags).toContain('dry-ev-ran');
  });

  it('shows errors recorded before codes as the generic code with their text', async () => {
    const r = await rule({ conditions: { all: [{ field: 'ticket.tags', op: 'contains', value: 'never-here' }] }, actions: [{ type: 'tags', add: ['x'] }] });
    const db = t.td.app.db;
    const at = clock.now().toISOString();
    await db.updateTable('automation_rules').set({ last_error: 'Webhook not found', last_error_at: at }).where('id', '=', r.id).execute();
    await db.insertInto('automation_runs').values({ id: randomUUID(), rule_id: r.id, ticket_id: null, event: 'ticket.created', matched: 1, actions: '[]', error: 'Webhook not found', created_at: at }).execute();
    const legacy = { code: 'error', params: { text: 'Webhook not found' }, text: 'Webhook not found' };
    expect((await manager.get(`${R}/${r.id}`)).body.lastError).toEqual(legacy);
    expect((await manager.get(R)).body.items.find((x: { id: string }) => x.id === r.id).lastError).toEqual(legacy);
    expect((await runs(r.id))[0]!.error).toEqual(legacy);
  });

  it('keeps runs 90 days', async () => {
    const r = await rule({ conditions: { all: [{ field: 'ticket.tags', op: 'contains', value: 'aging' }] }, actions: [{ type: 'tags', add: ['aged'] }] });
    await newTicket({ tags: ['aging'] });
    await newTicket({ tags: ['aging'] });
    const db = t.td.app.db;
    const [old] = await db.selectFrom('automation_runs').select('id').where('rule_id', '=', r.id).execute();
    await db.updateTable('automation_runs').set({ created_at: new Date(clock.now().getTime() - 91 * 86_400_000).toISOString() }).where('id', '=', old!.id).execute();
    expect((await purgeExpired(t.td.app)).automationRuns).toBe(1);
    expect(await runs(r.id)).toHaveLength(1);
  });
});
