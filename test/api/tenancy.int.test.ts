import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client, Res } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

/**
 * Tenancy over real HTTP: every route under /api/v1/tickets, tried by people who must not reach a
 * request of client A (another company's requester and IT manager, a colleague of the requester,
 * nobody at all), by people of A below the role the route needs, and — as the control that the
 * refusals are not an accident of a broken request — by someone who may.
 */

/** Who may use a route on alice's request, from the least to the most privileged. */
const RANKS = ['requester', 'client_manager', 'agent', 'manager'] as const;
type Rank = (typeof RANKS)[number];
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Alice's request (client A) with a staff reply carrying a file, a link, a staff watcher; resolved. */
interface Fixture {
  /** How the routes address the request: its id or its number (TD-…). */
  ref: string;
  id: string;
  number: string;
  subject: string;
  attachmentId: string;
  linkId: string;
  /** Another request of alice's, not yet linked. */
  spareId: string;
}

/** The people and places the tests refer to by id. */
interface Ids {
  alice: string;
  eve: string;
  /** Another colleague at client A, who watches the request (and so may read it). */
  frank: string;
  l1: string;
  l2: string;
  orgA: string;
}

interface RouteCase {
  name: string;
  /** The least privileged role that may use the route on alice's request. */
  may: Rank;
  ok: number;
  req: (f: Fixture, ids: Ids) => [Method, string, unknown?];
  /** What a successful answer shows. */
  check: (body: any, f: Fixture, ids: Ids) => void;
  /** For a route that is not about one request: how an outsider is refused instead of a 404. */
  outsider?: (c: Client, f: Fixture, ids: Ids, sameOrganization: boolean) => Promise<void>;
}

const T = '/api/v1/tickets';

/** Creating a request: an outsider cannot make one for A's organization or on alice's behalf. */
async function refusesCreatingForA(c: Client, f: Fixture, ids: Ids, sameOrganization: boolean) {
  const bodies: object[] = [{ requesterId: ids.alice }, { requesterId: ids.alice, organizationId: ids.orgA }];
  if (!sameOrganization) bodies.push({ organizationId: ids.orgA });
  for (const extra of bodies) {
    const r = await c.post(T, { subject: `On behalf of A ${f.subject}`, description: 'x', ...extra });
    expect([400, 403], JSON.stringify(extra)).toContain(r.status);
    expect(r.body.error).toMatch(/^(forbidden|invalid)$/);
    expect(r.body.statusCode).toBe(r.status);
  }
}

/** Listing: alice's request never appears, whatever the filters point at. */
async function neverListsAlicesRequest(c: Client, f: Fixture, ids: Ids, sameOrganization: boolean) {
  for (const query of ['limit=200', `organizationId=${ids.orgA}&limit=200`, `requesterId=${ids.alice}`, `q=${encodeURIComponent(f.subject)}`]) {
    const r = await c.get(`${T}?${query}`);
    expect(r.status, query).toBe(200);
    expect(r.body.items.map((x: any) => x.id), query).not.toContain(f.id);
    if (!sameOrganization) expect(r.body.items.filter((x: any) => x.organizationId === ids.orgA), query).toEqual([]);
  }
}

