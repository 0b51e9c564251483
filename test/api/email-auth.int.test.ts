import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { buildMessage, sendRaw, useSmtpListener } from '../support/email.js';
import { dkimKey, memoryResolver, selfSignedCertificate, signDkim } from '../support/mail-dns.js';

/**
 * Mail that cannot be forged: SPF, DKIM and DMARC of every message through the SMTP listener, with
 * DNS answered by the test; the mailbox's policy for a known person's mail that fails them; the
 * demo's walk-in senders; STARTTLS, AUTH for relays and no open relaying.
 */

const key = dkimKey();
/**
 * client-a.test signs with DKIM and publishes DMARC p=reject; client-b.test has SPF for this
 * machine and no DMARC; client-c.test has SPF for another machine only, and no DMARC.
 */
const zone = () => ({
  'client-a.test': { TXT: [['v=spf1 -all']] },
  's1._domainkey.client-a.test': { TXT: key.txt },
  '_dmarc.client-a.test': { TXT: [['v=DMARC1; p=reject; adkim=r; aspf=r']] },
  'client-b.test': { TXT: [['v=spf1 ip4:127.0.0.1 -all']] },
  'client-c.test': { TXT: [['v=spf1 ip4:192.0.2.10 -all']] },
});

let seq = 0;
const mail = (from: string, subject: string, body = 'Please help.') => buildMessage({ from, to: 'secure@desk.test', subject, messageId: `auth${++seq}.${Date.now()}@test.local` }, body);
const latest = async (admin: Client) => (await admin.get('/api/v1/email/messages?limit=1')).body.items[0];

