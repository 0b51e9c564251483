import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';
import { useSlapd } from '../support/slapd.js';

const SUFFIX = 'dc=client-c,dc=test';
const people = `ou=people,${SUFFIX}`;
const MANAGERS = `cn=it-managers,ou=groups,${SUFFIX}`;

const person = (uid: string, cn: string, attrs: string) => `dn: uid=${uid},${people}
objectClass: inetOrgPerson
uid: ${uid}
cn: ${cn}
sn: ${cn.split(' ').pop()}
${attrs}
`;

const LDIF = [
  `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
dc: client-c
o: Client C Clinic
`,
  `dn: ${people}
objectClass: organizationalUnit
ou: people
`,
  `dn: ou=groups,${SUFFIX}
objectClass: organizationalUnit
ou: groups
`,
  `dn: ou=services,${SUFFIX}
objectClass: organizationalUnit
ou: services
`,
  `dn: cn=tierdesk,ou=services,${SUFFIX}
objectClass: inetOrgPerson
cn: tierdesk
sn: Service
userPassword: service-password
`,
  person('carol', 'Carol Orlova-Smirnova', 'mail: carol@client-c.test\ntelephoneNumber: +7 916 222-00-03\npreferredLanguage: ru\nuserPassword: carol-ldap-pass'),
  person('dan', 'Dan Petrov', 'mail: Dan@Client-C.test\ntelephoneNumber: +7 916 333-00-01\npreferredLanguage: en-GB\nuserPassword: dan-ldap-pass'),
  person('eve', 'Eve Managerova', 'mail: eve@client-c.test\nuserPassword: eve-ldap-pass'),
  person('mallory', 'Mallory Outsider', 'mail: mallory@client-a.test\nuserPassword: mallory-pass'),
  person('noaddr', 'No Address', 'telephoneNumber: +7 916 444-00-01'),
  `dn: ${MANAGERS}
objectClass: groupOfNames
cn: it-managers
member: uid=eve,${people}
`,
].join('\n');

