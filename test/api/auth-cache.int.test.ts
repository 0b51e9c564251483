import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

describe.each(DATABASES)('remembered authentications (%s)', (kind) => {
  const t = useTestApp(kind, { AUTH_CACHE_SECONDS: '60' });

  it('trusts a checked session for a while, but forgets it at sign-out', async () => {
    const alice = await t.login('alice@client-a.test');
    expect((await alice.get('/api/v1/me')).status).toBe(200);
    // Removed behind the application's back: this process still trusts what it checked.
    const userId = (await alice.get('/api/v1/me')).body.id;
    await t.td.app.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    expect((await alice.get('/api/v1/me')).status).toBe(200);
    expect((await alice.post('/api/v1/auth/logout')).status).toBe(200);
    expect((await alice.get('/api/v1/me')).status).toBe(401);
  });

  it('forgets a revoked token and a deactivated person at once', async () => {
    const l1 = await t.login('l1@demo.test');
    const token = (await l1.post('/api/v1/me/tokens', { name: 'ci' })).body;
    const api = t.anonymous();
    api.bearer = token.token;
    expect((await api.get('/api/v1/me')).status).toBe(200);
    expect((await l1.delete(`/api/v1/me/tokens/${token.id}`)).status).toBe(204);
    expect((await api.get('/api/v1/me')).status).toBe(401);

    const admin = await t.login('admin@demo.test');
    const l2 = await t.login('l2@demo.test');
    const l2id = (await l2.get('/api/v1/me')).body.id;
    expect((await l2.get('/api/v1/me')).status).toBe(200);
    expect((await admin.patch(`/api/v1/users/${l2id}`, { active: false })).status).toBe(200);
    expect((await l2.get('/api/v1/me')).status).toBe(401);
    await admin.patch(`/api/v1/users/${l2id}`, { active: true });
  });
});
