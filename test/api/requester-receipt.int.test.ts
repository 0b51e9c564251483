import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { createMailDelivery } from '../../src/core/mail/mailer.js';
import { findUserByEmail, toActor } from '../../src/modules/identity/index.js';
import { withoutNotifications } from '../../src/modules/notifications/index.js';
import { createTicket, ticketNumber } from '../../src/modules/tickets/index.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';
import { buildMessage, sendRaw, useSmtpListener } from '../support/email.js';
import { kannelGet } from '../support/sms.js';
import { SmtpSink } from '../support/smtp-sink.js';

// Wednesday 25 November 2026, 10:00 in Moscow: working hours for every demo client.
const START = '2026-11-25T07:00:00.000Z';
const ALICE_PHONE = '+79161110001';

const sink = new SmtpSink();
const env: Record<string, string> = {};
beforeAll(async () => {
  env.SMTP_URL = await sink.start();
});
afterAll(() => sink.close());

/**
 * Whoever makes a request is told "registered, number TD-…", in their language and by the channel
 * they used: the portal, e-mail, the API and a call by e-mail (the requester's address), an SMS by SMS.
 */
describe.each(DATABASES)("the requester's receipt, by every channel (%s)", (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, env, { clock });
  const smtp = useSmtpListener(t);
  /** Sends what the outbox holds; the messages about request `number` to `address`. */
  const mailsTo = async (address: string, number: string) => {
    const delivery = createMailDelivery(t.td.app);
    for (;;) {
      const c = await delivery.tick();
      if (c.sent + c.retried + c.failed === 0) break;
    }
    delivery.close();
    return sink.take().filter((m) => m.to.includes(address) && m.mail.subject?.includes(`[${number}]`));
  };
  /** The newest request that came by `channel`. */
  const newest = async (channel: 'email' | 'sms') => {
    const row = await t.td.app.db.selectFrom('tickets').select(['id', 'number', 'subject', 'channel']).where('channel', '=', channel).orderBy('number', 'desc').executeTakeFirstOrThrow();
    return { ...row, number: ticketNumber(row.number) };
  };
  const expectRussianReceipt = (mails: Awaited<ReturnType<typeof mailsTo>>, number: string, subject: string) => {
    expect(mails.map((m) => m.mail.subject)).toEqual([`[${number}] Обращение зарегистрировано: ${subject}`]);
    expect(mails[0]!.mail.text).toContain(`под номером ${number}`);
  };

  it('the portal: the requester who made it is mailed its number, and finds it in the app', async () => {
    const alice = await t.login('alice@client-a.test');
    const r = await alice.post('/api/v1/tickets', { subject: 'Не работает сканер', description: 'Сканер не видит сеть.' });
    expect(r.status).toBe(201);
    expectRussianReceipt(await mailsTo('alice@client-a.test', r.body.number), r.body.number, 'Не работает сканер');
    const feed = (await alice.get('/api/v1/notifications')).body.items as { title: string; link: string }[];
    expect(feed.find((n) => n.link.endsWith(`/tickets/${r.body.number}`))?.title).toContain('Обращение зарегистрировано');
  });

  it('the API: a request made with a personal token gets the receipt in English for an English reader', async () => {
    const bob = await t.login('bob@client-b.test');
    const token = (await bob.post('/api/v1/me/tokens', { name: 'monitoring' })).body.token as string;
    const res = await fetch(`${t.base}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'Disk almost full', description: 'The file server has 2 % left.' }),
    });
    expect(res.status).toBe(201);
    const { number } = (await res.json()) as { number: string };
    const mails = await mailsTo('bob@client-b.test', number);
    expect(mails.map((m) => m.mail.subject)).toEqual([`[${number}] Request received: Disk almost full`]);
    expect(mails[0]!.mail.text).toContain(`registered under the number ${number}`);
  });

  it('e-mail: the sender is answered with the number', async () => {
    const raw = buildMessage({ from: 'Alice Petrova <alice@client-a.test>', subject: 'Нет доступа к папке', messageId: `receipt.${Date.now()}@client-a.test` }, 'Папка бухгалтерии не открывается.');
    expect((await sendRaw(smtp.port, raw, { from: 'alice@client-a.test', to: ['support@desk.test'] })).code).toBe(250);
    const ticket = await newest('email');
    expect(ticket.subject).toBe('Нет доступа к папке');
    const mails = await mailsTo('alice@client-a.test', ticket.number);
    expectRussianReceipt(mails, ticket.number, 'Нет доступа к папке');
  });

  it('SMS: the sender gets the receipt by SMS, in their language', async () => {
    // Past the threading window: an SMS without a number then opens a new request (the demo people have recent ones).
    clock.advance(25 * 3_600_000);
    const admin = await t.login('admin@demo.test');
    const gateway = await admin.post('/api/v1/sms/gateways', {
      name: 'Kannel',
      kind: 'kannel',
      unknownSenderPolicy: 'refuse',
      // Sending set up (nothing is sent here: the test reads the queued message).
      kannel: { sendsmsUrl: 'http://127.0.0.1:1/cgi-bin/sendsms', username: 'td', password: 'sendsms-password' },
    });
    expect(gateway.status).toBe(201);
    expect((await kannelGet(t, gateway.body.id, gateway.body.secret, { from: ALICE_PHONE, text: 'Не работает интернет в офисе', id: 'receipt-1' })).status).toBe(200);
    const ticket = await newest('sms');
    const sms = await t.td.app.db.selectFrom('sms_messages').selectAll().where('direction', '=', 'out').where('ticket_id', '=', ticket.id).execute();
    expect(sms.map((m) => m.to_number)).toEqual([ALICE_PHONE]);
    expect(sms[0]!.text).toContain(ticket.number);
    expect(sms[0]!.text).toMatch(/[а-я]/);
  });

  it('phone: the caller, registered by the agent, is mailed the number in their language', async () => {
    const dmitry = (await (await t.login('dmitry@client-a.test')).get('/api/v1/me')).body;
    const l1 = await t.login('l1@demo.test');
    const r = await l1.post('/api/v1/tickets', { subject: 'Звонок: не печатает принтер', description: 'Дмитрий позвонил.', requesterId: dmitry.id, channel: 'phone' });
    expect(r.status).toBe(201);
    expect(r.body.channel).toBe('phone');
    expectRussianReceipt(await mailsTo('dmitry@client-a.test', r.body.number), r.body.number, 'Звонок: не печатает принтер');
  });
  it('history loaded without notifications tells no one, while requests made alongside and after it are told', async () => {
    const app = t.td.app;
    const alice = toActor((await findUserByEmail(app.db, 'alice@client-a.test'))!);
    const make = (subject: string) => createTicket(app, alice, { subject, description: 'Loaded or made.' }, 'token');
    const loaded = await withoutNotifications(async () => [await make('Loaded 1'), await make('Loaded 2')]);
    // At the same moment (on SQLite in one shared transaction), each keeps its own way.
    const [alongside, loadedAlongside] = await Promise.all([make('Made alongside'), withoutNotifications(() => make('Loaded alongside'))]);
    const after = await make('Made after');
    const queued = new Set((await app.db.selectFrom('mail_outbox').select('ticket_id').execute()).map((r) => r.ticket_id));
    expect([...loaded, loadedAlongside].filter((id) => queued.has(id))).toEqual([]);
    expect([alongside, after].filter((id) => queued.has(id))).toEqual([alongside, after]);
  });
});
