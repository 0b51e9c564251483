import { describe, expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../support/app.js';
import type { Client, Res } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const ORG_A = 'Client A Logistics';
const ORG_B = 'Client B Retail';
const ORG_C = 'Client C Clinic';

function expectError(r: Res, status: number, error: string) {
  expect(r.status).toBe(status);
  expect(r.body).toMatchObject({ statusCode: status, error });
  expect(typeof r.body.message).toBe('string');
  expect(r.body.message.length).toBeGreaterThan(0);
}

/** A 400 whose details name `field`. */
function expectFieldError(r: Res, field: string) {
  expect(r.status).toBe(400);
  expect(['validation_failed', 'invalid']).toContain(r.body.error);
  expect(r.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
}

let seq = 0;
const uniqueEmail = (prefix: string, domain = 'desk.test') => `${prefix}-${++seq}-${Date.now()}@${domain}`;

describe.each(DATABASES)('the directory over HTTP (%s)', (kind) => {
  const t = useTestApp(kind);

  /** Looks up demo ids once per test through the admin's eyes. */
  async function lookup(app: TestApp) {
    const admin = await app.login('admin@demo.test');
    const orgs: any[] = (await admin.get('/api/v1/organizations')).body.items;
    const people: any[] = (await admin.get('/api/v1/users?limit=500')).body.items;
    const org = (name: string) => orgs.find((o) => o.name === name)!;
    const person = (email: string) => people.find((p) => p.email === email)!;
    return { admin, org, person };
  }

  describe('organizations', () => {
    it('staff see all three demo organizations with their plans and domains', async () => {
      for (const email of ['admin@demo.test', 'manager@demo.test', 'l1@demo.test']) {
        const c = await t.login(email);
        const r = await c.get('/api/v1/organizations');
        expect(r.status).toBe(200);
        expect(r.body.items.map((o: any) => o.name)).toEqual(expect.arrayContaining([ORG_A, ORG_B, ORG_C]));
        const a = r.body.items.find((o: any) => o.name === ORG_A);
        expect(a).toMatchObject({
          domains: ['client-a.test'],
          planId: expect.any(String),
          contractStartsOn: '2026-01-01',
          contractOptions: ['system_administration'],
          unknownSenderPolicy: 'create',
        });
      }
    });

    it('a client-side person sees only their own organization', async () => {
      for (const [email, name] of [
        ['alice@client-a.test', ORG_A],
        ['it@client-b.test', ORG_B],
        ['carol@client-c.test', ORG_C],
      ]) {
        const c = await t.login(email!);
        const r = await c.get('/api/v1/organizations');
        expect(r.status).toBe(200);
        expect(r.body.items.map((o: any) => o.name)).toEqual([name]);
        expect(r.body.items[0].id).toBe((await c.get('/api/v1/me')).body.organizationId);
      }
    });

    it('GET of another organization is 404 for a client-side person, 200 for their own and for staff', async () => {
      const { org } = await lookup(t);
      const alice = await t.login('alice@client-a.test');
      const own = await alice.get(`/api/v1/organizations/${org(ORG_A).id}`);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: org(ORG_A).id, name: ORG_A });
      const other = await alice.get(`/api/v1/organizations/${org(ORG_B).id}`);
      expectError(other, 404, 'not_found');
      expect(JSON.stringify(other.body)).not.toContain(ORG_B);
      // The same answer as for an organization that does not exist at all.
      expectError(await alice.get('/api/v1/organizations/00000000-0000-4000-8000-000000000000'), 404, 'not_found');

      const l2 = await t.login('l2@demo.test');
      expect((await l2.get(`/api/v1/organizations/${org(ORG_B).id}`)).body).toMatchObject({ name: ORG_B, domains: ['client-b.test'] });
      expectError(await l2.get('/api/v1/organizations/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    });

    it('the admin creates and changes an organization, domains included', async () => {
      const admin = await t.login('admin@demo.test');
      const plans: any[] = (await admin.get('/api/v1/plans')).body.items;
      const extended = plans.find((p) => p.code === 'extended');
      const outstaffing = plans.find((p) => p.code === 'outstaffing');

      const created = await admin.post('/api/v1/organizations', {
        name: 'Client D Bank',
        planId: extended.id,
        domains: ['Client-D.test', 'client-d.example'],
        contractStartsOn: '2026-09-01',
        contractOptions: ['english_speaking_expert'],
        unknownSenderPolicy: 'refuse',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.any(String),
        name: 'Client D Bank',
        planId: extended.id,
        domains: ['client-d.example', 'client-d.test'],
        contractStartsOn: '2026-09-01',
        contractEndsOn: null,
        contractOptions: ['english_speaking_expert'],
        unknownSenderPolicy: 'refuse',
      });
      const id = created.body.id;
      expect((await admin.get(`/api/v1/organizations/${id}`)).body).toEqual(created.body);
      expect((await admin.get('/api/v1/organizations')).body.items.map((o: any) => o.name)).toContain('Client D Bank');

      const patched = await admin.patch(`/api/v1/organizations/${id}`, {
        name: 'Client D Bank Group',
        planId: outstaffing.id,
        domains: ['client-d.test', 'bank-d.test'],
        contractEndsOn: '2027-08-31',
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        id,
        name: 'Client D Bank Group',
        planId: outstaffing.id,
        domains: ['bank-d.test', 'client-d.test'],
        contractStartsOn: '2026-09-01',
        contractEndsOn: '2027-08-31',
        unknownSenderPolicy: 'refuse',
      });
      // A PATCH without domains leaves them alone.
      const renamed = await admin.patch(`/api/v1/organizations/${id}`, { unknownSenderPolicy: 'create' });
      expect(renamed.body).toMatchObject({ name: 'Client D Bank Group', domains: ['bank-d.test', 'client-d.test'], unknownSenderPolicy: 'create' });
      // The dropped domain is free again.
      const reuse = await admin.post('/api/v1/organizations', { name: 'Client E Example', domains: ['client-d.example'] });
      expect(reuse.status).toBe(201);
      expect(reuse.body).toMatchObject({ name: 'Client E Example', planId: null, domains: ['client-d.example'], contractOptions: [], unknownSenderPolicy: 'create' });
    });

    it('refuses a duplicate name or domain with 409, and a malformed one with 400, changing nothing', async () => {
      const { admin, org } = await lookup(t);
      const before = (await admin.get('/api/v1/organizations')).body.items;

      const dupName = await admin.post('/api/v1/organizations', { name: ORG_A });
      expectError(dupName, 409, 'already_exists');
      const dupDomain = await admin.post('/api/v1/organizations', { name: 'Client F Fresh', domains: ['client-a.test'] });
      expectError(dupDomain, 409, 'already_exists');
      const renameToTaken = await admin.patch(`/api/v1/organizations/${org(ORG_C).id}`, { name: ORG_B });
      expectError(renameToTaken, 409, 'already_exists');
      const takeDomain = await admin.patch(`/api/v1/organizations/${org(ORG_C).id}`, { domains: ['client-c.test', 'client-b.test'] });
      expectError(takeDomain, 409, 'already_exists');

      for (const domain of ['not a domain', 'nodot', 'bad_char.test', '-.']) {
        const r = await admin.post('/api/v1/organizations', { name: 'Client G Bad', domains: ['client-g.test', domain] });
        expectFieldError(r, 'domains.1');
        expect(r.body.message).toContain('domains');
      }
      expectFieldError(await admin.patch(`/api/v1/organizations/${org(ORG_C).id}`, { domains: ['clinic'] }), 'domains.0');
      expectFieldError(await admin.post('/api/v1/organizations', { name: 'Client G Bad', planId: '00000000-0000-4000-8000-000000000000' }), 'planId');
      expectFieldError(await admin.post('/api/v1/organizations', { name: '  ' }), 'name');
      expectFieldError(await admin.post('/api/v1/organizations', { name: 'Client G Bad', contractStartsOn: '01.09.2026' }), 'contractStartsOn');
      expectError(await admin.patch('/api/v1/organizations/00000000-0000-4000-8000-000000000000', { name: 'Ghost' }), 404, 'not_found');

      const after = (await admin.get('/api/v1/organizations')).body.items;
      expect(after).toEqual(before);
    });

    it('only the admin may create or change organizations', async () => {
      const { org } = await lookup(t);
      for (const email of ['manager@demo.test', 'l1@demo.test', 'l3@demo.test', 'it@client-a.test', 'alice@client-a.test']) {
        const c = await t.login(email);
        expectError(await c.post('/api/v1/organizations', { name: `Made by ${email}`, domains: ['made-by.test'] }), 403, 'forbidden');
        expectError(await c.patch(`/api/v1/organizations/${org(ORG_A).id}`, { name: 'Taken over' }), 403, 'forbidden');
      }
      const admin = await t.login('admin@demo.test');
      const names = (await admin.get('/api/v1/organizations')).body.items.map((o: any) => o.name);
      expect(names).toContain(ORG_A);
      expect(names.some((n: string) => n.startsWith('Made by') || n === 'Taken over')).toBe(false);
    });
  });

  describe('plans', () => {
    it('anyone signed in reads the four seed plans', async () => {
      for (const email of ['alice@client-a.test', 'it@client-b.test', 'l1@demo.test', 'admin@demo.test']) {
        const r = await (await t.login(email)).get('/api/v1/plans');
        expect(r.status).toBe(200);
        const seed = r.body.items.filter((p: any) => ['minimized', 'optimized', 'extended', 'outstaffing'].includes(p.code));
        // Listed by the hours they include.
        expect(seed.map((p: any) => p.name)).toEqual(['Minimized', 'Optimized', 'Extended', 'Outstaffing']);
        expect(seed.find((p: any) => p.code === 'outstaffing')).toMatchObject({
          coverage: 'round_the_clock',
          includedHours: 168,
          channels: ['web', 'email', 'sms', 'phone', 'api'],
        });
        expect(seed.find((p: any) => p.code === 'minimized')).toMatchObject({ coverage: 'business_hours', includedHours: 10, channels: ['web', 'email'] });
      }
    });

    it('only the admin creates a plan; the code is unique and the input checked', async () => {
      const admin = await t.login('admin@demo.test');
      const plan = { code: 'premium', name: 'Premium', coverage: 'extended_hours', includedHours: 120, channels: ['web', 'phone'], description: 'More hours' };
      const created = await admin.post('/api/v1/plans', plan);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), ...plan });
      expect((await (await t.login('alice@client-a.test')).get('/api/v1/plans')).body.items.map((p: any) => p.name)).toContain('Premium');

      expectError(await admin.post('/api/v1/plans', { ...plan, name: 'Premium again' }), 409, 'already_exists');
      expectFieldError(await admin.post('/api/v1/plans', { ...plan, code: 'other', channels: ['fax'] }), 'channels.0');
      expectFieldError(await admin.post('/api/v1/plans', { ...plan, code: 'other', channels: [] }), 'channels');
      expectFieldError(await admin.post('/api/v1/plans', { ...plan, code: 'Bad Code' }), 'code');
      expectFieldError(await admin.post('/api/v1/plans', { ...plan, code: 'other', coverage: 'sometimes' }), 'coverage');

      for (const email of ['manager@demo.test', 'l2@demo.test', 'it@client-a.test', 'bob@client-b.test']) {
        const r = await (await t.login(email)).post('/api/v1/plans', { ...plan, code: 'sneaky', name: 'Sneaky' });
        expectError(r, 403, 'forbidden');
      }
      expect((await admin.get('/api/v1/plans')).body.items.map((p: any) => p.code)).not.toContain('sneaky');
    });

    it('only the admin changes a plan (PATCH); the code stays, the input is checked', async () => {
      const admin = await t.login('admin@demo.test');
      const created = await admin.post('/api/v1/plans', { code: 'basic-edit', name: 'Basic', coverage: 'business_hours', includedHours: 5, channels: ['web'] });
      const id = created.body.id;
      const r = await admin.patch(`/api/v1/plans/${id}`, { name: 'Basic plus', includedHours: 8, channels: ['web', 'email'], description: 'Now with e-mail' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id, code: 'basic-edit', name: 'Basic plus', coverage: 'business_hours', includedHours: 8, channels: ['web', 'email'], description: 'Now with e-mail' });
      expect((await admin.get('/api/v1/plans')).body.items.find((p: any) => p.id === id)).toMatchObject({ name: 'Basic plus', includedHours: 8 });

      expectFieldError(await admin.patch(`/api/v1/plans/${id}`, { channels: ['fax'] }), 'channels.0');
      expectFieldError(await admin.patch(`/api/v1/plans/${id}`, { includedHours: -1 }), 'includedHours');
      expectError(await admin.patch('/api/v1/plans/00000000-0000-4000-8000-000000000000', { name: 'Ghost' }), 404, 'not_found');

      // Staff who are not admins, and client-side people of any organization, are refused.
      for (const email of ['manager@demo.test', 'l2@demo.test', 'it@client-a.test', 'bob@client-b.test']) {
        expectError(await (await t.login(email)).patch(`/api/v1/plans/${id}`, { name: `By ${email}` }), 403, 'forbidden');
      }
      expect((await admin.get('/api/v1/plans')).body.items.find((p: any) => p.id === id).name).toBe('Basic plus');
    });
  });

  describe('people', () => {
    it('a requester may not list people', async () => {
      const alice = await t.login('alice@client-a.test');
      expectError(await alice.get('/api/v1/users'), 403, 'forbidden');
      expectError(await alice.get('/api/v1/users?role=agent'), 403, 'forbidden');
    });

    it('a client IT manager sees the people of their organization only', async () => {
      const { org } = await lookup(t);
      const it_ = await t.login('it@client-a.test');
      const r = await it_.get('/api/v1/users');
      expect(r.status).toBe(200);
      const emails = r.body.items.map((p: any) => p.email);
      expect(emails).toEqual(expect.arrayContaining(['alice@client-a.test', 'dmitry@client-a.test', 'it@client-a.test']));
      expect(r.body.items.every((p: any) => p.organizationId === org(ORG_A).id)).toBe(true);
      expect(JSON.stringify(r.body)).not.toMatch(/client-b\.test|client-c\.test|demo\.test/);

      // Asking for another organization gives nothing rather than its people.
      const other = await it_.get(`/api/v1/users?organizationId=${org(ORG_B).id}`);
      expect(other.status).toBe(200);
      expect(other.body.items).toEqual([]);
    });

    it('staff see everyone, and can filter by role', async () => {
      const l1 = await t.login('l1@demo.test');
      const all = await l1.get('/api/v1/users?limit=500');
      expect(all.status).toBe(200);
      const emails = all.body.items.map((p: any) => p.email);
      expect(emails).toEqual(
        expect.arrayContaining(['admin@demo.test', 'l3@demo.test', 'alice@client-a.test', 'it@client-b.test', 'carol@client-c.test', 'it@client-c.test']),
      );
      expect(all.body.items.find((p: any) => p.email === 'l2@demo.test')).toMatchObject({ role: 'agent', line: 'L2', organizationId: null, skills: ['network', 'servers'] });

      const agents = await l1.get('/api/v1/users?role=agent,manager');
      expect(agents.body.items.length).toBeGreaterThanOrEqual(5);
      expect(agents.body.items.every((p: any) => ['agent', 'manager'].includes(p.role))).toBe(true);
      expectFieldError(await l1.get('/api/v1/users?role=wizard'), 'role');
    });

    it('GET /users/{id}: a client IT manager gets 404 for another organization\'s person and for staff', async () => {
      const { person } = await lookup(t);
      const it_ = await t.login('it@client-a.test');
      const alice = await it_.get(`/api/v1/users/${person('alice@client-a.test').id}`);
      expect(alice.status).toBe(200);
      expect(alice.body).toMatchObject({ email: 'alice@client-a.test', name: 'Alice Petrova', role: 'requester' });
      expectError(await it_.get(`/api/v1/users/${person('bob@client-b.test').id}`), 404, 'not_found');
      expectError(await it_.get(`/api/v1/users/${person('l1@demo.test').id}`), 404, 'not_found');
      // A requester sees themselves, nobody else.
      const bobC = await t.login('bob@client-b.test');
      expect((await bobC.get(`/api/v1/users/${person('bob@client-b.test').id}`)).body.email).toBe('bob@client-b.test');
      expectError(await bobC.get(`/api/v1/users/${person('it@client-b.test').id}`), 404, 'not_found');
      // Staff see anyone.
      expect((await (await t.login('l1@demo.test')).get(`/api/v1/users/${person('bob@client-b.test').id}`)).body.email).toBe('bob@client-b.test');
    });

    it('the admin creates an agent on a line, who can then sign in', async () => {
      const admin = await t.login('admin@demo.test');
      const email = uniqueEmail('new-agent');
      const r = await admin.post('/api/v1/users', {
        email,
        name: 'Nina Newcomer',
        role: 'agent',
        line: 'L2',
        languages: ['ru', 'en'],
        skills: ['network'],
        locale: 'ru',
        timeZone: 'Europe/Moscow',
        password: 'a-good-long-password',
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        id: expect.any(String),
        email,
        name: 'Nina Newcomer',
        role: 'agent',
        organizationId: null,
        line: 'L2',
        languages: ['ru', 'en'],
        skills: ['network'],
        locale: 'ru',
        timeZone: 'Europe/Moscow',
        phone: null,
        active: true,
      });
      expect(JSON.stringify(r.body)).not.toContain('a-good-long-password');
      const nina = await t.login(email, 'a-good-long-password');
      expect((await nina.get('/api/v1/me')).body).toMatchObject({ id: r.body.id, role: 'agent', line: 'L2' });
      expect((await nina.get('/api/v1/organizations')).body.items.length).toBeGreaterThanOrEqual(3);
    });

    it('a client IT manager creates requesters in their own organization only', async () => {
      const { org } = await lookup(t);
      const it_ = await t.login('it@client-a.test');
      const email = uniqueEmail('new-requester', 'client-a.test');
      const r = await it_.post('/api/v1/users', { email, name: 'Nadia New', role: 'requester', organizationId: org(ORG_A).id });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ email, name: 'Nadia New', role: 'requester', organizationId: org(ORG_A).id, line: null, active: true });
      expect((await it_.get('/api/v1/users')).body.items.map((p: any) => p.email)).toContain(email);

      const elsewhere = await it_.post('/api/v1/users', { email: uniqueEmail('x'), name: 'X', role: 'requester', organizationId: org(ORG_B).id });
      expectError(elsewhere, 403, 'forbidden');
      for (const role of ['agent', 'manager', 'admin', 'client_manager']) {
        const staff = await it_.post('/api/v1/users', { email: uniqueEmail(role), name: 'X', role, organizationId: role === 'client_manager' ? org(ORG_A).id : null });
        expectError(staff, 403, 'forbidden');
      }
      // Nor may a requester create anyone.
      const alice = await t.login('alice@client-a.test');
      expectError(await alice.post('/api/v1/users', { email: uniqueEmail('y'), name: 'Y', role: 'requester', organizationId: org(ORG_A).id }), 403, 'forbidden');
      // Nor raise one of their requesters.
      expectError(await it_.patch(`/api/v1/users/${r.body.id}`, { role: 'client_manager' }), 403, 'forbidden');
      expectError(await it_.patch(`/api/v1/users/${r.body.id}`, { organizationId: org(ORG_B).id }), 403, 'forbidden');
      expect((await it_.get(`/api/v1/users/${r.body.id}`)).body).toMatchObject({ role: 'requester', organizationId: org(ORG_A).id });
    });

    it('refuses a taken e-mail with 409, in any letter case', async () => {
      const { admin, org } = await lookup(t);
      const dup = await admin.post('/api/v1/users', { email: 'Alice@Client-A.test', name: 'Another Alice', role: 'requester', organizationId: org(ORG_A).id });
      expectError(dup, 409, 'already_exists');
      const it_ = await t.login('it@client-a.test');
      expectError(await it_.post('/api/v1/users', { email: 'dmitry@client-a.test', name: 'D2', role: 'requester', organizationId: org(ORG_A).id }), 409, 'already_exists');
      const people = (await admin.get('/api/v1/users?limit=500')).body.items;
      expect(people.filter((p: any) => p.email === 'alice@client-a.test')).toHaveLength(1);
      expect(people.some((p: any) => p.name === 'Another Alice')).toBe(false);
    });

    it('checks the shape: client-side people need an organization, staff have none, only staff have a line', async () => {
      const { admin, org } = await lookup(t);
      expectFieldError(await admin.post('/api/v1/users', { email: uniqueEmail('orphan'), name: 'Orphan', role: 'requester' }), 'organizationId');
      expectFieldError(await admin.post('/api/v1/users', { email: uniqueEmail('orphan'), name: 'Orphan', role: 'client_manager', organizationId: null }), 'organizationId');
      expectFieldError(
        await admin.post('/api/v1/users', { email: uniqueEmail('ghost'), name: 'Ghost', role: 'requester', organizationId: '00000000-0000-4000-8000-000000000000' }),
        'organizationId',
      );
      expectFieldError(await admin.post('/api/v1/users', { email: uniqueEmail('staff'), name: 'Staff', role: 'agent', organizationId: org(ORG_A).id }), 'organizationId');
      expectFieldError(await admin.post('/api/v1/users', { email: uniqueEmail('liner'), name: 'Liner', role: 'requester', organizationId: org(ORG_A).id, line: 'L1' }), 'line');
      expectFieldError(await admin.post('/api/v1/users', { email: 'not-an-address', name: 'X', role: 'agent' }), 'email');
      expectFieldError(await admin.post('/api/v1/users', { email: uniqueEmail('pw'), name: 'X', role: 'agent', password: 'short' }), 'password');
      expectFieldError(await admin.post('/api/v1/users', { email: uniqueEmail('role'), name: 'X', role: 'superuser' }), 'role');
      const people = (await admin.get('/api/v1/users?limit=500')).body.items;
      expect(people.some((p: any) => ['Orphan', 'Ghost', 'Staff', 'Liner'].includes(p.name))).toBe(false);
    });

    it('deactivating a person ends their sessions and refuses their sign-in', async () => {
      const admin = await t.login('admin@demo.test');
      const email = uniqueEmail('leaver');
      const created = await admin.post('/api/v1/users', { email, name: 'Leo Leaver', role: 'agent', line: 'L1', password: 'leaver-password-1' });
      const leaver = await t.login(email, 'leaver-password-1');
      const token = (await leaver.post('/api/v1/me/tokens', { name: 'script' })).body.token;
      expect((await leaver.get('/api/v1/me')).status).toBe(200);

      const r = await admin.patch(`/api/v1/users/${created.body.id}`, { active: false });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: created.body.id, active: false });

      expectError(await leaver.get('/api/v1/me'), 401, 'unauthorized');
      expectError(await leaver.get('/api/v1/tickets'), 401, 'unauthorized');
      expectError(await t.anonymous().post('/api/v1/auth/login', { email, password: 'leaver-password-1' }), 401, 'unauthorized');
      const api = t.anonymous();
      api.bearer = token;
      expectError(await api.get('/api/v1/me'), 401, 'unauthorized');
      const sessions = await t.td.app.db.selectFrom('sessions').select('id').where('user_id', '=', created.body.id).execute();
      expect(sessions).toEqual([]);

      // Reactivated, the person signs in again.
      expect((await admin.patch(`/api/v1/users/${created.body.id}`, { active: true })).body.active).toBe(true);
      expect((await t.login(email, 'leaver-password-1')).cookie).toBeTruthy();
    });

    it('a client IT manager deactivates a requester of their own organization, not of another', async () => {
      const { org, person } = await lookup(t);
      const it_ = await t.login('it@client-a.test');
      const email = uniqueEmail('temp', 'client-a.test');
      const created = await it_.post('/api/v1/users', { email, name: 'Tom Temp', role: 'requester', organizationId: org(ORG_A).id, password: 'temp-password-12' });
      expect(created.status).toBe(201);
      const tom = await t.login(email, 'temp-password-12');
      const off = await it_.patch(`/api/v1/users/${created.body.id}`, { active: false });
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
      expectError(await tom.get('/api/v1/me'), 401, 'unauthorized');

      expectError(await it_.patch(`/api/v1/users/${person('bob@client-b.test').id}`, { active: false }), 404, 'not_found');
      expectError(await it_.patch(`/api/v1/users/${person('l1@demo.test').id}`, { active: false }), 404, 'not_found');
      // Not even the colleague who manages IT with them.
      expectError(await it_.patch(`/api/v1/users/${person('it@client-a.test').id}`, { name: 'Renamed' }), 403, 'forbidden');
      expect((await t.login('bob@client-b.test')).cookie).toBeTruthy();
      expect((await t.login('l1@demo.test')).cookie).toBeTruthy();
    });

    it('identifies a requester first known only by a phone number: their real address and name', async () => {
      const { org, person } = await lookup(t);
      const it_ = await t.login('it@client-a.test');
      // As the SMS channel makes them: the number as the name, a reserved address nobody mails.
      const placeholder = await it_.post('/api/v1/users', { email: '79995550101@sms.invalid', name: '+79995550101', role: 'requester', organizationId: org(ORG_A).id, phone: '+79995550101' });
      expect(placeholder.status).toBe(201);
      const email = uniqueEmail('maria', 'client-a.test');
      const named = await it_.patch(`/api/v1/users/${placeholder.body.id}`, { email: email.toUpperCase(), name: 'Maria Volkova' });
      expect(named.status).toBe(200);
      expect(named.body).toMatchObject({ email, name: 'Maria Volkova', phone: '+79995550101' });
      // Another person's address is taken; another organization's manager may not.
      expectError(await it_.patch(`/api/v1/users/${placeholder.body.id}`, { email: 'alice@client-a.test' }), 409, 'already_exists');
      expectFieldError(await it_.patch(`/api/v1/users/${placeholder.body.id}`, { email: 'not an address' }), 'email');
      expectError(await (await t.login('it@client-b.test')).patch(`/api/v1/users/${placeholder.body.id}`, { email: 'x@client-b.test' }), 404, 'not_found');
      expect((await it_.get(`/api/v1/users/${placeholder.body.id}`)).body.email).toBe(email);
      expect(person('alice@client-a.test').email).toBe('alice@client-a.test');
    });
  });

  describe('groups', () => {
    it('staff list the groups with their members; client-side people may not', async () => {
      const { person } = await lookup(t);
      const l1 = await t.login('l1@demo.test');
      const r = await l1.get('/api/v1/groups');
      expect(r.status).toBe(200);
      expect(r.body.items.map((g: any) => g.name)).toEqual(expect.arrayContaining(['Service Desk L1', 'Engineers L2', 'Leading specialists L3']));
      const desk = r.body.items.find((g: any) => g.name === 'Service Desk L1');
      expect([...desk.memberIds].sort()).toEqual([person('l1@demo.test').id, person('l1-en@demo.test').id].sort());
      expect(r.body.items.find((g: any) => g.name === 'Engineers L2').memberIds).toEqual([person('l2@demo.test').id]);

      expectError(await (await t.login('alice@client-a.test')).get('/api/v1/groups'), 403, 'forbidden');
      expectError(await (await t.login('it@client-a.test')).get('/api/v1/groups'), 403, 'forbidden');
    });

    it('a manager creates a group with members and changes its members', async () => {
      const { person } = await lookup(t);
      const manager = await t.login('manager@demo.test');
      const members = [person('l2@demo.test').id, person('l3@demo.test').id];
      const created = await manager.post('/api/v1/groups', { name: 'Night shift', description: 'Evenings and weekends', memberIds: members });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), name: 'Night shift', description: 'Evenings and weekends', memberIds: members });
      const listed = (await (await t.login('l1@demo.test')).get('/api/v1/groups')).body.items.find((g: any) => g.id === created.body.id);
      expect([...listed.memberIds].sort()).toEqual([...members].sort());

      const put = await manager.put(`/api/v1/groups/${created.body.id}/members`, { memberIds: [person('l1-en@demo.test').id] });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ id: created.body.id, name: 'Night shift', memberIds: [person('l1-en@demo.test').id] });
      const relisted = (await manager.get('/api/v1/groups')).body.items.find((g: any) => g.id === created.body.id);
      expect(relisted.memberIds).toEqual([person('l1-en@demo.test').id]);

      expectError(await manager.post('/api/v1/groups', { name: 'Night shift' }), 409, 'already_exists');
      expectError(await manager.put('/api/v1/groups/00000000-0000-4000-8000-000000000000/members', { memberIds: [] }), 404, 'not_found');
    });

    it('a manager renames a group and deletes it unless requests are routed to it; others may not', async () => {
      const manager = await t.login('manager@demo.test');
      const g = (await manager.post('/api/v1/groups', { name: 'Printers team' })).body;
      const renamed = await manager.patch(`/api/v1/groups/${g.id}`, { name: 'Printing and scanning', description: 'MFPs' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: g.id, name: 'Printing and scanning', description: 'MFPs' });
      expectError(await manager.patch(`/api/v1/groups/${g.id}`, { name: 'Service Desk L1' }), 409, 'already_exists');
      for (const email of ['l1@demo.test', 'alice@client-a.test', 'it@client-b.test']) {
        const other = await t.login(email);
        expectError(await other.patch(`/api/v1/groups/${g.id}`, { name: 'Mine' }), 403, 'forbidden');
        expectError(await other.delete(`/api/v1/groups/${g.id}`), 403, 'forbidden');
      }

      // A group a request is routed to stays.
      const alice = await t.login('alice@client-a.test');
      const ticket = (await alice.post('/api/v1/tickets', { subject: 'Scanner', description: 'Scans are blank' })).body;
      expect((await manager.patch(`/api/v1/tickets/${ticket.id}`, { groupId: g.id })).status).toBe(200);
      expectError(await manager.delete(`/api/v1/groups/${g.id}`), 409, 'group_in_use');
      expect((await manager.patch(`/api/v1/tickets/${ticket.id}`, { groupId: null })).status).toBe(200);
      expect((await manager.delete(`/api/v1/groups/${g.id}`)).status).toBe(204);
      expect((await manager.get('/api/v1/groups')).body.items.map((x: any) => x.id)).not.toContain(g.id);
      expectError(await manager.delete(`/api/v1/groups/${g.id}`), 404, 'not_found');
    });

        it('refuses a client-side person or an unknown id as a member with 400', async () => {
      const { person } = await lookup(t);
      const manager = await t.login('manager@demo.test');
      const withClient = await manager.post('/api/v1/groups', { name: 'Mixed', memberIds: [person('l2@demo.test').id, person('alice@client-a.test').id] });
      expectFieldError(withClient, 'memberIds');
      expect(withClient.body.message).toContain(person('alice@client-a.test').id);
      expectFieldError(await manager.post('/api/v1/groups', { name: 'Ghosts', memberIds: ['00000000-0000-4000-8000-000000000000'] }), 'memberIds');

      const desk = (await manager.get('/api/v1/groups')).body.items.find((g: any) => g.name === 'Service Desk L1');
      expectFieldError(await manager.put(`/api/v1/groups/${desk.id}/members`, { memberIds: [person('it@client-b.test').id] }), 'memberIds');
      const names = (await manager.get('/api/v1/groups')).body.items.map((g: any) => g.name);
      expect(names).not.toContain('Mixed');
      expect(names).not.toContain('Ghosts');
      expect((await manager.get('/api/v1/groups')).body.items.find((g: any) => g.id === desk.id).memberIds).toHaveLength(2);
    });

    it('only managers (and admins) create groups or change members', async () => {
      const { person } = await lookup(t);
      const admin = await t.login('admin@demo.test');
      const byAdmin = await admin.post('/api/v1/groups', { name: 'Admin made' });
      expect(byAdmin.status).toBe(201);
      expect(byAdmin.body).toMatchObject({ name: 'Admin made', description: '', memberIds: [] });

      for (const email of ['l3@demo.test', 'it@client-a.test', 'alice@client-a.test']) {
        const c = await t.login(email);
        expectError(await c.post('/api/v1/groups', { name: `By ${email}` }), 403, 'forbidden');
        expectError(await c.put(`/api/v1/groups/${byAdmin.body.id}/members`, { memberIds: [person('l3@demo.test').id] }), 403, 'forbidden');
      }
      const groups = (await admin.get('/api/v1/groups')).body.items;
      expect(groups.some((g: any) => g.name.startsWith('By '))).toBe(false);
      expect(groups.find((g: any) => g.id === byAdmin.body.id).memberIds).toEqual([]);
    });
  });

  describe('categories', () => {
    it('anyone signed in reads the demo tree, with difficulty and Russian names', async () => {
      for (const email of ['alice@client-a.test', 'it@client-b.test', 'l1@demo.test']) {
        const r = await (await t.login(email)).get('/api/v1/categories');
        expect(r.status).toBe(200);
        const by = (name: string) => r.body.items.find((c: any) => c.name === name);
        expect(by('Workplace')).toMatchObject({ parentId: null, nameRu: 'Рабочее место', difficulty: 1 });
        expect(by('Printer')).toMatchObject({ parentId: by('Workplace').id, nameRu: 'Принтер', difficulty: 1 });
        expect(by('Password reset')).toMatchObject({ parentId: by('Workplace').id, nameRu: 'Сброс пароля', difficulty: 1 });
        expect(by('VPN')).toMatchObject({ parentId: by('Network').id, difficulty: 2 });
        expect(by('Network')).toMatchObject({ parentId: null, nameRu: 'Сеть', difficulty: 2 });
        expect(by('Active Directory')).toMatchObject({ parentId: by('Servers').id, difficulty: 3 });
        expect(by('Servers')).toMatchObject({ nameRu: 'Серверы', difficulty: 3 });
        expect(by('1C:Enterprise')).toMatchObject({ parentId: by('Business applications').id, nameRu: '1С:Предприятие', difficulty: 3 });
        expect(r.body.items.every((c: any) => [1, 2, 3].includes(c.difficulty))).toBe(true);
      }
    });

    it('the admin adds categories; others may not; difficulty is 1 to 3', async () => {
      const admin = await t.login('admin@demo.test');
      const servers = (await admin.get('/api/v1/categories')).body.items.find((c: any) => c.name === 'Servers');
      const created = await admin.post('/api/v1/categories', { name: 'Backup', nameRu: 'Резервное копирование', difficulty: 2, parentId: servers.id });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), name: 'Backup', nameRu: 'Резервное копирование', difficulty: 2, parentId: servers.id });
      const plain = await admin.post('/api/v1/categories', { name: 'Telephony', difficulty: 1 });
      expect(plain.status).toBe(201);
      expect(plain.body).toMatchObject({ name: 'Telephony', nameRu: 'Telephony', parentId: null, difficulty: 1 });
      const names = (await (await t.login('alice@client-a.test')).get('/api/v1/categories')).body.items.map((c: any) => c.name);
      expect(names).toEqual(expect.arrayContaining(['Backup', 'Telephony']));

      for (const difficulty of [4, 0, 1.5]) expectFieldError(await admin.post('/api/v1/categories', { name: 'Too hard', difficulty }), 'difficulty');
      expectFieldError(await admin.post('/api/v1/categories', { name: 'Orphan', difficulty: 1, parentId: '00000000-0000-4000-8000-000000000000' }), 'parentId');
      expectFieldError(await admin.post('/api/v1/categories', { name: ' ', difficulty: 1 }), 'name');

      for (const email of ['manager@demo.test', 'l2@demo.test', 'it@client-a.test', 'alice@client-a.test']) {
        const r = await (await t.login(email)).post('/api/v1/categories', { name: `By ${email}`, difficulty: 1 });
        expectError(r, 403, 'forbidden');
      }
      const after = (await admin.get('/api/v1/categories')).body.items.map((c: any) => c.name);
      expect(after.some((n: string) => n.startsWith('By ') || n === 'Too hard' || n === 'Orphan')).toBe(false);
    });

    it('only the admin changes a category (PATCH): names, parent, difficulty; no cycles', async () => {
      const admin = await t.login('admin@demo.test');
      const all = (await admin.get('/api/v1/categories')).body.items;
      const network = all.find((c: any) => c.name === 'Network');
      const parent = (await admin.post('/api/v1/categories', { name: 'Storage', difficulty: 2 })).body;
      const child = (await admin.post('/api/v1/categories', { name: 'NAS', difficulty: 1, parentId: parent.id })).body;
      const r = await admin.patch(`/api/v1/categories/${child.id}`, { name: 'NAS boxes', nameRu: 'Сетевые хранилища', difficulty: 3, parentId: network.id });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: child.id, name: 'NAS boxes', nameRu: 'Сетевые хранилища', difficulty: 3, parentId: network.id });
      expect((await admin.patch(`/api/v1/categories/${child.id}`, { parentId: null })).body.parentId).toBeNull();

      // A category may not go under itself or under one of its own children.
      await admin.patch(`/api/v1/categories/${child.id}`, { parentId: parent.id });
      expectFieldError(await admin.patch(`/api/v1/categories/${parent.id}`, { parentId: parent.id }), 'parentId');
      expectFieldError(await admin.patch(`/api/v1/categories/${parent.id}`, { parentId: child.id }), 'parentId');
      expectFieldError(await admin.patch(`/api/v1/categories/${child.id}`, { difficulty: 4 }), 'difficulty');
      expectError(await admin.patch('/api/v1/categories/00000000-0000-4000-8000-000000000000', { name: 'Ghost' }), 404, 'not_found');

      for (const email of ['manager@demo.test', 'l2@demo.test', 'it@client-a.test', 'alice@client-a.test']) {
        expectError(await (await t.login(email)).patch(`/api/v1/categories/${child.id}`, { name: `By ${email}` }), 403, 'forbidden');
      }
      expect((await admin.get('/api/v1/categories')).body.items.find((c: any) => c.id === child.id).name).toBe('NAS boxes');
    });
  });

  it('every directory endpoint answers 401 to an anonymous caller', async () => {
    const { org, person } = await lookup(t);
    const anon: Client = t.anonymous();
    const uuid = '00000000-0000-4000-8000-000000000000';
    const calls: [string, () => Promise<Res>][] = [
      ['GET /organizations', () => anon.get('/api/v1/organizations')],
      ['GET /organizations/:id', () => anon.get(`/api/v1/organizations/${org(ORG_A).id}`)],
      ['POST /organizations', () => anon.post('/api/v1/organizations', { name: 'Anonymous Org' })],
      ['PATCH /organizations/:id', () => anon.patch(`/api/v1/organizations/${org(ORG_A).id}`, { name: 'Anonymous Org' })],
      ['GET /plans', () => anon.get('/api/v1/plans')],
      ['POST /plans', () => anon.post('/api/v1/plans', { code: 'anon', name: 'Anon', coverage: 'business_hours', includedHours: 1, channels: ['web'] })],
      ['PATCH /plans/:id', () => anon.patch(`/api/v1/plans/${uuid}`, { name: 'Anon' })],
      ['PATCH /categories/:id', () => anon.patch(`/api/v1/categories/${uuid}`, { name: 'Anon' })],
      ['GET /users', () => anon.get('/api/v1/users')],
      ['GET /users/:id', () => anon.get(`/api/v1/users/${person('alice@client-a.test').id}`)],
      ['POST /users', () => anon.post('/api/v1/users', { email: 'anon@desk.test', name: 'Anon', role: 'admin', password: 'anon-password-1' })],
      ['PATCH /users/:id', () => anon.patch(`/api/v1/users/${person('alice@client-a.test').id}`, { active: false })],
      ['GET /groups', () => anon.get('/api/v1/groups')],
      ['POST /groups', () => anon.post('/api/v1/groups', { name: 'Anonymous group' })],
      ['PUT /groups/:id/members', () => anon.put(`/api/v1/groups/${uuid}/members`, { memberIds: [] })],
      ['GET /categories', () => anon.get('/api/v1/categories')],
      ['POST /categories', () => anon.post('/api/v1/categories', { name: 'Anonymous', difficulty: 1 })],
    ];
    for (const [what, call] of calls) {
      const r = await call();
      expect(r.status, what).toBe(401);
      expect(r.body, what).toMatchObject({ statusCode: 401, error: 'unauthorized', message: expect.any(String) });
    }
    // Nothing was created or changed.
    const admin = await t.login('admin@demo.test');
    expect((await admin.get(`/api/v1/users/${person('alice@client-a.test').id}`)).body.active).toBe(true);
    expect((await admin.get('/api/v1/users?limit=500')).body.items.some((p: any) => p.email === 'anon@desk.test')).toBe(false);
    expect((await admin.get(`/api/v1/organizations/${org(ORG_A).id}`)).body.name).toBe(ORG_A);
  });
});