describe.each(DATABASES)('authentication of inbound mail (%s)', (db) => {
  const t = useTestApp(db);
  const smtp = useSmtpListener(t, { resolver: memoryResolver(zone()) });
  let admin: Client;
  let staff: Client;
  let secure: any;
  let orgs: Record<string, string>;
  const to = (from: string) => ({ from, to: ['secure@desk.test'] });

  beforeAll(async () => {
    admin = await t.login('admin@demo.test');
    staff = await t.login('l1@demo.test');
    orgs = Object.fromEntries((await admin.get('/api/v1/organizations')).body.items.map((o: any) => [o.name, o.id]));
    // A desk address with the default policy: a known person's mail that fails is held back.
    secure = (await admin.post('/api/v1/email/mailboxes', { address: 'secure@desk.test', name: 'Secure desk' })).body;
    expect(secure).toMatchObject({ authPolicy: 'quarantine', routeBySender: true });
  });

  it('accepts DKIM-signed mail of a domain with DMARC p=reject', async () => {
    const raw = await signDkim(mail('Alice Petrova <alice@client-a.test>', 'Signed printer report'), 'client-a.test', 's1', key.privateKey);
    expect(await sendRaw(smtp.port, raw, to('alice@client-a.test'))).toMatchObject({ ok: true, code: 250 });
    const m = await latest(admin);
    expect(m).toMatchObject({ status: 'created', authentication: { verdict: 'pass' }, unverifiedSender: false, from: { address: 'alice@client-a.test' } });
    expect(m.authentication.summary).toMatch(/dkim=pass .*dmarc=pass \(p=REJECT\)/);
    expect((await staff.get(`/api/v1/tickets/${m.ticketId}/emails`)).body.items[0]).toMatchObject({ unverifiedSender: false });
  });

  it('quarantines a forged From of a DMARC p=reject domain, and a signature the body no longer matches', async () => {
    expect((await sendRaw(smtp.port, mail('Alice Petrova <alice@client-a.test>', 'Urgent: change my bank details'), to('alice@client-a.test'))).code).toBe(250);
    const forged = await latest(admin);
    expect(forged).toMatchObject({ status: 'quarantined', reason: 'sender_unverified', ticketId: null, authentication: { verdict: 'fail' }, unverifiedSender: false });
    expect(forged.authentication.summary).toMatch(/spf=fail .*dmarc=fail \(p=REJECT\)/);
    expect(forged.reasonText).toMatchObject({ en: expect.stringMatching(/forged/), ru: expect.stringMatching(/подделано/) });

    const signed = (await signDkim(mail('alice@client-a.test', 'Tampered'), 'client-a.test', 's1', key.privateKey)).toString().replace('Please help.', 'Please pay.');
    expect((await sendRaw(smtp.port, signed, to('alice@client-a.test'))).code).toBe(250);
    expect(await latest(admin)).toMatchObject({ status: 'quarantined', reason: 'sender_unverified', authentication: { verdict: 'fail' } });
  });

  it('accepts an aligned SPF pass where the domain has no DMARC, and holds back an SPF fail', async () => {
    expect((await sendRaw(smtp.port, mail('Bob Smith <bob@client-b.test>', 'Till offline (SPF pass)'), to('bob@client-b.test'))).code).toBe(250);
    expect(await latest(admin)).toMatchObject({ status: 'created', authentication: { verdict: 'pass', summary: expect.stringMatching(/^spf=pass/) } });
    // The envelope passes SPF, but for another domain than the From's: not aligned.
    expect((await sendRaw(smtp.port, mail('Alice Petrova <alice@client-a.test>', 'Unaligned'), to('bob@client-b.test'))).code).toBe(250);
    expect(await latest(admin)).toMatchObject({ status: 'quarantined', reason: 'sender_unverified' });

    expect((await sendRaw(smtp.port, mail('Carol Orlova <carol@client-c.test>', 'X-ray archive (SPF fail)'), to('carol@client-c.test'))).code).toBe(250);
    const held = await latest(admin);
    expect(held).toMatchObject({ status: 'quarantined', reason: 'sender_unverified', authentication: { verdict: 'fail', summary: expect.stringMatching(/^spf=fail/) } });

    // An admin who checked with Carol takes it in; it stays marked.
    expect((await admin.post(`/api/v1/email/messages/${held.id}/reprocess`, {})).body).toMatchObject({ outcome: 'quarantined' });
    const taken = await admin.post(`/api/v1/email/messages/${held.id}/reprocess`, { acceptUnverified: true });
    expect(taken.body).toMatchObject({ outcome: 'created', message: { unverifiedSender: true } });
  });

  it('takes failing mail in as from an unverified sender where the mailbox says so, marked on the request', async () => {
    const patched = await admin.patch(`/api/v1/email/mailboxes/${secure.id}`, { authPolicy: 'accept_unverified' });
    expect(patched.body).toMatchObject({ authPolicy: 'accept_unverified' });
    expect((await sendRaw(smtp.port, mail('Carol Orlova <carol@client-c.test>', 'Monitor flickers (unverified)'), to('carol@client-c.test'))).code).toBe(250);
    const m = await latest(admin);
    expect(m).toMatchObject({ status: 'created', unverifiedSender: true, authentication: { verdict: 'fail' } });
    const emails = (await staff.get(`/api/v1/tickets/${m.ticketId}/emails`)).body.items;
    expect(emails).toEqual([expect.objectContaining({ id: m.id, unverifiedSender: true })]);
    // A reply into the request is marked on its timeline entry.
    const ticket = (await staff.get(`/api/v1/tickets/${m.ticketId}`)).body;
    const reply = buildMessage({ from: 'carol@client-c.test', to: 'secure@desk.test', subject: `Re: [${ticket.number}] Monitor flickers`, messageId: `auth-reply-${Date.now()}@client-c.test` }, 'Still flickers.');
    expect((await sendRaw(smtp.port, reply, to('carol@client-c.test'))).code).toBe(250);
    const r = await latest(admin);
    expect(r).toMatchObject({ status: 'appended', ticketId: m.ticketId, unverifiedSender: true });
    const entries = (await staff.get(`/api/v1/tickets/${m.ticketId}/emails`)).body.items;
    expect(entries.find((x: any) => x.id === r.id).entryId).toEqual(expect.any(Number));
    expect((await admin.patch(`/api/v1/email/mailboxes/${secure.id}`, { authPolicy: 'quarantine' })).body.authPolicy).toBe('quarantine');
  });

  it('lets unknown senders of a client domain in as requesters even when unverified, marked', async () => {
    expect((await sendRaw(smtp.port, mail('Nina New <nina.new@client-c.test>', 'First message from Nina'), to('nina.new@client-c.test'))).code).toBe(250);
    expect(await latest(admin)).toMatchObject({ status: 'created', organizationId: orgs['Client C Clinic'], unverifiedSender: true });
  });

  it("takes the demo's walk-in senders in as requesters of the walk-in organization, on a plan", async () => {
    const demo = (await admin.get('/api/v1/email/mailboxes')).body.items.find((x: any) => x.address === 'support@desk.test');
    expect(demo).toMatchObject({ routeBySender: true, walkInOrganizationId: orgs['Walk-in senders'], authPolicy: 'accept_unverified' });
    const walkIn = (await admin.get(`/api/v1/organizations/${orgs['Walk-in senders']}`)).body;
    expect(walkIn.planId).toEqual(expect.any(String));
    expect((await sendRaw(smtp.port, buildMessage({ from: 'Pat Walker <pat@home.example>', subject: 'Can you fix my laptop?' }, 'It does not boot.'), { from: 'pat@home.example', to: ['support@desk.test'] })).code).toBe(250);
    const m = await latest(admin);
    expect(m).toMatchObject({ status: 'created', organizationId: orgs['Walk-in senders'] });
    expect((await admin.get(`/api/v1/users/${m.personId}`)).body).toMatchObject({ email: 'pat@home.example', role: 'requester', organizationId: orgs['Walk-in senders'] });
    expect((await staff.get(`/api/v1/tickets/${m.ticketId}`)).body).toMatchObject({ subject: 'Can you fix my laptop?', organization: { id: orgs['Walk-in senders'] } });
  });

  it('refuses a walk-in organization that does not exist', async () => {
    const r = await admin.patch(`/api/v1/email/mailboxes/${secure.id}`, { walkInOrganizationId: '00000000-0000-4000-8000-000000000000' });
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid' } });
    const bad = await admin.patch(`/api/v1/email/mailboxes/${secure.id}`, { authPolicy: 'sometimes', trustedAuthservId: 'not valid!' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.path)).toEqual(expect.arrayContaining(['authPolicy', 'trustedAuthservId']));
  });
});

