import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliverOutbox, fileTransport } from '../../src/core/mail/outbox.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { useTestApp, type TestApp } from '../support/app.js';
import { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const NEW_PASSWORD = 'a-brand-new-passphrase';

let seq = 0;
/** A fresh person (created by the admin, with a password), so tests that change accounts touch no one else. */
async function freshPerson(t: TestApp, fields: Record<string, unknown> = {}) {
  const admin = await t.login('admin@demo.test');
  const email = `person${++seq}-${Date.now()}@desk.test`;
  const password = 'first-password-1';
  const r = await admin.post('/api/v1/users', { email, name: `Person ${seq}`, role: 'agent', line: 'L1', password, ...fields });
  expect(r.status).toBe(201);
  return { id: r.body.id as string, email, password, name: r.body.name as string };
}

/** A client that carries only the given session cookie (no CSRF token). */
function withCookie(t: TestApp, cookie: string | undefined) {
  const c = t.anonymous();
  c.cookie = cookie;
  return c;
}

const mailTo = (t: TestApp, to: string) =>
  t.td.app.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('id').execute();

const countMail = async (t: TestApp) =>
  Number((await t.td.app.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** The reset token from the link in a reset e-mail. */
function tokenFrom(t: TestApp, text: string): string {
  const m = new RegExp(`${t.config.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/reset-password\\?token=([^\\s]+)`).exec(text);
  expect(m, `a reset link in: ${text}`).not.toBeNull();
  return decodeURIComponent(m![1]!);
}

function expectError(r: { status: number; body: any }, status: number, error: string) {
  expect(r.status).toBe(status);
  expect(r.body).toMatchObject({ statusCode: status, error });
  expect(typeof r.body.message).toBe('string');
  expect(r.body.message.length).toBeGreaterThan(0);
}

describe.each(DATABASES)('sign-in, sessions and tokens over HTTP (%s)', (kind) => {
  const t = useTestApp(kind);

  describe('login and logout', () => {
    it('sets an HttpOnly, SameSite session cookie and returns the person and a CSRF token', async () => {
      const c = t.anonymous();
      const r = await c.post('/api/v1/auth/login', { email: 'alice@client-a.test', password: DEMO_PASSWORD });
      expect(r.status).toBe(200);
      expect(r.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(r.body.user).toMatchObject({ email: 'alice@client-a.test', name: 'Alice Petrova', role: 'requester', locale: 'ru', active: true });
      expect(r.body.user).not.toHaveProperty('passwordHash');
      expect(JSON.stringify(r.body)).not.toContain('argon2');

      const cookie = r.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^tierdesk_session=[A-Za-z0-9_-]{20,};/);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*SameSite=(Lax|Strict)/i);
      expect(cookie).toMatch(/;\s*Path=\//i);
      expect(cookie).toMatch(/;\s*Max-Age=\d+/i);
      // The session token is not the CSRF token.
      expect(cookie).not.toContain(r.body.csrfToken);

      // The cookie alone authenticates a read; /me hands the CSRF token back to the web app.
      const me = await c.get('/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ email: 'alice@client-a.test', csrfToken: r.body.csrfToken });
    });

    it('accepts the e-mail address in any case and with surrounding spaces', async () => {
      const r = await t.anonymous().post('/api/v1/auth/login', { email: '  Alice@Client-A.test ', password: DEMO_PASSWORD });
      expect(r.status).toBe(200);
      expect(r.body.user.email).toBe('alice@client-a.test');
    });

    it('refuses a wrong password and an unknown e-mail with the same 401', async () => {
      const wrong = await t.anonymous().post('/api/v1/auth/login', { email: 'dmitry@client-a.test', password: 'not-the-password' });
      expectError(wrong, 401, 'unauthorized');
      expect(wrong.headers.get('set-cookie')).toBeNull();

      const unknown = await t.anonymous().post('/api/v1/auth/login', { email: 'nobody@nowhere.test', password: 'not-the-password' });
      expectError(unknown, 401, 'unauthorized');
      expect(unknown.body).toEqual(wrong.body);

      // The one wrong attempt did not block the right password.
      expect((await t.anonymous().post('/api/v1/auth/login', { email: 'dmitry@client-a.test', password: DEMO_PASSWORD })).status).toBe(200);
    });

    it('refuses a malformed login body with 400 naming the field', async () => {
      const r = await t.anonymous().post('/api/v1/auth/login', { email: 'not-an-address', password: 'x' });
      expectError(r, 400, 'validation_failed');
      expect(r.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'email' })]));
    });

    it('answers 401 to /me without a session, and with a made-up cookie', async () => {
      expectError(await t.anonymous().get('/api/v1/me'), 401, 'unauthorized');
      expectError(await withCookie(t, 'tierdesk_session=made-up-session-token').get('/api/v1/me'), 401, 'unauthorized');
    });

    it('logout ends the session on the server, not only in the browser', async () => {
      const c = await t.login('dmitry@client-a.test');
      const cookie = c.cookie;
      expect((await c.get('/api/v1/me')).status).toBe(200);

      const out = await c.post('/api/v1/auth/logout');
      expect(out.status).toBe(200);
      expect(out.body).toEqual({ ok: true });
      // The browser is told to drop the cookie...
      expect(out.headers.get('set-cookie')).toMatch(/^tierdesk_session=;/);
      expectError(await c.get('/api/v1/me'), 401, 'unauthorized');
      // ...and the old cookie, replayed, no longer works either.
      expectError(await withCookie(t, cookie).get('/api/v1/me'), 401, 'unauthorized');
      expectError(await withCookie(t, cookie).post('/api/v1/tickets', { subject: 'x', description: 'y' }), 401, 'unauthorized');
    });

    it('each login is its own session: logging out of one keeps the other', async () => {
      const a = await t.login('l2@demo.test');
      const b = await t.login('l2@demo.test');
      expect(a.cookie).not.toBe(b.cookie);
      expect(a.csrf).not.toBe(b.csrf);
      await a.post('/api/v1/auth/logout');
      expect((await a.get('/api/v1/me')).status).toBe(401);
      expect((await b.get('/api/v1/me')).body.email).toBe('l2@demo.test');
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated write without the x-csrf-token header, or with a wrong one', async () => {
      const alice = await t.login('alice@client-a.test');
      const body = { subject: 'CSRF probe', description: 'Should not be created' };
      const before = (await alice.get('/api/v1/tickets?limit=200')).body.items.length;

      const bare = withCookie(t, alice.cookie);
      expectError(await bare.post('/api/v1/tickets', body), 403, 'forbidden');
      expectError(await bare.patch('/api/v1/me', { name: 'Hijacked' }), 403, 'forbidden');
      expectError(await alice.post('/api/v1/tickets', body, { 'x-csrf-token': 'wrong' }), 403, 'forbidden');
      // Another session's CSRF token is as wrong as any other.
      const other = await t.login('alice@client-a.test');
      expectError(await alice.post('/api/v1/tickets', body, { 'x-csrf-token': other.csrf! }), 403, 'forbidden');

      const me = await alice.get('/api/v1/me');
      expect(me.body.name).toBe('Alice Petrova');
      expect((await alice.get('/api/v1/tickets?limit=200')).body.items.length).toBe(before);

      // With the right token the same write goes through.
      const ok = await alice.post('/api/v1/tickets', body);
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ subject: 'CSRF probe', channel: 'web' });
    });

    it('needs no CSRF token for a read', async () => {
      const alice = await t.login('alice@client-a.test');
      const bare = withCookie(t, alice.cookie);
      const me = await bare.get('/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body.email).toBe('alice@client-a.test');
      const tickets = await bare.get('/api/v1/tickets');
      expect(tickets.status).toBe(200);
      expect(Array.isArray(tickets.body.items)).toBe(true);
    });

    it('logout, too, needs the CSRF token (no forced logout from another site)', async () => {
      const c = await t.login('l3@demo.test');
      expectError(await withCookie(t, c.cookie).post('/api/v1/auth/logout'), 403, 'forbidden');
      expect((await c.get('/api/v1/me')).status).toBe(200);
    });
  });

  describe('one\'s own profile', () => {
    it('PATCH /me changes the name, language and time zone', async () => {
      const p = await freshPerson(t);
      const c = await t.login(p.email, p.password);
      const r = await c.patch('/api/v1/me', { name: 'Renamed Person', locale: 'ru', timeZone: 'Asia/Yekaterinburg', phone: '+7 900 000-00-00' });
      expect(r.status).toBe(200);
      // The mobile number is kept in E.164, the form SMS senders and callers are matched by.
      expect(r.body).toMatchObject({ id: p.id, name: 'Renamed Person', locale: 'ru', timeZone: 'Asia/Yekaterinburg', phone: '+79000000000' });
      const me = await c.get('/api/v1/me');
      expect(me.body).toMatchObject({ name: 'Renamed Person', locale: 'ru', timeZone: 'Asia/Yekaterinburg' });
      // Without a country code, the number is read as one of PHONE_REGION (RU by default).
      expect((await c.patch('/api/v1/me', { phone: '8 (916) 123-45-67' })).body.phone).toBe('+79161234567');
    });

    it('PATCH /me refuses a phone number that is not one, naming the field', async () => {
      const p = await freshPerson(t);
      const c = await t.login(p.email, p.password);
      const r = await c.patch('/api/v1/me', { phone: 'call me maybe' });
      expectError(r, 400, 'invalid');
      expect(r.body.details).toEqual([expect.objectContaining({ path: 'phone' })]);
      expect((await c.get('/api/v1/me')).body.phone).toBeNull();
    });

    it('PATCH /me validates, naming the field, and changes nothing then', async () => {
      const p = await freshPerson(t);
      const c = await t.login(p.email, p.password);
      const tz = await c.patch('/api/v1/me', { timeZone: 'Mars/Olympus_Mons', name: 'Should not stick' });
      expectError(tz, 400, 'validation_failed');
      expect(tz.body.message).toContain('timeZone');
      expect(tz.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'timeZone', message: 'unknown time zone' })]));

      const locale = await c.patch('/api/v1/me', { locale: 'de' });
      expectError(locale, 400, 'validation_failed');
      expect(locale.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'locale' })]));

      const blank = await c.patch('/api/v1/me', { name: '   ' });
      expectError(blank, 400, 'validation_failed');
      expect(blank.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'name' })]));

      expect((await c.get('/api/v1/me')).body).toMatchObject({ name: p.name, timeZone: 'UTC', locale: 'en' });
    });

    it('PATCH /me cannot raise one\'s own role or move organization', async () => {
      const alice = await t.login('alice@client-a.test');
      const before = (await alice.get('/api/v1/me')).body;
      const r = await alice.patch('/api/v1/me', { role: 'admin', organizationId: null, line: 'L3', active: true });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ role: 'requester', organizationId: before.organizationId, line: null });
      expect((await alice.get('/api/v1/users')).status).toBe(403);
    });

    it('changes the password given the current one; the new one then signs in, the old one not', async () => {
      const p = await freshPerson(t);
      const c = await t.login(p.email, p.password);

      const wrong = await c.post('/api/v1/me/password', { currentPassword: 'not-my-password', newPassword: NEW_PASSWORD });
      expectError(wrong, 400, 'invalid');
      expect(wrong.body.details).toEqual([expect.objectContaining({ path: 'currentPassword' })]);

      const short = await c.post('/api/v1/me/password', { currentPassword: p.password, newPassword: 'short' });
      expectError(short, 400, 'validation_failed');
      expect(short.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'newPassword' })]));
      // Neither attempt changed anything.
      expect((await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password })).status).toBe(200);

      const ok = await c.post('/api/v1/me/password', { currentPassword: p.password, newPassword: NEW_PASSWORD });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ ok: true });

      expectError(await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password }), 401, 'unauthorized');
      const again = await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: NEW_PASSWORD });
      expect(again.status).toBe(200);
      expect(again.body.user.id).toBe(p.id);
    });

    it('every /me endpoint needs a signed-in person', async () => {
      const anon = t.anonymous();
      for (const r of [
        await anon.get('/api/v1/me'),
        await anon.patch('/api/v1/me', { name: 'x' }),
        await anon.post('/api/v1/me/password', { currentPassword: 'x', newPassword: NEW_PASSWORD }),
        await anon.get('/api/v1/me/tokens'),
        await anon.post('/api/v1/me/tokens', { name: 'x' }),
        await anon.delete('/api/v1/me/tokens/some-id'),
      ])
        expectError(r, 401, 'unauthorized');
    });
  });

  describe('personal API tokens', () => {
    it('creates a token shown once, lists it without the secret, works as Bearer, and revokes it', async () => {
      const alice = await t.login('alice@client-a.test');
      const created = await alice.post('/api/v1/me/tokens', { name: 'Monitoring script' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), name: 'Monitoring script', createdAt: expect.any(String) });
      const secret: string = created.body.token;
      expect(secret).toMatch(/^td_[A-Za-z0-9_-]{40,}$/);

      const list = await alice.get('/api/v1/me/tokens');
      expect(list.status).toBe(200);
      const mine = list.body.items.find((x: any) => x.id === created.body.id);
      expect(mine).toMatchObject({ id: created.body.id, name: 'Monitoring script', createdAt: created.body.createdAt, lastUsedAt: null, revokedAt: null });
      expect(mine).not.toHaveProperty('token');
      expect(JSON.stringify(list.body)).not.toContain(secret);
      expect(JSON.stringify(list.body)).not.toContain(secret.slice(3));
      // Only the hash is stored.
      const row = await t.td.app.db.selectFrom('api_tokens').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
      expect(row.token_hash).not.toContain(secret.slice(3));

      // As Bearer: no cookie, no CSRF token, and the request comes in on the 'api' channel.
      const api = new Client(t.base);
      api.bearer = secret;
      const me = await api.get('/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body.email).toBe('alice@client-a.test');
      expect(me.body).not.toHaveProperty('csrfToken');
      const ticket = await api.post('/api/v1/tickets', { subject: 'From the monitoring script', description: 'Disk almost full' });
      expect(ticket.status).toBe(201);
      expect(ticket.body).toMatchObject({ subject: 'From the monitoring script', channel: 'api', status: 'new' });
      expect(ticket.body.requester.email).toBe('alice@client-a.test');

      const revoked = await alice.delete(`/api/v1/me/tokens/${created.body.id}`);
      expect(revoked.status).toBe(204);
      expectError(await api.get('/api/v1/me'), 401, 'unauthorized');
      expectError(await api.post('/api/v1/tickets', { subject: 'After revoking', description: 'x' }), 401, 'unauthorized');
      const after = (await alice.get('/api/v1/me/tokens')).body.items.find((x: any) => x.id === created.body.id);
      expect(after.revokedAt).toEqual(expect.any(String));
      // Revoking twice: it is no longer there to revoke.
      expectError(await alice.delete(`/api/v1/me/tokens/${created.body.id}`), 404, 'not_found');
    });

    it('refuses an invalid or malformed Bearer token with 401, even on a public route', async () => {
      const api = new Client(t.base);
      api.bearer = 'td_this-is-not-a-real-token';
      expectError(await api.get('/api/v1/me'), 401, 'unauthorized');
      expectError(await api.get('/api/v1/tickets'), 401, 'unauthorized');
      const malformed = await t.anonymous().get('/api/v1/me', { authorization: 'Basic YWxpY2U6cGFzcw==' });
      expectError(malformed, 401, 'unauthorized');
      // A session cookie does not rescue a bad Authorization header.
      const alice = await t.login('alice@client-a.test');
      expectError(await alice.get('/api/v1/me', { authorization: 'Bearer td_nope' }), 401, 'unauthorized');
    });

    it('cannot revoke someone else\'s token (404), which keeps working', async () => {
      const bob = await t.login('bob@client-b.test');
      const bobs = (await bob.post('/api/v1/me/tokens', { name: 'Bob\'s token' })).body;
      const alice = await t.login('alice@client-a.test');
      expectError(await alice.delete(`/api/v1/me/tokens/${bobs.id}`), 404, 'not_found');
      expect((await alice.get('/api/v1/me/tokens')).body.items.some((x: any) => x.id === bobs.id)).toBe(false);
      const admin = await t.login('admin@demo.test');
      expectError(await admin.delete(`/api/v1/me/tokens/${bobs.id}`), 404, 'not_found');

      const api = new Client(t.base);
      api.bearer = bobs.token;
      expect((await api.get('/api/v1/me')).body.email).toBe('bob@client-b.test');
    });

    it('token creation validates the name', async () => {
      const alice = await t.login('alice@client-a.test');
      const r = await alice.post('/api/v1/me/tokens', { name: '  ' });
      expectError(r, 400, 'validation_failed');
      expect(r.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'name' })]));
    });
  });

  describe('forgotten password', () => {
    it('answers 202 for known and unknown addresses alike, and mails only the known one, in their language', async () => {
      const before = await countMail(t);
      const known = await t.anonymous().post('/api/v1/auth/password/forgot', { email: 'carol@client-c.test' });
      const unknown = await t.anonymous().post('/api/v1/auth/password/forgot', { email: 'nobody@client-c.test' });
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(202);
      expect(known.body).toEqual({ ok: true });
      expect(unknown.body).toEqual(known.body);

      expect(await countMail(t)).toBe(before + 1);
      expect(await mailTo(t, 'nobody@client-c.test')).toEqual([]);
      const [mail, ...more] = await mailTo(t, 'carol@client-c.test');
      expect(more).toEqual([]);
      // Carol's locale is 'ru'.
      expect(mail).toMatchObject({ status: 'pending', subject: 'Tierdesk: сброс пароля', attempts: 0 });
      expect(mail!.text_body).toContain('Здравствуйте, Carol Orlova');
      expect(tokenFrom(t, mail!.text_body)).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    });

    it('writes each message in the recipient\'s language, for client people and staff', async () => {
      const cases = [
        ['dmitry@client-a.test', 'Tierdesk: сброс пароля'],
        ['bob@client-b.test', 'Tierdesk: reset your password'],
        ['l1@demo.test', 'Tierdesk: сброс пароля'],
        ['l1-en@demo.test', 'Tierdesk: reset your password'],
      ] as const;
      const users = (await (await t.login('admin@demo.test')).get('/api/v1/users?limit=500')).body.items;
      for (const [email, subject] of cases) {
        const locale = users.find((u: any) => u.email === email).locale;
        expect(locale).toBe(subject.includes('reset') ? 'en' : 'ru');
        expect((await t.anonymous().post('/api/v1/auth/password/forgot', { email })).status).toBe(202);
        const rows = await mailTo(t, email);
        expect(rows).toHaveLength(1);
        expect(rows[0]!.subject).toBe(subject);
        expect(rows[0]!.text_body).toContain(locale === 'ru' ? 'Здравствуйте' : 'Hello');
        tokenFrom(t, rows[0]!.text_body);
      }
    });

    it('the outbox delivers the message as an .eml file with the link', async () => {
      const p = await freshPerson(t, { name: 'Eml Recipient' });
      await t.anonymous().post('/api/v1/auth/password/forgot', { email: p.email });
      const [row] = await mailTo(t, p.email);
      const token = tokenFrom(t, row!.text_body);

      const dir = path.join(t.dataDir, 'outbox-test');
      const sent = await deliverOutbox(t.td.app.db, fileTransport(dir), t.config.mailFrom);
      expect(sent.sent).toBeGreaterThanOrEqual(1);
      const file = path.join(dir, `${String(row!.id).padStart(8, '0')}.eml`);
      expect(fs.existsSync(file)).toBe(true);
      const eml = fs.readFileSync(file, 'utf8');
      expect(eml).toMatch(new RegExp(`^To: ${p.email.replace(/\./g, '\\.')}$`, 'm'));
      expect(eml).toMatch(/^From: Tierdesk <support@desk\.test>$/m);
      expect(eml).toMatch(/^Subject: Tierdesk: reset your password$/m);
      // The body may be quoted-printable; unfold it before looking for the link.
      const unfolded = eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      expect(unfolded).toContain(`/reset-password?token=${encodeURIComponent(token)}`);

      const after = (await mailTo(t, p.email))[0]!;
      expect(after.status).toBe('sent');
      expect(after.sent_at).toEqual(expect.any(String));
      // Nothing is sent twice.
      const again = await deliverOutbox(t.td.app.db, fileTransport(dir), t.config.mailFrom);
      expect(again).toEqual({ sent: 0, retried: 0, failed: 0, interrupted: 0 });
    });

    it('resets the password with the link once, ending every session', async () => {
      const p = await freshPerson(t);
      const session = await t.login(p.email, p.password);
      expect((await session.get('/api/v1/me')).status).toBe(200);

      await t.anonymous().post('/api/v1/auth/password/forgot', { email: p.email });
      const token = tokenFrom(t, (await mailTo(t, p.email))[0]!.text_body);

      const short = await t.anonymous().post('/api/v1/auth/password/reset', { token, password: 'short' });
      expectError(short, 400, 'validation_failed');
      expect(short.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'password' })]));
      // A refused attempt does not spend the link nor end sessions.
      expect((await session.get('/api/v1/me')).status).toBe(200);

      const ok = await t.anonymous().post('/api/v1/auth/password/reset', { token, password: NEW_PASSWORD });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ ok: true });

      expectError(await session.get('/api/v1/me'), 401, 'unauthorized');
      expectError(await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password }), 401, 'unauthorized');
      const signedIn = await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: NEW_PASSWORD });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.user.id).toBe(p.id);

      const twice = await t.anonymous().post('/api/v1/auth/password/reset', { token, password: 'yet-another-password' });
      expectError(twice, 400, 'invalid');
      expect(twice.body.details).toEqual([expect.objectContaining({ path: 'token' })]);
      expect((await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: NEW_PASSWORD })).status).toBe(200);
    });

    it('refuses an expired or made-up reset token with 400', async () => {
      const p = await freshPerson(t);
      await t.anonymous().post('/api/v1/auth/password/forgot', { email: p.email });
      const token = tokenFrom(t, (await mailTo(t, p.email))[0]!.text_body);
      await t.td.app.db
        .updateTable('password_resets')
        .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
        .where('user_id', '=', p.id)
        .execute();

      const expired = await t.anonymous().post('/api/v1/auth/password/reset', { token, password: NEW_PASSWORD });
      expectError(expired, 400, 'invalid');
      expect(expired.body.details).toEqual([expect.objectContaining({ path: 'token' })]);
      expectError(await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: NEW_PASSWORD }), 401, 'unauthorized');
      expect((await t.anonymous().post('/api/v1/auth/login', { email: p.email, password: p.password })).status).toBe(200);

      const madeUp = await t.anonymous().post('/api/v1/auth/password/reset', { token: 'x'.repeat(43), password: NEW_PASSWORD });
      expectError(madeUp, 400, 'invalid');
    });

    it('sends nothing for a deactivated person', async () => {
      const p = await freshPerson(t);
      const admin = await t.login('admin@demo.test');
      expect((await admin.patch(`/api/v1/users/${p.id}`, { active: false })).status).toBe(200);
      const r = await t.anonymous().post('/api/v1/auth/password/forgot', { email: p.email });
      expect(r.status).toBe(202);
      expect(r.body).toEqual({ ok: true });
      expect(await mailTo(t, p.email)).toEqual([]);
    });
  });
});

