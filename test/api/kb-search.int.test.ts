import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ManualClock } from '../../src/core/clock/clock.js';
import { migrateToLatest } from '../../src/core/db/migrate.js';
import { allMigrations } from '../../src/modules/migrations.js';
import { searchEngine } from '../../src/modules/kb/search-engine.js';
import { rebuildSearchIndex } from '../../src/modules/kb/search.service.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const P = '/api/v1/kb/pages';
const T = '/api/v1/tickets';
const K = '/api/v1/kb';
/** A word no other test writes: searching for it with other words keeps to this test's documents. */
const marker = () => `zq${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const ids = (items: any[]) => items.map((x) => x.id);

describe.each(DATABASES)('knowledge base search, suggestions and solutions (%s)', (kind) => {
  const t = useTestApp(kind);
  let l1: Client, l2: Client, manager: Client, alice: Client, itA: Client, bob: Client;
  const space = {} as Record<'help' | 'clientA' | 'clientB' | 'internal', string>;

  beforeAll(async () => {
    l1 = await t.login('l1@demo.test');
    l2 = await t.login('l2@demo.test');
    manager = await t.login('manager@demo.test');
    alice = await t.login('alice@client-a.test');
    itA = await t.login('it@client-a.test');
    bob = await t.login('bob@client-b.test');
    const spaces = (await l2.get(`${K}/spaces`)).body.items as any[];
    space.help = spaces.find((s) => s.key === 'help').id;
    space.clientA = spaces.find((s) => s.key === 'client-a').id;
    space.internal = spaces.find((s) => s.isDefault).id;
    const orgB = (await bob.get('/api/v1/me')).body.organizationId;
    space.clientB = (await manager.post(`${K}/spaces`, { key: 'client-b', name: 'Client B', visibility: 'organizations', organizationIds: [orgB] })).body.id;
  });

  const page = async (body: object, by: Client = l2) => {
    const r = await by.post(P, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; title: string; revision: number };
  };
  const search = async (c: Client, q: string, extra = '') => {
    const r = await c.get(`${K}/search?q=${encodeURIComponent(q)}${extra}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.items as any[];
  };

  /** A request of `requester`'s, answered in public and in a note by L1, then resolved. */
  async function resolvedRequest(requester: Client, subject: string, description: string, reply: string, note = 'Internal note') {
    const created = await requester.post(T, { subject, description });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await l1.post(`${T}/${id}/take`);
    expect((await l1.post(`${T}/${id}/comments`, { body: reply, internal: false })).status).toBe(201);
    expect((await l1.post(`${T}/${id}/comments`, { body: note, internal: true })).status).toBe(201);
    expect((await l1.patch(`${T}/${id}`, { status: 'resolved' })).body.status).toBe('resolved');
    return created.body as { id: string; number: string };
  }

  describe('full-text search', () => {
    it('finds a Russian word in any of its forms, and highlights the forms in the text', async () => {
      const m = marker();
      const p = await page({ title: `Принтер на складе ${m}`, body: 'Принтеры на складе печатают пустые страницы; у принтера закончился тонер.' });
      for (const q of [`принтера ${m}`, `ПРИНТЕРОВ ${m}`, `принтером ${m}`, `принтеры ${m}`]) {
        const items = await search(l1, q);
        expect(ids(items), q).toEqual([p.id]);
      }
      const [hit] = await search(l1, `принтеров ${m}`);
      expect(hit).toMatchObject({ kind: 'page', title: p.title, locale: 'ru', space: { key: 'internal' } });
      expect(hit.titleHighlight).toBe(`<mark>Принтер</mark> на складе <mark>${m}</mark>`);
      expect(hit.snippet).toContain('<mark>Принтеры</mark> на складе');
      expect(hit.snippet).toContain('у <mark>принтера</mark>');
      expect(hit.score).toBeGreaterThan(0);
    });

    it('finds an English word in any of its forms', async () => {
      const m = marker();
      const p = await page({ title: `Label printers ${m}`, body: 'The warehouse printer prints blank labels after the connection drops.' });
      for (const q of [`printer ${m}`, `PRINTERS ${m}`, `connections ${m}`, `connected ${m}`, `labels ${m}`])
        expect(ids(await search(l1, q)), q).toEqual([p.id]);
      const [hit] = await search(l1, `printers ${m}`);
      expect(hit.snippet).toContain('<mark>printer</mark>');
      expect(hit.titleHighlight).toContain('<mark>printers</mark>');
    });

    it('ranks a match in the title above a match in the text; every word must occur if any document has them all', async () => {
      const m = marker();
      const inBody = await page({ title: `Mailbox quota ${m}`, body: 'When the scanner sends large files the mailbox fills up.' });
      const inTitle = await page({ title: `Scanner sends to e-mail ${m}`, body: 'Configure the SMTP relay.' });
      expect(ids(await search(l1, `scanner ${m}`))).toEqual([inTitle.id, inBody.id]);
      expect(ids(await search(l1, `quota scanner ${m}`))).toEqual([inBody.id]);
      // No document has all the words: those with some of them, best first.
      const loose = await search(l1, `scanner ${m} nonexistentword${m}`);
      expect(ids(loose)).toEqual([inTitle.id, inBody.id]);
    });

    it('keeps the index in step with every save and delete', async () => {
      const m = marker();
      const p = await page({ title: 'Keyboard types wrong letters', body: `The keyboard types ${m}old letters.` });
      expect(ids(await search(l1, `${m}old`))).toEqual([p.id]);
      await l2.put(`${P}/${p.id}`, { baseRevision: 1, body: `Switch the layout: ${m}new.`, title: `Keyboard layout ${m}title` });
      expect(await search(l1, `${m}old`)).toEqual([]);
      expect(ids(await search(l1, `${m}new`))).toEqual([p.id]);
      expect(ids(await search(l1, `${m}title`))).toEqual([p.id]);
      await l2.post(`${P}/${p.id}/revert`, { revision: 1 });
      expect(ids(await search(l1, `${m}old`))).toEqual([p.id]);
      expect(await search(l1, `${m}new`)).toEqual([]);
      expect((await l2.delete(`${P}/${p.id}`)).status).toBe(200);
      expect(await search(l1, `${m}old`)).toEqual([]);
    });

    it('escapes what the text holds: only <mark> is markup in snippets', async () => {
      const m = marker();
      await page({ title: `Escaping ${m}`, body: `\`<script>alert(1)</script>\` and <b>bold</b> ${m}` });
      const [hit] = await search(l1, m);
      expect(hit.snippet).toContain('&lt;script&gt;');
      expect(hit.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/<[a-z/]/i);
    });

    it('finds resolved requests by their text and public replies, never by internal notes; reopening takes one out', async () => {
      const m = marker();
      const r = await resolvedRequest(alice, `Плоттер не видит бумагу ${m}`, 'Плоттер в бухгалтерии пишет «нет бумаги».', `Почистите датчик бумаги ${m}.`, `secretnote${m}`);
      const [hit] = await search(l1, `датчиков ${m}`);
      expect(hit).toMatchObject({ kind: 'ticket', id: r.id, number: r.number, status: 'resolved', title: `Плоттер не видит бумагу ${m}` });
      expect(hit.snippet).toContain('<mark>датчик</mark>');
      expect(await search(l1, `secretnote${m}`)).toEqual([]);
      expect(await search(l1, `secretnote${m}`, '&kind=ticket')).toEqual([]);
      expect(ids(await search(alice, `плоттеры ${m}`))).toEqual([r.id]);

      expect((await alice.post(`${T}/${r.id}/reopen`)).status).toBe(200);
      expect(await search(l1, m)).toEqual([]);
      await l1.patch(`${T}/${r.id}`, { status: 'resolved' });
      await l1.patch(`${T}/${r.id}`, { status: 'closed' });
      expect((await search(l1, `плоттер ${m}`))[0]).toMatchObject({ id: r.id, status: 'closed' });
    });

    it('covers requests resolved before the index knew them: the rebuild indexes them', async () => {
      const m = marker();
      const r = await resolvedRequest(bob, `Router reboots ${m}`, 'The branch router reboots at night.', 'Firmware updated.');
      const app = t.td.app;
      await searchEngine(app.dialect).remove(app.db, 'ticket', r.id);
      expect(await search(l1, m)).toEqual([]);
      const rebuilt = await rebuildSearchIndex(app.db, app.dialect);
      expect(rebuilt.tickets).toBeGreaterThan(0);
      expect(rebuilt.pages).toBeGreaterThan(0);
      expect(ids(await search(l1, `routers ${m}`))).toEqual([r.id]);

      // An install upgraded to the knowledge base: its migration indexes what was resolved before.
      await searchEngine(app.dialect).remove(app.db, 'ticket', r.id);
      await sql`delete from kysely_migration where name = '2026-11-26-13-kb-backfill'`.execute(app.db);
      expect(await migrateToLatest(app.db, app.dialect, allMigrations)).toEqual(['2026-11-26-13-kb-backfill']);
      expect(ids(await search(l1, `router ${m}`))).toEqual([r.id]);
    });
  });

  describe('only what the searcher may see', () => {
    const m = marker();
    const docs = {} as Record<'internal' | 'help' | 'clientA' | 'clientB' | 'aliceRequest' | 'bobRequest', string>;

    beforeAll(async () => {
      docs.internal = (await page({ title: `Firewall rules ${m}`, body: 'Staff only.' })).id;
      docs.help = (await page({ title: `Firewall for everyone ${m}`, body: 'Public.', spaceId: space.help })).id;
      docs.clientA = (await page({ title: `Firewall at client A ${m}`, body: 'A only.', spaceId: space.clientA })).id;
      docs.clientB = (await page({ title: `Firewall at client B ${m}`, body: 'B only.', spaceId: space.clientB })).id;
      docs.aliceRequest = (await resolvedRequest(alice, `Firewall blocks the ERP ${m}`, 'x', 'Port opened.')).id;
      docs.bobRequest = (await resolvedRequest(bob, `Firewall blocks the till ${m}`, 'x', 'Port opened.')).id;
    });

    it.each([
      ['an agent', 'l1', ['internal', 'help', 'clientA', 'clientB', 'aliceRequest', 'bobRequest']],
      ['a manager', 'manager', ['internal', 'help', 'clientA', 'clientB', 'aliceRequest', 'bobRequest']],
      ['alice (requester, client A)', 'alice', ['help', 'clientA', 'aliceRequest']],
      ['the IT manager of client A', 'itA', ['help', 'clientA', 'aliceRequest']],
      ['bob (requester, client B)', 'bob', ['help', 'clientB', 'bobRequest']],
    ] as const)('%s finds exactly what they may see', async (_who, key, expected) => {
      const c = { l1, manager, alice, itA, bob }[key];
      const found = await search(c, `firewalls ${m}`);
      expect(ids(found).sort()).toEqual(expected.map((k) => docs[k]).sort());
      // Suggestions, too, only offer readable articles.
      const suggested = (await c.get(`${K}/suggest?text=${encodeURIComponent(`firewall ${m}`)}&limit=20`)).body.items;
      expect(ids(suggested).sort()).toEqual(expected.filter((k) => !k.endsWith('Request')).map((k) => docs[k]).sort());
    });

    it('narrows by kind and space; a space the searcher may not read is 404', async () => {
      expect(ids(await search(l1, `firewall ${m}`, '&kind=ticket')).sort()).toEqual([docs.aliceRequest, docs.bobRequest].sort());
      expect(ids(await search(alice, `firewall ${m}`, '&kind=page')).sort()).toEqual([docs.help, docs.clientA].sort());
      expect(ids(await search(alice, `firewall ${m}`, `&spaceId=${space.clientA}`))).toEqual([docs.clientA]);
      for (const s of [space.internal, space.clientB, randomUUID()]) {
        const r = await alice.get(`${K}/search?q=firewall&spaceId=${s}`);
        expect(r.status).toBe(404);
      }
    });

    it.each([
      ['q', ''],
      ['q', `q=${'x'.repeat(501)}`],
      ['kind', 'q=x&kind=article'],
      ['limit', 'q=x&limit=0'],
      ['limit', 'q=x&limit=51'],
      ['spaceId', 'q=x&spaceId=nope'],
    ])('refuses a bad %s (%s) with 400 naming it', async (field, query) => {
      const r = await l1.get(`${K}/search?${query}`);
      expect(r.status).toBe(400);
      expect(r.body.details.map((d: any) => d.path)).toContain(field);
    });
  });

  describe('suggestions and deflection', () => {
    it('a requester writing about a blank-printing printer is offered the help centre article, in Russian too', async () => {
      const en = (await alice.get(`${K}/suggest?text=${encodeURIComponent('Our printer prints only blank pages since this morning')}`)).body.items;
      expect(en[0]).toMatchObject({ kind: 'page', title: 'Printer prints blank pages', space: { key: 'help' } });
      expect(en.every((x: any) => x.kind === 'page' && x.space.key !== 'internal')).toBe(true);
      const ru = (await alice.get(`${K}/suggest?text=${encodeURIComponent('Принтер печатает пустые листы')}`)).body.items;
      expect(ru[0]).toMatchObject({ title: 'Принтер печатает пустые страницы', locale: 'ru' });
      const staff = (await l1.get(`${K}/suggest?text=${encodeURIComponent('VPN keeps disconnecting at home')}`)).body.items;
      expect(staff[0]).toMatchObject({ title: 'VPN disconnects every 10 minutes', space: { key: 'internal' } });
      expect((await alice.get(`${K}/suggest?text=`)).body).toMatchObject({ statusCode: 400, details: [{ path: 'text' }] });
    });

    it('"this solved it" records a deflection and makes no request', async () => {
      const article = (await alice.get(`${K}/suggest?text=${encodeURIComponent('reset my password')}`)).body.items[0];
      expect(article.title).toBe('How to reset your password');
      const before = (await alice.get(`${T}?limit=200`)).body.items.length;
      const before2 = (await l1.get(`${P}/${article.id}/metrics`)).body.deflections;
      const r = await alice.post(`${K}/deflections`, { pageId: article.id, text: 'I cannot sign in' });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ id: expect.any(Number), pageId: article.id });
      expect((await alice.get(`${T}?limit=200`)).body.items.length).toBe(before);
      expect((await l1.get(`${P}/${article.id}/metrics`)).body.deflections).toBe(before2 + 1);
      const internal = (await l1.get(`${P}?spaceId=${space.internal}`)).body.items[0];
      expect((await alice.post(`${K}/deflections`, { pageId: internal.id })).status).toBe(404);
      expect((await alice.post(`${K}/deflections`, { pageId: 'x' })).body).toMatchObject({ statusCode: 400, details: [{ path: 'pageId' }] });
    });
  });

  describe('articles and requests', () => {
    it('an agent marks an article as the solution; the requester sees it if she may read it', async () => {
      const m = marker();
      const r = await resolvedRequest(alice, `Scanner offline ${m}`, 'The scanner is offline.', 'Restarted the scanner.');
      const publicArticle = await page({ title: `Scanner goes offline ${m}`, body: 'Restart it.', spaceId: space.help });
      const internalArticle = await page({ title: `Scanner firmware ${m}`, body: 'Flash it.' });
      const linked = await l1.post(`${K}/requests/${r.number}/solutions`, { pageId: publicArticle.id });
      expect(linked.status).toBe(201);
      expect(ids(linked.body.items)).toEqual([publicArticle.id]);
      expect((await l1.post(`${K}/requests/${r.id}/solutions`, { pageId: publicArticle.id })).body.error).toBe('already_linked');
      await l1.post(`${K}/requests/${r.id}/solutions`, { pageId: internalArticle.id });
      expect(ids((await l1.get(`${K}/requests/${r.id}/solutions`)).body.items)).toEqual([publicArticle.id, internalArticle.id]);
      expect(ids((await alice.get(`${K}/requests/${r.id}/solutions`)).body.items)).toEqual([publicArticle.id]);
      expect((await alice.post(`${K}/requests/${r.id}/solutions`, { pageId: publicArticle.id })).status).toBe(403);
      expect((await l1.get(`${P}/${publicArticle.id}/metrics`)).body.usedAsSolution).toBe(1);
      expect((await l1.delete(`${K}/requests/${r.id}/solutions/${internalArticle.id}`)).status).toBe(200);
      expect((await l1.delete(`${K}/requests/${r.id}/solutions/${internalArticle.id}`)).status).toBe(404);
      expect((await l1.post(`${K}/requests/${r.id}/solutions`, { pageId: randomUUID() })).body).toMatchObject({ statusCode: 400, details: [{ path: 'pageId' }] });
    });

    it('L2 writes up a resolved request as a solution article from its timeline; the report of uncaptured knowledge follows', async () => {
      const m = marker();
      const created = (await alice.post(T, { subject: `Excel crashes on open ${m}`, description: 'Excel closes as soon as a shared workbook opens.' })).body;
      await l1.patch(`${T}/${created.id}`, { line: 'L2', reason: 'Needs an engineer' });
      await l2.post(`${T}/${created.id}/take`);
      await l2.post(`${T}/${created.id}/comments`, { body: 'Repaired the Office installation.', internal: false });
      await l2.post(`${T}/${created.id}/comments`, { body: 'Cause: a broken add-in after the update.', internal: true });
      const early = await l2.post(`${K}/requests/${created.id}/solution-article`, {});
      expect(early.status).toBe(409);
      expect(early.body.error).toBe('not_resolved');
      await l2.patch(`${T}/${created.id}`, { status: 'resolved' });

      const uncaptured = async () => ids((await manager.get(`${K}/reports/uncaptured?limit=500`)).body.items);
      expect(await uncaptured()).toContain(created.id);
      const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
      const inHour = new Date(Date.now() + 3_600_000).toISOString();
      const window = async (q: string) => (await manager.get(`${K}/reports/uncaptured?${q}&limit=500`)).body.items as any[];
      const inWindow = await window(`from=${encodeURIComponent(hourAgo)}&to=${encodeURIComponent(inHour)}`);
      expect(inWindow.find((x) => x.id === created.id)).toMatchObject({ number: created.number, line: 'L2', assignee: { name: 'Egor L2' }, status: 'resolved' });
      expect(ids(await window(`to=${encodeURIComponent(hourAgo)}`))).not.toContain(created.id);
      expect((await manager.get(`${K}/reports/uncaptured?from=yesterday`)).body).toMatchObject({ statusCode: 400, details: [{ path: 'from' }] });
      expect((await l1.post(`${K}/requests/${created.id}/solution-article`, {})).status).toBe(403);
      expect((await alice.post(`${K}/requests/${created.id}/solution-article`, {})).status).toBe(403);

      const article = await l2.post(`${K}/requests/${created.number}/solution-article`, {});
      expect(article.status, JSON.stringify(article.body)).toBe(201);
      expect(article.body).toMatchObject({ title: `Excel crashes on open ${m}`, template: 'solution', locale: 'en', space: { key: 'internal' } });
      expect(article.body.body).toContain(`Drafted from request ${created.number}.`);
      expect(article.body.body).toMatch(/## Symptoms\n\nExcel closes as soon as a shared workbook opens\./);
      expect(article.body.body).toContain('- Repaired the Office installation.');
      expect(article.body.body).toContain('- Cause: a broken add-in after the update.');
      expect(ids((await l2.get(`${K}/requests/${created.id}/solutions`)).body.items)).toEqual([article.body.id]);
      expect(await uncaptured()).not.toContain(created.id);
      // A second write-up of the same request gets a title of its own.
      const again = await l2.post(`${K}/requests/${created.id}/solution-article`, { locale: 'ru', spaceId: space.help });
      expect(again.body).toMatchObject({ locale: 'ru', space: { key: 'help' } });
      expect(again.body.body).toContain('## Симптомы');

      // The next agent on a similar request is pointed at the article and the resolved request.
      const similar = (await bob.post(T, { subject: `Excel crashes when a workbook opens ${m}`, description: 'Excel closes.' })).body;
      const related = await l1.get(`${K}/requests/${similar.id}/related`);
      expect(related.status).toBe(200);
      expect(ids(related.body.articles)).toContain(article.body.id);
      expect(ids(related.body.similarRequests)).toContain(created.id);
      expect(ids(related.body.similarRequests)).not.toContain(similar.id);
      expect(related.body.solutions).toEqual([]);
      expect((await bob.get(`${K}/requests/${similar.id}/related`)).status).toBe(403);
    });

    it('counts views and helpful votes, one vote per person', async () => {
      const p = await page({ title: `Voted on ${marker()}`, body: 'x', spaceId: space.help });
      await alice.get(`${P}/${p.id}`);
      await bob.get(`${P}/${p.id}`);
      expect((await alice.post(`${P}/${p.id}/votes`, { helpful: false })).body).toEqual({ helpful: 0, notHelpful: 1, yours: false });
      expect((await alice.post(`${P}/${p.id}/votes`, { helpful: true })).body).toEqual({ helpful: 1, notHelpful: 0, yours: true });
      expect((await bob.post(`${P}/${p.id}/votes`, { helpful: false })).body).toEqual({ helpful: 1, notHelpful: 1, yours: false });
      expect((await alice.post(`${P}/${p.id}/votes`, { helpful: 'yes' })).body).toMatchObject({ statusCode: 400, details: [{ path: 'helpful' }] });
      const metrics = (await l1.get(`${P}/${p.id}/metrics`)).body;
      expect(metrics).toEqual({ pageId: p.id, title: p.title, spaceId: space.help, views: 2, usedAsSolution: 0, helpful: 1, notHelpful: 1, deflections: 0, reviewedAt: expect.any(String) });
      const report = (await manager.get(`${K}/reports/articles?sort=notHelpful&spaceId=${space.help}`)).body.items;
      expect(report[0]).toMatchObject({ pageId: p.id, notHelpful: 1 });
      expect((await alice.get(`${P}/${p.id}/metrics`)).status).toBe(403);
      expect((await alice.get(`${K}/reports/articles`)).status).toBe(403);
      expect((await manager.get(`${K}/reports/articles?sort=likes`)).body).toMatchObject({ statusCode: 400, details: [{ path: 'sort' }] });
    });
  });
});