describe('the SMTP listener with STARTTLS and AUTH for relays', () => {
  const tls = selfSignedCertificate();
  const t = useTestApp('sqlite', { SMTP_TLS_CERT: tls.certFile, SMTP_TLS_KEY: tls.keyFile, SMTP_LISTEN_AUTH: 'relay:relay-secret-1' });
  // The relay's origin: client-b.test sends from 203.0.113.7 only.
  const smtp = useSmtpListener(t, { resolver: memoryResolver({ 'client-b.test': { TXT: [['v=spf1 ip4:203.0.113.7 -all']] } }) });
  afterAll(() => tls.remove());

  const send = async (raw: string, opts: { auth?: { user: string; pass: string }; requireTLS?: boolean; to?: string[] }) => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      requireTLS: opts.requireTLS ?? true,
      ignoreTLS: opts.requireTLS === false,
      tls: { ca: [tls.cert], servername: 'localhost' },
      auth: opts.auth,
      connectionTimeout: 10_000,
    });
    try {
      const info = await transport.sendMail({ envelope: { from: 'bob@client-b.test', to: opts.to ?? ['support@desk.test'] }, raw });
      return { ok: true, code: Number(/^(\d{3})/.exec(info.response)?.[1]), secured: true };
    } catch (err) {
      const e = err as { responseCode?: number; message: string };
      return { ok: false, code: e.responseCode ?? null, message: e.message };
    } finally {
      transport.close();
    }
  };
  const relayed = (subject: string) =>
    `Received: from mail.client-b.test (mail.client-b.test [203.0.113.7]) by mx.desk.test with ESMTPS; Wed, 25 Nov 2026 09:12:03 +0300\r\n${buildMessage({ from: 'Bob Smith <bob@client-b.test>', subject }, 'Relayed to the desk.')}`;

  it('takes mail from a relay that signed in over STARTTLS, checking SPF against the origin it names', async () => {
    const r = await send(relayed('Relayed over TLS'), { auth: { user: 'relay', pass: 'relay-secret-1' } });
    expect(r).toMatchObject({ ok: true, code: 250 });
    const admin = await t.login('admin@demo.test');
    expect((await admin.get('/api/v1/email/messages?limit=1')).body.items[0]).toMatchObject({ subject: 'Relayed over TLS', status: 'created', authentication: { verdict: 'pass', summary: expect.stringMatching(/^spf=pass/) } });
  });

  it('refuses a wrong password (535), a client that does not sign in (530), and sign-in without TLS', async () => {
    expect(await send(relayed('Wrong password'), { auth: { user: 'relay', pass: 'relay-secret-2' } })).toMatchObject({ ok: false, code: 535 });
    expect(await send(relayed('No sign-in'), {})).toMatchObject({ ok: false, code: 530 });
    const plain = await send(relayed('Sign-in in the clear'), { auth: { user: 'relay', pass: 'relay-secret-1' }, requireTLS: false });
    expect(plain.ok).toBe(false);
    const admin = await t.login('admin@demo.test');
    const subjects = (await admin.get('/api/v1/email/messages?limit=20')).body.items.map((m: any) => m.subject);
    expect(subjects).not.toEqual(expect.arrayContaining(['Wrong password']));
    expect(subjects.some((s: string) => ['Wrong password', 'No sign-in', 'Sign-in in the clear'].includes(s))).toBe(false);
  });

  it('never relays: a recipient that is no desk address gets 550, even from a relay that signed in', async () => {
    const r = await send(relayed('Relay me'), { auth: { user: 'relay', pass: 'relay-secret-1' }, to: ['victim@elsewhere.example'] });
    expect(r).toMatchObject({ ok: false, code: 550 });
  });

  it('refuses to start with only half of the certificate configured', async () => {
    const { loadConfig } = await import('../../src/core/config/config.js');
    expect(() => loadConfig({ SMTP_TLS_CERT: tls.certFile })).toThrow(/SMTP_TLS_CERT and SMTP_TLS_KEY/);
    expect(() => loadConfig({ SMTP_TLS_CERT: tls.certFile, SMTP_TLS_KEY: '/nonexistent/key.pem' })).toThrow(/SMTP_TLS_KEY: no such file/);
    expect(() => loadConfig({ SMTP_LISTEN_AUTH: 'nopassword' })).toThrow(/SMTP_LISTEN_AUTH/);
  });
});

describe('no open relay without AUTH either', () => {
  const t = useTestApp('sqlite');
  const smtp = useSmtpListener(t);
  it('answers 550 to a recipient outside the desk, and takes nothing in', async () => {
    const admin = await t.login('admin@demo.test');
    const before = (await admin.get('/api/v1/email/messages?limit=1')).body.items[0]?.id ?? null;
    expect(await sendRaw(smtp.port, buildMessage({ from: 'spammer@bulk.example', subject: 'Relay test' }, 'x'), { from: 'spammer@bulk.example', to: ['someone@gmail.example'] })).toMatchObject({ ok: false, code: 550 });
    expect((await admin.get('/api/v1/email/messages?limit=1')).body.items[0]?.id ?? null).toBe(before);
  });
});