// One line per route. `req` addresses the request through `f.ref`, so every case runs by id and by number.
const ROUTES: RouteCase[] = [
  { name: 'POST /tickets', may: 'requester', ok: 201, req: (f) => ['POST', T, { subject: `New ${f.subject}`, description: 'x' }], check: (b, _f, ids) => expect(b.requester.id).toBe(ids.alice), outsider: refusesCreatingForA },
  { name: 'GET /tickets', may: 'requester', ok: 200, req: () => ['GET', `${T}?limit=200`], check: (b, f) => expect(b.items.map((x: any) => x.id)).toContain(f.id), outsider: neverListsAlicesRequest },
  { name: 'GET /tickets/:id', may: 'requester', ok: 200, req: (f) => ['GET', `${T}/${f.ref}`], check: (b, f) => expect(b).toMatchObject({ id: f.id, subject: f.subject }) },
  { name: 'PATCH /tickets/:id', may: 'agent', ok: 200, req: (f) => ['PATCH', `${T}/${f.ref}`, { priority: 'P1' }], check: (b, f) => expect(b).toMatchObject({ id: f.id, priority: 'P1' }) },
  { name: 'POST /tickets/:id/take', may: 'agent', ok: 200, req: (f) => ['POST', `${T}/${f.ref}/take`], check: (b, _f, ids) => expect(b.assigneeId).toBe(ids.l1) },
  { name: 'POST /tickets/:id/reopen', may: 'requester', ok: 200, req: (f) => ['POST', `${T}/${f.ref}/reopen`], check: (b) => expect(b.status).toBe('open') },
  { name: 'POST /tickets/:id/close', may: 'requester', ok: 200, req: (f) => ['POST', `${T}/${f.ref}/close`], check: (b) => expect(b.status).toBe('closed') },
  { name: 'POST /tickets/:id/comments', may: 'requester', ok: 201, req: (f) => ['POST', `${T}/${f.ref}/comments`, { body: 'Thanks, it works' }], check: (b) => expect(b).toMatchObject({ kind: 'reply', body: 'Thanks, it works' }) },
  { name: 'GET /tickets/:id/timeline', may: 'requester', ok: 200, req: (f) => ['GET', `${T}/${f.ref}/timeline`], check: (b, f) => expect(b.items.flatMap((e: any) => e.attachments.map((a: any) => a.id))).toEqual([f.attachmentId]) },
  { name: 'GET /tickets/:id/attachments/:attachmentId', may: 'requester', ok: 200, req: (f) => ['GET', `${T}/${f.ref}/attachments/${f.attachmentId}`], check: (b) => expect(b).toBe('log line 1\nlog line 2\n') },
  { name: 'POST /tickets/:id/watchers', may: 'client_manager', ok: 200, req: (f, ids) => ['POST', `${T}/${f.ref}/watchers`, { userId: ids.eve }], check: (b, _f, ids) => expect(b.watchers.map((w: any) => w.id)).toContain(ids.eve) },
  { name: 'DELETE /tickets/:id/watchers/:userId', may: 'client_manager', ok: 200, req: (f, ids) => ['DELETE', `${T}/${f.ref}/watchers/${ids.frank}`], check: (b, _f, ids) => expect(b.watchers.map((w: any) => w.id)).not.toContain(ids.frank) },
  { name: 'POST /tickets/:id/links', may: 'agent', ok: 201, req: (f) => ['POST', `${T}/${f.ref}/links`, { ticket: f.spareId, kind: 'related' }], check: (b, f) => expect(b.links.map((l: any) => l.ticket.id)).toContain(f.spareId) },
  { name: 'DELETE /tickets/:id/links/:linkId', may: 'agent', ok: 200, req: (f) => ['DELETE', `${T}/${f.ref}/links/${f.linkId}`], check: (b) => expect(b.links).toEqual([]) },
  { name: 'GET /tickets/:id/audit', may: 'manager', ok: 200, req: (f) => ['GET', `${T}/${f.ref}/audit`], check: (b) => expect(b.items.map((a: any) => a.action)).toEqual(expect.arrayContaining(['created', 'linked', 'updated'])) },
];

const rankOf = (r: Rank) => RANKS.indexOf(r);
const send = (c: Client, [method, path, body]: [Method, string, unknown?]) =>
  c.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : (body ?? {}));

