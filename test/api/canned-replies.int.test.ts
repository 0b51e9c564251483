import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const C = '/api/v1/canned-replies';

describe.each(DATABASES)('canned replies (%s)', (kind) => {
  const t = useTestApp(kind);
  let alice: Client, itA: Client, bob: Client, l1: Client, l2: Client, manager: Client;

  beforeAll(async () => {
    [alice, itA, bob, l1, l2, manager] = await Promise.all(
      ['alice@client-a.test', 'it@client-a.test', 'bob@client-b.test', 'l1@demo.test', 'l2@demo.test', 'manager@demo.test'].map((e) => t.login(e)),
    ) as [Client, Client, Client, Client, Client, Client];
  });

  const make = async (c: Client, body: Record<string, unknown>) => {
    const r = await c.post(C, { name: `Reply ${randomUUID().slice(0, 8)}`, ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; name: string; shared: boolean; usageCount: number };
  };

  it('renders placeholders in the requester language and counts each use', async () => {
    const reply = await make(l1, {
      bodyEn: 'Hello {{requester.firstName}}, {{ticket.number}} ({{ticket.subject}}) is with {{agent.name}} of the desk for {{organization.name}}.',
      bodyRu: 'Здравствуйте, {{requester.firstName}}! Обращение {{ticket.number}} у {{agent.firstName}}.',
    });
    expect(reply).toMatchObject({ shared: false, usageCount: 0 });
    const ru = (await alice.post('/api/v1/tickets', { subject: 'Принтер', description: 'Не печатает' })).body;
    const en = (await bob.post('/api/v1/tickets', { subject: 'Printer', description: 'Blank pages' })).body;

    const r1 = await l1.post(`${C}/${reply.id}/render`, { ticketId: ru.id });
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({ locale: 'ru', text: `Здравствуйте, Alice! Обращение ${ru.number} у Lena.` });
    const r2 = await l1.post(`${C}/${reply.id}/render`, { ticketId: en.number });
    expect(r2.body).toEqual({ locale: 'en', text: `Hello Bob, ${en.number} (Printer) is with Lena L1 of the desk for Client B Retail.` });
    expect((await l1.get(`${C}/${reply.id}`)).body.usageCount).toBe(2);
  });

  it('falls back to the other language when the reply has no text in the requester one', async () => {
    const reply = await make(l1, { bodyEn: 'Only English, {{requester.name}}' });
    const ru = (await alice.post('/api/v1/tickets', { subject: 'Почта', description: 'Не приходит' })).body;
    expect((await l1.post(`${C}/${reply.id}/render`, { ticketId: ru.id })).body).toEqual({ locale: 'en', text: 'Only English, Alice Petrova' });
  });

  it('refuses an unknown placeholder or an empty reply with 400 naming the problem', async () => {
    const bad = await l1.post(C, { name: 'Bad', bodyEn: 'Hi {{requester.password}}', bodyRu: 'Привет' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('{{requester.password}}');
    expect(bad.body.details).toEqual([expect.objectContaining({ path: 'bodyEn' })]);
    const ok = await make(l1, { bodyEn: 'Fine' });
    const patched = await l1.patch(`${C}/${ok.id}`, { bodyRu: '{{ ticket.secret }}' });
    expect(patched.status).toBe(400);
    expect(patched.body.details).toEqual([expect.objectContaining({ path: 'bodyRu' })]);
    expect((await l1.post(C, { name: 'Empty', bodyEn: '  ' })).status).toBe(400);
    expect((await l1.post(C, { name: '', bodyEn: 'x' })).status).toBe(400);
  });

  it('personal replies are their owner only; shared ones are made and changed by managers', async () => {
    const mine = await make(l1, { bodyEn: 'Mine' });
    expect((await l2.get(`${C}/${mine.id}`)).status).toBe(404);
    expect((await l2.get(C)).body.items.map((i: { id: string }) => i.id)).not.toContain(mine.id);
    expect((await l2.patch(`${C}/${mine.id}`, { name: 'Taken' })).status).toBe(404);

    expect((await l1.post(C, { name: 'Shared by an agent', bodyEn: 'x', shared: true })).status).toBe(403);
    const shared = await make(manager, { bodyEn: 'For all', shared: true });
    expect(shared.shared).toBe(true);
    expect((await l2.get(C)).body.items.map((i: { id: string }) => i.id)).toContain(shared.id);
    expect((await l2.patch(`${C}/${shared.id}`, { name: 'Changed' })).status).toBe(403);
    expect((await l2.delete(`${C}/${shared.id}`)).status).toBe(403);
    expect((await manager.patch(`${C}/${shared.id}`, { name: 'Changed by the manager' })).body.name).toBe('Changed by the manager');

    const found = await l2.get(`${C}?q=${encodeURIComponent('changed BY')}`);
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([shared.id]);
    expect((await l2.get(`${C}?q=${encodeURIComponent('%')}`)).body.items).toEqual([]);
    // Letters of any alphabet match in either case.
    const russian = await make(manager, { name: 'Запросить ЛОГИ', bodyRu: 'Пришлите логи', shared: true });
    expect((await l2.get(`${C}?q=${encodeURIComponent('запросить логи')}`)).body.items.map((i: { id: string }) => i.id)).toEqual([russian.id]);

    expect((await l1.delete(`${C}/${mine.id}`)).status).toBe(200);
    expect((await l1.get(`${C}/${mine.id}`)).status).toBe(404);
  });

  it("client people never see canned replies, nor render them on their own requests", async () => {
    const shared = await make(manager, { bodyEn: 'For all', shared: true });
    const own = (await alice.post('/api/v1/tickets', { subject: 'Мышь', description: 'Не работает' })).body;
    for (const c of [alice, itA, bob]) {
      expect((await c.get(C)).status).toBe(403);
      expect((await c.get(`${C}/${shared.id}`)).status).toBe(403);
      expect((await c.post(C, { name: 'Mine', bodyEn: 'x' })).status).toBe(403);
      expect((await c.post(`${C}/${shared.id}/render`, { ticketId: own.id })).status).toBe(403);
      expect((await c.delete(`${C}/${shared.id}`)).status).toBe(403);
    }
    expect((await l1.get(`${C}/${shared.id}`)).body.usageCount).toBe(0);
  });

  it('rendering for a request that does not exist is 404', async () => {
    const reply = await make(l1, { bodyEn: 'x' });
    expect((await l1.post(`${C}/${reply.id}/render`, { ticketId: 'TD-999999' })).status).toBe(404);
    expect((await l1.get(`${C}/${reply.id}`)).body.usageCount).toBe(0);
  });
});
