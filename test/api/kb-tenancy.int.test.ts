import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client, Res } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

/**
 * Tenancy of every route under /api/v1/kb, on a page in the space that only client A reads and on
 * alice's (client A) request: refused to the people of client B (404 where reading, 403 where only
 * staff may act — answered exactly as for a page or request that does not exist), to anonymous
 * callers (401), and to people of A below the role the route needs; with a control that someone
 * who may use the route gets what it gives.
 */

const K = '/api/v1/kb';
const RANKS = ['requester', 'client_manager', 'agent', 'l2', 'manager'] as const;
type Rank = (typeof RANKS)[number];
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A page of client A's space with history, a file, a backlink; alice's resolved request with it as solution. */
interface Fixture {
  pageId: string;
  title: string;
  spaceId: string;
  attachmentId: string;
  /** A Russian page, not linked as a translation yet. */
  spareRuId: string;
  /** A Russian page linked as the translation of another page. */
  linkedRuId: string;
  /** An article not marked as the request's solution. */
  spareArticleId: string;
  ticketId: string;
  ticketNumber: string;
}

interface RouteCase {
  name: string;
  may: Rank;
  ok: number;
  /** How people of another organization are refused. */
  refusal: 403 | 404;
  req: (f: Fixture) => [Method, string, unknown?];
  check: (body: any, f: Fixture) => void;
  /** For a route that lists or searches: how an outsider is kept from A's things instead. */
  outsider?: (c: Client, f: Fixture) => Promise<void>;
}

const pageRoute = (f: Fixture, rest = '') => `${K}/pages/${f.pageId}${rest}`;
const reqRoute = (f: Fixture, rest = '') => `${K}/requests/${f.ticketNumber}${rest}`;

