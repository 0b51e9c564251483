import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f6a3a90000000049454e44ae426082', 'hex');

/** A form with one field of every kind. */
const FIELDS = [
  { key: 'employee', kind: 'text', label: 'Employee name', labelRu: 'Имя сотрудника', required: true },
  { key: 'laptop', kind: 'choice', label: 'Laptop', labelRu: 'Ноутбук', required: true, options: [{ value: 'standard', label: 'Standard', labelRu: 'Стандартный' }, { value: 'developer', label: 'Developer', labelRu: 'Для разработчика' }] },
  { key: 'start', kind: 'date', label: 'First working day', labelRu: 'Первый рабочий день', required: true },
  { key: 'manager', kind: 'person', label: 'Line manager', labelRu: 'Руководитель', required: false },
  { key: 'scan', kind: 'file', label: 'Signed request', labelRu: 'Подписанная заявка', required: false },
];

describe.each(DATABASES)('service catalog (%s)', (kind) => {
  const clock = new ManualClock('2026-11-25T07:00:00.000Z');
  const t = useTestApp(kind, {}, { clock });
  let admin: Client;
  let agent: Client;
  let alice: Client;
  let bob: Client;
  let itemId: string;
  let planA: string;
  let dmitryId: string;
  let bobId: string;

  beforeAll(async () => {
    admin = await t.login('admin@demo.test');
    agent = await t.login('l1@demo.test');
    alice = await t.login('alice@client-a.test');
    bob = await t.login('bob@client-b.test');
    const orgs = (await admin.get('/api/v1/organizations')).body.items as any[];
    planA = orgs.find((o) => o.name === 'Client A Logistics').planId;
    const people = (await admin.get('/api/v1/users?limit=100')).body.items as any[];
    dmitryId = people.find((p) => p.email === 'dmitry@client-a.test').id;
    bobId = people.find((p) => p.email === 'bob@client-b.test').id;
    const r = await admin.post('/api/v1/catalog/items', {
      name: 'New employee laptop',
      nameRu: 'Ноутбук для нового сотрудника',
      description: 'A laptop ready on the first day.',
      type: 'service_request',
      line: 'L2',
      firstResponseMinutes: 7,
      resolutionMinutes: 600,
      fields: FIELDS,
      planIds: [planA],
    });
    expect(r.status).toBe(201);
    itemId = r.body.id;
  });

  const valid = { employee: 'Maria Volkova', laptop: 'developer', start: '2026-12-01' };
  const order = (c: Client, answers: Record<string, unknown>, extra: Record<string, unknown> = {}) => c.post(`/api/v1/catalog/items/${itemId}/order`, { answers, ...extra });

  it('only an administrator edits the catalog, and a form is checked as it is written', async () => {
    expect((await agent.post('/api/v1/catalog/items', { name: 'X', nameRu: 'X', type: 'service_request' })).status).toBe(403);
    expect((await alice.put(`/api/v1/catalog/items/${itemId}`, { name: 'X', nameRu: 'X', type: 'service_request' })).status).toBe(403);
    const dup = await admin.post('/api/v1/catalog/items', { name: 'X', nameRu: 'X', type: 'service_request', fields: [FIELDS[0], FIELDS[0]] });
    expect(dup.status).toBe(400);
    expect(dup.body.details[0].path).toBe('fields.1.key');
    const noChoices = await admin.post('/api/v1/catalog/items', { name: 'X', nameRu: 'X', type: 'service_request', fields: [{ ...FIELDS[1], options: [] }] });
    expect(noChoices.status).toBe(400);
    expect(noChoices.body.details[0].path).toBe('fields.0.options');
  });

  it('a client sees the items of its own plan only; another organization’s item does not exist for it', async () => {
    const mine = (await alice.get('/api/v1/catalog/items')).body.items as any[];
    expect(mine.find((i) => i.id === itemId).fields.map((f: any) => f.kind)).toEqual(['text', 'choice', 'date', 'person', 'file']);
    const bobs = (await bob.get('/api/v1/catalog/items')).body.items as any[];
    expect(bobs.length).toBeGreaterThan(0);
    expect(bobs.map((i) => i.id)).not.toContain(itemId);
    expect((await bob.get(`/api/v1/catalog/items/${itemId}`)).status).toBe(404);
    expect((await order(bob, valid)).status).toBe(404);
    // Whom a person field may name: one's own colleagues only.
    const colleagues = (await alice.get('/api/v1/catalog/people')).body.items.map((p: any) => p.id);
    expect(colleagues).toContain(dmitryId);
    expect(colleagues).not.toContain(bobId);
    const orgB = ((await admin.get('/api/v1/organizations')).body.items as any[]).find((o) => o.name === 'Client B Retail').id;
    expect((await alice.get(`/api/v1/catalog/people?organizationId=${orgB}`)).status).toBe(403);
    expect((await agent.get('/api/v1/catalog/people')).status).toBe(400);
    expect((await agent.get(`/api/v1/catalog/people?organizationId=${orgB}`)).body.items.map((p: any) => p.id)).toContain(bobId);
    // Staff ordering for Bob: the item is not in his organization's plan either.
    expect((await order(agent, valid, { requesterId: bobId })).status).toBe(404);
  });

  it('checks every kind of field and names the one at fault', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ laptop: 'standard', start: '2026-12-01' }, 'answers.employee', /Employee name: this field is required/],
      [{ ...valid, employee: '   ' }, 'answers.employee', /required/],
      [{ ...valid, employee: 'x'.repeat(4001) }, 'answers.employee', /at most 4000/],
      [{ ...valid, laptop: 'gaming' }, 'answers.laptop', /not one of the choices/],
      [{ ...valid, start: '2026-02-30' }, 'answers.start', /expected a date/],
      [{ ...valid, start: 'tomorrow' }, 'answers.start', /expected a date/],
      [{ ...valid, manager: bobId }, 'answers.manager', /no such person in your organization/],
      [{ ...valid, manager: 'nobody' }, 'answers.manager', /no such person/],
      [{ ...valid, colour: 'red' }, 'answers.colour', /no field colour/],
    ];
    for (const [answers, path, message] of cases) {
      const r = await order(alice, answers);
      expect(r.status, JSON.stringify(answers).slice(0, 80)).toBe(400);
      expect(r.body.details[0].path).toBe(path);
      expect(r.body.message).toMatch(message);
    }
    // A file field takes an upload, checked like any attachment.
    const form = new FormData();
    form.set('data', JSON.stringify({ answers: valid }));
    form.set('scan', new Blob([Buffer.from('MZ\x90\x00')], { type: 'application/octet-stream' }), 'tool.exe');
    const bad = await alice.post(`/api/v1/catalog/items/${itemId}/order`, form);
    expect(bad.status).toBe(400);
    const required = await admin.put(`/api/v1/catalog/items/${itemId}`, { name: 'New employee laptop', nameRu: 'Ноутбук для нового сотрудника', type: 'service_request', line: 'L2', firstResponseMinutes: 7, resolutionMinutes: 600, fields: FIELDS.map((f) => (f.key === 'scan' ? { ...f, required: true } : f)), planIds: [planA] });
    expect(required.status).toBe(200);
    const missing = await order(alice, valid);
    expect(missing.status).toBe(400);
    expect(missing.body.details[0].path).toBe('answers.scan');
    await admin.put(`/api/v1/catalog/items/${itemId}`, { name: 'New employee laptop', nameRu: 'Ноутбук для нового сотрудника', type: 'service_request', line: 'L2', firstResponseMinutes: 7, resolutionMinutes: 600, fields: FIELDS, planIds: [planA] });
  });

  it('stores the answers as the request’s fields: shown to staff and the requester, searchable, exported, on the item’s targets and line', async () => {
    const form = new FormData();
    form.set('data', JSON.stringify({ answers: { ...valid, employee: 'Zinaida Quokka', manager: dmitryId }, note: 'Please add a docking station.' }));
    form.set('scan', new Blob([PNG], { type: 'image/png' }), 'request.png');
    const r = await alice.post(`/api/v1/catalog/items/${itemId}/order`, form);
    expect(r.status).toBe(201);
    const { ticketId, number } = r.body;
    expect(number).toMatch(/^TD-\d{6}$/);

    const ticket = (await agent.get(`/api/v1/tickets/${ticketId}`)).body;
    expect(ticket).toMatchObject({ type: 'service_request', line: 'L2', subject: 'Ноутбук для нового сотрудника' });
    const answers = (await agent.get(`/api/v1/tickets/${ticketId}/answers`)).body;
    expect(answers.item.id).toBe(itemId);
    expect(answers.answers.map((a: any) => [a.key, a.kind, a.value])).toEqual([
      ['employee', 'text', 'Zinaida Quokka'],
      ['laptop', 'choice', 'developer'],
      ['start', 'date', '2026-12-01'],
      ['manager', 'person', 'Dmitry Sokolov'],
      ['scan', 'file', 'request.png'],
    ]);
    expect(answers.answers[3].refId).toBe(dmitryId);
    const file = await agent.get(`/api/v1/tickets/${ticketId}/attachments/${answers.answers[4].refId}`);
    expect(file.status).toBe(200);
    expect((await alice.get(`/api/v1/tickets/${ticketId}/answers`)).body.answers).toHaveLength(5);
    expect((await bob.get(`/api/v1/tickets/${ticketId}/answers`)).status).toBe(404);

    // Searchable: the request list finds a word of the answers; the item's orders filter on them.
    expect((await agent.get('/api/v1/catalog/orders?q=quokka')).body.items.map((i: any) => i.ticketId)).toEqual([ticketId]);
    expect((await agent.get(`/api/v1/catalog/orders?itemId=${itemId}&q=SOKOLOV`)).body.items.map((i: any) => i.ticketId)).toEqual([ticketId]);
    expect((await agent.get('/api/v1/catalog/orders?q=nobody-at-all')).body.items).toEqual([]);
    expect((await alice.get('/api/v1/catalog/orders')).status).toBe(403);

    const csv = await agent.get(`/api/v1/catalog/orders?itemId=${itemId}&format=csv&lang=ru`);
    expect(csv.status).toBe(200);
    expect(csv.body).toContain('Имя сотрудника');
    expect(csv.body).toContain('Zinaida Quokka');
    expect(csv.body).toContain(number);
    const xlsx = await agent.get('/api/v1/catalog/orders?format=xlsx');
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');

    // The item's own targets, over the plan's.
    const sla = (await agent.get(`/api/v1/tickets/${ticketId}/sla`)).body;
    expect(sla.clocks.find((c: any) => c.metric === 'first_response').targetMinutes).toBe(7);
    expect(sla.clocks.find((c: any) => c.metric === 'resolution').targetMinutes).toBe(600);
    // The audit log has the order.
    const audit = (await t.login('manager@demo.test').then((m) => m.get(`/api/v1/tickets/${ticketId}/audit`))).body.items;
    expect(audit.map((a: any) => a.action)).toContain('catalog_ordered');
  });

  it('keeps an ordered item (deactivate it instead) and removes one never ordered', async () => {
    expect((await admin.delete(`/api/v1/catalog/items/${itemId}`)).status).toBe(409);
    const spare = await admin.post('/api/v1/catalog/items', { name: 'Spare', nameRu: 'Запасной', type: 'service_request' });
    expect((await admin.delete(`/api/v1/catalog/items/${spare.body.id}`)).status).toBe(204);
  });
});
