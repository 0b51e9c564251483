import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/core/audit/audit.js';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp, type TestApp } from '../support/app.js';
import type { Client, Res } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

function expectError(r: Res, status: number, error: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toMatchObject({ statusCode: status, error });
  expect(r.body.message.length).toBeGreaterThan(0);
}

let seq = 0;
/** A fresh person created by the admin, so that tests changing factors touch no one else. */
async function freshPerson(t: TestApp, fields: Record<string, unknown> = {}) {
  const admin = await t.login('admin@demo.test');
  const email = `mfa${++seq}-${Date.now()}@desk.test`;
  const password = 'first-password-1';
  const r = await admin.post('/api/v1/users', { email, name: `MFA person ${seq}`, role: 'agent', line: 'L1', password, ...fields });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.id as string, email, password };
}

const codeAt = (secret: string, clock: ManualClock) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: clock.now().getTime() });

/** Signs a person in with the password and enrols an authenticator app; the secret and the recovery codes. */
async function enrol(t: TestApp, clock: ManualClock, p: { email: string; password: string }) {
  const c = await t.login(p.email, p.password);
  const start = await c.post('/api/v1/me/mfa/totp');
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const confirm = await c.post('/api/v1/me/mfa/totp/confirm', { code: codeAt(start.body.secret, clock) });
  expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
  clock.advance(30_000);
  return { secret: start.body.secret as string, recoveryCodes: confirm.body.recoveryCodes as string[], client: c };
}

/** The first step: the password; returns the pending token. */
async function password(t: TestApp, p: { email: string; password: string }) {
  const r = await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.secondFactor).toBe(true);
  return r.body.pendingToken as string;
}

async function withCode(t: TestApp, pendingToken: string, code: string, extra: Record<string, unknown> = {}) {
  const c = t.anonymous();
  const r = await c.post('/api/v1/auth/login/code', { pendingToken, code, ...extra });
  if (r.status === 200) c.csrf = r.body.csrfToken;
  return { c, r };
}