describe.each(DATABASES)('account lockout (%s)', (kind) => {
  const t = useTestApp(kind, { LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_MINUTES: '1' });
  const login = (email: string, password: string) => t.anonymous().post('/api/v1/auth/login', { email, password });
  const userRow = (email: string) => t.td.app.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

  it('locks the account after LOGIN_MAX_FAILURES wrong passwords, even against the right one, until the lock ends', async () => {
    const email = 'alice@client-a.test';
    for (let i = 0; i < 3; i++) expectError(await login(email, `wrong-password-${i}`), 401, 'unauthorized');
    const locked = await userRow(email);
    expect(locked.locked_until).not.toBeNull();
    expect(Date.parse(locked.locked_until!)).toBeGreaterThan(Date.now());
    expect(Date.parse(locked.locked_until!)).toBeLessThanOrEqual(Date.now() + 60_000 + 1000);

    const right = await login(email, DEMO_PASSWORD);
    expectError(right, 429, 'too_many_requests');
    expect(right.headers.get('set-cookie')).toBeNull();
    const retryAfter = Number(right.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expectError(await login(email, 'wrong-again'), 429, 'too_many_requests');

    // Other people are not affected.
    expect((await login('dmitry@client-a.test', DEMO_PASSWORD)).status).toBe(200);

    // The lock runs out (moved into the past here instead of waiting a minute).
    await t.td.app.db
      .updateTable('users')
      .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
      .where('email', '=', email)
      .execute();
    const after = await login(email, DEMO_PASSWORD);
    expect(after.status).toBe(200);
    expect(after.body.user.email).toBe(email);
    expect(await userRow(email)).toMatchObject({ failed_logins: 0, locked_until: null });
  });

  it('counts only failures in a row: a successful sign-in starts the count again', async () => {
    const email = 'bob@client-b.test';
    for (let i = 0; i < 2; i++) expectError(await login(email, 'wrong-password'), 401, 'unauthorized');
    expect((await userRow(email)).failed_logins).toBe(2);
    expect((await login(email, DEMO_PASSWORD)).status).toBe(200);
    expect((await userRow(email)).failed_logins).toBe(0);
    for (let i = 0; i < 2; i++) expectError(await login(email, 'wrong-password'), 401, 'unauthorized');
    expect((await login(email, DEMO_PASSWORD)).status).toBe(200);
    expect(await userRow(email)).toMatchObject({ failed_logins: 0, locked_until: null });
  });

  it('a password reset lifts the lock', async () => {
    const email = 'carol@client-c.test';
    for (let i = 0; i < 3; i++) await login(email, 'wrong-password');
    expectError(await login(email, DEMO_PASSWORD), 429, 'too_many_requests');
    await t.anonymous().post('/api/v1/auth/password/forgot', { email });
    const [mail] = await t.td.app.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', email).execute();
    const token = tokenFrom(t, mail!.text_body);
    expect((await t.anonymous().post('/api/v1/auth/password/reset', { token, password: NEW_PASSWORD })).status).toBe(200);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
  });
});

describe.each(DATABASES)('per-address rate limit on sign-in (%s)', (kind) => {
  const t = useTestApp(kind, { LOGIN_RATE_LIMIT_PER_MINUTE: '3' });

  it('answers 429 with Retry-After once an address has tried LOGIN_RATE_LIMIT_PER_MINUTE times, whatever the password', async () => {
    const login = (email: string, password: string) => t.anonymous().post('/api/v1/auth/login', { email, password });
    expectError(await login('nobody@nowhere.test', 'guess-1'), 401, 'unauthorized');
    expectError(await login('alice@client-a.test', 'guess-2'), 401, 'unauthorized');
    expect((await login('bob@client-b.test', DEMO_PASSWORD)).status).toBe(200);

    const limited = await login('alice@client-a.test', DEMO_PASSWORD);
    expectError(limited, 429, 'too_many_requests');
    expect(limited.headers.get('set-cookie')).toBeNull();
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The limit is per address, not per account: the account itself is not locked.
    expect((await t.td.app.db.selectFrom('users').select('locked_until').where('email', '=', 'alice@client-a.test').executeTakeFirstOrThrow()).locked_until).toBeNull();
  });

  it('limits the forgotten-password form the same way', async () => {
    for (let i = 0; i < 3; i++)
      expect((await t.anonymous().post('/api/v1/auth/password/forgot', { email: `probe${i}@nowhere.test` })).status).toBe(202);
    const limited = await t.anonymous().post('/api/v1/auth/password/forgot', { email: 'probe9@nowhere.test' });
    expectError(limited, 429, 'too_many_requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
