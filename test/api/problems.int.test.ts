import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const newTicket = async (who: Client, subject: string, categoryId?: string) => {
  const r = await who.post('/api/v1/tickets', { subject, description: `${subject}: details`, ...(categoryId && { categoryId }) });
  expect(r.status).toBe(201);
  return r.body as { id: string; number: string };
};

describe.each(DATABASES)('problems (%s)', (kind) => {
  const t = useTestApp(kind);
  const audit = (entityId: string) =>
    t.td.app.db.selectFrom('audit_log').select(['action']).where('entity_id', '=', entityId).orderBy('id').execute();

  it('the demo data has an open problem (a known error) with linked incidents', async () => {
    const l1 = await t.login('l1@demo.test');
    const demo = (await l1.get('/api/v1/problems?status=known_error')).body.items.find((p: any) => p.title === 'HP printers print blank pages');
    expect(demo).toMatchObject({ rootCauseCategory: 'hardware' });
    expect(demo.incidents).toBeGreaterThan(0);
    expect(demo.openIncidents).toBe(demo.incidents);
  });

  it('opens a problem from incidents, links more, records the root cause and publishes the workaround to the KB', async () => {
    const alice = await t.login('alice@client-a.test');
    const bob = await t.login('bob@client-b.test');
    const l2 = await t.login('l2@demo.test');
    const [a, b, c] = [await newTicket(alice, 'Scanner jams'), await newTicket(alice, 'Scanner jams again'), await newTicket(bob, 'Scanner at the shop jams')];

    expect((await l2.post('/api/v1/problems', { title: 'Scanners jam', incidents: [] })).status).toBe(400);
    const unknown = await l2.post('/api/v1/problems', { title: 'Scanners jam', incidents: [a.number, 'TD-999999'] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('TD-999999');

    const created = await l2.post('/api/v1/problems', { title: 'Scanners jam', description: 'Scanners jam on thick paper', incidents: [a.number, b.id] });
    expect(created.status).toBe(201);
    const p = created.body;
    expect(p.number).toMatch(/^PRB-\d{6}$/);
    expect(p.status).toBe('open');
    expect(p.incidents.map((i: any) => i.number)).toEqual([a.number, b.number]);

    const linked = await l2.post(`/api/v1/problems/${p.number}/incidents`, { incidents: [c.number] });
    expect(linked.status).toBe(200);
    expect(linked.body.incidents).toHaveLength(3);
    // An incident belongs to one problem at most.
    const other = (await l2.post('/api/v1/problems', { title: 'Another', incidents: [(await newTicket(alice, 'x')).id] })).body;
    const twice = await l2.post(`/api/v1/problems/${other.id}/incidents`, { incidents: [a.id] });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe('already_linked');

    const badCategory = await l2.patch(`/api/v1/problems/${p.id}`, { rootCauseCategory: 'gremlins' });
    expect(badCategory.status).toBe(400);
    expect(JSON.stringify(badCategory.body.details)).toContain('rootCauseCategory');
    expect((await l2.post(`/api/v1/problems/${p.id}/publish-workaround`, {})).body.error).toBe('invalid');

    const patched = await l2.patch(`/api/v1/problems/${p.id}`, {
      rootCause: 'Worn feed rollers',
      rootCauseCategory: 'hardware',
      workaround: 'Feed thick paper one sheet at a time.',
      status: 'known_error',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ rootCause: 'Worn feed rollers', rootCauseCategory: 'hardware', status: 'known_error' });

    // Into the internal knowledge base unless a space is chosen: here the clients' help centre.
    const help = (await l2.get('/api/v1/kb/spaces')).body.items.find((s: any) => s.key === 'help');
    const published = await l2.post(`/api/v1/problems/${p.id}/publish-workaround`, { locale: 'ru', spaceId: help.id });
    expect(published.status).toBe(201);
    const page = await alice.get(`/api/v1/kb/pages/${published.body.pageId}`);
    expect(page.status).toBe(200);
    expect(page.body.title).toBe('Обходное решение: Scanners jam');
    expect(page.body.html).toContain('Feed thick paper one sheet at a time.');
    const again = await l2.post(`/api/v1/problems/${p.id}/publish-workaround`, {});
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_published');
    expect((await l2.get(`/api/v1/problems/${p.id}`)).body.kbPageId).toBe(published.body.pageId);

    // Every step on the problem's timeline, in the audit log and on the incident's timeline (for staff only).
    const detail = (await l2.get(`/api/v1/problems/${p.id}`)).body;
    expect(detail.events.map((e: any) => e.type)).toEqual(['created', 'incident_linked', 'incident_linked', 'incident_linked', 'updated', 'workaround_published']);
    expect((await audit(p.id)).map((x) => x.action)).toEqual(['created', 'incident_linked', 'incident_linked', 'incident_linked', 'updated', 'workaround_published']);
    expect(JSON.stringify((await l2.get(`/api/v1/tickets/${a.id}/timeline`)).body)).toContain('problem_linked');
    expect(JSON.stringify((await alice.get(`/api/v1/tickets/${a.id}/timeline`)).body)).not.toContain('problem_linked');
    expect((await l2.get(`/api/v1/tickets/${c.number}/problem`)).body.problem).toMatchObject({ number: p.number });
  });

  it('resolving a problem tells its open incidents the resolution and resolves them, as chosen', async () => {
    const alice = await t.login('alice@client-a.test');
    const l2 = await t.login('l2@demo.test');
    const [a, b] = [await newTicket(alice, 'Plotter smears'), await newTicket(alice, 'Plotter smears too')];
    const p = (await l2.post('/api/v1/problems', { title: 'Plotter ink', incidents: [a.id, b.id] })).body;
    expect((await l2.post(`/api/v1/problems/${p.id}/resolve`, { notifyIncidents: true })).status).toBe(400);
    const r = await l2.post(`/api/v1/problems/${p.id}/resolve`, { resolution: 'The ink cartridges were replaced.', notifyIncidents: true, resolveIncidents: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ notified: 2, resolved: 2 });
    for (const x of [a, b]) {
      expect((await alice.get(`/api/v1/tickets/${x.id}`)).body.status).toBe('resolved');
      expect(JSON.stringify((await alice.get(`/api/v1/tickets/${x.id}/timeline`)).body)).toContain('The ink cartridges were replaced.');
    }
    expect((await l2.get(`/api/v1/problems/${p.id}`)).body).toMatchObject({ status: 'resolved', resolution: 'The ink cartridges were replaced.' });
    const again = await l2.post(`/api/v1/problems/${p.id}/resolve`, { resolution: 'again' });
    expect(again.status).toBe(409);

    // Only resolving, without a word to the incidents.
    const c = await newTicket(alice, 'Plotter jams');
    const q = (await l2.post('/api/v1/problems', { title: 'Plotter jams', incidents: [c.id] })).body;
    expect((await l2.post(`/api/v1/problems/${q.id}/resolve`, { resolution: 'Rollers cleaned.', resolveIncidents: true })).body).toEqual({ notified: 0, resolved: 1 });
    expect(JSON.stringify((await alice.get(`/api/v1/tickets/${c.id}/timeline`)).body)).not.toContain('Rollers cleaned.');
  });

  it('counts incidents per problem and per root-cause category, and exports them in the reader’s language', async () => {
    const alice = await t.login('alice@client-a.test');
    const manager = await t.login('manager@demo.test');
    const p = (await manager.post('/api/v1/problems', { title: 'Switch port flaps', incidents: [(await newTicket(alice, 'Net 1')).id, (await newTicket(alice, 'Net 2')).id] })).body;
    await manager.patch(`/api/v1/problems/${p.id}`, { rootCauseCategory: 'network' });
    const report = (await manager.get('/api/v1/reports/problems')).body;
    expect(report.byProblem.find((x: any) => x.number === p.number)).toMatchObject({ incidents: 2, openIncidents: 2, rootCauseCategory: 'network' });
    expect(report.byCategory.find((x: any) => x.rootCauseCategory === 'network')).toEqual({ rootCauseCategory: 'network', problems: 1, incidents: 2 });
    const csv = await manager.get('/api/v1/reports/problems?format=csv&table=categories&lang=ru');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body).toContain('Первопричина');
    expect(csv.body).toContain('Сеть,1,2');
    const xlsx = await manager.get('/api/v1/reports/problems?format=xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect((await manager.get('/api/v1/reports/problems?format=pdf')).status).toBe(400);
  });

  it('client roles never see problems or major incidents', async () => {
    const l2 = await t.login('l2@demo.test');
    const alice = await t.login('alice@client-a.test');
    const a = await newTicket(alice, 'Mine');
    const p = (await l2.post('/api/v1/problems', { title: 'Hidden', incidents: [a.id] })).body;
    await l2.post(`/api/v1/tickets/${a.id}/major`, {});
    for (const who of ['alice@client-a.test', 'it@client-a.test', 'bob@client-b.test']) {
      const c = await t.login(who);
      for (const path of ['/api/v1/problems', `/api/v1/problems/${p.id}`, '/api/v1/reports/problems', `/api/v1/tickets/${a.id}/problem`, `/api/v1/tickets/${a.id}/major`, `/api/v1/tickets/${a.id}/major/similar`])
        expect((await c.get(path)).status, `${who} ${path}`).toBe(403);
      expect((await c.post('/api/v1/problems', { title: 'x', incidents: [a.id] })).status).toBe(403);
      expect((await c.patch(`/api/v1/problems/${p.id}`, { title: 'x' })).status).toBe(403);
      expect((await c.post(`/api/v1/problems/${p.id}/publish-workaround`, {})).status).toBe(403);
      expect((await c.post(`/api/v1/problems/${p.id}/resolve`, { resolution: 'x' })).status).toBe(403);
      expect((await c.post(`/api/v1/tickets/${a.id}/major`, {})).status).toBe(403);
      expect((await c.post(`/api/v1/tickets/${a.id}/major/children`, { tickets: [a.id] })).status).toBe(403);
      expect((await c.post(`/api/v1/tickets/${a.id}/major/resolve`, { resolution: 'x' })).status).toBe(403);
    }
    expect((await t.anonymous().get('/api/v1/problems')).status).toBe(401);
  });
});
