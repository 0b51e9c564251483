import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

describe.each(DATABASES)('the request life cycle over HTTP (%s)', (kind) => {
  const t = useTestApp(kind);

  it('a requester makes a request; L1 takes it, replies, notes, moves it and resolves it', async () => {
    const alice = await t.login('alice@client-a.test');
    const created = await alice.post('/api/v1/tickets', { subject: 'Laptop does not boot', description: 'Black screen after the logo.' });
    expect(created.status).toBe(201);
    const ticket = created.body;
    expect(ticket).toMatchObject({ subject: 'Laptop does not boot', status: 'new', line: 'L1', type: 'incident', priority: 'P3', channel: 'web' });
    expect(ticket.number).toMatch(/^TD-\d{6}$/);
    expect(ticket.organizationId).toBe((await alice.get('/api/v1/me')).body.organizationId);
    // Client-side shapes carry no handling fields.
    expect(ticket).not.toHaveProperty('impact');
    expect(ticket).not.toHaveProperty('tags');

    const l1 = await t.login('l1@demo.test');
    const taken = await l1.post(`/api/v1/tickets/${ticket.number}/take`);
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ status: 'open', assigneeId: (await l1.get('/api/v1/me')).body.id });

    const reply = await l1.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Please hold the power button for 30 seconds.', internal: false });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ kind: 'reply', internal: false });
    const note = await l1.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Probably the known BIOS issue.', internal: true });
    expect(note.status).toBe(201);
    expect(note.body.internal).toBe(true);

    const current = await l1.get(`/api/v1/tickets/${ticket.id}`);
    expect(current.body.firstResponseAt).not.toBeNull();
    const pending = await l1.patch(`/api/v1/tickets/${ticket.id}`, { status: 'pending_customer' }, { 'if-match': current.headers.get('etag')! });
    expect(pending.status).toBe(200);
    expect(pending.body.status).toBe('pending_customer');

    // The requester's answer brings it back to open.
    await alice.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Did that, still black.' });
    expect((await l1.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('open');

    // Moved to L2, it goes to the one available L2 engineer.
    const moved = await l1.patch(`/api/v1/tickets/${ticket.id}`, { line: 'L2', reason: 'Hardware diagnosis needed' });
    const l2 = await t.login('l2@demo.test');
    expect(moved.body).toMatchObject({ line: 'L2', assigneeId: (await l2.get('/api/v1/me')).body.id });

    await l2.post(`/api/v1/tickets/${ticket.id}/take`);
    const resolved = await l2.patch(`/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.resolvedAt).not.toBeNull();

    // Staff see everything on the timeline; the requester sees replies and status changes only.
    const staffTimeline = (await l2.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items;
    const kinds = staffTimeline.map((e: any) => e.event?.type ?? e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['created', 'assignee_changed', 'reply', 'note', 'status_changed', 'line_changed']));
    const lineEvent = staffTimeline.find((e: any) => e.event?.type === 'line_changed');
    expect(lineEvent.event.data).toMatchObject({ from: 'L1', to: 'L2', reason: 'Hardware diagnosis needed' });

    const clientTimeline = (await alice.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items;
    expect(clientTimeline.some((e: any) => e.kind === 'note')).toBe(false);
    expect(JSON.stringify(clientTimeline)).not.toContain('BIOS');
    expect(clientTimeline.filter((e: any) => e.kind === 'event').map((e: any) => e.event.type)).toEqual(
      expect.arrayContaining(['created', 'status_changed']),
    );
    expect(clientTimeline.some((e: any) => ['line_changed', 'assignee_changed'].includes(e.event?.type))).toBe(false);
    expect(clientTimeline.filter((e: any) => e.kind === 'reply')).toHaveLength(2);

    // The requester confirms; a closed request can still be reopened within the window.
    expect((await alice.post(`/api/v1/tickets/${ticket.id}/close`)).body.status).toBe('closed');
    const reopened = await alice.post(`/api/v1/tickets/${ticket.id}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body.status).toBe('open');
  });

  it('the client IT manager sees every request of the company and none of another', async () => {
    const it_ = await t.login('it@client-a.test');
    const me = (await it_.get('/api/v1/me')).body;
    const all = (await it_.get('/api/v1/tickets?limit=200')).body.items;
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((x: any) => x.organizationId === me.organizationId)).toBe(true);
    const requesters = new Set(all.map((x: any) => x.requester.email));
    expect(requesters.size).toBeGreaterThan(1);

    const bob = await t.login('bob@client-b.test');
    const bobs = (await bob.post('/api/v1/tickets', { subject: 'Till is slow', description: 'Store 2.' })).body;
    expect((await it_.get(`/api/v1/tickets/${bobs.id}`)).status).toBe(404);
    expect((await it_.get(`/api/v1/tickets/${bobs.number}/timeline`)).status).toBe(404);
    expect((await it_.post(`/api/v1/tickets/${bobs.id}/comments`, { body: 'hi' })).status).toBe(404);
  });

  it('a requester sees only their own requests, an IT manager is a watcher by default', async () => {
    const alice = await t.login('alice@client-a.test');
    const mine = (await alice.get('/api/v1/tickets?limit=200')).body.items;
    const me = (await alice.get('/api/v1/me')).body;
    expect(mine.every((x: any) => x.requester.id === me.id)).toBe(true);

    const created = (await alice.post('/api/v1/tickets', { subject: 'Mouse', description: 'Broken' })).body;
    expect(created.watchers.map((w: any) => w.name)).toEqual([expect.stringContaining('Igor Ivanov')]);
  });

  it('refuses a stale version with 409 and an unknown one with 404', async () => {
    const l1 = await t.login('l1@demo.test');
    const alice = await t.login('alice@client-a.test');
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'Two edits', description: 'x' })).body;
    const first = await l1.patch(`/api/v1/tickets/${ticket.id}`, { priority: 'P2', version: ticket.version });
    expect(first.status).toBe(200);
    const second = await l1.patch(`/api/v1/tickets/${ticket.id}`, { priority: 'P1' }, { 'if-match': `"${ticket.version}"` });
    expect(second.status).toBe(409);
    expect(second.body.error).toBe('version_conflict');
    expect((await l1.get(`/api/v1/tickets/${ticket.id}`)).body.priority).toBe('P2');
    expect((await l1.get('/api/v1/tickets/TD-999999')).status).toBe(404);
    expect((await l1.get('/api/v1/tickets/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('enforces the status machine', async () => {
    const l1 = await t.login('l1@demo.test');
    const alice = await t.login('alice@client-a.test');
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'Status', description: 'x' })).body;
    expect((await l1.patch(`/api/v1/tickets/${ticket.id}`, { status: 'closed' })).status).toBe(200);
    const r = await l1.patch(`/api/v1/tickets/${ticket.id}`, { status: 'pending_customer' });
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('invalid_transition');
    // A requester may not reopen an open request, nor change handling fields.
    const other = (await alice.post('/api/v1/tickets', { subject: 'Open one', description: 'x' })).body;
    expect((await alice.post(`/api/v1/tickets/${other.id}/reopen`)).status).toBe(409);
    expect((await alice.patch(`/api/v1/tickets/${other.id}`, { status: 'resolved' })).status).toBe(403);
    expect((await alice.post(`/api/v1/tickets/${other.id}/comments`, { body: 'secret', internal: true })).status).toBe(403);
  });

  it('computes the priority from impact and urgency, and lets staff override it', async () => {
    const alice = await t.login('alice@client-a.test');
    const high = (await alice.post('/api/v1/tickets', { subject: 'Server down', description: 'x', impact: 'high', urgency: 'high' })).body;
    expect(high.priority).toBe('P1');
    const low = (await alice.post('/api/v1/tickets', { subject: 'Font', description: 'x', impact: 'low', urgency: 'low' })).body;
    expect(low.priority).toBe('P4');
    expect((await alice.post('/api/v1/tickets', { subject: 'x', description: 'x', priority: 'P1' })).status).toBe(403);
    const l1 = await t.login('l1@demo.test');
    const changed = await l1.patch(`/api/v1/tickets/${low.id}`, { urgency: 'high' });
    expect(changed.body.priority).toBe('P3');
  });

  it('escalates by difficulty and by hand, with a reason, within what each may move', async () => {
    const alice = await t.login('alice@client-a.test');
    const l1 = await t.login('l1@demo.test');
    const manager = await t.login('manager@demo.test');
    const categories = (await alice.get('/api/v1/categories')).body.items;
    const byName = (n: string) => categories.find((c: any) => c.name === n);
    const hard = await alice.post('/api/v1/tickets', { subject: '1C does not start', description: 'x', categoryId: byName('1C:Enterprise').id });
    expect(hard.body.line).toBe('L3');
    const created = (await l1.get(`/api/v1/tickets/${hard.body.id}/timeline`)).body.items[0];
    expect(created.event).toEqual({ type: 'created', data: { line: 'L3' } });

    // An L1 agent may not move a request that is at L3; a manager may, without a reason.
    expect((await l1.patch(`/api/v1/tickets/${hard.body.id}`, { line: 'L1', reason: 'mine' })).status).toBe(403);
    const down = await manager.patch(`/api/v1/tickets/${hard.body.id}`, { line: 'L2' });
    expect(down.status).toBe(200);
    expect(down.body.line).toBe('L2');

    const easy = (await alice.post('/api/v1/tickets', { subject: 'Printer jam', description: 'x' })).body;
    expect(easy.line).toBe('L1');
    const noReason = await l1.patch(`/api/v1/tickets/${easy.id}`, { line: 'L2' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details[0].path).toBe('reason');
    // Setting a harder category later lifts the request, saying why.
    const lifted = await l1.patch(`/api/v1/tickets/${easy.id}`, { categoryId: byName('VPN').id });
    expect(lifted.body.line).toBe('L2');
    const events = (await l1.get(`/api/v1/tickets/${easy.id}/timeline`)).body.items.filter((e: any) => e.event?.type === 'line_changed');
    expect(events.at(-1).event.data).toMatchObject({ from: 'L1', to: 'L2', by: 'difficulty', reason: expect.stringContaining('VPN') });
  });
});