describe.each(DATABASES)('tenancy of the requests API (%s)', (kind) => {
  const t = useTestApp(kind);
  const ids = {} as Ids;
  const people = {} as Record<'alice' | 'itA' | 'eve' | 'bob' | 'itB' | 'l1' | 'l2' | 'manager' | 'admin', Client>;
  /** The request that every refusal is tried on; it must come out of them unchanged. */
  let shared: Fixture;
  let sharedBefore: { ticket: any; timeline: number; audit: number };

  const idOf = async (c: Client) => (await c.get('/api/v1/me')).body.id as string;

  async function makeFixture(): Promise<Fixture> {
    const { alice, l2 } = people;
    const subject = `Tenancy ${randomUUID()}`;
    const created = await alice.post(T, { subject, description: 'The scanner is offline.' });
    expect(created.status).toBe(201);
    const { id, number } = created.body;
    expect((await l2.post(`${T}/${id}/take`)).status).toBe(200);

    const form = new FormData();
    form.set('body', 'Here is the log we found');
    form.set('internal', 'false');
    form.set('file', new Blob(['log line 1\nlog line 2\n'], { type: 'text/plain' }), 'scanner.log');
    const reply = await l2.post(`${T}/${id}/comments`, form);
    expect(reply.status).toBe(201);
    expect(reply.body.attachments).toHaveLength(1);

    const other = (await alice.post(T, { subject: `Other ${subject}`, description: 'x' })).body;
    const spare = (await alice.post(T, { subject: `Spare ${subject}`, description: 'x' })).body;
    const linked = await l2.post(`${T}/${id}/links`, { ticket: other.id, kind: 'related' });
    expect(linked.status).toBe(201);
    expect((await l2.post(`${T}/${id}/watchers`, { userId: ids.l2 })).status).toBe(200);
    expect((await l2.post(`${T}/${id}/watchers`, { userId: ids.frank })).status).toBe(200);
    const resolved = await l2.patch(`${T}/${id}`, { status: 'resolved' });
    expect(resolved.body).toMatchObject({ status: 'resolved', watchers: expect.arrayContaining([expect.objectContaining({ id: ids.l2 })]) });
    return { ref: id, id, number, subject, attachmentId: reply.body.attachments[0].id, linkId: linked.body.links[0].id, spareId: spare.id };
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
      ['admin', 'admin@demo.test'],
    ] as const)
      people[key] = await t.login(email);
    const aliceMe = (await people.alice.get('/api/v1/me')).body;
    Object.assign(ids, { alice: aliceMe.id, orgA: aliceMe.organizationId, l1: await idOf(people.l1), l2: await idOf(people.l2) });

    // A colleague of alice's at client A: same organization, not the requester of her requests.
    const eve = await people.admin.post('/api/v1/users', {
      email: `eve-${randomUUID().slice(0, 8)}@client-a.test`,
      name: 'Eve Colleague',
      role: 'requester',
      organizationId: ids.orgA,
      password: 'eve-secret-password',
    });
    expect(eve.status).toBe(201);
    expect(eve.body).toMatchObject({ role: 'requester', organizationId: ids.orgA });
    ids.eve = eve.body.id;
    people.eve = await t.login(eve.body.email, 'eve-secret-password');
    const frank = await people.admin.post('/api/v1/users', { email: `frank-${randomUUID().slice(0, 8)}@client-a.test`, name: 'Frank Watcher', role: 'requester', organizationId: ids.orgA });
    expect(frank.status).toBe(201);
    ids.frank = frank.body.id;

    shared = await makeFixture();
    sharedBefore = await snapshot(shared);
  });

  async function snapshot(f: Fixture) {
    const ticket = (await people.manager.get(`${T}/${f.id}`)).body;
    const timeline = (await people.manager.get(`${T}/${f.id}/timeline`)).body.items.length as number;
    const audit = (await people.manager.get(`${T}/${f.id}/audit`)).body.items.length as number;
    return { ticket, timeline, audit };
  }

  const intruders = [
    { who: 'bob (requester, client B)', key: 'bob', sameOrganization: false },
    { who: 'it@client-b (IT manager, client B)', key: 'itB', sameOrganization: false },
    { who: 'a colleague of alice at client A', key: 'eve', sameOrganization: true },
  ] as const;

  describe.each(intruders)('$who', ({ key, sameOrganization }) => {
    it.each(ROUTES)('is refused $name', async (route) => {
      const c = people[key];
      if (route.outsider) return route.outsider(c, shared, ids, sameOrganization);
      // Staff-only routes refuse by role before looking at the request (403 for any request, so
      // nothing is disclosed); the others answer as if the request did not exist.
      const expected = rankOf(route.may) >= rankOf('agent') ? { status: 403, error: 'forbidden' } : { status: 404, error: 'not_found' };
      const ghost: Fixture = { ...shared, ref: randomUUID(), id: randomUUID() };
      const answers: Res[] = [];
      for (const f of [{ ...shared, ref: shared.id }, { ...shared, ref: shared.number }, ghost, { ...ghost, ref: 'TD-999999' }]) {
        const r = await send(c, route.req(f, ids));
        expect({ ref: f.ref, status: r.status, error: r.body.error }).toEqual({ ref: f.ref, ...expected });
        answers.push(r);
      }
      // Alice's request answers exactly as a request that does not exist.
      expect(answers[0]!.body).toEqual(answers[2]!.body);
      expect(JSON.stringify(answers[0]!.body)).not.toContain(shared.subject);
    });
  });

  it.each(ROUTES)('anonymous is refused $name with 401', async (route) => {
    for (const ref of [shared.id, shared.number]) {
      const r = await send(t.anonymous(), route.req({ ...shared, ref }, ids));
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ statusCode: 401, error: 'unauthorized' });
      expect(JSON.stringify(r.body)).not.toContain(shared.subject);
    }
  });

  const insiders = [
    { who: 'alice (the requester)', key: 'alice', rank: 'requester' },
    { who: 'it@client-a (IT manager of A)', key: 'itA', rank: 'client_manager' },
    { who: 'l1 (an agent)', key: 'l1', rank: 'agent' },
  ] as const;
  const refusedByRole = insiders.flatMap((p) => ROUTES.filter((r) => rankOf(r.may) > rankOf(p.rank)).map((route) => ({ ...p, route, name: route.name })));

  it.each(refusedByRole)('$who gets 403 on $name of alice\'s request', async ({ key, route }) => {
    for (const ref of [shared.id, shared.number]) {
      const r = await send(people[key], route.req({ ...shared, ref }, ids));
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ statusCode: 403, error: 'forbidden' });
    }
  });

  it('every refusal above left the request as it was, and made no request for client A', async () => {
    expect(await snapshot(shared)).toEqual(sharedBefore);
    const made = await t.td.app.db
      .selectFrom('tickets')
      .select(['id', 'requester_id'])
      .where('organization_id', '=', ids.orgA)
      .where('subject', 'like', `On behalf of A %`)
      .execute();
    expect(made).toEqual([]);
  });

  const controls = ROUTES.map((route) => ({ ...route, by: { requester: 'alice', client_manager: 'itA', agent: 'l1', manager: 'manager' }[route.may] as 'alice' | 'itA' | 'l1' | 'manager' }));
  it.each(controls)('control: $by may use $name on a request of her scope', async (route) => {
    for (const by of ['id', 'number'] as const) {
      const f = await makeFixture();
      const r = await send(people[route.by], route.req({ ...f, ref: f[by] }, ids));
      expect(r.status, JSON.stringify(r.body)).toBe(route.ok);
      route.check(r.body, f, ids);
    }
  });
});