describe.each(DATABASES)('two-factor sign-in, sessions and tokens (%s)', (kind) => {
  const clock = new ManualClock();
  const t = useTestApp(kind, {}, { clock });
  const audit = (userId: string) => listAudit(t.td.app.db, 'user', userId);

  it('documents the new routes in the OpenAPI document', async () => {
    const paths = Object.keys((await t.anonymous().get('/api/v1/openapi.json')).body.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/auth/login/code', '/api/v1/auth/passkey/verify', '/api/v1/me/mfa/totp/confirm', '/api/v1/me/sessions', '/api/v1/users/{id}/mfa/reset', '/api/v1/security/settings']),
    );
  });

  describe('enrolment', () => {
    it('enrols an authenticator app with a QR code and a first code, and hands out ten recovery codes once', async () => {
      const p = await freshPerson(t);
      const c = await t.login(p.email, p.password);
      expect((await c.get('/api/v1/me/mfa')).body).toMatchObject({ totp: false, totpEnrolling: false, recoveryCodesLeft: 0, passkeys: [], required: false });

      const start = await c.post('/api/v1/me/mfa/totp');
      expect(start.status).toBe(200);
      expect(start.body.secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(start.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Tierdesk:.+\?.*secret=/);
      // Stored sealed with the application's key, never as the secret itself.
      const sealed = await t.td.app.db.selectFrom('mfa_totp').select('secret').where('user_id', '=', (await c.get('/api/v1/me')).body.id).executeTakeFirstOrThrow();
      expect(sealed.secret).toMatch(new RegExp(`^v1:${t.td.app.secrets.key.id}:`));
      expect(sealed.secret).not.toContain(start.body.secret);
      const qr = await c.get(start.body.qrCodeUrl);
      expect(qr.status).toBe(200);
      expect(qr.headers.get('content-type')).toContain('image/svg+xml');
      expect(String(qr.body)).toContain('<svg');
      // Another person gets no QR code of this enrolment.
      expect((await (await t.login('l2@demo.test')).get('/api/v1/me/mfa/totp/qr.svg')).status).toBe(404);

      expectError(await c.post('/api/v1/me/mfa/totp/confirm', { code: '000000' }), 400, 'invalid');
      expect((await c.get('/api/v1/me/mfa')).body).toMatchObject({ totp: false, totpEnrolling: true });

      const confirm = await c.post('/api/v1/me/mfa/totp/confirm', { code: codeAt(start.body.secret, clock) });
      expect(confirm.status).toBe(200);
      expect(confirm.body.recoveryCodes).toHaveLength(10);
      expect(new Set(confirm.body.recoveryCodes).size).toBe(10);
      expect((await c.get('/api/v1/me/mfa')).body).toMatchObject({ totp: true, totpEnrolling: false, recoveryCodesLeft: 10 });
      // Codes are stored hashed only.
      const stored = await t.td.app.db.selectFrom('mfa_recovery_codes').select('code_hash').where('user_id', '=', p.id).execute();
      expect(stored.map((s) => s.code_hash)).not.toContain(confirm.body.recoveryCodes[0]);
      // Enrolling again while one is in force is refused.
      expectError(await c.post('/api/v1/me/mfa/totp'), 409, 'already_enrolled');
      expect((await audit(p.id)).map((a) => a.action)).toContain('mfa_enrolled');
      clock.advance(30_000);
    });
  });

  describe('two-step sign-in', () => {
    it('asks for the code after the password, opens no session before it, and refuses wrong and replayed codes', async () => {
      const p = await freshPerson(t);
      const { secret } = await enrol(t, clock, p);

      const first = t.anonymous();
      const r = await first.post('/api/v1/auth/login', { email: p.email, password: p.password });
      expect(r.body).toMatchObject({ secondFactor: true, methods: ['totp', 'recovery'] });
      expect(r.body).not.toHaveProperty('csrfToken');
      expect(r.headers.get('set-cookie')).toBeNull();
      expect((await first.get('/api/v1/me')).status).toBe(401);

      expectError((await withCode(t, r.body.pendingToken, '123456')).r, 401, 'unauthorized');
      expectError((await withCode(t, 'not-a-pending-token-at-all', codeAt(secret, clock))).r, 401, 'unauthorized');
      const code = codeAt(secret, clock);
      const ok = await withCode(t, r.body.pendingToken, code);
      expect(ok.r.status).toBe(200);
      expect(ok.r.body.user).toMatchObject({ email: p.email });
      expect(ok.r.headers.get('set-cookie')).toMatch(/^tierdesk_session=/);
      expect((await ok.c.get('/api/v1/me')).body.email).toBe(p.email);
      // The pending sign-in is spent.
      expectError((await withCode(t, r.body.pendingToken, code)).r, 401, 'unauthorized');

      // The same code in a new sign-in within its step: a replay.
      expectError((await withCode(t, await password(t, p), code)).r, 401, 'unauthorized');
      clock.advance(30_000);
      expect((await withCode(t, await password(t, p), codeAt(secret, clock))).r.status).toBe(200);
      const actions = (await audit(p.id)).map((a) => a.action);
      expect(actions).toContain('signed_in');
      expect(actions).toContain('sign_in_failed');
    });

    it('accepts each recovery code once', async () => {
      const p = await freshPerson(t);
      const { recoveryCodes, client } = await enrol(t, clock, p);
      const ok = await withCode(t, await password(t, p), recoveryCodes[3]!.toUpperCase());
      expect(ok.r.status).toBe(200);
      expectError((await withCode(t, await password(t, p), recoveryCodes[3]!)).r, 401, 'unauthorized');
      expect((await client.get('/api/v1/me/mfa')).body.recoveryCodesLeft).toBe(9);
      expect((await audit(p.id)).map((a) => a.action)).toContain('recovery_code_used');

      // New codes replace the old ones.
      const renewed = await client.post('/api/v1/me/mfa/recovery-codes');
      expect(renewed.body.recoveryCodes).toHaveLength(10);
      expectError((await withCode(t, await password(t, p), recoveryCodes[4]!)).r, 401, 'unauthorized');
      expect((await withCode(t, await password(t, p), renewed.body.recoveryCodes[0])).r.status).toBe(200);
    });

    it('locks the account after too many wrong codes, even against the right one', async () => {
      const p = await freshPerson(t);
      const { secret } = await enrol(t, clock, p);
      const pending = await password(t, p);
      for (let i = 0; i < t.config.loginMaxFailures; i++) expectError((await withCode(t, pending, '999999')).r, 401, 'unauthorized');
      expectError(await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password }), 429, 'too_many_requests');
      expect((await audit(p.id)).map((a) => a.action)).toContain('locked');
      clock.advanceMinutes(t.config.loginLockoutMinutes + 1);
      expect((await withCode(t, await password(t, p), codeAt(secret, clock))).r.status).toBe(200);
    });

    it('remembers a browser when asked: it then skips the code until forgotten', async () => {
      const p = await freshPerson(t);
      const { secret, client } = await enrol(t, clock, p);
      const ok = await withCode(t, await password(t, p), codeAt(secret, clock), { rememberDevice: true });
      expect(ok.r.status).toBe(200);
      const device = /tierdesk_device=([^;]+)/.exec(ok.r.headers.get('set-cookie') ?? '');
      // fetch folds several Set-Cookie headers into one line.
      expect(device, ok.r.headers.get('set-cookie') ?? '').not.toBeNull();
      const again = t.anonymous();
      again.cookie = `tierdesk_device=${device![1]}`;
      const r = await again.post('/api/v1/auth/login', { email: p.email, password: p.password });
      expect(r.body.csrfToken).toBeTruthy();
      expect(r.body.secondFactor).toBeUndefined();

      const devices = (await client.get('/api/v1/me/mfa')).body.rememberedDevices;
      expect(devices).toHaveLength(1);
      expect((await client.delete(`/api/v1/me/mfa/devices/${devices[0].id}`)).status).toBe(204);
      const later = t.anonymous();
      later.cookie = `tierdesk_device=${device![1]}`;
      expect((await later.post('/api/v1/auth/login', { email: p.email, password: p.password })).body.secondFactor).toBe(true);
    });

    it('turns the app off with the password only', async () => {
      const p = await freshPerson(t);
      const { client } = await enrol(t, clock, p);
      expectError(await client.post('/api/v1/me/mfa/totp/disable', { password: 'wrong-password-1' }), 400, 'invalid');
      expect((await client.post('/api/v1/me/mfa/totp/disable', { password: p.password })).status).toBe(200);
      const r = await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password });
      expect(r.body.csrfToken).toBeTruthy();
      expect((await audit(p.id)).map((a) => a.action)).toContain('mfa_disabled');
    });
  });

  describe('the staff policy and the admin reset', () => {
    it('only an admin changes the policy; then staff without a factor must enrol before anything else, client people not', async () => {
      for (const who of ['manager@demo.test', 'l1@demo.test', 'it@client-a.test', 'alice@client-a.test']) {
        const c = await t.login(who);
        expectError(await c.patch('/api/v1/security/settings', { staffMfaRequired: true }), 403, 'forbidden');
        expectError(await c.get('/api/v1/security/settings'), 403, 'forbidden');
      }
      const admin = await t.login('admin@demo.test');
      const p = await freshPerson(t);
      const client = await freshPerson(t, { role: 'requester', line: undefined, organizationId: (await admin.get('/api/v1/organizations')).body.items[0].id });
      expect((await admin.patch('/api/v1/security/settings', { staffMfaRequired: true })).body).toEqual({ staffMfaRequired: true });
      try {
        expect((await listAudit(t.td.app.db, 'security_settings', 'desk')).at(-1)).toMatchObject({ action: 'updated', actorId: expect.any(String) });
        const r = await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password });
        expect(r.body.mfaEnrolmentRequired).toBe(true);
        const c = t.anonymous();
        c.cookie = `tierdesk_session=${/tierdesk_session=([^;]+)/.exec(r.headers.get('set-cookie')!)![1]}`;
        c.csrf = r.body.csrfToken;
        expect((await c.get('/api/v1/me')).body.mfaEnrolmentRequired).toBe(true);
        expectError(await c.get('/api/v1/tickets'), 403, 'mfa_enrolment_required');
        expect((await c.get('/api/v1/me/mfa')).body.required).toBe(true);
        const start = await c.post('/api/v1/me/mfa/totp');
        expect((await c.post('/api/v1/me/mfa/totp/confirm', { code: codeAt(start.body.secret, clock) })).status).toBe(200);
        clock.advance(30_000);
        expect((await c.get('/api/v1/tickets')).status).toBe(200);
        expect((await c.get('/api/v1/me')).body.mfaEnrolmentRequired).toBeUndefined();
        // Staff may not turn off their only factor while the policy holds.
        expectError(await c.post('/api/v1/me/mfa/totp/disable', { password: p.password }), 409, 'mfa_required');

        // A client person is not held.
        const cr = await t.anonymous().post('/api/v1/auth/login', { email: client.email, password: client.password });
        expect(cr.body.csrfToken).toBeTruthy();
        expect(cr.body.mfaEnrolmentRequired).toBeUndefined();
      } finally {
        await admin.patch('/api/v1/security/settings', { staffMfaRequired: false });
      }
    });

    it('an admin resets a lost device: factors and sessions go, audited; no one else may', async () => {
      const p = await freshPerson(t);
      const { secret } = await enrol(t, clock, p);
      const signedIn = (await withCode(t, await password(t, p), codeAt(secret, clock))).c;
      clock.advance(30_000);

      for (const who of ['manager@demo.test', 'l2@demo.test', 'it@client-a.test']) {
        const c = await t.login(who);
        expectError(await c.post(`/api/v1/users/${p.id}/mfa/reset`), 403, 'forbidden');
        expectError(await c.get(`/api/v1/users/${p.id}/mfa`), 403, 'forbidden');
      }
      const admin = await t.login('admin@demo.test');
      expect((await admin.get(`/api/v1/users/${p.id}/mfa`)).body).toMatchObject({ totp: true, recoveryCodesLeft: 10 });
      expect((await admin.post(`/api/v1/users/${p.id}/mfa/reset`)).status).toBe(200);
      expectError(await admin.post('/api/v1/users/00000000-0000-0000-0000-00000000dead/mfa/reset'), 404, 'not_found');
      expect((await signedIn.get('/api/v1/me')).status).toBe(401);
      const r = await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password });
      expect(r.body.csrfToken).toBeTruthy();
      const reset = (await audit(p.id)).find((a) => a.action === 'mfa_reset');
      const adminId = (await admin.get('/api/v1/me')).body.id;
      expect(reset).toMatchObject({ actorId: adminId, before: { totp: true } });
    });

    it("a client's IT manager neither sees nor resets another person's factors or sessions", async () => {
      const itA = await t.login('it@client-a.test');
      const alice = (await itA.get('/api/v1/users?role=requester')).body.items.find((u: { email: string }) => u.email === 'alice@client-a.test');
      expect(alice).toBeTruthy();
      expectError(await itA.get(`/api/v1/users/${alice.id}/mfa`), 403, 'forbidden');
      expectError(await itA.post(`/api/v1/users/${alice.id}/mfa/reset`), 403, 'forbidden');
      expectError(await itA.get(`/api/v1/users/${alice.id}/sessions`), 403, 'forbidden');
      expectError(await itA.post(`/api/v1/users/${alice.id}/sessions/end-all`), 403, 'forbidden');
      const bob = await t.login('bob@client-b.test');
      expectError(await bob.get(`/api/v1/users/${alice.id}/sessions`), 403, 'forbidden');
    });
  });

  describe('API tokens', () => {
    it('a read-only token reads and is refused any write with 403 read_only_token', async () => {
      const c = await t.login('l1@demo.test');
      const r = await c.post('/api/v1/me/tokens', { name: 'reporting', readOnly: true });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ readOnly: true, expiresAt: null });
      const tok = t.anonymous();
      tok.bearer = r.body.token;
      expect((await tok.get('/api/v1/tickets')).status).toBe(200);
      expectError(await tok.post('/api/v1/me/tokens', { name: 'more' }), 403, 'read_only_token');
      expectError(await tok.patch('/api/v1/me', { name: 'x' }), 403, 'read_only_token');
      expect((await c.get('/api/v1/me/tokens')).body.items.find((i: { id: string }) => i.id === r.body.id)).toMatchObject({ readOnly: true });
    });

    it('an expiring token works until its date, then 401 token_expired; a date in the past is refused', async () => {
      const c = await t.login('l1@demo.test');
      expectError(await c.post('/api/v1/me/tokens', { name: 'old', expiresAt: new Date(clock.now().getTime() - 1000).toISOString() }), 400, 'invalid');
      expectError(await c.post('/api/v1/me/tokens', { name: 'bad', expiresAt: 'tomorrow' }), 400, 'validation_failed');
      const expiresAt = new Date(clock.now().getTime() + 3600_000).toISOString();
      const r = await c.post('/api/v1/me/tokens', { name: 'short', expiresAt });
      expect(r.body).toMatchObject({ readOnly: false, expiresAt });
      const tok = t.anonymous();
      tok.bearer = r.body.token;
      expect((await tok.get('/api/v1/me')).status).toBe(200);
      clock.advanceMinutes(61);
      expectError(await tok.get('/api/v1/me'), 401, 'token_expired');
    });

    it('a token needs no second factor', async () => {
      const p = await freshPerson(t);
      const { client } = await enrol(t, clock, p);
      const tok = t.anonymous();
      tok.bearer = (await client.post('/api/v1/me/tokens', { name: 'ci' })).body.token;
      expect((await tok.get('/api/v1/me')).body.email).toBe(p.email);
    });
  });

  describe('sessions people can see', () => {
    const UA_FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
    const UA_SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

    async function signIn(p: { email: string; password: string }, ua: string): Promise<Client> {
      const c = t.anonymous();
      const r = await c.post('/api/v1/auth/login', { email: p.email, password: p.password }, { 'user-agent': ua });
      expect(r.status).toBe(200);
      c.csrf = r.body.csrfToken;
      return c;
    }

    it('lists my sessions with device, address and times; ends one; signs out everywhere else, tokens too when asked', async () => {
      const p = await freshPerson(t);
      const laptop = await signIn(p, UA_FIREFOX);
      const phone = await signIn(p, UA_SAFARI);
      const tablet = await signIn(p, UA_SAFARI);
      const list = (await laptop.get('/api/v1/me/sessions')).body.items;
      expect(list).toHaveLength(3);
      const mine = list.find((s: { current: boolean }) => s.current);
      expect(mine).toMatchObject({ browser: 'Firefox', os: 'Linux', userAgent: UA_FIREFOX, ip: '127.0.0.1', createdAt: expect.any(String), lastUsedAt: expect.any(String) });
      expect(list.filter((s: { browser: string }) => s.browser === 'Safari')).toHaveLength(2);

      const phoneId = (await phone.get('/api/v1/me/sessions')).body.items.find((s: { current: boolean }) => s.current).id;
      expect((await laptop.delete(`/api/v1/me/sessions/${phoneId}`)).status).toBe(204);
      expect((await phone.get('/api/v1/me')).status).toBe(401);
      expectError(await laptop.delete(`/api/v1/me/sessions/${phoneId}`), 404, 'not_found');
      expectError(await laptop.delete('/api/v1/me/sessions/not-a-session'), 400, 'validation_failed');
      // Someone else's session is not mine to end.
      const other = await t.login('l2@demo.test');
      const otherId = (await other.get('/api/v1/me/sessions')).body.items.find((s: { current: boolean }) => s.current).id;
      expectError(await laptop.delete(`/api/v1/me/sessions/${otherId}`), 404, 'not_found');
      expect((await other.get('/api/v1/me')).status).toBe(200);

      const tok = t.anonymous();
      tok.bearer = (await laptop.post('/api/v1/me/tokens', { name: 'script' })).body.token;
      expect((await laptop.post('/api/v1/me/sessions/end-all', {})).status).toBe(200);
      expect((await tablet.get('/api/v1/me')).status).toBe(401);
      expect((await laptop.get('/api/v1/me')).status).toBe(200);
      expect((await tok.get('/api/v1/me')).status).toBe(200);
      const tablet2 = await signIn(p, UA_SAFARI);
      expect((await laptop.post('/api/v1/me/sessions/end-all', { revokeTokens: true })).status).toBe(200);
      expect((await tablet2.get('/api/v1/me')).status).toBe(401);
      expect((await tok.get('/api/v1/me')).status).toBe(401);
      expect((await audit(p.id)).map((a) => a.action)).toEqual(expect.arrayContaining(['session_ended', 'signed_out_everywhere']));
    });

    it("an admin sees and ends any person's sessions", async () => {
      const p = await freshPerson(t);
      const laptop = await signIn(p, UA_FIREFOX);
      const phone = await signIn(p, UA_SAFARI);
      const admin = await t.login('admin@demo.test');
      const list = (await admin.get(`/api/v1/users/${p.id}/sessions`)).body.items;
      expect(list).toHaveLength(2);
      expect(list.every((s: { current: boolean }) => !s.current)).toBe(true);
      expect((await admin.delete(`/api/v1/users/${p.id}/sessions/${list[0].id}`)).status).toBe(204);
      expect((await admin.get(`/api/v1/users/${p.id}/sessions`)).body.items).toHaveLength(1);
      expect((await admin.post(`/api/v1/users/${p.id}/sessions/end-all`, {})).status).toBe(200);
      expect((await laptop.get('/api/v1/me')).status).toBe(401);
      expect((await phone.get('/api/v1/me')).status).toBe(401);
      expect((await admin.get('/api/v1/me')).status).toBe(200);
      const manager = await t.login('manager@demo.test');
      expectError(await manager.get(`/api/v1/users/${p.id}/sessions`), 403, 'forbidden');
      expectError(await manager.post(`/api/v1/users/${p.id}/sessions/end-all`, {}), 403, 'forbidden');
    });
  });
});
