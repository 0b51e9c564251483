import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const K = '/api/v1/kb';

describe.each(DATABASES)('knowledge base draft and review (%s)', (kind) => {
  const t = useTestApp(kind);
  let l1: Client, l2: Client, l3: Client, manager: Client, alice: Client, itA: Client, bob: Client;
  let clientASpace: string;

  beforeAll(async () => {
    l1 = await t.login('l1@demo.test');
    l2 = await t.login('l2@demo.test');
    l3 = await t.login('l3@demo.test');
    manager = await t.login('manager@demo.test');
    alice = await t.login('alice@client-a.test');
    itA = await t.login('it@client-a.test');
    bob = await t.login('bob@client-b.test');
    clientASpace = (await l2.get(`${K}/spaces`)).body.items.find((s: any) => s.key === 'client-a').id;
  });

  const draft = async (word: string, status: 'draft' | 'review' = 'draft') => {
    const r = await l1.post(`${K}/pages`, { title: `Draft ${word}`, body: `How to fix ${word} on the printer`, spaceId: clientASpace, status });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const move = (c: Client, id: string, status: string) => c.post(`${K}/pages/${id}/status`, { status });
  const searchIds = async (c: Client, q: string) => {
    const r = await c.get(`${K}/search?q=${encodeURIComponent(q)}`);
    expect(r.status).toBe(200);
    return r.body.items.map((i: any) => i.id);
  };

  it('a page written before is published, a new one without a status too', async () => {
    const r = await l2.post(`${K}/pages`, { title: `Plain ${randomUUID()}`, body: 'x', spaceId: clientASpace });
    expect(r.body.status).toBe('published');
    expect((await alice.get(`${K}/pages/${r.body.id}`)).body.status).toBe('published');
  });

  it('draft → review → published, and back to draft; the list shows the status', async () => {
    const word = `zq${randomUUID().slice(0, 8)}`;
    const p = await draft(word);
    expect(p.status).toBe('draft');
    const review = await move(l1, p.id, 'review');
    expect(review.status).toBe(200);
    expect(review.body.status).toBe('review');
    const pub = await move(l3, p.id, 'published');
    expect(pub.status, JSON.stringify(pub.body)).toBe(200);
    expect(pub.body.status).toBe('published');
    const list = await l2.get(`${K}/pages?spaceId=${clientASpace}&limit=500`);
    expect(list.body.items.find((i: any) => i.id === p.id).status).toBe('published');
    expect((await move(manager, p.id, 'draft')).body.status).toBe('draft');
  });

  it('refuses a move that is not a transition (409), the same status (409) and an unknown one (400)', async () => {
    const p = await draft(`zr${randomUUID().slice(0, 8)}`);
    const same = await move(l1, p.id, 'draft');
    expect(same.status).toBe(409);
    expect(same.body.error).toBe('status_unchanged');
    expect((await move(manager, p.id, 'published')).status).toBe(200);
    const bad = await move(manager, p.id, 'review');
    expect(bad.status).toBe(409);
    expect(bad.body).toMatchObject({ error: 'invalid_transition', message: expect.stringContaining('published') });
    const unknown = await move(manager, p.id, 'archived');
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('status');
    expect((await l1.post(`${K}/pages`, { title: `Bad ${randomUUID()}`, body: 'x', status: 'published' })).status).toBe(400);
    // Acting on a page someone changed since: 409 with what changed, the status as it was.
    const q = await draft(`zv${randomUUID().slice(0, 8)}`);
    expect((await l2.put(`${K}/pages/${q.id}`, { body: 'Changed', baseRevision: 1 })).status).toBe(200);
    const stale = await l1.post(`${K}/pages/${q.id}/status`, { status: 'review', baseRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('revision_conflict');
    expect((await l1.get(`${K}/pages/${q.id}`)).body.status).toBe('draft');
  });

  it('only an L3 specialist or a manager publishes or takes a page back (403 for L1 and L2)', async () => {
    const p = await draft(`zs${randomUUID().slice(0, 8)}`, 'review');
    for (const c of [l1, l2]) {
      const r = await move(c, p.id, 'published');
      expect(r.status).toBe(403);
      expect(r.body.message).toMatch(/L3/);
    }
    expect((await move(alice, p.id, 'published')).status).toBe(403);
    expect((await move(l2, p.id, 'draft')).body.status).toBe('draft');
    expect((await move(l3, p.id, 'published')).status).toBe(200);
    expect((await move(l2, p.id, 'draft')).status).toBe(403);
  });

  it('drafts and pages in review are hidden from a requester and an IT manager: search, by id, as a solution, in suggestions', async () => {
    const word = `zt${randomUUID().slice(0, 8)}`;
    const p = await draft(word);
    const inReview = await draft(`${word}x`, 'review');
    const ticket = (await alice.post('/api/v1/tickets', { subject: `Printer ${word}`, description: 'It jams' })).body;
    expect((await l1.post(`${K}/requests/${ticket.id}/solutions`, { pageId: p.id })).status).toBe(201);

    // Staff see the draft everywhere.
    expect(await searchIds(l2, word)).toContain(p.id);
    expect((await l2.get(`${K}/pages/${p.id}`)).status).toBe(200);
    expect((await l2.get(`${K}/requests/${ticket.id}/solutions`)).body.items.map((i: any) => i.id)).toEqual([p.id]);

    for (const c of [alice, itA]) {
      expect(await searchIds(c, word)).not.toContain(p.id);
      expect(await searchIds(c, `${word}x`)).not.toContain(inReview.id);
      expect((await c.get(`${K}/pages/${p.id}`)).status).toBe(404);
      expect((await c.get(`${K}/pages/${inReview.id}`)).status).toBe(404);
      expect((await c.get(`${K}/requests/${ticket.id}/solutions`)).body.items).toEqual([]);
      expect((await c.get(`${K}/suggest?text=${encodeURIComponent(`fix ${word} printer`)}`)).body.items.map((i: any) => i.id)).not.toContain(p.id);
      expect((await c.get(`${K}/pages?spaceId=${clientASpace}&limit=500`)).body.items.map((i: any) => i.id)).not.toContain(p.id);
    }

    // Published: as today.
    expect((await move(l3, p.id, 'published')).status).toBe(200);
    for (const c of [alice, itA]) {
      expect(await searchIds(c, word)).toContain(p.id);
      expect((await c.get(`${K}/pages/${p.id}`)).status).toBe(200);
      expect((await c.get(`${K}/requests/${ticket.id}/solutions`)).body.items.map((i: any) => i.id)).toEqual([p.id]);
    }
  });

  it("another organization's user is refused: the page, its status change and its search", async () => {
    const word = `zu${randomUUID().slice(0, 8)}`;
    const p = await draft(word);
    expect((await move(l3, p.id, 'published')).status).toBe(200);
    expect((await bob.get(`${K}/pages/${p.id}`)).status).toBe(404);
    expect(await searchIds(bob, word)).not.toContain(p.id);
    expect((await move(bob, p.id, 'draft')).status).toBe(403);
    expect((await alice.get(`${K}/pages/${p.id}`)).status).toBe(200);
  });
});
