import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { diskStoreRoot } from '../../src/core/storage/stores.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { buildMessage, sendRaw, useSmtpListener } from '../support/email.js';

/** The SMTP listener's answers, duplicates, the rate limit, quarantine and re-processing, mailboxes. */

const desk = { from: 'relay@mx.desk.test', to: ['support@desk.test'] };
let seq = 0;
const mail = (from: string, subject: string, body = 'Something is broken.', extra: Parameters<typeof buildMessage>[0] extends infer H ? Partial<H> : never = {}) =>
  buildMessage({ from, subject, messageId: `t${++seq}.${Date.now()}@test.local`, ...extra }, body);

const latest = async (admin: Client) => (await admin.get('/api/v1/email/messages?limit=1')).body.items[0];

describe.each(DATABASES)('SMTP intake (%s)', (db) => {
  const clock = new ManualClock('2026-11-25T09:00:00Z');
  const t = useTestApp(db, { EMAIL_SENDER_LIMIT: '3', EMAIL_SENDER_WINDOW_MINUTES: '10', EMAIL_MAX_MESSAGE_BYTES: '65536' }, { clock });
  const smtp = useSmtpListener(t);
  let admin: Client;
  let staff: Client;
  let orgs: Record<string, string>;

  beforeAll(async () => {
    admin = await t.login('admin@demo.test');
    staff = await t.login('l1@demo.test');
    orgs = Object.fromEntries((await admin.get('/api/v1/organizations')).body.items.map((o: any) => [o.name, o.id]));
  });

  it('answers 250 only once the request is committed: it is there as soon as the answer is', async () => {
    const r = await sendRaw(smtp.port, mail('Alice Petrova <alice@client-a.test>', 'Scanner is offline', 'The scanner on the 2nd floor is offline.'), desk);
    expect(r).toMatchObject({ ok: true, code: 250 });
    const m = await latest(admin);
    expect(m).toMatchObject({ status: 'created', source: 'smtp', from: { address: 'alice@client-a.test' } });
    const ticket = (await staff.get(`/api/v1/tickets/${m.ticketId}`)).body;
    expect(ticket).toMatchObject({ channel: 'email', subject: 'Scanner is offline', requester: { email: 'alice@client-a.test' }, description: 'The scanner on the 2nd floor is offline.' });
    // Staff find the messages of a request; the client side does not see this list.
    const emails = await staff.get(`/api/v1/tickets/${m.ticketId}/emails`);
    expect(emails.body.items.map((x: any) => x.id)).toEqual([m.id]);
    expect((await (await t.login('alice@client-a.test')).get(`/api/v1/tickets/${m.ticketId}/emails`)).status).toBe(403);
  });

  it('refuses recipients that are no desk mailbox (550) and messages over the size limit (552)', async () => {
    const before = await latest(admin);
    const unknown = await sendRaw(smtp.port, mail('alice@client-a.test', 'Hello'), { from: 'alice@client-a.test', to: ['nobody@desk.test'] });
    expect(unknown).toMatchObject({ ok: false, code: 550 });
    const big = await sendRaw(smtp.port, mail('alice@client-a.test', 'Huge', 'x'.repeat(70_000)), desk);
    expect(big).toMatchObject({ ok: false, code: 552 });
    expect((await latest(admin)).id).toBe(before.id);
  });

  it('does not acknowledge a message it could not store (451), so that the relay delivers it again', async () => {
    // The disk store's folder made unwritable (a file where the folder was): whoever stores the
    // original, a reading thread or intake, fails.
    const root = diskStoreRoot(t.dataDir);
    const raw = mail('bob@client-b.test', 'Disk full test', 'Deliver me twice.');
    fs.mkdirSync(root, { recursive: true });
    fs.renameSync(root, `${root}.away`);
    fs.writeFileSync(root, '');
    try {
      expect(await sendRaw(smtp.port, raw, desk)).toMatchObject({ ok: false, code: 451 });
    } finally {
      fs.rmSync(root);
      fs.renameSync(`${root}.away`, root);
    }
    expect(await sendRaw(smtp.port, raw, desk)).toMatchObject({ ok: true, code: 250 });
    expect(await latest(admin)).toMatchObject({ status: 'created', subject: 'Disk full test' });
  });

  it('takes the same message in once, however often it is delivered', async () => {
    const raw = mail('bob@client-b.test', 'Delivered twice', 'Same message.');
    expect((await sendRaw(smtp.port, raw, desk)).code).toBe(250);
    const first = await latest(admin);
    expect((await sendRaw(smtp.port, raw, desk)).code).toBe(250);
    // The second delivery is a row of the inbound log that names the first, and changes nothing.
    const again = await latest(admin);
    expect(again).toMatchObject({ status: 'duplicate', reason: 'duplicate', detail: `#${first.id}`, ticketId: first.ticketId, reasonText: { en: expect.stringMatching(/delivered again/), ru: expect.stringMatching(/повторно/) } });
    expect(again.id).not.toBe(first.id);
    const original = await fetch(`${t.base}${again.originalUrl}`, { headers: { cookie: admin.cookie! } });
    expect(Buffer.from(await original.arrayBuffer()).toString()).toBe(raw);
    const log = (await admin.get('/api/v1/email/messages?reason=duplicate&q=delivered%20twice')).body.items;
    expect(log.map((m: any) => m.id)).toEqual([again.id]);
    const mine = await staff.get(`/api/v1/tickets?q=${encodeURIComponent('Delivered twice')}`);
    expect(mine.body.items).toHaveLength(1);
  });

  it('stops a mail storm per sender, and an admin can re-process what it held back', async () => {
    const from = 'Carol Orlova <carol@client-c.test>';
    for (let i = 1; i <= 3; i++) {
      expect((await sendRaw(smtp.port, mail(from, `Storm ${i}`), desk)).code).toBe(250);
      expect((await latest(admin)).status).toBe('created');
    }
    expect((await sendRaw(smtp.port, mail(from, 'Storm 4'), desk)).code).toBe(250);
    const held = await latest(admin);
    expect(held).toMatchObject({ status: 'quarantined', reason: 'rate_limited', ticketId: null, reasonText: { en: expect.stringMatching(/storm/), ru: expect.stringMatching(/шторм/) } });
    // Other senders are not held back.
    expect((await sendRaw(smtp.port, mail('bob@client-b.test', 'Not part of the storm'), desk)).code).toBe(250);
    expect((await latest(admin)).status).toBe('created');
    // The window moves on.
    clock.advanceMinutes(11);
    expect((await sendRaw(smtp.port, mail(from, 'Storm 5'), desk)).code).toBe(250);
    expect((await latest(admin)).status).toBe('created');

    const quarantine = (await admin.get('/api/v1/email/messages?status=quarantined&limit=200')).body.items;
    expect(quarantine.map((x: any) => x.id)).toContain(held.id);
    const again = await admin.post(`/api/v1/email/messages/${held.id}/reprocess`, {});
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'created', message: { id: held.id, status: 'created', attempts: 2 } });
    expect((await staff.get(`/api/v1/tickets/${again.body.message.ticketId}`)).body.subject).toBe('Storm 4');
    // Done is done.
    expect((await admin.post(`/api/v1/email/messages/${held.id}/reprocess`, {})).status).toBe(409);
  });

  it('refuses unknown senders where the organization says so, until an admin lets them in', async () => {
    const orgC = orgs['Client C Clinic']!;
    expect((await admin.patch(`/api/v1/organizations/${orgC}`, { unknownSenderPolicy: 'refuse' })).status).toBe(200);
    expect((await sendRaw(smtp.port, mail('Victor New <victor@client-c.test>', 'Need access to the X-ray archive'), desk)).code).toBe(250);
    const held = await latest(admin);
    expect(held).toMatchObject({ status: 'quarantined', reason: 'unknown_sender_refused' });
    expect((await admin.get('/api/v1/users?limit=500')).body.items.map((u: any) => u.email)).not.toContain('victor@client-c.test');

    const person = await admin.post('/api/v1/users', { email: 'victor@client-c.test', name: 'Victor New', role: 'requester', organizationId: orgC });
    expect(person.status).toBe(201);
    const again = await admin.post(`/api/v1/email/messages/${held.id}/reprocess`, {});
    expect(again.body.outcome).toBe('created');
    const ticket = (await staff.get(`/api/v1/tickets/${again.body.message.ticketId}`)).body;
    expect(ticket).toMatchObject({ requester: { id: person.body.id }, organization: { id: orgC } });
  });

  it('creates unknown senders of a client domain as requesters, in that client only', async () => {
    expect((await sendRaw(smtp.port, mail('"Олег Новиков" <oleg@client-a.test>', 'Не печатает принтер', 'Принтер не печатает.'), desk)).code).toBe(250);
    const m = await latest(admin);
    expect(m.status).toBe('created');
    const person = (await admin.get(`/api/v1/users/${m.personId}`)).body;
    expect(person).toMatchObject({ email: 'oleg@client-a.test', name: 'Олег Новиков', role: 'requester', organizationId: orgs['Client A Logistics'], locale: 'ru' });
  });

  it('re-processes an ignored auto-reply when an admin says a person wrote it', async () => {
    expect((await sendRaw(smtp.port, mail('alice@client-a.test', 'Automatic reply: away', 'I am away.', { headers: { 'Auto-Submitted': 'auto-replied' } }), desk)).code).toBe(250);
    const ignored = await latest(admin);
    expect(ignored).toMatchObject({ status: 'ignored', reason: 'auto_reply' });
    const same = await admin.post(`/api/v1/email/messages/${ignored.id}/reprocess`, {});
    expect(same.body).toMatchObject({ outcome: 'ignored' });
    const forced = await admin.post(`/api/v1/email/messages/${ignored.id}/reprocess`, { acceptNoise: true });
    expect(forced.body).toMatchObject({ outcome: 'created' });
  });

  it('routes a mailbox of one organization: unknown senders join it, known people stay in their own', async () => {
    const orgA = orgs['Client A Logistics']!;
    // The test's DNS vouches for nobody: this mailbox takes known people's mail in as unverified.
    const created = await admin.post('/api/v1/email/mailboxes', { address: 'Client-A@desk.test', name: 'Client A desk', organizationId: orgA, authPolicy: 'accept_unverified' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ address: 'client-a@desk.test', kind: 'smtp', organizationId: orgA, routeBySender: false, imap: null, authPolicy: 'accept_unverified' });
    const toA = { from: 'relay@mx.desk.test', to: ['client-a@desk.test'] };

    expect((await sendRaw(smtp.port, mail('Freelancer <free.lancer@gmail.example>', 'VPN for the contractor'), toA)).code).toBe(250);
    const m1 = await latest(admin);
    expect(m1).toMatchObject({ status: 'created', organizationId: orgA });
    expect((await sendRaw(smtp.port, mail('bob@client-b.test', 'Wrote to the wrong desk address'), toA)).code).toBe(250);
    const m2 = await latest(admin);
    expect(m2).toMatchObject({ status: 'created', organizationId: orgs['Client B Retail'], unverifiedSender: true });

    // Through the demo's desk address that routes by sender, the same unknown domain is a walk-in sender.
    expect((await sendRaw(smtp.port, mail('other@gmail.example', 'Hello?'), desk)).code).toBe(250);
    expect(await latest(admin)).toMatchObject({ status: 'created', organizationId: orgs['Walk-in senders'] });
    // A mailbox that routes by sender without a walk-in organization quarantines them.
    const strict = await admin.post('/api/v1/email/mailboxes', { address: 'strict@desk.test' });
    expect(strict.body).toMatchObject({ routeBySender: true, walkInOrganizationId: null, authPolicy: 'quarantine' });
    expect((await sendRaw(smtp.port, mail('third@gmail.example', 'Anyone?'), { from: 'relay@mx.desk.test', to: ['strict@desk.test'] })).code).toBe(250);
    expect(await latest(admin)).toMatchObject({ status: 'quarantined', reason: 'unknown_organization' });
    expect((await admin.delete(`/api/v1/email/mailboxes/${strict.body.id}`)).status).toBe(204);

    // An inactive mailbox takes no mail.
    expect((await admin.patch(`/api/v1/email/mailboxes/${created.body.id}`, { active: false })).body.active).toBe(false);
    expect((await sendRaw(smtp.port, mail('alice@client-a.test', 'After deactivation'), toA)).code).toBe(550);
    expect((await admin.delete(`/api/v1/email/mailboxes/${created.body.id}`)).status).toBe(204);
  });

  it('validates mailboxes and never shows an IMAP password', async () => {
    const imap = { host: 'imap.client-b.test', port: 993, secure: true, user: 'desk', password: 's3cret-password', folder: 'INBOX', doneAction: 'flag' };
    const ok = await admin.post('/api/v1/email/mailboxes', { address: 'imap-b@desk.test', organizationId: orgs['Client B Retail'], imap, active: false });
    expect(ok.status).toBe(201);
    expect(ok.body.imap).toMatchObject({ host: 'imap.client-b.test', user: 'desk', hasPassword: true, doneAction: 'flag' });
    expect(JSON.stringify(ok.body)).not.toContain('s3cret');
    const list = await admin.get('/api/v1/email/mailboxes');
    expect(JSON.stringify(list.body)).not.toContain('s3cret');
    expect(list.body.items.map((m: any) => m.address)).toEqual(expect.arrayContaining(['support@desk.test', 'imap-b@desk.test']));
    // A patch without the password keeps it.
    const patched = await admin.patch(`/api/v1/email/mailboxes/${ok.body.id}`, { imap: { ...imap, password: undefined, folder: 'Support' } });
    expect(patched.body.imap).toMatchObject({ folder: 'Support', hasPassword: true });

    const bad: [object, string][] = [
      [{ address: 'not an address' }, 'address'],
      [{ address: 'x@desk.test', imap: { ...imap, password: undefined } }, 'imap.password'],
      [{ address: 'x@desk.test', imap: { ...imap, doneAction: 'move' } }, 'imap.moveTo'],
      [{ address: 'x@desk.test', imap: { ...imap, port: 70000 } }, 'imap.port'],
      [{ address: 'x@desk.test', imap: { ...imap, host: 'bad host!' } }, 'imap.host'],
      [{ address: 'x@desk.test', organizationId: 'not-a-uuid' }, 'organizationId'],
    ];
    for (const [body, field] of bad) {
      const r = await admin.post('/api/v1/email/mailboxes', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.details.map((d: any) => d.path)).toContain(field);
    }
    const noOrg = await admin.post('/api/v1/email/mailboxes', { address: 'x@desk.test', organizationId: '00000000-0000-4000-8000-000000000000' });
    expect(noOrg).toMatchObject({ status: 400, body: { error: 'invalid' } });
    const taken = await admin.post('/api/v1/email/mailboxes', { address: 'SUPPORT@desk.test' });
    expect(taken).toMatchObject({ status: 409, body: { error: 'already_exists' } });
  });
});