/** Directory sync from LDAP and LDAP sign-in, against a real OpenLDAP (a private slapd). */
describe.each(DATABASES)('directory sync from LDAP (%s)', (kind) => {
  const t = useTestApp(kind);
  const ldap = useSlapd(SUFFIX, LDIF);

  const orgId = async (name: string) =>
    (await t.td.app.db.selectFrom('organizations').select('id').where('name', 'like', `${name}%`).executeTakeFirstOrThrow()).id;
  const user = (email: string) => t.td.app.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  const config = (extra: Record<string, unknown> = {}) => ({
    url: ldap.url,
    bindDn: `cn=tierdesk,ou=services,${SUFFIX}`,
    bindPassword: 'service-password',
    baseDn: people,
    filter: '(objectClass=inetOrgPerson)',
    attributes: { name: 'cn', email: 'mail', phone: 'telephoneNumber', locale: 'preferredLanguage' },
    managerGroupDn: MANAGERS,
    intervalMinutes: 60,
    ldapSignIn: false,
    ...extra,
  });
  const withoutPassword = (extra: Record<string, unknown> = {}) => {
    const { bindPassword: _p, ...rest } = config(extra);
    return rest;
  };
  const byAction = (changes: { action: string; email: string }[], action: string) =>
    changes.filter((c) => c.action === action).map((c) => c.email).sort();

  it("only provider admins configure a directory, sync it or read its reports", async () => {
    const c = await orgId('Client C');
    const a = await orgId('Client A');
    for (const who of ['it@client-c.test', 'carol@client-c.test', 'it@client-a.test', 'l1@demo.test', 'manager@demo.test']) {
      const client = await t.login(who);
      for (const org of [c, a]) {
        const base = `/api/v1/organizations/${org}/directory`;
        expect((await client.get(base)).status, `${who} GET ${base}`).toBe(403);
        expect((await client.put(base, config())).status).toBe(403);
        expect((await client.delete(base)).status).toBe(403);
        expect((await client.post(`${base}/sync`, { dryRun: true })).status).toBe(403);
        expect((await client.get(`${base}/runs`)).status).toBe(403);
      }
    }
    expect((await t.anonymous().get(`/api/v1/organizations/${c}/directory/runs`)).status).toBe(401);
    const admin = await t.login('admin@demo.test');
    expect((await admin.get(`/api/v1/organizations/${c}/directory`)).status).toBe(404);
    expect((await admin.post(`/api/v1/organizations/${c}/directory/sync`, {})).status).toBe(404);
    const bad = await admin.put(`/api/v1/organizations/${c}/directory`, config({ url: 'http://ldap.example.com' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation_failed');
    const noPassword = await admin.put(`/api/v1/organizations/${c}/directory`, withoutPassword());
    expect(noPassword.status).toBe(400);
    expect(JSON.stringify(noPassword.body.details)).toContain('bindPassword');
  });

  it('a dry run reports what a sync would change and changes nothing', async () => {
    const admin = await t.login('admin@demo.test');
    const c = await orgId('Client C');
    const put = await admin.put(`/api/v1/organizations/${c}/directory`, config());
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ organizationId: c, hasBindPassword: true, managerGroupDn: MANAGERS, ldapSignIn: false, enabled: true });
    expect(JSON.stringify(put.body)).not.toContain('service-password');
    // Stored sealed with the application's key (and opened for the bind below).
    const stored = await t.td.app.db.selectFrom('directory_sources').select('bind_secret').where('organization_id', '=', c).executeTakeFirstOrThrow();
    expect(stored.bind_secret).toMatch(new RegExp(`^v1:${t.td.app.secrets.key.id}:`));
    expect(stored.bind_secret).not.toContain('service-password');
    const carolBefore = await user('carol@client-c.test');

    const dry = await admin.post(`/api/v1/organizations/${c}/directory/sync`, { dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, status: 'ok', trigger: 'manual', created: 2, updated: 1, deactivated: 0, skipped: 2 });
    expect(byAction(dry.body.changes, 'create')).toEqual(['dan@client-c.test', 'eve@client-c.test']);
    expect(dry.body.changes.find((x: any) => x.action === 'update')).toMatchObject({ email: 'carol@client-c.test', fields: ['name', 'phone'] });
    expect(dry.body.changes.filter((x: any) => x.action === 'skip').map((x: any) => x.reason).sort()).toEqual(['foreign_domain', 'no_email']);

    expect(await user('dan@client-c.test')).toBeUndefined();
    expect(await user('carol@client-c.test')).toEqual(carolBefore);
    expect(await t.td.app.db.selectFrom('directory_people').selectAll().execute()).toEqual([]);
    const runs = await admin.get(`/api/v1/organizations/${c}/directory/runs`);
    expect(runs.body.items).toHaveLength(1);
  });

  it('the scheduled sync creates and updates people in the organization, never in another one', async () => {
    const admin = await t.login('admin@demo.test');
    const c = await orgId('Client C');
    await t.fireAllTimers();
    const runs = (await admin.get(`/api/v1/organizations/${c}/directory/runs`)).body.items;
    expect(runs[0]).toMatchObject({ trigger: 'schedule', dryRun: false, status: 'ok', created: 2, updated: 1, deactivated: 0, skipped: 2 });
    expect(await user('dan@client-c.test')).toMatchObject({ name: 'Dan Petrov', role: 'requester', organization_id: c, phone: '+79163330001', locale: 'en', active: 1 });
    expect(await user('eve@client-c.test')).toMatchObject({ role: 'client_manager', organization_id: c });
    expect(await user('carol@client-c.test')).toMatchObject({ name: 'Carol Orlova-Smirnova', phone: '+79162220003', role: 'requester' });
    expect(await user('mallory@client-a.test')).toBeUndefined();
    // The next run is set, an interval later.
    const cfg = (await admin.get(`/api/v1/organizations/${c}/directory`)).body;
    expect(Date.parse(cfg.nextSyncAt) - Date.now()).toBeGreaterThan(55 * 60_000);
    // Nothing changed since: a second sync changes nothing.
    const again = await admin.post(`/api/v1/organizations/${c}/directory/sync`, {});
    expect(again.body).toMatchObject({ created: 0, updated: 0, deactivated: 0 });
  });

  it('LDAP sign-in, when turned on, binds as the person with their directory password', async () => {
    const admin = await t.login('admin@demo.test');
    const c = await orgId('Client C');
    // Before: the local password applies.
    expect((await t.anonymous().post('/api/v1/auth/login', { email: 'carol@client-c.test', password: DEMO_PASSWORD })).status).toBe(200);
    expect((await admin.put(`/api/v1/organizations/${c}/directory`, withoutPassword({ ldapSignIn: true }))).body).toMatchObject({ ldapSignIn: true, hasBindPassword: true });
    const login = (email: string, password: string) => t.anonymous().post('/api/v1/auth/login', { email, password });
    expect((await login('dan@client-c.test', 'dan-ldap-pass')).status).toBe(200);
    expect((await login('dan@client-c.test', 'wrong-password')).status).toBe(401);
    expect((await login('carol@client-c.test', 'carol-ldap-pass')).status).toBe(200);
    expect((await login('carol@client-c.test', DEMO_PASSWORD)).status).toBe(401);
    // Someone of the organization who is not in the directory cannot sign in with it.
    expect((await login('it@client-c.test', DEMO_PASSWORD)).status).toBe(401);
    // Other organizations keep their local passwords.
    expect((await login('alice@client-a.test', DEMO_PASSWORD)).status).toBe(200);
  });

  it('applies an update made in the directory', async () => {
    const admin = await t.login('admin@demo.test');
    const c = await orgId('Client C');
    ldap.modify(`dn: uid=dan,${people}
changetype: modify
replace: cn
cn: Daniel Petrov
-
replace: preferredLanguage
preferredLanguage: ru

dn: ${MANAGERS}
changetype: modify
replace: member
member: uid=dan,${people}
`);
    const r = await admin.post(`/api/v1/organizations/${c}/directory/sync`, {});
    expect(r.body).toMatchObject({ status: 'ok', created: 0, updated: 2, deactivated: 0 });
    expect(await user('dan@client-c.test')).toMatchObject({ name: 'Daniel Petrov', locale: 'ru', role: 'client_manager' });
    expect(await user('eve@client-c.test')).toMatchObject({ role: 'requester' });
  });

  it('deactivates a person removed from the directory, keeping their requests; a dry run first only reports it', async () => {
    const admin = await t.login('admin@demo.test');
    const c = await orgId('Client C');
    const dan = await t.login('dan@client-c.test', 'dan-ldap-pass');
    const ticket = await dan.post('/api/v1/tickets', { subject: 'Printer jam', description: 'The printer on floor 2 jams.' });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);

    ldap.modify(`dn: uid=dan,${people}
changetype: delete
`);
    const dry = await admin.post(`/api/v1/organizations/${c}/directory/sync`, { dryRun: true });
    expect(dry.body).toMatchObject({ dryRun: true, deactivated: 1 });
    expect(byAction(dry.body.changes, 'deactivate')).toEqual(['dan@client-c.test']);
    expect(await user('dan@client-c.test')).toMatchObject({ active: 1 });
    expect((await dan.get('/api/v1/me')).status).toBe(200);

    const real = await admin.post(`/api/v1/organizations/${c}/directory/sync`, {});
    expect(real.body).toMatchObject({ dryRun: false, deactivated: 1, created: 0 });
    expect(await user('dan@client-c.test')).toMatchObject({ active: 0 });
    expect((await dan.get('/api/v1/me')).status).toBe(401);
    expect((await t.anonymous().post('/api/v1/auth/login', { email: 'dan@client-c.test', password: 'dan-ldap-pass' })).status).toBe(401);
    // Never deleted: the request stays, with its requester.
    const kept = await admin.get(`/api/v1/tickets/${ticket.body.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.subject).toBe('Printer jam');
    // People the directory never brought in are left alone.
    expect(await user('it@client-c.test')).toMatchObject({ active: 1 });
  });

  it('a directory that cannot be read is reported as failed and deactivates no one', async () => {
    const admin = await t.login('admin@demo.test');
    const c = await orgId('Client C');
    expect((await admin.put(`/api/v1/organizations/${c}/directory`, config({ bindPassword: 'wrong-service-password' }))).status).toBe(200);
    const r = await admin.post(`/api/v1/organizations/${c}/directory/sync`, {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'failed', created: 0, updated: 0, deactivated: 0 });
    expect(r.body.error).toMatch(/credentials/i);
    expect(await user('eve@client-c.test')).toMatchObject({ active: 1 });
    expect(await user('carol@client-c.test')).toMatchObject({ active: 1 });
    expect((await admin.delete(`/api/v1/organizations/${c}/directory`)).status).toBe(204);
    expect((await admin.get(`/api/v1/organizations/${c}/directory`)).status).toBe(404);
  });
});
