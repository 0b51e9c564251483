import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { useTestApp } from '../support/app.js';
import { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { Browser, useIdp, type TestIdp } from '../support/oidc.js';

/** Single sign-on with OpenID Connect, end to end against a real OpenID provider on loopback. */
describe.each(DATABASES)('single sign-on with OpenID Connect (%s)', (kind) => {
  const t = useTestApp(kind);
  const idp = useIdp(() => ({ redirectUris: [`${t.config.publicUrl}/api/v1/auth/sso/callback`] }));

  const orgId = async (name: string) =>
    (await t.td.app.db.selectFrom('organizations').select('id').where('name', 'like', `${name}%`).executeTakeFirstOrThrow()).id;

  const orgConfig = (i: TestIdp, extra: Record<string, unknown> = {}) => ({
    issuerUrl: i.issuer,
    clientId: i.clientId,
    clientSecret: i.clientSecret,
    scopes: 'openid email profile groups',
    groupClaim: 'groups',
    roleMapping: [{ group: 'it-managers', role: 'client_manager' }],
    defaultRole: 'requester',
    passwordSignIn: true,
    ...extra,
  });

  /** Signs in through the IdP as `sub`, from the start URL the sign-in screen was given. */
  async function ssoSignIn(startPath: string, sub: string, tamper?: (callback: URL, browser: Browser) => void | Promise<void>) {
    idp.signInAs = sub;
    const b = new Browser();
    const start = await b.get(t.base + startPath);
    expect(start.status).toBe(302);
    const toIdp = start.headers.get('location')!;
    expect(toIdp.startsWith(idp.issuer)).toBe(true);
    const sent = new URL(toIdp);
    expect(sent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(sent.searchParams.get('state')).toBeTruthy();
    expect(sent.searchParams.get('nonce')).toBeTruthy();
    const back = await b.follow(toIdp, (u) => u.pathname === '/api/v1/auth/sso/callback');
    const local = new URL(back.pathname + back.search, t.base);
    await tamper?.(local, b);
    const res = await b.get(local.href);
    const session = b.cookie(new URL(t.base).origin, 'tierdesk_session');
    const client = new Client(t.base);
    if (session) client.cookie = `tierdesk_session=${session}`;
    return { status: res.status, location: res.headers.get('location'), session, client };
  }

  const discover = async (email: string) => (await t.anonymous().post('/api/v1/auth/sso/discover', { email })).body;

  it('only provider admins see and change IdP configurations; client people, agents and managers are refused', async () => {
    const a = await orgId('Client A');
    const b = await orgId('Client B');
    for (const who of ['it@client-a.test', 'alice@client-a.test', 'it@client-b.test', 'l1@demo.test', 'manager@demo.test']) {
      const c = await t.login(who);
      for (const path of [`/api/v1/organizations/${a}/sso`, `/api/v1/organizations/${b}/sso`, '/api/v1/sso/staff']) {
        expect((await c.get(path)).status, `${who} GET ${path}`).toBe(403);
        expect((await c.put(path, orgConfig(idp))).status, `${who} PUT ${path}`).toBe(403);
        expect((await c.delete(path)).status, `${who} DELETE ${path}`).toBe(403);
      }
    }
    expect((await t.anonymous().get(`/api/v1/organizations/${a}/sso`)).status).toBe(401);
    const admin = await t.login('admin@demo.test');
    expect((await admin.get(`/api/v1/organizations/${a}/sso`)).status).toBe(404);
    expect((await admin.put('/api/v1/organizations/00000000-0000-0000-0000-00000000abcd/sso', orgConfig(idp))).status).toBe(404);
  });

  it('refuses a bad configuration with a 400 naming the field', async () => {
    const admin = await t.login('admin@demo.test');
    const a = await orgId('Client A');
    const bad = async (body: Record<string, unknown>, field: string) => {
      const r = await admin.put(`/api/v1/organizations/${a}/sso`, orgConfig(idp, body));
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(JSON.stringify(r.body.details)).toContain(field);
    };
    await bad({ roleMapping: [{ group: 'x', role: 'admin' }] }, 'roleMapping.0.role');
    await bad({ issuerUrl: 'http://idp.example.com' }, 'issuerUrl');
    await bad({ scopes: 'email profile' }, 'scopes');
    await bad({ clientSecret: undefined }, 'clientSecret');
    const staff = await admin.put('/api/v1/sso/staff', orgConfig(idp, { roleMapping: [{ group: 'x', role: 'requester' }] }));
    expect(staff.status).toBe(400);
  });

  it("an organization's people are sent to its IdP, created there on first sign-in with the role their groups map to", async () => {
    const admin = await t.login('admin@demo.test');
    const a = await orgId('Client A');
    const put = await admin.put(`/api/v1/organizations/${a}/sso`, orgConfig(idp));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ organizationId: a, hasClientSecret: true, passwordSignIn: true, redirectUri: `${t.config.publicUrl}/api/v1/auth/sso/callback` });
    expect(JSON.stringify(put.body)).not.toContain(idp.clientSecret);
    // Stored sealed with the application's key (and opened for the sign-in below).
    const stored = await t.td.app.db.selectFrom('sso_providers').select('client_secret').where('organization_id', '=', a).executeTakeFirstOrThrow();
    expect(stored.client_secret).toMatch(new RegExp(`^v1:${t.td.app.secrets.key.id}:`));
    expect(stored.client_secret).not.toContain(idp.clientSecret);
    // The secret is write-only: a change without it keeps it.
    const { clientSecret: _s, ...withoutSecret } = orgConfig(idp);
    expect((await admin.put(`/api/v1/organizations/${a}/sso`, withoutSecret)).body.hasClientSecret).toBe(true);

    const found = await discover('Newbie@Client-A.test');
    expect(found).toMatchObject({ sso: true, passwordSignIn: true });
    expect(await discover('bob@client-b.test')).toEqual({ sso: false });
    expect(await discover('someone@nowhere.test')).toEqual({ sso: false });

    idp.accounts.set('sub-newbie', { email: 'newbie@client-a.test', email_verified: true, name: 'Nina Newbie', locale: 'ru', groups: ['everyone'] });
    const r = await ssoSignIn(found.url, 'sub-newbie');
    expect(r.status).toBe(302);
    expect(r.location).toBe('/');
    expect(r.session).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const me = await r.client.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'newbie@client-a.test', name: 'Nina Newbie', role: 'requester', organizationId: a, locale: 'ru', active: true });

    // A member of the mapped group becomes the client's IT manager; a later sign-in follows the IdP's groups.
    idp.accounts.set('sub-boss', { email: 'boss@client-a.test', email_verified: true, name: 'Boris Boss', groups: ['everyone', 'it-managers'] });
    const boss = await ssoSignIn((await discover('boss@client-a.test')).url, 'sub-boss');
    expect((await boss.client.get('/api/v1/me')).body).toMatchObject({ email: 'boss@client-a.test', role: 'client_manager', organizationId: a });
    idp.accounts.set('sub-boss', { email: 'boss@client-a.test', email_verified: true, name: 'Boris Boss', groups: ['everyone'] });
    const again = await ssoSignIn((await discover('boss@client-a.test')).url, 'sub-boss');
    expect((await again.client.get('/api/v1/me')).body).toMatchObject({ role: 'requester' });
    const count = await t.td.app.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('email', '=', 'boss@client-a.test').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);

    // An existing person of the organization signs in as themselves.
    idp.accounts.set('sub-alice', { email: 'alice@client-a.test', email_verified: true, name: 'Alice Petrova', groups: [] });
    const alice = await ssoSignIn((await discover('alice@client-a.test')).url, 'sub-alice');
    expect((await alice.client.get('/api/v1/me')).body).toMatchObject({ email: 'alice@client-a.test', role: 'requester', organizationId: a });
  });

  it('refuses a tampered state, a state from another browser and a tampered nonce', async () => {
    idp.accounts.set('sub-tamper', { email: 'tamper@client-a.test', email_verified: true, name: 'Tom Tamper', groups: [] });
    const url = (await discover('tamper@client-a.test')).url;
    const state = await ssoSignIn(url, 'sub-tamper', (cb) => cb.searchParams.set('state', `${cb.searchParams.get('state')}x`));
    expect(state).toMatchObject({ status: 302, location: '/sign-in?sso_error=sso_state_mismatch', session: undefined });

    const otherBrowser = await ssoSignIn(url, 'sub-tamper', (_cb, b) => b.setCookie(new URL(t.base).origin, 'tierdesk_sso_state', 'not-the-state'));
    expect(otherBrowser).toMatchObject({ location: '/sign-in?sso_error=sso_state_mismatch', session: undefined });

    // The ID token's nonce is not the one this sign-in sent (as with a replayed token).
    const nonce = await ssoSignIn(url, 'sub-tamper', async (cb) => {
      await t.td.app.db.updateTable('sso_logins').set({ nonce: 'another-nonce' }).where('state', '=', cb.searchParams.get('state')!).execute();
    });
    expect(nonce).toMatchObject({ location: '/sign-in?sso_error=sso_token_refused', session: undefined });

    // A callback is good once: replaying it finds no sign-in under way.
    let replay = '';
    const first = await ssoSignIn(url, 'sub-tamper', (cb) => {
      replay = cb.href;
    });
    expect(first.location).toBe('/');
    const b = new Browser();
    b.setCookie(new URL(t.base).origin, 'tierdesk_sso_state', new URL(replay).searchParams.get('state')!);
    const again = await b.get(replay);
    expect(again.headers.get('location')).toBe('/sign-in?sso_error=sso_expired');
    expect(b.cookie(new URL(t.base).origin, 'tierdesk_session')).toBeUndefined();
  });

  it("one organization's IdP never signs in or creates people of another organization", async () => {
    const url = (await discover('x@client-a.test')).url;
    const before = await t.td.app.db.selectFrom('users').select(['id', 'role', 'organization_id', 'name']).where('email', '=', 'bob@client-b.test').executeTakeFirstOrThrow();
    idp.accounts.set('sub-bob', { email: 'bob@client-b.test', email_verified: true, name: 'Hijacked Bob', groups: ['it-managers'] });
    const bob = await ssoSignIn(url, 'sub-bob');
    expect(bob).toMatchObject({ location: '/sign-in?sso_error=sso_wrong_organization', session: undefined });
    const after = await t.td.app.db.selectFrom('users').select(['id', 'role', 'organization_id', 'name']).where('email', '=', 'bob@client-b.test').executeTakeFirstOrThrow();
    expect(after).toEqual(before);

    idp.accounts.set('sub-stranger', { email: 'new@client-b.test', email_verified: true, name: 'Stranger', groups: [] });
    expect((await ssoSignIn(url, 'sub-stranger')).location).toBe('/sign-in?sso_error=sso_wrong_organization');
    idp.accounts.set('sub-outsider', { email: 'new@elsewhere.test', email_verified: true, name: 'Outsider', groups: [] });
    expect((await ssoSignIn(url, 'sub-outsider')).location).toBe('/sign-in?sso_error=sso_wrong_organization');
    idp.accounts.set('sub-staff', { email: 'l1@demo.test', email_verified: true, name: 'Lena', groups: [] });
    expect((await ssoSignIn(url, 'sub-staff')).location).toBe('/sign-in?sso_error=sso_wrong_organization');
    idp.accounts.set('sub-unverified', { email: 'unverified@client-a.test', email_verified: false, name: 'U', groups: [] });
    expect((await ssoSignIn(url, 'sub-unverified')).location).toBe('/sign-in?sso_error=sso_no_email');
    const created = await t.td.app.db.selectFrom('users').select('email').where('email', 'in', ['new@client-b.test', 'new@elsewhere.test', 'unverified@client-a.test']).execute();
    expect(created).toEqual([]);
  });

  it('refuses people in no mapped group when there is no default role', async () => {
    const admin = await t.login('admin@demo.test');
    const a = await orgId('Client A');
    const { clientSecret: _s, ...rest } = orgConfig(idp, { defaultRole: null });
    expect((await admin.put(`/api/v1/organizations/${a}/sso`, rest)).status).toBe(200);
    idp.accounts.set('sub-nogroup', { email: 'nogroup@client-a.test', email_verified: true, name: 'No Group', groups: ['everyone'] });
    expect((await ssoSignIn((await discover('nogroup@client-a.test')).url, 'sub-nogroup')).location).toBe('/sign-in?sso_error=sso_no_role');
    expect((await admin.put(`/api/v1/organizations/${a}/sso`, rest.defaultRole === null ? { ...rest, defaultRole: 'requester' } : rest)).status).toBe(200);
  });

  it('with password sign-in turned off, a password sign-in of its people is refused with sso_required', async () => {
    const admin = await t.login('admin@demo.test');
    const a = await orgId('Client A');
    const { clientSecret: _s, ...rest } = orgConfig(idp, { passwordSignIn: false });
    expect((await admin.put(`/api/v1/organizations/${a}/sso`, rest)).body.passwordSignIn).toBe(false);
    expect(await discover('alice@client-a.test')).toMatchObject({ sso: true, passwordSignIn: false });
    const r = await t.anonymous().post('/api/v1/auth/login', { email: 'alice@client-a.test', password: DEMO_PASSWORD });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ statusCode: 403, error: 'sso_required' });
    expect(r.body.details.url).toMatch(/^\/api\/v1\/auth\/sso\/[^/]+\/start/);
    // Even with a wrong password the answer is the same: it says nothing about the account.
    expect((await t.anonymous().post('/api/v1/auth/login', { email: 'nobody@client-a.test', password: 'wrong' })).body.error).toBe('sso_required');
    // Other organizations still sign in with passwords; SSO still works.
    expect((await t.anonymous().post('/api/v1/auth/login', { email: 'bob@client-b.test', password: DEMO_PASSWORD })).status).toBe(200);
    expect((await ssoSignIn((await discover('alice@client-a.test')).url, 'sub-alice')).location).toBe('/');
    // Turned back on, the password works again.
    expect((await admin.put(`/api/v1/organizations/${a}/sso`, { ...rest, passwordSignIn: true })).status).toBe(200);
    expect((await t.anonymous().post('/api/v1/auth/login', { email: 'alice@client-a.test', password: DEMO_PASSWORD })).status).toBe(200);
  });

  it('the staff IdP signs in the provider’s staff with the roles and lines their groups map to', async () => {
    const admin = await t.login('admin@demo.test');
    const put = await admin.put('/api/v1/sso/staff', {
      ...orgConfig(idp),
      roleMapping: [
        { group: 'desk-managers', role: 'manager' },
        { group: 'l2-engineers', role: 'agent', line: 'L2' },
      ],
      defaultRole: null,
      emailDomains: ['demo.test'],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ organizationId: null, emailDomains: ['demo.test'] });
    const found = await discover('newagent@demo.test');
    expect(found.sso).toBe(true);
    idp.accounts.set('sub-agent', { email: 'newagent@demo.test', email_verified: true, name: 'Nikolai Agent', groups: ['l2-engineers'] });
    const r = await ssoSignIn(found.url, 'sub-agent');
    expect((await r.client.get('/api/v1/me')).body).toMatchObject({ email: 'newagent@demo.test', role: 'agent', line: 'L2', organizationId: null });
    // A client's person is never signed in by the staff IdP, and the staff IdP is not a client's.
    idp.accounts.set('sub-client', { email: 'alice@client-a.test', email_verified: true, name: 'Alice', groups: ['desk-managers'] });
    expect((await ssoSignIn(found.url, 'sub-client')).location).toBe('/sign-in?sso_error=sso_wrong_organization');
    expect((await admin.delete('/api/v1/sso/staff')).status).toBe(204);
    expect(await discover('newagent@demo.test')).toEqual({ sso: false });
  });

  it('is in the OpenAPI document', async () => {
    const r = await t.anonymous().get('/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/sso/discover', '/api/v1/auth/sso/{id}/start', '/api/v1/auth/sso/callback', '/api/v1/organizations/{id}/sso', '/api/v1/sso/staff', '/api/v1/organizations/{id}/directory', '/api/v1/organizations/{id}/directory/sync', '/api/v1/organizations/{id}/directory/runs']),
    );
  });

  it('an IdP that cannot be reached sends the browser back to the sign-in screen, which says so', async () => {
    const admin = await t.login('admin@demo.test');
    const c = await orgId('Client C');
    // A loopback port nothing listens on any more.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const closed = `http://127.0.0.1:${port}`;
    expect((await admin.put(`/api/v1/organizations/${c}/sso`, orgConfig(idp, { issuerUrl: closed }))).status).toBe(200);
    const url = (await discover('carol@client-c.test')).url;
    const r = await fetch(t.base + url, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/sign-in?sso_error=sso_unavailable');
    expect((await admin.delete(`/api/v1/organizations/${c}/sso`)).status).toBe(204);
  });

  it('an unknown or removed IdP answers 404 at the start', async () => {
    const r = await t.anonymous().get('/api/v1/auth/sso/00000000-0000-0000-0000-000000000000/start');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found' });
  });
});
