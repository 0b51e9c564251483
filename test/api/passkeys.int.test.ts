import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/core/audit/audit.js';
import { useTestApp, type TestApp } from '../support/app.js';
import type { Client, Res } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { SoftAuthenticator } from '../support/webauthn.js';

function expectError(r: Res, status: number, error: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toMatchObject({ statusCode: status, error });
}

let seq = 0;
async function freshPerson(t: TestApp, fields: Record<string, unknown> = {}) {
  const admin = await t.login('admin@demo.test');
  const email = `pk${++seq}-${Date.now()}@desk.test`;
  const password = 'first-password-1';
  const r = await admin.post('/api/v1/users', { email, name: `Passkey person ${seq}`, role: 'agent', line: 'L2', password, ...fields });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.id as string, email, password };
}

/** Registers a software passkey for the signed-in client. */
async function addPasskey(t: TestApp, c: Client, name = 'Laptop') {
  const key = new SoftAuthenticator(new URL(t.config.publicUrl).origin);
  const opts = await c.post('/api/v1/me/passkeys/options');
  expect(opts.status, JSON.stringify(opts.body)).toBe(200);
  expect(opts.body.options.rp.id).toBe(new URL(t.config.publicUrl).hostname);
  const r = await c.post('/api/v1/me/passkeys', { challengeId: opts.body.challengeId, name, response: key.register(opts.body.options) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return key;
}

/** A passkey sign-in: options (for a pending sign-in or passwordless), then the answer. */
async function passkeySignIn(t: TestApp, key: SoftAuthenticator, pendingToken?: string, tamper = false) {
  const opts = await t.anonymous().post('/api/v1/auth/passkey/options', pendingToken ? { pendingToken } : {});
  expect(opts.status, JSON.stringify(opts.body)).toBe(200);
  const c = t.anonymous();
  const r = await c.post('/api/v1/auth/passkey/verify', { challengeId: opts.body.challengeId, response: key.authenticate(opts.body.options, tamper), ...(pendingToken && { pendingToken }) });
  return { c, r, challengeId: opts.body.challengeId as string, options: opts.body.options };
}

describe.each(DATABASES)('passkeys (%s)', (kind) => {
  const t = useTestApp(kind, { PUBLIC_URL: 'http://desk.localhost:8080' });

  it('registers a passkey; staff then sign in with it alone, and with the password it becomes the second step', async () => {
    const p = await freshPerson(t);
    const c = await t.login(p.email, p.password);
    const key = await addPasskey(t, c);
    expect((await c.get('/api/v1/me/mfa')).body.passkeys).toEqual([expect.objectContaining({ id: key.id, name: 'Laptop', lastUsedAt: null })]);
    expect((await listAudit(t.td.app.db, 'user', p.id)).map((a) => a.action)).toContain('mfa_enrolled');

    const alone = await passkeySignIn(t, key);
    expect(alone.r.status, JSON.stringify(alone.r.body)).toBe(200);
    expect(alone.r.body.user.email).toBe(p.email);
    expect((await alone.c.get('/api/v1/me')).body.email).toBe(p.email);

    const first = await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password });
    expect(first.body).toMatchObject({ secondFactor: true, methods: ['passkey'] });
    const second = await passkeySignIn(t, key, first.body.pendingToken);
    expect(second.r.status).toBe(200);
    // The pending sign-in is spent.
    expectError(await t.anonymous().post('/api/v1/auth/passkey/options', { pendingToken: first.body.pendingToken }), 401, 'unauthorized');
  });

  it('refuses a spoiled signature, a challenge answered twice, and an unknown passkey', async () => {
    const p = await freshPerson(t);
    const key = await addPasskey(t, await t.login(p.email, p.password));
    expectError((await passkeySignIn(t, key, undefined, true)).r, 401, 'unauthorized');
    const ok = await passkeySignIn(t, key);
    expect(ok.r.status).toBe(200);
    const again = await t.anonymous().post('/api/v1/auth/passkey/verify', { challengeId: ok.challengeId, response: key.authenticate(ok.options) });
    expectError(again, 400, 'invalid');
    const stranger = new SoftAuthenticator(new URL(t.config.publicUrl).origin);
    expectError((await passkeySignIn(t, stranger)).r, 401, 'unauthorized');
  });

  it('a client person uses a passkey only as the second step, never alone', async () => {
    const alice = await t.login('alice@client-a.test');
    const key = await addPasskey(t, alice, 'Phone');
    expectError((await passkeySignIn(t, key)).r, 401, 'unauthorized');
    const first = await t.anonymous().post('/api/v1/auth/login', { email: 'alice@client-a.test', password: 'tierdesk-demo' });
    expect(first.body.secondFactor).toBe(true);
    expect((await passkeySignIn(t, key, first.body.pendingToken)).r.status).toBe(200);
    // Someone else's pending sign-in does not take Alice's passkey.
    const bobFirst = await t.anonymous().post('/api/v1/auth/login', { email: 'bob@client-b.test', password: 'tierdesk-demo' });
    expect(bobFirst.body.csrfToken).toBeTruthy();
  });

  it('removes only one\u2019s own passkeys; an admin reset removes them all', async () => {
    const p = await freshPerson(t);
    const c = await t.login(p.email, p.password);
    const key = await addPasskey(t, c);
    const other = await t.login('l1@demo.test');
    expectError(await other.delete(`/api/v1/me/passkeys/${key.id}`), 404, 'not_found');
    expect((await passkeySignIn(t, key)).r.status).toBe(200);
    const admin = await t.login('admin@demo.test');
    expect((await admin.post(`/api/v1/users/${p.id}/mfa/reset`)).status).toBe(200);
    expectError((await passkeySignIn(t, key)).r, 401, 'unauthorized');

    const again = await t.login(p.email, p.password);
    const key2 = await addPasskey(t, again, 'Second');
    expect((await again.delete(`/api/v1/me/passkeys/${key2.id}`)).status).toBe(204);
    expect((await again.get('/api/v1/me/mfa')).body.passkeys).toEqual([]);
  });

  it('registration needs a signed-in person and its own challenge', async () => {
    expectError(await t.anonymous().post('/api/v1/me/passkeys/options'), 401, 'unauthorized');
    const a = await t.login('l2@demo.test');
    const b = await t.login('l3@demo.test');
    const opts = await a.post('/api/v1/me/passkeys/options');
    const key = new SoftAuthenticator(new URL(t.config.publicUrl).origin);
    expectError(await b.post('/api/v1/me/passkeys', { challengeId: opts.body.challengeId, name: 'Stolen', response: key.register(opts.body.options) }), 400, 'invalid');
  });
});
