import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoticeKind } from '../../src/contracts/notifications.js';
import { ManualClock } from '../../src/core/clock/clock.js';
import { inTransaction } from '../../src/core/db/connect.js';
import { createMailDelivery } from '../../src/core/mail/mailer.js';
import { toActor } from '../../src/modules/identity/auth.service.js';
import { findUserByEmail } from '../../src/modules/identity/identity.repo.js';
import { createTicket } from '../../src/modules/tickets/tickets.service.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { SmtpSink, type Received } from '../support/smtp-sink.js';

// Wednesday 25 November 2026, 10:00 in Moscow: working hours for every demo client.
const START = '2026-11-25T07:00:00.000Z';

// The SMTP server that receives what Tierdesk sends; declared before the apps, which read SMTP_URL from `env`.
const sink = new SmtpSink();
const env: Record<string, string> = {};
beforeAll(async () => {
  env.SMTP_URL = await sink.start();
});
afterAll(() => sink.close());

const bare = (id: string | undefined) => id?.replace(/^<|>$/g, '');

describe.each(DATABASES)('notifications and outgoing mail (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, env, { clock });

  /** Runs the worker's delivery until the outbox is drained; what the SMTP server received about `number`. */
  const deliver = async (number?: string) => {
    const delivery = createMailDelivery(t.td.app);
    for (;;) {
      const c = await delivery.tick();
      if (c.sent + c.retried + c.failed === 0) break;
    }
    delivery.close();
    const got = sink.take();
    return number ? got.filter((m) => m.mail.subject?.includes(`[${number}]`)) : got;
  };
  const to = (mails: Received[], address: string) => mails.filter((m) => m.to.includes(address));
  const one = (mails: Received[], address: string) => {
    const found = to(mails, address);
    expect(found, `one message to ${address} in ${mails.map((m) => `${m.to} ${m.mail.subject}`).join('; ')}`).toHaveLength(1);
    return found[0]!;
  };
  const feed = async (c: Client, query = '') => (await c.get(`/api/v1/notifications${query}`)).body.items as any[];
  const newTicket = async (c: Client, body: Record<string, unknown> = {}) => {
    const r = await c.post('/api/v1/tickets', { subject: 'Printer jams', description: 'Paper jams on every page', ...body });
    expect(r.status).toBe(201);
    return r.body;
  };

  it('acknowledges a new request with its number to its requester, whatever the channel, and to the IT manager', async () => {
    await deliver();
    const bob = await t.login('bob@client-b.test');
    const ticket = await newTicket(bob);
    const mails = await deliver(ticket.number);
    // Bob made it himself on the portal: he gets its receipt too, and his IT manager is told.
    expect(one(mails, 'bob@client-b.test').mail.subject).toBe(`[${ticket.number}] Request received: Printer jams`);
    const it_ = one(mails, 'it@client-b.test');
    expect(it_.mail.subject).toBe(`[${ticket.number}] Request received: Printer jams`);
    expect(it_.mail.text).toContain(`registered under the number ${ticket.number}`);
    expect(it_.mail.headers.get('auto-submitted')).toBe('auto-generated');
    // Staff are told in the app by default, not by e-mail.
    expect(mails.every((m) => !m.to[0]!.endsWith('@demo.test'))).toBe(true);

    // A request that came by e-mail: its sender gets the receipt, in Russian for Alice.
    const alice = toActor((await findUserByEmail(t.td.app.db, 'alice@client-a.test'))!);
    const id = await createTicket(t.td.app, alice, { subject: 'Не печатает принтер', description: 'Совсем' }, 'email');
    const number = (await (await t.login('l1@demo.test')).get(`/api/v1/tickets/${id}`)).body.number;
    const receipt = one(await deliver(number), 'alice@client-a.test');
    expect(receipt.mail.subject).toBe(`[${number}] Обращение зарегистрировано: Не печатает принтер`);
    expect(receipt.mail.text).toContain(`под номером ${number}`);
    expect(receipt.mail.text).toContain('Здравствуйте, Alice Petrova!');
  });

  it('mails a staff reply to the client side, threaded, with the number in the subject and the desk as Reply-To', async () => {
    const bob = await t.login('bob@client-b.test');
    const ticket = await newTicket(bob, { subject: 'VPN drops' });
    const receipts = await deliver(ticket.number);
    const receipt = one(receipts, 'it@client-b.test');
    const bobReceipt = one(receipts, 'bob@client-b.test');
    const agent = await t.login('l1-en@demo.test');
    expect((await agent.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Please restart the router and tell us.' })).status).toBe(201);
    expect((await agent.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Internal: probably the ISP', internal: true })).status).toBe(201);
    const mails = await deliver(ticket.number);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['bob@client-b.test', 'it@client-b.test']);
    for (const m of mails) {
      expect(m.mail.subject).toBe(`[${ticket.number}] Re: VPN drops`);
      expect(m.mail.text).toContain('Please restart the router and tell us.');
      expect(m.mail.text).not.toContain('ISP');
      expect(m.mail.replyTo?.value[0]?.address).toBe('support@desk.test');
      expect(m.mail.from?.value[0]?.address).toBe('support@desk.test');
      expect(bare(m.mail.messageId)).toMatch(new RegExp(`^${ticket.number}\\..+@desk\\.test$`));
      // A person's reply is not marked as written by a machine.
      expect(m.mail.headers.get('auto-submitted')).toBeUndefined();
    }
    // Each copy answers the receipt its reader got before.
    const itReply = one(mails, 'it@client-b.test');
    expect(bare(itReply.mail.inReplyTo)).toBe(bare(receipt.mail.messageId));
    expect([itReply.mail.references].flat().map(bare)).toEqual([bare(receipt.mail.messageId)]);
    const bobReply = one(mails, 'bob@client-b.test');
    expect(bare(bobReply.mail.inReplyTo)).toBe(bare(bobReceipt.mail.messageId));

    // The outbox keeps the Message-ID and the request, for the e-mail channel to match answers.
    const rows = await t.td.app.db.selectFrom('mail_outbox').select(['message_id', 'ticket_id']).where('to_address', '=', 'bob@client-b.test').where('ticket_id', '=', ticket.id).execute();
    expect(rows.map((r) => r.message_id).sort()).toEqual([bare(bobReceipt.mail.messageId), bare(bobReply.mail.messageId)].sort());

    // Bob answers: whoever handles the request is told (and the IT manager); Bob is not told of his own answer.
    await bob.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Restarted, still drops.' });
    const answer = await deliver(ticket.number);
    expect(to(answer, 'bob@client-b.test')).toHaveLength(0);
    expect(one(answer, 'it@client-b.test').mail.text).toContain('Restarted, still drops.');
    const assignee = (await agent.get(`/api/v1/tickets/${ticket.id}`)).body.assignee;
    expect(assignee).not.toBeNull();
    const staffCopy = answer.filter((m) => m.to[0]!.endsWith('@demo.test'));
    expect(staffCopy.length).toBe(1);
    expect(bare(bobReply.mail.messageId)).not.toBe(bare(staffCopy[0]!.mail.messageId));
    expect(await t.td.app.db.selectFrom('mail_outbox').select('id').where('to_address', '=', 'system@tierdesk.invalid').execute()).toEqual([]);
  });

  it('tells of status changes and escalation, in each reader\'s language and words', async () => {
    const alice = await t.login('alice@client-a.test');
    const ticket = await newTicket(alice, { subject: 'Сервер не отвечает' });
    await deliver();
    const l1 = await t.login('l1@demo.test');
    expect((await l1.patch(`/api/v1/tickets/${ticket.id}`, { status: 'pending_customer' })).status).toBe(200);
    const waiting = one(await deliver(ticket.number), 'alice@client-a.test');
    expect(waiting.mail.subject).toBe(`[${ticket.number}] Статус «ждёт вашего ответа»: Сервер не отвечает`);
    expect(waiting.mail.headers.get('auto-submitted')).toBe('auto-generated');

    expect((await l1.post(`/api/v1/tickets/${ticket.id}/escalate`, { line: 'L2', reason: 'Needs an engineer' })).status).toBe(200);
    const moved = await deliver(ticket.number);
    expect(one(moved, 'alice@client-a.test').mail.subject).toBe(`[${ticket.number}] Передано: инженер (вторая линия): Сервер не отвечает`);
    expect(one(moved, 'it@client-a.test').mail.text).toContain('инженер (вторая линия)');
    // Staff: the new line's engineer and the service desk manager, with the reason; never the one who moved it.
    const manager = one(moved, 'manager@demo.test');
    expect(manager.mail.subject).toBe(`[${ticket.number}] Эскалация L1 → L2: Сервер не отвечает`);
    expect(manager.mail.text).toContain('Причина: Needs an engineer');
    expect(one(moved, 'l2@demo.test').mail.subject).toContain('L1 → L2');
    expect(to(moved, 'l1@demo.test')).toHaveLength(0);
    // Client-side readers never see the reason (it may be internal).
    expect(one(moved, 'alice@client-a.test').mail.text).not.toContain('Needs an engineer');

    const bob = await t.login('bob@client-b.test');
    const en = await newTicket(bob, { subject: 'Screen flickers' });
    await deliver();
    await (await t.login('manager@demo.test')).post(`/api/v1/tickets/${en.id}/escalate`, { line: 'L3', reason: 'Hardware' });
    expect(one(await deliver(en.number), 'bob@client-b.test').mail.subject).toBe(`[${en.number}] Passed to a leading specialist (third line): Screen flickers`);
  });

  it('on resolution explains how to reopen and offers a one-click rating, kept on the request', async () => {
    const bob = await t.login('bob@client-b.test');
    const ticket = await newTicket(bob, { subject: 'Mouse broken' });
    await deliver();
    const agent = await t.login('l1-en@demo.test');
    expect((await agent.patch(`/api/v1/tickets/${ticket.id}`, { status: 'resolved' })).status).toBe(200);
    const mails = await deliver(ticket.number);
    const resolved = one(mails, 'bob@client-b.test');
    expect(resolved.mail.subject).toBe(`[${ticket.number}] Resolved: Mouse broken`);
    expect(resolved.mail.text).toContain(`reopen the request within ${t.config.reopenWindowDays} days`);
    const links = [...resolved.mail.text!.matchAll(/\d — (http\S+)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(5);
    expect(links[3]).toMatch(/\/api\/v1\/satisfaction\/[A-Za-z0-9_-]+\?rating=4$/);
    // The IT manager is told too, without rating links (only the requester rates).
    expect(one(mails, 'it@client-b.test').mail.text).not.toContain('/satisfaction/');

    const path = links[3]!.slice(t.config.publicUrl.length);
    const tokenPath = path.split('?')[0]!;
    // Opening the link (as a mail scanner does) records nothing: it shows the rating with a button.
    const click = await t.anonymous().get(path);
    expect(click.status).toBe(200);
    expect(click.headers.get('content-type')).toContain('text/html');
    expect(click.body).toContain(`the solution of ${ticket.number}?`);
    expect(click.body).toContain('value="4" checked');
    expect(click.body).toContain(`<form method="post" action="${tokenPath}">`);
    expect(click.body).toContain('<button type="submit">Send</button>');
    for (let i = 0; i < 3; i++) expect((await t.anonymous().get(path)).status).toBe(200);
    expect((await bob.get(`/api/v1/tickets/${ticket.id}/satisfaction`)).body.satisfaction).toBeNull();

    // The button records it (POST with the link's secret; a signed-in browser's cookie does not get in the way).
    const post = (p: string, fields: Record<string, string>) =>
      fetch(t.base + p, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: bob.cookie! },
        body: new URLSearchParams(fields).toString(),
      });
    const sent = await post(tokenPath, { rating: '4', comment: '' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('4 out of 5');
    const rated = await bob.get(`/api/v1/tickets/${ticket.id}/satisfaction`);
    expect(rated.body.satisfaction).toMatchObject({ rating: 4, comment: null, ratedBy: ticket.requester.id });
    // The token is checked: another secret records nothing.
    const forged = await post(`/api/v1/satisfaction/${'x'.repeat(43)}`, { rating: '1' });
    expect(forged.status).toBe(404);
    expect(await forged.text()).toContain('invalid or has expired');
    expect((await bob.get(`/api/v1/tickets/${ticket.id}/satisfaction`)).body.satisfaction).toMatchObject({ rating: 4 });

    // The form again: a comment is added.
    const form = await post(tokenPath, { rating: '5', comment: 'Quick & <b>kind</b>' });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Thank you');
    const it_ = await t.login('it@client-b.test');
    expect((await it_.get(`/api/v1/tickets/${ticket.id}/satisfaction`)).body.satisfaction).toMatchObject({ rating: 5, comment: 'Quick & <b>kind</b>' });
    // The page escapes what it shows back.
    expect((await t.anonymous().get(`${tokenPath}?rating=5`)).body).toContain('Quick &#38; &#60;b&#62;kind&#60;/b&#62;');

    // Refusals: a bad rating names the field; an unknown link is 404; the signed-in API is the requester's only.
    const bad = await t.anonymous().get(`${tokenPath}?rating=9`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.details)).toContain('rating');
    expect((await t.anonymous().get(`/api/v1/satisfaction/${'x'.repeat(43)}?rating=3`)).status).toBe(404);
    expect((await bob.put(`/api/v1/tickets/${ticket.id}/satisfaction`, { rating: 2, comment: '' })).body).toMatchObject({ rating: 2, comment: null });
    const badBody = await bob.put(`/api/v1/tickets/${ticket.id}/satisfaction`, { rating: 0 });
    expect(badBody.status).toBe(400);
    expect(badBody.body.details[0].path).toBe('rating');
    expect((await it_.put(`/api/v1/tickets/${ticket.id}/satisfaction`, { rating: 5 })).status).toBe(403);
    expect((await agent.put(`/api/v1/tickets/${ticket.id}/satisfaction`, { rating: 5 })).status).toBe(403);
    expect((await (await t.login('alice@client-a.test')).get(`/api/v1/tickets/${ticket.id}/satisfaction`)).status).toBe(404);
    expect((await t.anonymous().put(`/api/v1/tickets/${ticket.id}/satisfaction`, { rating: 5 })).status).toBe(401);

    // Reopened, it cannot be rated until it is resolved again.
    expect((await bob.post(`/api/v1/tickets/${ticket.id}/reopen`)).status).toBe(200);
    expect((await t.anonymous().get(`${tokenPath}?rating=1`)).status).toBe(409);
    expect((await bob.put(`/api/v1/tickets/${ticket.id}/satisfaction`, { rating: 1 })).status).toBe(409);
    const reopened = await deliver(ticket.number);
    expect(one(reopened, 'it@client-b.test').mail.subject).toBe(`[${ticket.number}] Now in progress: Mouse broken`);
    expect(to(reopened, 'bob@client-b.test')).toHaveLength(0);
  });

  it('resolution in Russian for a Russian reader', async () => {
    const alice = await t.login('alice@client-a.test');
    const ticket = await newTicket(alice, { subject: 'Сканер' });
    await deliver(); // the receipt
    await (await t.login('l1@demo.test')).patch(`/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
    const m = one(await deliver(ticket.number), 'alice@client-a.test');
    expect(m.mail.subject).toBe(`[${ticket.number}] Решено: Сканер`);
    expect(m.mail.text).toContain('откройте обращение снова');
    expect(m.mail.text).toContain('Насколько вы довольны решением?');
    const link = /\d — (http\S+)/.exec(m.mail.text!)![1]!.slice(t.config.publicUrl.length);
    const click = await t.anonymous().get(link);
    expect(click.body).toContain(`решением обращения ${ticket.number}?`);
    expect(click.body).toContain('<button type="submit">Отправить</button>');
    const sent = await fetch(t.base + link.split('?')[0], { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'rating=1&comment=' });
    expect(await sent.text()).toContain('на 1 из 5');
  });

  it('warns of SLA targets in the feed and by e-mail, staff only', async () => {
    clock.set(START);
    const alice = await t.login('alice@client-a.test');
    const ticket = await newTicket(alice, { impact: 'high', urgency: 'high' }); // P1: first response in 15 minutes
    await deliver();
    clock.advanceMinutes(12);
    await t.fireTimers();
    const mails = await deliver(ticket.number);
    expect(mails.length).toBeGreaterThan(0);
    // The SLA target's warning, and the L1 budget's (75 % of its 15 minutes) to the assigned agent.
    expect(mails.every((m) => m.to[0]!.endsWith('@demo.test') && /75\s% (срока SLA|лимита времени на L1)|75% of the (SLA|L1 time budget)/.test(m.mail.subject!))).toBe(true);
    const l1 = await t.login('l1@demo.test');
    expect((await feed(l1)).some((n) => n.event === 'sla_warning' && n.ticketId === ticket.id)).toBe(true);
    expect((await feed(alice)).some((n) => n.event === 'sla_warning')).toBe(false);
    clock.set(START);
  });

  it('tells whoever handles the request when the developers fixed a handed-off defect', async () => {
    const bob = await t.login('bob@client-b.test');
    const ticket = await newTicket(bob, { subject: 'ERP export fails' });
    await deliver();
    const app = t.td.app;
    await inTransaction(app.db, (trx) => app.events.append(trx, { type: 'ticket.handoff_returned', subjectType: 'ticket', subjectId: ticket.id, actorId: null, data: { externalId: 'DEV-7' } }));
    const staff = await t.login('l1-en@demo.test');
    const assignee = (await staff.get(`/api/v1/tickets/${ticket.id}`)).body.assignee;
    const mails = await deliver(ticket.number);
    expect(mails.map((m) => m.to[0])).toEqual([(await staff.get(`/api/v1/users/${assignee.id}`)).body.email]);
    expect(mails[0]!.mail.text).toMatch(/DEV-7/);
  });

  it('keeps each person\'s choices: which notices, by which channel', async () => {
    const bob = await t.login('bob@client-b.test');
    const defaults = (await bob.get('/api/v1/me/notification-preferences')).body.items;
    // Every kind of notice, each once, in the catalog's order.
    expect(defaults.map((p: any) => p.event)).toEqual(NoticeKind.options);
    expect(defaults.find((p: any) => p.event === 'ticket_replied').channels).toEqual({ email: true, inApp: true, sms: false });
    const l2 = await t.login('l2@demo.test');
    expect((await l2.get('/api/v1/me/notification-preferences')).body.items.find((p: any) => p.event === 'ticket_received').channels).toEqual({ email: false, inApp: true, sms: false });

    const put = await bob.put('/api/v1/me/notification-preferences', { items: [{ event: 'ticket_replied', channels: { email: false } }] });
    expect(put.status).toBe(200);
    expect(put.body.items.find((p: any) => p.event === 'ticket_replied').channels).toEqual({ email: false, inApp: true, sms: false });
    // Nobody else's choices change.
    expect((await (await t.login('it@client-b.test')).get('/api/v1/me/notification-preferences')).body.items.find((p: any) => p.event === 'ticket_replied').channels).toEqual({ email: true, inApp: true, sms: false });

    const ticket = await newTicket(bob, { subject: 'Keyboard' });
    await deliver();
    await (await t.login('l1-en@demo.test')).post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'On our way' });
    const mails = await deliver(ticket.number);
    expect(to(mails, 'bob@client-b.test')).toHaveLength(0);
    expect(to(mails, 'it@client-b.test')).toHaveLength(1);
    expect((await feed(bob)).find((n) => n.ticketId === ticket.id)).toMatchObject({ event: 'ticket_replied', title: `${ticket.number}: New reply from Liam L1`, readAt: null });

    for (const [body, path] of [
      [{ items: [{ event: 'ticket_exploded', channels: { email: true } }] }, 'items.0.event'],
      [{ items: [{ event: 'ticket_replied', channels: { fax: true } }] }, 'items.0.channels'],
      [{ items: [{ event: 'ticket_replied', channels: { email: 'yes' } }] }, 'items.0.channels.email'],
      [{ items: [] }, 'items'],
    ] as const) {
      const r = await bob.put('/api/v1/me/notification-preferences', body);
      expect(r.status).toBe(400);
      expect(r.body.details.map((d: any) => d.path)).toContain(path);
    }
    await bob.put('/api/v1/me/notification-preferences', { items: [{ event: 'ticket_replied', channels: { email: true } }] });
    expect((await t.anonymous().get('/api/v1/me/notification-preferences')).status).toBe(401);
    expect((await t.anonymous().put('/api/v1/me/notification-preferences', { items: [] })).status).toBe(401);
  });

  it('keeps an in-app feed per person: list, unread count, mark read, mark all read', async () => {
    const dmitry = await t.login('dmitry@client-a.test');
    const it_ = await t.login('it@client-a.test');
    const l1 = await t.login('l1@demo.test');
    await it_.post('/api/v1/notifications/read-all');
    for (const subject of ['Один', 'Два', 'Три']) {
      const ticket = await newTicket(dmitry, { subject });
      await l1.post(`/api/v1/tickets/${ticket.id}/comments`, { body: `Ответ: ${subject}` });
    }
    const count = async (c: Client) => (await c.get('/api/v1/notifications/unread-count')).body.count as number;
    expect(await count(it_)).toBe(6); // three receipts, three replies
    const page1 = await it_.get('/api/v1/notifications?limit=4&unread=true');
    expect(page1.body.items).toHaveLength(4);
    expect(page1.body.items[0].title).toMatch(/Новый ответ: Lena L1$/);
    const page2 = await it_.get(`/api/v1/notifications?limit=4&unread=true&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(2);
    expect(page2.body.nextCursor).toBeNull();
    const ids = [...page1.body.items, ...page2.body.items].map((n: any) => n.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    // Strictly one's own: Dmitry neither sees nor marks the IT manager's notices.
    const dmitryIds = (await feed(dmitry)).map((n) => n.id);
    expect(dmitryIds.some((id) => ids.includes(id))).toBe(false);
    expect((await dmitry.post(`/api/v1/notifications/${ids[0]}/read`)).status).toBe(404);
    expect(await count(it_)).toBe(6);

    const read = await it_.post(`/api/v1/notifications/${ids[0]}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect(await count(it_)).toBe(5);
    expect((await feed(it_, '?unread=true')).map((n) => n.id)).not.toContain(ids[0]);
    expect((await it_.post('/api/v1/notifications/read-all')).body).toEqual({ updated: 5 });
    expect(await count(it_)).toBe(0);
    expect((await feed(it_)).length).toBeGreaterThanOrEqual(6);

    expect((await it_.get('/api/v1/notifications?limit=0')).body.details[0].path).toBe('limit');
    expect((await it_.get('/api/v1/notifications?unread=maybe')).status).toBe(400);
    expect((await it_.post('/api/v1/notifications/abc/read')).status).toBe(400);
    for (const [method, path] of [['GET', '/api/v1/notifications'], ['GET', '/api/v1/notifications/unread-count'], ['POST', `/api/v1/notifications/${ids[1]}/read`], ['POST', '/api/v1/notifications/read-all']] as const)
      expect((await t.anonymous().request(method, path, method === 'POST' ? {} : undefined)).status).toBe(401);
  });

  it('sends no e-mail to an address the e-mail channel marked failing (bounces); the feed still has the notice', async () => {
    const db = t.td.app.db;
    const at = clock.now().toISOString();
    await db.insertInto('email_failing_addresses').values({ address: 'it@client-b.test', status_code: '5.1.1', diagnostic: 'User unknown', bounce_count: 1, first_failed_at: at, last_failed_at: at, message_id: null }).execute();
    const bob = await t.login('bob@client-b.test');
    const ticket = await newTicket(bob, { subject: 'Bounced manager' });
    await (await t.login('l1-en@demo.test')).post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Hello' });
    const mails = await deliver(ticket.number);
    expect(to(mails, 'it@client-b.test')).toHaveLength(0);
    expect(to(mails, 'bob@client-b.test').map((m) => m.mail.subject)).toEqual([`[${ticket.number}] Request received: Bounced manager`, `[${ticket.number}] Re: Bounced manager`]);
    const itFeed = await feed(await t.login('it@client-b.test'));
    expect(itFeed.filter((n) => n.ticketId === ticket.id).map((n) => n.event).sort()).toEqual(['ticket_received', 'ticket_replied']);
    await db.deleteFrom('email_failing_addresses').where('address', '=', 'it@client-b.test').execute();
  });

  it('lists dead letters to admins only', async () => {
    const admin = await t.login('admin@demo.test');
    expect((await admin.get('/api/v1/admin/mail/dead-letters')).status).toBe(200);
    for (const who of ['manager@demo.test', 'l1@demo.test', 'it@client-a.test', 'alice@client-a.test']) {
      const c = await t.login(who);
      expect((await c.get('/api/v1/admin/mail/dead-letters')).status).toBe(403);
      expect((await c.post('/api/v1/admin/mail/dead-letters/1/retry')).status).toBe(403);
    }
    expect((await t.anonymous().get('/api/v1/admin/mail/dead-letters')).status).toBe(401);
    expect((await admin.post('/api/v1/admin/mail/dead-letters/999999/retry')).status).toBe(404);
    expect((await admin.get('/api/v1/admin/mail/dead-letters?limit=1000')).status).toBe(400);
  });
});
