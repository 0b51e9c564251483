import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { createSmsDelivery } from '../../src/modules/channels/sms/index.js';
import { useTestApp, type TestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { kannelGet, twilioPost, useFakeTwilio } from '../support/sms.js';

const ALICE = '+79161110001';
const IT_A = '+79161110002';
const BOB = '+447911123456';
const CAROL = '+79161110003';
const TOKEN = 'twilio-auth-token-0123456789';

const smsRows = (t: TestApp) => t.td.app.db.selectFrom('sms_messages').selectAll().orderBy('id').execute();
const lastSms = async (t: TestApp) => (await smsRows(t)).at(-1)!;
const ticket = (t: TestApp, id: string) => t.td.app.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const entries = (t: TestApp, ticketId: string) =>
  t.td.app.db.selectFrom('timeline_entries').selectAll().where('ticket_id', '=', ticketId).where('kind', 'in', ['reply', 'note']).orderBy('id').execute();
const count = async (t: TestApp, table: 'tickets' | 'sms_messages') => Number((await t.td.app.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const userByEmail = (t: TestApp, email: string) => t.td.app.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

describe.each(DATABASES)('the SMS channel (%s)', (db) => {
  const clock = new ManualClock('2026-11-26T08:00:00.000Z');
  const t = useTestApp(db, { PUBLIC_URL: 'http://desk.example.test', SMS_SENDER_LIMIT: '6' }, { clock });
  const twilioApi = useFakeTwilio();
  let admin: Client;
  let kannel: { id: string; secret: string };
  let twilio: { id: string };
  let holdingOrgId: string;
  const twilioIn = (params: Record<string, string>, token: string | null = TOKEN, signature?: string) => twilioPost(t, `/api/v1/sms/twilio/${twilio.id}/incoming`, params, token, signature);
  let sid = 0;
  const fromTwilio = (from: string, body: string) => twilioIn({ MessageSid: `SMin${++sid}`, AccountSid: 'AC0123456789', From: from, To: '+79000000000', Body: body, NumSegments: '1' });
  const fromKannel = (from: string, text: string) => kannelGet(t, kannel.id, kannel.secret, { from, text, id: `k-${++sid}` });
  // Past the threading window: an SMS without a number then opens a new request (the demo people have recent ones).
  // Sessions expire meanwhile: the admin signs in again.
  const nextDay = async () => {
    clock.advance(25 * 3_600_000);
    admin = await t.login('admin@demo.test');
  };

  beforeAll(async () => {
    admin = await t.login('admin@demo.test');
    const org = await admin.post('/api/v1/organizations', { name: 'SMS senders to identify' });
    expect(org.status).toBe(201);
    holdingOrgId = org.body.id;
    const k = await admin.post('/api/v1/sms/gateways', { name: 'Kannel', kind: 'kannel', unknownSenderPolicy: 'refuse' });
    expect(k.status).toBe(201);
    kannel = { id: k.body.id, secret: k.body.secret };
    const tw = await admin.post('/api/v1/sms/gateways', {
      name: 'Twilio',
      kind: 'twilio',
      secret: TOKEN,
      fromNumber: '+79000000000',
      twilio: { apiBaseUrl: twilioApi.url, accountSid: 'AC0123456789' },
      unknownSenderPolicy: 'create',
      organizationId: holdingOrgId,
    });
    expect(tw.status).toBe(201);
    twilio = { id: tw.body.id };
  });

  it('lets only admins manage gateways, and never shows a secret after creation', async () => {
    expect(kannel.secret.length).toBeGreaterThanOrEqual(32);
    const list = await admin.get('/api/v1/sms/gateways');
    expect(list.status).toBe(200);
    expect(list.body.items.map((g: any) => g.name)).toEqual(['Kannel', 'Twilio']);
    const shown = JSON.stringify(list.body) + JSON.stringify((await admin.get(`/api/v1/sms/gateways/${twilio.id}`)).body);
    expect(shown).not.toContain(kannel.secret);
    expect(shown).not.toContain(TOKEN);
    expect(list.body.items[0]).toMatchObject({ hasSecret: true, kannel: null, urls: { incoming: expect.stringContaining(`/api/v1/sms/kannel/${kannel.id}/incoming?secret=%3Csecret%3E&from=%p`) } });
    // A Twilio-style gateway's token is the admin's own input: not echoed either.
    const created = await admin.post('/api/v1/sms/gateways', { name: 'Spare', kind: 'kannel', kannel: { sendsmsUrl: 'http://127.0.0.1:1/cgi-bin/sendsms', username: 'td', password: 'sendsms-password' }, active: false });
    expect(created.status).toBe(201);
    expect(JSON.stringify((await admin.get(`/api/v1/sms/gateways/${created.body.id}`)).body)).not.toContain('sendsms-password');
    expect((await admin.get(`/api/v1/sms/gateways/${created.body.id}`)).body.kannel).toEqual({ sendsmsUrl: 'http://127.0.0.1:1/cgi-bin/sendsms', username: 'td', hasPassword: true });
    expect((await admin.patch(`/api/v1/sms/gateways/${created.body.id}`, { name: 'Spare 2' })).body.kannel.hasPassword).toBe(true);

    for (const who of ['l1@demo.test', 'manager@demo.test', 'alice@client-a.test', 'it@client-b.test']) {
      const c = await t.login(who);
      expect((await c.get('/api/v1/sms/gateways')).status, who).toBe(403);
      expect((await c.post('/api/v1/sms/gateways', { name: 'Mine', kind: 'kannel' })).status, who).toBe(403);
      expect((await c.patch(`/api/v1/sms/gateways/${kannel.id}`, { active: false })).status, who).toBe(403);
      expect((await c.delete(`/api/v1/sms/gateways/${created.body.id}`)).status, who).toBe(403);
      expect((await c.post(`/api/v1/sms/gateways/${created.body.id}/secret`)).status, who).toBe(403);
      expect((await c.get('/api/v1/sms/messages')).status, who).toBe(403);
    }
    expect((await t.anonymous().get('/api/v1/sms/gateways')).status).toBe(401);
    // A new Kannel secret, made by the server and shown once; the old one stops working at once.
    const rotated = await admin.post(`/api/v1/sms/gateways/${created.body.id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^[\w-]{32,}$/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(JSON.stringify((await admin.get(`/api/v1/sms/gateways/${created.body.id}`)).body)).not.toContain(rotated.body.secret);
    expect((await admin.post(`/api/v1/sms/gateways/${twilio.id}/secret`)).status).toBe(409);
    expect((await admin.delete(`/api/v1/sms/gateways/${created.body.id}`)).status).toBe(204);
  });

  it('names the field of an invalid gateway', async () => {
    const cases: [unknown, string][] = [
      [{ kind: 'kannel' }, 'name'],
      [{ name: 'X', kind: 'smpp' }, 'kind'],
      [{ name: 'X', kind: 'kannel', kannel: { sendsmsUrl: 'ftp://host/x', username: 'u', password: 'p' } }, 'kannel.sendsmsUrl'],
      [{ name: 'X', kind: 'kannel', secret: 'short' }, 'secret'],
      [{ name: 'X', kind: 'kannel', unknownSenderPolicy: 'maybe' }, 'unknownSenderPolicy'],
      [{ name: 'X', kind: 'kannel', fromNumber: 'Far too long a sender' }, 'fromNumber'],
      [{ name: 'X', kind: 'twilio' }, 'secret'],
      [{ name: 'X', kind: 'kannel', unknownSenderPolicy: 'create' }, 'organizationId'],
      [{ name: 'X', kind: 'kannel', twilio: { apiBaseUrl: 'https://api.example', accountSid: 'AC0123456789' } }, 'twilio'],
      [{ name: 'X', kind: 'kannel', kannel: { sendsmsUrl: 'http://h/cgi-bin/sendsms', username: 'u' } }, 'kannel.password'],
      [{ name: 'X', kind: 'kannel', unknownSenderPolicy: 'create', organizationId: '00000000-0000-4000-8000-000000000000' }, 'organizationId'],
      [{ name: 'X', kind: 'kannel', surprise: 1 }, ''],
    ];
    for (const [body, field] of cases) {
      const r = await admin.post('/api/v1/sms/gateways', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.details?.map((d: any) => d.path) ?? [], JSON.stringify(body)).toContain(field);
    }
    expect((await admin.post('/api/v1/sms/gateways', { name: 'Kannel', kind: 'kannel' })).status).toBe(409);
    expect((await admin.patch(`/api/v1/sms/gateways/${kannel.id}`, { kind: 'twilio' })).body.details[0].path).toBe('kind');
  });

  it('refuses Kannel calls without the right secret, and stores nothing', async () => {
    const before = [await count(t, 'sms_messages'), await count(t, 'tickets')];
    const missing = await kannelGet(t, kannel.id, null, { from: ALICE, text: 'hello' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: 'unauthorized' });
    for (const [id, secret] of [[kannel.id, 'wrong-secret'], [kannel.id, `${kannel.secret}x`], [twilio.id, TOKEN], ['no-such-gateway', kannel.secret]]) {
      const r = await kannelGet(t, id!, secret!, { from: ALICE, text: 'hello' });
      expect(r.status).toBe(403);
      expect(await r.json()).toMatchObject({ error: 'forbidden' });
    }
    expect([await count(t, 'sms_messages'), await count(t, 'tickets')]).toEqual(before);
  });

  it('opens a request for a known mobile, then adds to it while it is recent, then opens a new one', async () => {
    await nextDay();
    const r = await fromKannel(ALICE, 'Не работает принтер на третьем этаже, горит красная лампочка');
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('');
    const first = await lastSms(t);
    expect(first).toMatchObject({ direction: 'in', status: 'created', from_number: ALICE, coding: 'ucs2', parts: 1, gateway_id: kannel.id });
    const alice = await userByEmail(t, 'alice@client-a.test');
    const req = await ticket(t, first.ticket_id!);
    expect(req).toMatchObject({ channel: 'sms', requester_id: alice.id, organization_id: alice.organization_id, description: 'Не работает принтер на третьем этаже, горит красная лампочка' });
    expect(req.subject.startsWith('Не работает принтер')).toBe(true);
    expect(req.subject.length).toBeLessThanOrEqual(60);

    clock.advance(3 * 3_600_000);
    await fromKannel(ALICE, 'Уже и вторая лампочка горит');
    expect(await lastSms(t)).toMatchObject({ status: 'appended', ticket_id: req.id });
    expect((await entries(t, req.id)).map((e) => [e.kind, e.author_id, e.body])).toEqual([['reply', alice.id, 'Уже и вторая лампочка горит']]);

    clock.advance(25 * 3_600_000);
    await fromKannel(ALICE, 'Other thing: the VPN');
    const later = await lastSms(t);
    expect(later.status).toBe('created');
    expect(later.ticket_id).not.toBe(req.id);
  });

  it("takes Kannel's post-url form too: the text as the body, the numbers in X-Kannel headers", async () => {
    await nextDay();
    const post = (body: Buffer | string, headers: Record<string, string>) =>
      fetch(`${t.base}/api/v1/sms/kannel/${kannel.id}/incoming?secret=${kannel.secret}`, { method: 'POST', headers: { 'x-kannel-to': '+79000000000', ...headers }, body });
    const utf8 = await post('Сканер на втором этаже не сканирует', { 'content-type': 'text/plain; charset=UTF-8', 'x-kannel-from': '+79161110003' });
    expect(utf8.status).toBe(200);
    expect(await utf8.text()).toBe('');
    const first = await lastSms(t);
    expect(first).toMatchObject({ text: 'Сканер на втором этаже не сканирует', from_number: '+79161110003', status: 'created' });
    expect(await ticket(t, first.ticket_id!)).toMatchObject({ channel: 'sms', requester_id: (await userByEmail(t, 'carol@client-c.test')).id });

    // UCS-2 as smsbox posts it: big-endian UTF-16 bytes; it joins the request just opened.
    const ucs2 = Buffer.from('Уже работает, спасибо', 'utf16le').swap16();
    const second = await post(ucs2, { 'content-type': 'text/plain; charset=UTF-16BE', 'x-kannel-from': '+79161110003', 'x-kannel-coding': '2' });
    expect(second.status).toBe(200);
    expect(await lastSms(t)).toMatchObject({ text: 'Уже работает, спасибо', status: 'appended', ticket_id: first.ticket_id });

    // The secret is checked on this form as on the other.
    const forged = await fetch(`${t.base}/api/v1/sms/kannel/${kannel.id}/incoming?secret=wrong-secret`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-kannel-from': ALICE }, body: 'hello' });
    expect(forged.status).toBe(403);
  });

  it('reads a UCS-2 SMS from the raw bytes smsbox sends, and names the wrong field of a delivery report', async () => {
    await nextDay();
    const ucs2 = [...Buffer.from('Привет, мир!', 'utf16le').swap16()].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const r = await fetch(`${t.base}/api/v1/sms/kannel/${kannel.id}/incoming?secret=${kannel.secret}&from=%2B79161110003&to=%2B79000000000&text=${ucs2}&coding=2&charset=UTF-16BE&id=raw-1`);
    expect(r.status).toBe(200);
    expect(await lastSms(t)).toMatchObject({ text: 'Привет, мир!', coding: 'ucs2', external_id: 'raw-1', status: 'created' });
    const dlr = (q: string) => fetch(`${t.base}/api/v1/sms/kannel/${kannel.id}/dlr?secret=${kannel.secret}&${q}`);
    const noOutbox = await dlr('type=1');
    expect(noOutbox.status).toBe(400);
    expect(((await noOutbox.json()) as { details: { path: string }[] }).details[0]!.path).toBe('outbox');
    expect(((await (await dlr('outbox=1&type=3')).json()) as { details: { path: string }[] }).details[0]!.path).toBe('type');
    expect((await fetch(`${t.base}/api/v1/sms/kannel/${kannel.id}/dlr?secret=nope&outbox=1&type=1`)).status).toBe(403);
  });

  it('adds a message to the request it quotes, of the sender\'s organization only', async () => {
    await nextDay();
    await fromKannel(ALICE, 'Monitor flickers');
    const older = (await lastSms(t)).ticket_id!;
    await nextDay();
    await fromKannel(ALICE, 'Keyboard missing keys');
    const newer = (await lastSms(t)).ticket_id!;
    expect(newer).not.toBe(older);
    const olderNumber = (await ticket(t, older)).number;
    // Would go to the most recent one; the number says otherwise, in either form.
    await fromKannel(ALICE, `TD-${String(olderNumber).padStart(6, '0')} it flickers more now`);
    expect(await lastSms(t)).toMatchObject({ status: 'appended', ticket_id: older });
    await fromKannel(ALICE, `#${olderNumber} and it smells`);
    expect(await lastSms(t)).toMatchObject({ status: 'appended', ticket_id: older });
    // Her IT manager (same organization) adds to her request: public, as the manager.
    await fromKannel(IT_A, `TD-${olderNumber}: replaced the cable`);
    expect(await lastSms(t)).toMatchObject({ status: 'appended', ticket_id: older });

    // Bob (another company) quoting Alice's request gets a request of his own.
    await fromKannel(BOB, `TD-${olderNumber} my printer is broken too`);
    const bobs = await lastSms(t);
    expect(bobs.status).toBe('created');
    expect(bobs.ticket_id).not.toBe(older);
    expect((await ticket(t, bobs.ticket_id!)).organization_id).toBe((await userByEmail(t, 'bob@client-b.test')).organization_id);
    expect((await entries(t, older)).map((e) => e.body).join('\n')).not.toContain('my printer is broken too');
  });

  it('verifies Twilio-style signatures, answers with empty TwiML and takes a replayed MessageSid once', async () => {
    await nextDay();
    const params = { MessageSid: 'SMreplay0001', AccountSid: 'AC0123456789', From: BOB, To: '+79000000000', Body: 'Laptop will not boot', NumSegments: '1' };
    const before = [await count(t, 'sms_messages'), await count(t, 'tickets')];
    const missing = await twilioIn(params, null);
    expect(missing.status).toBe(401);
    const bad = await twilioIn(params, null, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    expect(bad.status).toBe(403);
    expect(bad.json()).toMatchObject({ error: 'forbidden' });
    expect((await twilioIn(params, 'another-token-entirely')).status).toBe(403);
    // Signed for other parameters than the ones sent.
    const forged = await twilioPost(t, `/api/v1/sms/twilio/${twilio.id}/incoming`, { ...params, Body: 'Changed' }, null, (await import('../../src/modules/channels/sms/signature.js')).twilioSignature(TOKEN, `${t.config.publicUrl}/api/v1/sms/twilio/${twilio.id}/incoming`, params));
    expect(forged.status).toBe(403);
    expect([await count(t, 'sms_messages'), await count(t, 'tickets')]).toEqual(before);

    const ok = await twilioIn(params);
    expect(ok.status).toBe(200);
    expect(ok.contentType).toContain('text/xml');
    expect(ok.text).toContain('<Response/>');
    const replay = await twilioIn(params);
    expect(replay.status).toBe(200);
    expect(replay.text).toContain('<Response/>');
    const rows = (await smsRows(t)).filter((m) => m.external_id === 'SMreplay0001');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'created', gateway_id: twilio.id });
    expect(await count(t, 'tickets')).toBe(before[1]! + 1);

    const noSid = await twilioIn({ From: BOB, Body: 'x' });
    expect(noSid.status).toBe(400);
    expect(noSid.json()).toMatchObject({ message: expect.stringContaining('MessageSid') });
  });

  it('follows each gateway\'s policy for unknown numbers, and never mails a requester known only by number', async () => {
    await fromKannel('+79165550101', 'Who am I');
    expect(await lastSms(t)).toMatchObject({ status: 'quarantined', reason: 'unknown_sender_refused', ticket_id: null });

    await fromTwilio('+79165550102', 'Нет интернета в офисе');
    const m = await lastSms(t);
    expect(m.status).toBe('created');
    const person = await t.td.app.db.selectFrom('users').selectAll().where('id', '=', m.user_id!).executeTakeFirstOrThrow();
    expect(person).toMatchObject({ name: '+79165550102', phone: '+79165550102', role: 'requester', organization_id: holdingOrgId, locale: 'ru', email: '79165550102@sms.invalid' });
    expect((await ticket(t, m.ticket_id!)).organization_id).toBe(holdingOrgId);
    // Staff answer; the person hears back by SMS (the request came by SMS), never by mail.
    const l1 = await t.login('l1@demo.test');
    expect((await l1.post(`/api/v1/tickets/${m.ticket_id}/comments`, { body: 'Перезагрузите роутер' })).status).toBe(201);
    const mails = await t.td.app.db.selectFrom('mail_outbox').selectAll().where('ticket_id', '=', m.ticket_id).execute();
    expect(mails.filter((r) => r.channel === 'email' && r.to_address.endsWith('.invalid'))).toEqual([]);
    expect(mails.filter((r) => r.channel === 'sms').map((r) => r.to_address)).toEqual(['+79165550102', '+79165550102']);
    // The same number again is the same person.
    await fromTwilio('+79165550102', 'Не помогло');
    expect(await lastSms(t)).toMatchObject({ status: 'appended', user_id: person.id, ticket_id: m.ticket_id });
  });

  it('sends SMS notices through the outbox and the gateway, and records delivery reports', async () => {
    await nextDay();
    await createSmsDelivery(t.td.app).tick();
    twilioApi.received.length = 0;
    await fromTwilio(CAROL, 'Printer jammed');
    const m = await lastSms(t);
    const queued = await t.td.app.db.selectFrom('mail_outbox').selectAll().where('ticket_id', '=', m.ticket_id).where('channel', '=', 'sms').execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ to_address: CAROL, status: 'pending' });
    expect(queued[0]!.text_body).toMatch(/^TD-\d{6} принято: «Printer jammed»\. Скоро ответим\. http:\/\/desk\.example\.test\/tickets\/TD-\d{6}$/);

    expect(await createSmsDelivery(t.td.app).tick()).toMatchObject({ sent: 1, failed: 0 });
    expect(twilioApi.received).toHaveLength(1);
    const sent = twilioApi.received[0]!;
    expect(sent.accountSid).toBe('AC0123456789');
    expect(sent.auth).toBe(`Basic ${Buffer.from(`AC0123456789:${TOKEN}`).toString('base64')}`);
    expect(sent.params).toMatchObject({ To: CAROL, From: '+79000000000', Body: queued[0]!.text_body, StatusCallback: `http://desk.example.test/api/v1/sms/twilio/${twilio.id}/status` });
    const row = await t.td.app.db.selectFrom('mail_outbox').selectAll().where('id', '=', queued[0]!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', external_id: sent.sid, delivery_status: null });
    const out = (await smsRows(t)).find((s) => Number(s.outbox_id) === Number(row.id))!;
    expect(out).toMatchObject({ direction: 'out', status: 'sent', external_id: sent.sid, to_number: CAROL, gateway_id: twilio.id, coding: 'ucs2' });

    const statusPath = `/api/v1/sms/twilio/${twilio.id}/status`;
    expect((await twilioPost(t, statusPath, { MessageSid: sent.sid, MessageStatus: 'delivered' }, 'wrong-token-wrong-token')).status).toBe(403);
    expect((await twilioPost(t, statusPath, { MessageSid: sent.sid, MessageStatus: 'exploded' }, TOKEN)).status).toBe(400);
    expect((await twilioPost(t, statusPath, { MessageSid: sent.sid, MessageStatus: 'delivered' }, TOKEN)).status).toBe(200);
    // A late "sent" does not undo "delivered".
    expect((await twilioPost(t, statusPath, { MessageSid: sent.sid, MessageStatus: 'sent' }, TOKEN)).status).toBe(200);
    expect(await t.td.app.db.selectFrom('mail_outbox').select(['delivery_status', 'delivered_at']).where('id', '=', row.id).executeTakeFirstOrThrow()).toMatchObject({ delivery_status: 'delivered', delivered_at: clock.now().toISOString() });
    expect((await smsRows(t)).find((s) => s.id === out.id)).toMatchObject({ status: 'delivered', dlr_status: 'delivered' });

    // A refusal by the gateway (4xx) is a dead letter at once; e-mail delivery never takes SMS rows.
    await fromTwilio(CAROL, 'TD-000001 unrelated');
    twilioApi.answer = { status: 400, body: '{"code":21211,"message":"Invalid To"}' };
    const l1 = await t.login('l1@demo.test');
    await l1.post(`/api/v1/tickets/${m.ticket_id}/comments`, { body: 'We are on it' });
    const { createMailDelivery } = await import('../../src/core/mail/mailer.js');
    const mailPass = await createMailDelivery(t.td.app, undefined, { transport: { send: async () => undefined } }).tick();
    const smsPending = await t.td.app.db.selectFrom('mail_outbox').selectAll().where('channel', '=', 'sms').where('status', '=', 'pending').execute();
    expect(smsPending.length).toBeGreaterThan(0);
    expect(mailPass.sent).toBeGreaterThanOrEqual(0);
    const r = await createSmsDelivery(t.td.app).tick();
    twilioApi.answer = null;
    expect(r).toMatchObject({ sent: 0, failed: smsPending.length });
    const failed = (await smsRows(t)).filter((s) => s.direction === 'out' && s.status === 'failed');
    expect(failed.at(-1)!.detail).toContain('21211');
  });

  it('stops all SMS to a number that says STOP, until it says START', async () => {
    const carol = await t.login('carol@client-c.test');
    await carol.put('/api/v1/me/notification-preferences', { items: [{ event: 'ticket_replied', channels: { sms: true } }] });
    const own = await carol.post('/api/v1/tickets', { subject: 'Scanner', description: 'Scanner offline' });
    expect(own.status).toBe(201);
    const l1 = await t.login('l1@demo.test');
    const smsTo = async () => (await t.td.app.db.selectFrom('mail_outbox').select('id').where('ticket_id', '=', own.body.id).where('channel', '=', 'sms').execute()).length;

    await l1.post(`/api/v1/tickets/${own.body.id}/comments`, { body: 'Is it plugged in?' });
    expect(await smsTo()).toBe(1);
    const tickets = await count(t, 'tickets');
    await fromKannel(CAROL, ' Стоп ');
    expect(await lastSms(t)).toMatchObject({ status: 'opted_out', ticket_id: null });
    await fromTwilio(CAROL, 'STOP');
    expect(await count(t, 'tickets')).toBe(tickets);
    await l1.post(`/api/v1/tickets/${own.body.id}/comments`, { body: 'Please check the cable' });
    expect(await smsTo()).toBe(1);
    await fromTwilio(CAROL, 'START');
    expect(await lastSms(t)).toMatchObject({ status: 'opted_in' });
    await l1.post(`/api/v1/tickets/${own.body.id}/comments`, { body: 'Any news?' });
    expect(await smsTo()).toBe(2);
    expect(await count(t, 'tickets')).toBe(tickets);
  });

  it('quarantines what it cannot process, lists it for admins, and processes it again on request', async () => {
    await nextDay();
    const r = await fromKannel(ALICE, '   ');
    expect(r.status).toBe(200);
    expect(await lastSms(t)).toMatchObject({ status: 'quarantined', reason: 'empty_text' });
    await fromKannel('not-a-number', 'Hello');
    expect(await lastSms(t)).toMatchObject({ status: 'quarantined', reason: 'bad_sender', from_number: 'not-a-number' });
    await fromKannel('+79165550199', 'Меня не знают');
    const unknown = await lastSms(t);
    expect(unknown).toMatchObject({ status: 'quarantined', reason: 'unknown_sender_refused' });

    const list = await admin.get('/api/v1/sms/messages?status=quarantined&limit=3');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.reason)).toEqual(['unknown_sender_refused', 'bad_sender', 'empty_text']);
    expect(list.body.items[0].reasonText.ru).toContain('номер');
    expect(list.body.nextCursor).toEqual(expect.any(String));
    expect((await admin.get(`/api/v1/sms/messages?status=quarantined&cursor=${list.body.nextCursor}`)).body.items.length).toBeGreaterThan(0);
    expect((await admin.get('/api/v1/sms/messages?status=lost')).body.details[0].path).toContain('status');
    expect((await admin.get('/api/v1/sms/messages?cursor=zzz')).status).toBe(400);

    const dmitry = await t.login('dmitry@client-a.test');
    expect((await dmitry.post(`/api/v1/sms/messages/${unknown.id}/reprocess`)).status).toBe(403);
    // An admin puts the number on the right person, and tries again: it becomes that person's request.
    const people = await admin.get('/api/v1/users?organizationId=' + (await userByEmail(t, 'dmitry@client-a.test')).organization_id);
    const dm = people.body.items.find((p: any) => p.email === 'dmitry@client-a.test');
    expect((await admin.patch(`/api/v1/users/${dm.id}`, { phone: '+7 916 555-01-99' })).status).toBe(200);
    const again = await admin.post(`/api/v1/sms/messages/${unknown.id}/reprocess`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'created', message: { id: String(unknown.id), status: 'created', attempts: 2, userId: dm.id } });
    expect((await ticket(t, again.body.message.ticketId)).requester_id).toBe(dm.id);
    expect((await admin.post(`/api/v1/sms/messages/${unknown.id}/reprocess`)).status).toBe(409);
    expect((await admin.post('/api/v1/sms/messages/999999/reprocess')).status).toBe(404);
  });

  it('quarantines a number that sends too many SMS in a short time', async () => {
    await nextDay();
    const number = '+79161110077';
    const bob = (await admin.get('/api/v1/users?limit=200')).body.items.find((p: any) => p.email === 'it@client-b.test');
    await admin.patch(`/api/v1/users/${bob.id}`, { phone: number });
    for (let i = 0; i < 6; i++) await fromTwilio(number, `Message ${i}`);
    expect((await smsRows(t)).filter((m) => m.from_number === number).map((m) => m.status)).toEqual(['created', 'appended', 'appended', 'appended', 'appended', 'appended']);
    await fromTwilio(number, 'Seventh');
    expect(await lastSms(t)).toMatchObject({ status: 'quarantined', reason: 'rate_limited' });
    clock.advance(11 * 60_000);
    await fromTwilio(number, 'Later');
    expect(await lastSms(t)).toMatchObject({ status: 'appended' });
  });
});
