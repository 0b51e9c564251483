import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const T = '/api/v1/tickets';
const M = '/api/v1/macros';

describe.each(DATABASES)('macros and bulk work (%s)', (kind) => {
  const t = useTestApp(kind);
  let alice: Client, itA: Client, bob: Client, l1: Client, l2: Client, manager: Client;
  let sharedReply: string, kbPage: string, l1Id: string;

  beforeAll(async () => {
    [alice, itA, bob, l1, l2, manager] = await Promise.all(
      ['alice@client-a.test', 'it@client-a.test', 'bob@client-b.test', 'l1@demo.test', 'l2@demo.test', 'manager@demo.test'].map((e) => t.login(e)),
    ) as [Client, Client, Client, Client, Client, Client];
    sharedReply = (await manager.post('/api/v1/canned-replies', { name: 'Need details', bodyEn: 'Dear {{requester.firstName}}, please send a screenshot of {{ticket.number}}.', bodyRu: '{{requester.firstName}}, пришлите снимок экрана по {{ticket.number}}.', shared: true })).body.id;
    kbPage = (await l1.get('/api/v1/kb/pages')).body.items[0].id;
    l1Id = (await l1.get('/api/v1/me')).body.id;
  });

  const newTicket = async (c: Client = alice) => {
    const r = await c.post(T, { subject: `Bulk ${randomUUID().slice(0, 8)}`, description: 'Something is broken.' });
    expect(r.status).toBe(201);
    return r.body as { id: string; number: string };
  };
  const timeline = async (id: string, c: Client = l1) => (await c.get(`${T}/${id}/timeline`)).body.items as { kind: string; body: string; event: { type: string } | null }[];
  const macro = async (c: Client, body: Record<string, unknown>) => {
    const r = await c.post(M, { name: `Macro ${randomUUID().slice(0, 8)}`, ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; usageCount: number };
  };

  it('a macro applies every kind of action to many requests, each as a person would', async () => {
    const m = await macro(manager, {
      shared: true,
      actions: [
        { type: 'reply', cannedReplyId: sharedReply },
        { type: 'note', body: 'Asked {{requester.name}} for a screenshot' },
        { type: 'assignee', assigneeId: 'me' },
        { type: 'status', status: 'pending_customer' },
        { type: 'priority', priority: 'P2' },
        { type: 'tags', add: ['screenshot', 'Printer'] },
        { type: 'time', minutes: 5, activity: 'remote', note: 'Triage' },
        { type: 'kb', pageId: kbPage },
      ],
    });
    const tickets = [await newTicket(), await newTicket(), await newTicket(bob)];
    await l1.patch(`${T}/${tickets[0]!.id}`, { tags: ['vip'] });
    const r = await l1.post(`${T}/bulk`, { tickets: tickets.map((x) => x.number), macroId: m.id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ applied: 3, refused: 0 });
    expect(r.body.results.map((x: { ok: boolean; ticketId: string }) => [x.ok, x.ticketId])).toEqual(tickets.map((x) => [true, x.id]));

    for (const [i, tk] of tickets.entries()) {
      const detail = (await l1.get(`${T}/${tk.id}`)).body;
      expect(detail).toMatchObject({ status: 'pending_customer', priority: 'P2', assignee: { id: l1Id } });
      expect(detail.tags).toEqual(i === 0 ? ['printer', 'screenshot', 'vip'] : ['printer', 'screenshot']);
      const entries = await timeline(tk.id);
      const reply = entries.find((e) => e.kind === 'reply')!;
      expect(reply.body).toBe(i === 2 ? `Dear Bob, please send a screenshot of ${tk.number}.` : `Alice, пришлите снимок экрана по ${tk.number}.`);
      expect(entries.find((e) => e.kind === 'note')!.body).toBe(i === 2 ? 'Asked Bob Smith for a screenshot' : 'Asked Alice Petrova for a screenshot');
      expect(entries.map((e) => e.event?.type).filter(Boolean)).toEqual(expect.arrayContaining(['assignee_changed', 'status_changed', 'priority_changed']));
      // The reply is the first response: its SLA clock stopped, as for a reply typed by hand.
      const sla = (await l1.get(`${T}/${tk.id}/sla`)).body;
      expect(sla.clocks.find((c: { metric: string }) => c.metric === 'first_response')).toMatchObject({ state: 'stopped', met: true });
      const work = (await l1.get(`${T}/${tk.id}/work-entries`)).body.items;
      expect(work).toEqual([expect.objectContaining({ minutes: 5, activity: 'remote', note: 'Triage' })]);
      const solutions = (await l1.get(`/api/v1/kb/requests/${tk.id}/solutions`)).body.items;
      expect(solutions.map((s: { id: string }) => s.id)).toEqual([kbPage]);
    }
    // The requester reads the reply, never the note.
    expect((await timeline(tickets[0]!.id, alice)).map((e) => e.kind)).not.toContain('note');
    expect((await l1.get(`${M}/${m.id}`)).body.usageCount).toBe(3);
    expect((await l1.get(`/api/v1/canned-replies/${sharedReply}`)).body.usageCount).toBeGreaterThanOrEqual(3);
  });

  it('refuses per request, reports why, and leaves a refused request exactly as it was', async () => {
    const fine = await newTicket();
    const closed = await newTicket();
    expect((await l1.patch(`${T}/${closed.id}`, { status: 'closed' })).status).toBe(200);
    const before = await timeline(closed.id);
    const atL2 = await newTicket();
    expect((await manager.patch(`${T}/${atL2.id}`, { line: 'L2', reason: 'Network' })).status).toBe(200);

    const r = await l1.post(`${T}/bulk`, {
      tickets: [fine.id, closed.id, 'TD-999999', fine.id],
      actions: [
        { type: 'reply', cannedReplyId: sharedReply },
        { type: 'status', status: 'pending_customer' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ applied: 1, refused: 2 });
    expect(r.body.results).toEqual([
      { ticket: fine.id, ok: true, ticketId: fine.id },
      { ticket: closed.id, ok: false, error: 'invalid_transition', message: expect.any(String) },
      { ticket: 'TD-999999', ok: false, error: 'not_found', message: 'Request not found' },
    ]);
    // The reply came before the refused status change: it was undone with it.
    expect(await timeline(closed.id)).toEqual(before);
    expect((await l1.get(`${T}/${closed.id}`)).body.status).toBe('closed');

    // An L1 agent may not move a request that is at L2: refused for that one only.
    const lineMove = await l1.post(`${T}/bulk`, { tickets: [atL2.id, fine.id], actions: [{ type: 'line', line: 'L3', reason: 'Too hard' }] });
    expect(lineMove.body.results.map((x: { ok: boolean; error?: string }) => [x.ok, x.error])).toEqual([[false, 'forbidden'], [true, undefined]]);
    expect((await l1.get(`${T}/${atL2.id}`)).body.line).toBe('L2');
  });

  it('assigns, sets status and priority and adds tags in bulk without a macro', async () => {
    const a = await newTicket();
    const b = await newTicket();
    const l2Id = (await l2.get('/api/v1/me')).body.id;
    const r = await manager.post(`${T}/bulk`, { tickets: [a.id, b.id], actions: [{ type: 'assignee', assigneeId: l2Id }, { type: 'priority', priority: 'P1' }, { type: 'tags', add: ['outage'] }, { type: 'status', status: 'open' }] });
    expect(r.body.applied).toBe(2);
    for (const x of [a, b]) expect((await l1.get(`${T}/${x.id}`)).body).toMatchObject({ assignee: { id: l2Id }, priority: 'P1', tags: ['outage'], status: 'open' });
  });

  it('refuses bad input with 400 naming the problem', async () => {
    const a = await newTicket();
    const cases: [unknown, string][] = [
      [{ tickets: [a.id], actions: [{ type: 'explode' }] }, 'unknown action kind'],
      [{ tickets: [a.id], actions: [{ type: 'status', status: 'gone' }] }, 'bad status'],
      [{ tickets: [], actions: [{ type: 'status', status: 'open' }] }, 'no requests'],
      [{ tickets: [a.id] }, 'neither actions nor macro'],
      [{ tickets: [a.id], actions: [{ type: 'status', status: 'open' }], macroId: randomUUID() }, 'both'],
    ];
    for (const [body, what] of cases) {
      const r = await l1.post(`${T}/bulk`, body);
      expect(r.status, what).toBe(400);
      expect(r.body.error, what).toMatch(/validation_failed|invalid/);
    }
    expect((await l1.post(M, { name: 'Bad note', actions: [{ type: 'note', body: '{{agent.password}}' }] })).body).toMatchObject({ statusCode: 400, details: [{ path: 'actions.0.body' }] });
    expect((await l1.post(M, { name: 'Nobody', actions: [{ type: 'assignee', assigneeId: randomUUID() }] })).status).toBe(400);
    const personalReply = (await l1.post('/api/v1/canned-replies', { name: 'Mine', bodyEn: 'x' })).body.id;
    expect((await manager.post(M, { name: 'Shared with a personal reply', shared: true, actions: [{ type: 'reply', cannedReplyId: personalReply }] })).status).toBe(400);
    expect((await l1.post(`${T}/bulk`, { tickets: [a.id], macroId: randomUUID() })).status).toBe(404);
  });

  it('macros: personal ones their owner only, shared ones by managers', async () => {
    const mine = await macro(l1, { actions: [{ type: 'priority', priority: 'P3' }] });
    expect((await l2.get(`${M}/${mine.id}`)).status).toBe(404);
    const a = await newTicket();
    expect((await l2.post(`${T}/bulk`, { tickets: [a.id], macroId: mine.id })).status).toBe(404);
    expect((await l1.post(M, { name: 'Shared', shared: true, actions: [{ type: 'priority', priority: 'P3' }] })).status).toBe(403);
    const shared = await macro(manager, { shared: true, actions: [{ type: 'priority', priority: 'P4' }] });
    expect((await l2.get(M)).body.items.map((x: { id: string }) => x.id)).toContain(shared.id);
    expect((await l2.patch(`${M}/${shared.id}`, { name: 'Mine now' })).status).toBe(403);
    expect((await l1.patch(`${M}/${mine.id}`, { name: 'Renamed', actions: [{ type: 'status', status: 'open' }] })).body).toMatchObject({ name: 'Renamed', actions: [{ type: 'status', status: 'open' }] });
    expect((await l1.delete(`${M}/${mine.id}`)).status).toBe(200);
    expect((await l1.get(`${M}/${mine.id}`)).status).toBe(404);
  });

  it('client people (of any organization) see no macros and cannot work in bulk, not even on their own requests', async () => {
    const shared = await macro(manager, { shared: true, actions: [{ type: 'priority', priority: 'P1' }] });
    const own = await newTicket();
    for (const c of [alice, itA, bob]) {
      expect((await c.get(M)).status).toBe(403);
      expect((await c.get(`${M}/${shared.id}`)).status).toBe(403);
      expect((await c.post(M, { name: 'x', actions: [{ type: 'priority', priority: 'P1' }] })).status).toBe(403);
      expect((await c.post(`${T}/bulk`, { tickets: [own.id], macroId: shared.id })).status).toBe(403);
      expect((await c.post(`${T}/bulk`, { tickets: [own.id], actions: [{ type: 'priority', priority: 'P1' }] })).status).toBe(403);
    }
    expect((await l1.get(`${T}/${own.id}`)).body.priority).not.toBe('P1');
  });
});