describe.each(DATABASES)('pages not reviewed for a while (%s)', (kind) => {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const t = useTestApp(kind, {}, { clock });

  it('lists pages nobody has reviewed for the set number of days, until someone does', async () => {
    // Sessions expire as the clock moves on: each step signs in afresh.
    const as = (email: string) => t.login(email);
    const old = (await (await as('l2@demo.test')).post(P, { title: 'Old instructions', body: 'x' })).body;
    clock.advanceMinutes(60 * 24 * 100);
    const fresh = (await (await as('l2@demo.test')).post(P, { title: 'Fresh instructions', body: 'x' })).body;
    clock.advanceMinutes(60 * 24 * 100);
    const l2 = await as('l2@demo.test');
    const manager = await as('manager@demo.test');
    const list = async (days: number) => ids((await manager.get(`${K}/reports/unreviewed?days=${days}&limit=500`)).body.items);
    expect(await list(150)).toContain(old.id);
    expect(await list(150)).not.toContain(fresh.id);
    expect(await list(90)).toEqual(expect.arrayContaining([old.id, fresh.id]));
    // An edit is not a review; a review is.
    await l2.put(`${P}/${old.id}`, { baseRevision: 1, body: 'typo fixed' });
    expect(await list(150)).toContain(old.id);
    const reviewed = await l2.post(`${P}/${old.id}/review`);
    expect(reviewed.body.reviewedAt).toBe(clock.now().toISOString());
    expect(await list(1)).not.toContain(old.id);
    const report = (await manager.get(`${K}/reports/unreviewed?days=150`)).body;
    expect(report.days).toBe(150);
    expect(report.items.find((p: any) => p.title === 'Printing problems')).toMatchObject({ owner: { name: 'Egor L2' } });
    expect((await manager.get(`${K}/reports/unreviewed?days=0`)).body).toMatchObject({ statusCode: 400, details: [{ path: 'days' }] });
  });
});

