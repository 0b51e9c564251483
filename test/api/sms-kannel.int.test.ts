import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsDelivery, smsShape } from '../../src/modules/channels/sms/index.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { startKannel, type Kannel } from '../support/kannel.js';

const ALICE = '+79161110001';
const CAROL = '+79161110003';
const DESK = '+79000000000';

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The SMS channel against a real Kannel (bearerbox + smsbox) and its fake SMSC: SMS from phones
 * reach the desk through smsbox's get-url, notices leave through sendsms and arrive at the phones,
 * and the fake SMSC's delivery reports come back through dlr-url.
 */
describe.each(DATABASES)('SMS through Kannel (%s)', (db) => {
  // Every SMS without a request number opens a request: the threading window is sms.int.test.ts's subject.
  const t = useTestApp(db, { SMS_THREAD_WINDOW_HOURS: '0' });
  let kannel: Kannel;
  let admin: Client;
  let gatewayId: string;
  const inbound = (externalFrom: string, after: number) =>
    until(`the SMS from ${externalFrom}`, () =>
      t.td.app.db.selectFrom('sms_messages').selectAll().where('direction', '=', 'in').where('from_number', '=', externalFrom).where('id', '>', after).executeTakeFirst(),
    );
  const lastId = async () => Number((await t.td.app.db.selectFrom('sms_messages').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 0);

  beforeAll(async () => {
    // Kannel must reach the desk at the address it calls back (dlr-url): the test server's.
    (t.td.app.config as { publicUrl: string }).publicUrl = t.base;
    admin = await t.login('admin@demo.test');
    const created = await admin.post('/api/v1/sms/gateways', { name: 'Kannel', kind: 'kannel', fromNumber: DESK });
    expect(created.status).toBe(201);
    gatewayId = created.body.id;
    const getUrl = created.body.urls.incoming.replace('%3Csecret%3E', encodeURIComponent(created.body.secret));
    expect(getUrl).toContain(`${t.base}/api/v1/sms/kannel/${gatewayId}/incoming?secret=`);
    kannel = await startKannel(getUrl);
    const patched = await admin.patch(`/api/v1/sms/gateways/${gatewayId}`, { kannel: { sendsmsUrl: kannel.sendsmsUrl, username: kannel.username, password: kannel.password } });
    expect(patched.status).toBe(200);
  }, 30_000);
  afterAll(async () => {
    if (process.env.KANNEL_LOGS) console.log(kannel?.logs());
    await kannel?.stop();
  });

  it('opens a request for an SMS from a known mobile, and sends nothing back to the phone by itself', async () => {
    const after = await lastId();
    await kannel.inject(ALICE, DESK, 'The printer on floor 3 is jammed');
    const m = await inbound(ALICE, after);
    expect(m).toMatchObject({ status: 'created', gateway_id: gatewayId, to_number: DESK, text: 'The printer on floor 3 is jammed', coding: 'gsm7' });
    expect(m.external_id).toMatch(/^[0-9a-f-]{36}$/);
    const ticket = await t.td.app.db.selectFrom('tickets').selectAll().where('id', '=', m.ticket_id).executeTakeFirstOrThrow();
    const alice = await t.td.app.db.selectFrom('users').selectAll().where('email', '=', 'alice@client-a.test').executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ channel: 'sms', requester_id: alice.id, description: 'The printer on floor 3 is jammed' });
    await new Promise((r) => setTimeout(r, 1000));
    // smsbox got an empty answer: no reply SMS to the phone, and nothing reached the phones before the outbox is delivered.
    expect(kannel.repliesToInjected()).toEqual([]);
    expect(kannel.received()).toEqual([]);
  });

  it('takes a Cyrillic SMS in intact, and the notices go out through sendsms, long ones whole, with delivery reports', async () => {
    const after = await lastId();
    const text = 'Не печатает принтер в бухгалтерии: замятие бумаги, ёлки-палки!';
    await kannel.inject(CAROL, DESK, text);
    const m = await inbound(CAROL, after);
    expect(m).toMatchObject({ status: 'created', text, coding: 'ucs2' });
    const ticket = await t.td.app.db.selectFrom('tickets').selectAll().where('id', '=', m.ticket_id).executeTakeFirstOrThrow();
    expect(ticket.description).toBe(text);

    // The receipt, then a long answer in Russian: both to Carol by SMS (her request came by SMS).
    const l1 = await t.login('l1@demo.test');
    const answer = 'Здравствуйте! Мы удалённо перезапустили очередь печати и сбросили ошибку замятия. Пожалуйста, откройте заднюю крышку принтера, аккуратно извлеките остатки бумаги и попробуйте напечатать снова.';
    expect((await l1.post(`/api/v1/tickets/${ticket.id}/comments`, { body: answer })).status).toBe(201);
    const queued = await t.td.app.db.selectFrom('mail_outbox').selectAll().where('ticket_id', '=', ticket.id).where('channel', '=', 'sms').orderBy('id').execute();
    expect(queued.map((q) => q.to_address)).toEqual([CAROL, CAROL]);
    const long = queued[1]!.text_body;
    expect(smsShape(long)).toMatchObject({ coding: 'ucs2' });
    expect(smsShape(long).parts).toBeGreaterThan(1);

    // Alice's receipt from the first test goes too.
    expect(await createSmsDelivery(t.td.app).tick()).toMatchObject({ sent: 3, failed: 0 });
    const got = await until('both SMS at the phone', async () => {
      const r = kannel.received().filter((s) => s.to === CAROL);
      return r.length >= 2 && r;
    });
    expect(got.map((s) => s.text)).toEqual(queued.map((q) => q.text_body));
    expect(got.map((s) => s.from)).toEqual([DESK, DESK]);
    expect(got[1]!.parts).toBe(smsShape(long).parts);
    const log = await t.td.app.db.selectFrom('sms_messages').selectAll().where('direction', '=', 'out').where('ticket_id', '=', ticket.id).orderBy('id').execute();
    expect(log.map((l) => [l.parts, l.coding, l.gateway_id])).toEqual(queued.map((q) => [smsShape(q.text_body).parts, 'ucs2', gatewayId]));

    // The fake SMSC reports delivery: Kannel calls dlr-url, and the outbox row and the log record it.
    const reported = await until('the delivery reports', async () => {
      const rows = await t.td.app.db.selectFrom('mail_outbox').select(['id', 'delivery_status', 'delivered_at']).where('ticket_id', '=', ticket.id).where('channel', '=', 'sms').execute();
      return rows.every((r) => r.delivery_status === 'delivered') && rows;
    });
    expect(reported.every((r) => !!r.delivered_at)).toBe(true);
    const after2 = await t.td.app.db.selectFrom('sms_messages').select(['status', 'dlr_status']).where('direction', '=', 'out').where('ticket_id', '=', ticket.id).execute();
    expect(after2).toEqual([
      { status: 'delivered', dlr_status: 'delivered' },
      { status: 'delivered', dlr_status: 'delivered' },
    ]);
  });
});