const ROUTES: RouteCase[] = [
  {
    name: 'GET /kb/spaces', may: 'requester', ok: 200, refusal: 404, req: () => ['GET', `${K}/spaces`], check: (b, f) => expect(b.items.map((s: any) => s.id)).toContain(f.spaceId),
    outsider: async (c, f) => expect((await c.get(`${K}/spaces`)).body.items.map((s: any) => s.id)).not.toContain(f.spaceId),
  },
  { name: 'POST /kb/spaces', may: 'manager', ok: 201, refusal: 403, req: () => ['POST', `${K}/spaces`, { key: `t-${randomUUID().slice(0, 8)}`, name: 'T', visibility: 'internal' }], check: (b) => expect(b.visibility).toBe('internal') },
  { name: 'GET /kb/spaces/:id', may: 'requester', ok: 200, refusal: 404, req: (f) => ['GET', `${K}/spaces/${f.spaceId}`], check: (b, f) => expect(b.id).toBe(f.spaceId) },
  { name: 'PATCH /kb/spaces/:id', may: 'manager', ok: 200, refusal: 403, req: (f) => ['PATCH', `${K}/spaces/${f.spaceId}`, { description: 'Changed' }], check: (b) => expect(b.description).toBe('Changed') },
  { name: 'GET /kb/spaces/:id/wanted', may: 'agent', ok: 200, refusal: 404, req: (f) => ['GET', `${K}/spaces/${f.spaceId}/wanted`], check: (b) => expect(b.items.map((w: any) => w.title)).toContain('Nowhere yet') },
  { name: 'GET /kb/spaces/:id/export', may: 'agent', ok: 200, refusal: 403, req: (f) => ['GET', `${K}/spaces/${f.spaceId}/export`], check: (b, f) => expect(b.files.map((x: any) => x.content).join()).toContain(f.title) },
  { name: 'POST /kb/spaces/:id/import', may: 'agent', ok: 200, refusal: 403, req: (f) => ['POST', `${K}/spaces/${f.spaceId}/import`, { files: [{ path: 'x.md', content: `# Imported ${randomUUID()}\n\nx` }] }], check: (b) => expect(b.created).toBe(1) },
  {
    name: 'GET /kb/templates', may: 'requester', ok: 200, refusal: 404, req: () => ['GET', `${K}/templates`], check: (b) => expect(b.items.map((x: any) => x.key)).toContain('solution'),
    // Templates hold nothing of any organization: the same for everybody.
    outsider: async (c) => expect((await c.get(`${K}/templates`)).body.items.map((x: any) => x.key)).toEqual(['solution', 'how-to', 'blank']),
  },
  { name: 'POST /kb/pages', may: 'agent', ok: 201, refusal: 403, req: (f) => ['POST', `${K}/pages`, { title: `New ${randomUUID()}`, body: 'x', spaceId: f.spaceId }], check: (b, f) => expect(b.space.id).toBe(f.spaceId) },
  {
    name: 'GET /kb/pages', may: 'requester', ok: 200, refusal: 404, req: (f) => ['GET', `${K}/pages?spaceId=${f.spaceId}&limit=500`], check: (b, f) => expect(b.items.map((p: any) => p.id)).toContain(f.pageId),
    outsider: async (c, f) => {
      expect((await c.get(`${K}/pages?limit=500`)).body.items.map((p: any) => p.id)).not.toContain(f.pageId);
      expect((await c.get(`${K}/pages?spaceId=${f.spaceId}`)).status).toBe(404);
    },
  },
  { name: 'GET /kb/pages/:id', may: 'requester', ok: 200, refusal: 404, req: (f) => ['GET', pageRoute(f)], check: (b, f) => expect(b.title).toBe(f.title) },
  { name: 'PUT /kb/pages/:id', may: 'agent', ok: 200, refusal: 403, req: (f) => ['PUT', pageRoute(f), { body: 'Edited', baseRevision: 2 }], check: (b) => expect(b.revision).toBe(3) },
  // The owner (here l2, who wrote it) or a manager.
  { name: 'DELETE /kb/pages/:id', may: 'l2', ok: 200, refusal: 403, req: (f) => ['DELETE', `${K}/pages/${f.spareArticleId}`], check: (b) => expect(b.ok).toBe(true) },
  { name: 'POST /kb/pages/:id/revert', may: 'agent', ok: 200, refusal: 403, req: (f) => ['POST', pageRoute(f, '/revert'), { revision: 1 }], check: (b) => expect(b.revision).toBe(3) },
  { name: 'POST /kb/pages/:id/review', may: 'agent', ok: 200, refusal: 403, req: (f) => ['POST', pageRoute(f, '/review')], check: (b) => expect(b.reviewedAt).toEqual(expect.any(String)) },
  { name: 'GET /kb/pages/:id/revisions', may: 'agent', ok: 200, refusal: 404, req: (f) => ['GET', pageRoute(f, '/revisions')], check: (b) => expect(b.items.map((r: any) => r.number)).toEqual([2, 1]) },
  { name: 'GET /kb/pages/:id/revisions/:number', may: 'agent', ok: 200, refusal: 404, req: (f) => ['GET', pageRoute(f, '/revisions/1')], check: (b) => expect(b.body).toContain('Secret of client A') },
  { name: 'GET /kb/pages/:id/diff', may: 'agent', ok: 200, refusal: 404, req: (f) => ['GET', pageRoute(f, '/diff?from=1&to=2')], check: (b) => expect(b.added).toBeGreaterThan(0) },
  { name: 'GET /kb/pages/:id/backlinks', may: 'requester', ok: 200, refusal: 404, req: (f) => ['GET', pageRoute(f, '/backlinks')], check: (b) => expect(b.items).toHaveLength(1) },
  { name: 'POST /kb/pages/:id/translations', may: 'agent', ok: 200, refusal: 403, req: (f) => ['POST', pageRoute(f, '/translations'), { pageId: f.spareRuId }], check: (b, f) => expect(b.translations.map((p: any) => p.id)).toEqual([f.spareRuId]) },
  { name: 'DELETE /kb/pages/:id/translations', may: 'agent', ok: 200, refusal: 403, req: (f) => ['DELETE', `${K}/pages/${f.linkedRuId}/translations`], check: (b) => expect(b.translations).toEqual([]) },
  { name: 'POST /kb/pages/:id/attachments', may: 'agent', ok: 201, refusal: 403, req: (f) => ['POST', pageRoute(f, '/attachments'), fileForm()], check: (b) => expect(b.items[0].filename).toBe('notes.txt') },
  { name: 'GET /kb/pages/:id/attachments/:attachmentId', may: 'requester', ok: 200, refusal: 404, req: (f) => ['GET', pageRoute(f, `/attachments/${f.attachmentId}`)], check: (b) => expect(b).toBe('secret file of client A\n') },
  { name: 'DELETE /kb/pages/:id/attachments/:attachmentId', may: 'agent', ok: 200, refusal: 403, req: (f) => ['DELETE', pageRoute(f, `/attachments/${f.attachmentId}`)], check: (b) => expect(b.ok).toBe(true) },
  { name: 'POST /kb/pages/:id/votes', may: 'requester', ok: 200, refusal: 404, req: (f) => ['POST', pageRoute(f, '/votes'), { helpful: true }], check: (b) => expect(b).toMatchObject({ helpful: 1, yours: true }) },
  { name: 'GET /kb/pages/:id/metrics', may: 'agent', ok: 200, refusal: 404, req: (f) => ['GET', pageRoute(f, '/metrics')], check: (b, f) => expect(b).toMatchObject({ pageId: f.pageId, usedAsSolution: 1 }) },
  {
    name: 'GET /kb/search', may: 'requester', ok: 200, refusal: 404, req: (f) => ['GET', `${K}/search?q=${encodeURIComponent(f.title)}`], check: (b, f) => expect(b.items.map((x: any) => x.id)).toEqual(expect.arrayContaining([f.pageId, f.ticketId])),
    outsider: async (c, f) => {
      for (const q of [f.title, `${f.title} secret`, 'Secret of client A']) {
        const found = (await c.get(`${K}/search?q=${encodeURIComponent(q)}&limit=50`)).body.items.map((x: any) => x.id);
        expect(found, q).not.toContain(f.pageId);
        expect(found, q).not.toContain(f.ticketId);
      }
    },
  },
  {
    name: 'GET /kb/suggest', may: 'requester', ok: 200, refusal: 404, req: (f) => ['GET', `${K}/suggest?text=${encodeURIComponent(f.title)}`], check: (b, f) => expect(b.items.map((x: any) => x.id)).toContain(f.pageId),
    outsider: async (c, f) => expect((await c.get(`${K}/suggest?text=${encodeURIComponent(f.title)}&limit=20`)).body.items.map((x: any) => x.id)).not.toContain(f.pageId),
  },
  { name: 'POST /kb/deflections', may: 'requester', ok: 201, refusal: 404, req: (f) => ['POST', `${K}/deflections`, { pageId: f.pageId, text: 'Solved, thanks' }], check: (b, f) => expect(b.pageId).toBe(f.pageId) },
  { name: 'GET /kb/requests/:ticket/solutions', may: 'requester', ok: 200, refusal: 404, req: (f) => ['GET', reqRoute(f, '/solutions')], check: (b, f) => expect(b.items.map((p: any) => p.id)).toEqual([f.pageId]) },
  { name: 'POST /kb/requests/:ticket/solutions', may: 'agent', ok: 201, refusal: 403, req: (f) => ['POST', reqRoute(f, '/solutions'), { pageId: f.spareArticleId }], check: (b, f) => expect(b.items.map((p: any) => p.id)).toContain(f.spareArticleId) },
  { name: 'DELETE /kb/requests/:ticket/solutions/:pageId', may: 'agent', ok: 200, refusal: 403, req: (f) => ['DELETE', reqRoute(f, `/solutions/${f.pageId}`)], check: (b) => expect(b.ok).toBe(true) },
  { name: 'POST /kb/requests/:ticket/solution-article', may: 'l2', ok: 201, refusal: 403, req: (f) => ['POST', reqRoute(f, '/solution-article'), { spaceId: f.spaceId }], check: (b) => expect(b.template).toBe('solution') },
  { name: 'GET /kb/requests/:ticket/related', may: 'agent', ok: 200, refusal: 403, req: (f) => ['GET', reqRoute(f, '/related')], check: (b, f) => expect(b.solutions.map((p: any) => p.id)).toEqual([f.pageId]) },
  { name: 'GET /kb/reports/articles', may: 'agent', ok: 200, refusal: 403, req: (f) => ['GET', `${K}/reports/articles?spaceId=${f.spaceId}&limit=500`], check: (b, f) => expect(b.items.map((x: any) => x.pageId)).toContain(f.pageId) },
  { name: 'GET /kb/reports/unreviewed', may: 'agent', ok: 200, refusal: 403, req: () => ['GET', `${K}/reports/unreviewed?days=1`], check: (b) => expect(b.days).toBe(1) },
  { name: 'GET /kb/reports/uncaptured', may: 'agent', ok: 200, refusal: 403, req: () => ['GET', `${K}/reports/uncaptured`], check: (b) => expect(Array.isArray(b.items)).toBe(true) },
];