describe('who may use the e-mail administration', () => {
  const t = useTestApp('sqlite');
  const smtp = useSmtpListener(t);
  let linked: any;
  let held: any;

  beforeAll(async () => {
    const admin = await t.login('admin@demo.test');
    await sendRaw(smtp.port, mail('alice@client-a.test', 'Linked to a request'), desk);
    linked = await latest(admin);
    // Staff never open a request by e-mail: held back.
    await sendRaw(smtp.port, mail('l1@demo.test', 'Held back'), desk);
    held = await latest(admin);
    expect(held).toMatchObject({ status: 'quarantined', reason: 'staff_sender' });
  });

  const ADMIN_ONLY: [string, string, (ids: { linked: string; held: string; mailbox: string }) => string, unknown?][] = [
    ['GET', 'list mailboxes', () => '/api/v1/email/mailboxes'],
    ['POST', 'create a mailbox', () => '/api/v1/email/mailboxes', { address: 'new@desk.test' }],
    ['GET', 'read a mailbox', (i) => `/api/v1/email/mailboxes/${i.mailbox}`],
    ['PATCH', 'change a mailbox', (i) => `/api/v1/email/mailboxes/${i.mailbox}`, { name: 'Hijacked', authPolicy: 'accept_unverified', trustedAuthservId: 'mx.evil.example' }],
    ['DELETE', 'delete a mailbox', (i) => `/api/v1/email/mailboxes/${i.mailbox}`],
    ['GET', 'list the quarantine', () => '/api/v1/email/messages?status=quarantined'],
    ['POST', 're-process', (i) => `/api/v1/email/messages/${i.held}/reprocess`, {}],
    ['GET', 'list failing addresses', () => '/api/v1/email/failing-addresses'],
    ['DELETE', 'clear a failing address', () => '/api/v1/email/failing-addresses/gone%40client-c.test'],
  ];

  it.each(['l1@demo.test', 'manager@demo.test', 'alice@client-a.test', 'it@client-a.test'])('refuses %s everything only admins may do', async (who) => {
    const c = await t.login(who);
    const admin = await t.login('admin@demo.test');
    const mailbox = (await admin.get('/api/v1/email/mailboxes')).body.items[0].id;
    for (const [method, what, path, body] of ADMIN_ONLY) {
      const r = await c.request(method, path({ linked: linked.id, held: held.id, mailbox }), body);
      expect(r.status, what).toBe(403);
    }
    expect((await admin.get(`/api/v1/email/mailboxes/${mailbox}`)).body.name).not.toBe('Hijacked');
  });

  it('refuses anonymous callers', async () => {
    const c = t.anonymous();
    for (const [method, what, path, body] of ADMIN_ONLY) expect((await c.request(method, path({ linked: linked.id, held: held.id, mailbox: 'x' }), body)).status, what).toBe(401);
    expect((await c.get(`/api/v1/email/messages/${linked.id}/original`)).status).toBe(401);
  });

  it('shows a message and its original to staff when it belongs to a request, to admins always, to clients never', async () => {
    const cases: [string, string, number][] = [
      ['l1@demo.test', linked.id, 200],
      ['l1@demo.test', held.id, 404],
      ['admin@demo.test', held.id, 200],
      ['alice@client-a.test', linked.id, 404],
      ['it@client-a.test', linked.id, 404],
      ['bob@client-b.test', linked.id, 404],
    ];
    for (const [who, id, status] of cases) {
      const c = await t.login(who);
      expect((await c.get(`/api/v1/email/messages/${id}`)).status, `${who} ${id}`).toBe(status);
      const original = await c.get(`/api/v1/email/messages/${id}/original`);
      expect(original.status, `${who} original`).toBe(status);
      if (status === 200) {
        // Downloaded, never shown on the app's origin.
        expect(original.headers.get('content-type')).toBe('message/rfc822');
        expect(original.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''message-${id}.eml`);
        expect(original.headers.get('x-content-type-options')).toBe('nosniff');
        expect(original.headers.get('content-security-policy')).toMatch(/^default-src 'none'.*sandbox$/);
      }
    }
  });
});
