import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const T = '/api/v1/tickets';

/** A comment with one text file, as the web app sends it. */
function withFile(body: string, name: string, text: string) {
  const form = new FormData();
  form.set('body', body);
  form.set('internal', 'false');
  form.append('files', new Blob([text], { type: 'text/plain' }), name);
  return form;
}

describe.each(DATABASES)('merging duplicate requests (%s)', (kind) => {
  const t = useTestApp(kind);
  let alice: Client, dmitry: Client, itA: Client, bob: Client, l1: Client;
  const ids = {} as Record<'alice' | 'dmitry' | 'it' | 'l2', string>;

  beforeAll(async () => {
    [alice, dmitry, itA, bob, l1] = await Promise.all(['alice@client-a.test', 'dmitry@client-a.test', 'it@client-a.test', 'bob@client-b.test', 'l1@demo.test'].map((e) => t.login(e))) as [Client, Client, Client, Client, Client];
    ids.alice = (await alice.get('/api/v1/me')).body.id;
    ids.dmitry = (await dmitry.get('/api/v1/me')).body.id;
    ids.it = (await itA.get('/api/v1/me')).body.id;
    ids.l2 = (await (await t.login('l2@demo.test')).get('/api/v1/me')).body.id;
  });

  const newTicket = async (c: Client, subject = `VPN down ${randomUUID().slice(0, 6)}`) => {
    const r = await c.post(T, { subject, description: `${subject}: cannot connect` });
    expect(r.status).toBe(201);
    return r.body as { id: string; number: string; version: number };
  };
  const timeline = async (id: string, c: Client = l1) => (await c.get(`${T}/${id}/timeline`)).body.items as any[];

  it('closes the duplicates with a link, moves their people and copies their attachments to the target', async () => {
    const target = await newTicket(alice);
    const dup = await newTicket(dmitry);
    const dup2 = await newTicket(alice);
    const upload = await dmitry.post(`${T}/${dup.id}/comments`, withFile('The log', 'vpn.log', 'TLS handshake failed'));
    expect(upload.status).toBe(201);
    expect((await l1.post(`${T}/${dup.id}/watchers`, { userId: ids.l2 })).status).toBe(200);
    const dupTimeline = await timeline(dup.id);

    const r = await l1.post(`${T}/${target.number}/merge`, { sources: [dup.number, dup2.id] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ targetId: target.id, merged: [dup.id, dup2.id] });

    for (const s of [dup, dup2]) {
      const d = (await l1.get(`${T}/${s.id}`)).body;
      expect(d.status).toBe('closed');
      expect(d.links).toEqual([expect.objectContaining({ kind: 'duplicate_of', ticket: expect.objectContaining({ id: target.id }) })]);
    }
    // The duplicate's own timeline is all still there, followed by the merge and its closing.
    const after = await timeline(dup.id);
    expect(after.slice(0, dupTimeline.length)).toEqual(dupTimeline);
    expect(after.slice(dupTimeline.length).map((e) => e.event?.type)).toEqual(['merged_into', 'status_changed']);
    expect(after[dupTimeline.length].event.data).toMatchObject({ number: target.number });
    // Its requester sees where it went, and may now follow the target.
    expect((await timeline(dup.id, dmitry)).map((e) => e.event?.type)).toContain('merged_into');
    expect((await dmitry.get(`${T}/${target.id}`)).status).toBe(200);

    const detail = (await l1.get(`${T}/${target.id}`)).body;
    expect(detail.watchers.map((w: { id: string }) => w.id).sort()).toEqual([ids.dmitry, ids.it, ids.l2].sort());
    expect(detail.version).toBe(target.version + 1);
    const targetEntries = await timeline(target.id);
    expect(targetEntries.filter((e) => e.event?.type === 'merged_from').map((e) => e.event.data.number)).toEqual([dup.number, dup2.number]);
    const copied = targetEntries.find((e) => e.kind === 'note' && e.body.startsWith(dup.number));
    expect(copied.body).toContain('cannot connect');
    expect(copied.attachments).toEqual([expect.objectContaining({ filename: 'vpn.log', size: 'TLS handshake failed'.length })]);
    const file = await fetch(t.base + copied.attachments[0].url, { headers: { cookie: l1.cookie! } });
    expect(await file.text()).toBe('TLS handshake failed');
    // The copy is in a staff note: the target's requester does not get the colleague's file.
    expect((await timeline(target.id, alice)).some((e) => e.attachments.length)).toBe(false);
    expect((await fetch(t.base + copied.attachments[0].url, { headers: { cookie: alice.cookie! } })).status).toBe(404);
  });

  it("only within one organization: another company's request is refused and nothing changes", async () => {
    const target = await newTicket(alice);
    const foreign = await newTicket(bob);
    const same = await newTicket(alice);
    const before = await timeline(target.id);
    const r = await l1.post(`${T}/${target.id}/merge`, { sources: [same.id, foreign.id] });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain(foreign.number);
    for (const x of [same, foreign]) expect((await l1.get(`${T}/${x.id}`)).body.status).toBe('new');
    expect(await timeline(target.id)).toEqual(before);
  });

  it('refuses merging into itself, into a closed request, or something that does not exist', async () => {
    const target = await newTicket(alice);
    const other = await newTicket(alice);
    expect((await l1.post(`${T}/${target.id}/merge`, { sources: [target.number] })).status).toBe(400);
    expect((await l1.post(`${T}/${target.id}/merge`, { sources: ['TD-999999'] })).status).toBe(404);
    expect((await l1.post(`${T}/${target.id}/merge`, { sources: [] })).status).toBe(400);
    expect((await l1.patch(`${T}/${target.id}`, { status: 'closed' })).status).toBe(200);
    const closed = await l1.post(`${T}/${target.id}/merge`, { sources: [other.id] });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toBe('target_closed');
  });

  it("client people cannot merge, not even their own company's requests", async () => {
    const target = await newTicket(alice);
    const dup = await newTicket(alice);
    for (const c of [alice, itA, bob]) expect((await c.post(`${T}/${target.id}/merge`, { sources: [dup.id] })).status).toBe(403);
    expect((await l1.get(`${T}/${dup.id}`)).body.status).toBe('new');
  });
});