function fileForm() {
  const form = new FormData();
  form.set('file', new Blob(['notes\n'], { type: 'text/plain' }), 'notes.txt');
  return form;
}

const rankOf = (r: Rank) => RANKS.indexOf(r);
const send = (c: Client, [method, path, body]: [Method, string, unknown?]) => c.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : (body ?? {}));

describe.each(DATABASES)('tenancy of the knowledge base API (%s)', (kind) => {
  const t = useTestApp(kind);
  const people = {} as Record<'alice' | 'itA' | 'bob' | 'itB' | 'l1' | 'l2' | 'manager', Client>;
  let clientASpace: string;
  let shared: Fixture;
  let sharedBefore: unknown;

  async function makeFixture(): Promise<Fixture> {
    const { l2, l1, alice } = people;
    const title = `Tenancy ${randomUUID()}`;
    const created = await l2.post(`${K}/pages`, { title, body: 'Secret of client A. See [[Nowhere yet]].', spaceId: clientASpace });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const pageId = created.body.id as string;
    expect((await l2.put(`${K}/pages/${pageId}`, { body: 'Secret of client A, second revision. See [[Nowhere yet]].', baseRevision: 1 })).status).toBe(200);
    const form = new FormData();
    form.set('file', new Blob(['secret file of client A\n'], { type: 'text/plain' }), 'secret.txt');
    const up = await l2.post(`${K}/pages/${pageId}/attachments`, form);
    expect(up.status).toBe(201);
    await l2.post(`${K}/pages`, { title: `Links to ${title}`, body: `[[${title}]]`, spaceId: clientASpace });
    const spareRu = await l2.post(`${K}/pages`, { title: `Перевод ${randomUUID()}`, body: 'Текст', spaceId: clientASpace, locale: 'ru' });
    const other = await l2.post(`${K}/pages`, { title: `Original ${randomUUID()}`, body: 'Text', spaceId: clientASpace });
    const linkedRu = await l2.post(`${K}/pages`, { title: `Переведено ${randomUUID()}`, body: 'Текст', spaceId: clientASpace, translationOf: other.body.id });
    const spareArticle = await l2.post(`${K}/pages`, { title: `Spare article ${randomUUID()}`, body: 'x', spaceId: clientASpace });
    const ticket = (await alice.post('/api/v1/tickets', { subject: `${title} request`, description: 'Secret of client A' })).body;
    await l1.post(`/api/v1/tickets/${ticket.id}/take`);
    expect((await l1.patch(`/api/v1/tickets/${ticket.id}`, { status: 'resolved' })).status).toBe(200);
    expect((await l1.post(`${K}/requests/${ticket.id}/solutions`, { pageId })).status).toBe(201);
    return {
      pageId,
      title,
      spaceId: clientASpace,
      attachmentId: up.body.items[0].id,
      spareRuId: spareRu.body.id,
      linkedRuId: linkedRu.body.id,
      spareArticleId: spareArticle.body.id,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
    };
  }

  /** What the refusals must leave as it was. */
  async function snapshot(f: Fixture) {
    const { l2 } = people;
    const page = (await l2.get(`${K}/pages/${f.pageId}`)).body;
    return {
      revision: page.revision,
      body: page.body,
      reviewedAt: page.reviewedAt,
      attachments: page.attachments.map((a: any) => a.id),
      translations: page.translations,
      // Views are left out: reading the page for this snapshot is one.
      metrics: { ...(await l2.get(`${K}/pages/${f.pageId}/metrics`)).body, views: undefined },
      solutions: (await l2.get(`${K}/requests/${f.ticketId}/solutions`)).body.items.map((p: any) => p.id),
      space: (await l2.get(`${K}/spaces/${f.spaceId}`)).body,
      spareArticle: (await l2.get(`${K}/pages/${f.spareArticleId}`)).status,
      pagesInSpace: (await l2.get(`${K}/pages?spaceId=${f.spaceId}&limit=500`)).body.items.length,
    };
  }

  beforeAll(async () => {
    for (const [key, email] of [
      ['alice', 'alice@client-a.test'],
      ['itA', 'it@client-a.test'],
      ['bob', 'bob@client-b.test'],
      ['itB', 'it@client-b.test'],
      ['l1', 'l1@demo.test'],
      ['l2', 'l2@demo.test'],
      ['manager', 'manager@demo.test'],
    ] as const)
      people[key] = await t.login(email);
    clientASpace = (await people.l2.get(`${K}/spaces`)).body.items.find((s: any) => s.key === 'client-a').id;
    shared = await makeFixture();
    sharedBefore = await snapshot(shared);
  });

  const intruders = [
    { who: 'bob (requester, client B)', key: 'bob' },
    { who: 'it@client-b (IT manager, client B)', key: 'itB' },
  ] as const;

  describe.each(intruders)('$who', ({ key }) => {
    it.each(ROUTES)('is refused $name', async (route) => {
      const c = people[key];
      if (route.outsider) return route.outsider(c, shared);
      const ghost: Fixture = { ...shared, pageId: randomUUID(), spaceId: randomUUID(), attachmentId: randomUUID(), spareRuId: randomUUID(), linkedRuId: randomUUID(), spareArticleId: randomUUID(), ticketId: randomUUID(), ticketNumber: 'TD-999999' };
      const answers: Res[] = [];
      for (const f of [shared, ghost]) {
        const r = await send(c, route.req(f));
        expect({ status: r.status, error: r.body?.error }).toEqual({ status: route.refusal, error: route.refusal === 404 ? 'not_found' : 'forbidden' });
        answers.push(r);
      }
      // A's page or request answers exactly as one that does not exist.
      expect(answers[0]!.body).toEqual(answers[1]!.body);
      expect(JSON.stringify(answers[0]!.body)).not.toContain(shared.title);
    });
  });

  it.each(ROUTES)('anonymous is refused $name with 401', async (route) => {
    const r = await send(t.anonymous(), route.req(shared));
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ statusCode: 401, error: 'unauthorized' });
  });

  const insiders = [
    { who: 'alice (requester of A)', key: 'alice', rank: 'requester' },
    { who: 'it@client-a (IT manager of A)', key: 'itA', rank: 'client_manager' },
    { who: 'l1 (an L1 agent)', key: 'l1', rank: 'agent' },
    { who: 'l2 (an L2 agent)', key: 'l2', rank: 'l2' },
  ] as const;
  const refusedByRole = insiders.flatMap((p) => ROUTES.filter((r) => rankOf(r.may) > rankOf(p.rank)).map((route) => ({ ...p, route, name: route.name })));

  it.each(refusedByRole)('$who gets 403 on $name', async ({ key, route }) => {
    const r = await send(people[key], route.req(shared));
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body).toMatchObject({ statusCode: 403, error: 'forbidden' });
  });

  it('client A\'s people do not see the internal space either', async () => {
    const internal = (await people.l2.post(`${K}/pages`, { title: `Internal ${randomUUID()}`, body: 'Staff only' })).body;
    for (const c of [people.alice, people.itA, people.bob]) {
      for (const path of ['', '/backlinks', '/revisions', '/metrics']) expect((await c.get(`${K}/pages/${internal.id}${path}`)).status).toBe(404);
      expect((await c.post(`${K}/pages/${internal.id}/votes`, { helpful: true })).status).toBe(404);
      expect((await c.post(`${K}/deflections`, { pageId: internal.id })).status).toBe(404);
      expect((await c.get(`${K}/search?q=${encodeURIComponent(internal.title)}`)).body.items.map((x: any) => x.id)).not.toContain(internal.id);
      expect((await c.get(`${K}/spaces/${internal.space.id}`)).status).toBe(404);
    }
  });

  it('every refusal above left the page, its request and its space as they were', async () => {
    expect(await snapshot(shared)).toEqual(sharedBefore);
  });

  const controls = ROUTES.map((route) => ({ ...route, by: ({ requester: 'alice', client_manager: 'itA', agent: 'l1', l2: 'l2', manager: 'manager' } as const)[route.may] }));
  it.each(controls)('control: $by may use $name', async (route) => {
    const f = await makeFixture();
    const r = await send(people[route.by], route.req(f));
    expect(r.status, JSON.stringify(r.body)).toBe(route.ok);
    route.check(r.body, f);
  });
});
