import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { TEXT } from '../../src/modules/reports/reports.messages.js';
import { useTestApp } from '../support/app.js';
import type { Client, Res } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { postCallEvent } from '../support/phone.js';

/**
 * The telephone figures of the reports, over calls posted as a PBX would (signed events) on Monday
 * 23 November 2026 (UTC), every figure worked out by hand:
 *
 *   A1 in  Alice (client A) 09:00:00, answered 09:00:10 by l1,        hung up 09:05:10: 10 s to answer, 300 s talk
 *   A2 in  Alice            10:00:00, answered 10:00:20 by l1-en,     hung up 10:02:20: 20 s, 120 s
 *   B1 in  Bob (client B)   11:00:00, answered 11:00:05 by l1,        hung up 11:01:05:  5 s,  60 s
 *   B2 in  Bob              12:00:00, answered 12:00:45 by l1,        hung up 12:10:45: 45 s, 600 s
 *   M1 in  Alice            13:00:00, no answer: opens a callback (client A)
 *   M2 in  Alice            13:10:00, busy: merged into M1's callback (missed, not a new callback)
 *   O1 out to Alice by l1   13:30:00, answered 13:30:30, hung up 13:33:30: 180 s talk; M1 called back after 30.5 min
 *   M3 in  Bob              14:00:00, voicemail: opens a callback (client B)
 *   F1 in  Carol (client C) 15:00:00, failed: counted apart, no callback
 *   O2 out to Bob by l1     16:00:00, answered 16:00:10, hung up 16:01:10: 60 s talk; M3 called back after 120 min 10 s
 *   M4 in  a stranger       17:00:00, no answer: a callback still open (no organization)
 *
 * Outside the day: a call that started at 23:59:50 the day before, and one at midnight after it.
 * The demo data's calls are of 25 November, outside too.
 */
const START = '2026-11-25T07:00:00.000Z';
const DAY = 'period=custom&from=2026-11-23&to=2026-11-23&timeZone=UTC';
const ALICE = '+79161110001';
const BOB = '+447911123456';
const CAROL = '+79161110003';
const STRANGER = '+79990001122';
const DESK = '+74950000000';


describe.each(DATABASES)('reports: telephone figures (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  let admin: Client, manager: Client, itA: Client;
  let pbx: { id: string; secret: string };
  const ids: Record<string, string> = {};
  let seq = 0;

  const ok = async (r: Res | Promise<Res>, status = 200) => {
    const res = await r;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };
  async function send(body: Record<string, unknown>) {
    const res = await postCallEvent(t.base, pbx, { eventId: `rc-${++seq}`, ...body }, clock.now());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  /**
   * A call's events in order: ringing at `start`, answered `answerAfter` seconds later (if given),
   * hung up `endAfter` seconds after the start with the cause.
   */
  async function call(id: string, o: { direction?: 'inbound' | 'outbound'; party: string; start: string; answerAfter?: number; endAfter: number; cause: string; agent?: string }) {
    const direction = o.direction ?? 'inbound';
    const [from, to] = direction === 'inbound' ? [o.party, DESK] : [DESK, o.party];
    const at = (s: number) => new Date(Date.parse(o.start) + s * 1000).toISOString();
    const base = { callId: id, direction, from, to, ...(o.agent && { agent: o.agent }) };
    await send({ ...base, type: 'ringing', at: at(0) });
    if (o.answerAfter !== undefined) await send({ ...base, type: 'answered', at: at(o.answerAfter) });
    await send({ ...base, type: 'hangup', at: at(o.endAfter), cause: o.cause });
  }
  const report = async (c: Client, query: string) => ok(c.get(`/api/v1/reports?${query}`));
  const d = (time: string) => `2026-11-23T${time}.000Z`;

  beforeAll(async () => {
    [admin, manager, itA] = (await Promise.all(['admin@demo.test', 'manager@demo.test', 'it@client-a.test'].map((e) => t.login(e)))) as [Client, Client, Client];
    ids.l1 = (await ok((await t.login('l1@demo.test')).get('/api/v1/me'))).id;
    const orgs = (await ok(admin.get('/api/v1/organizations'))).items as any[];
    ids.orgA = orgs.find((o) => o.name === 'Client A Logistics').id;
    ids.orgB = orgs.find((o) => o.name === 'Client B Retail').id;
    pbx = await ok(admin.post('/api/v1/phone/connectors', { name: 'Report PBX' }), 201);

    const l1 = 'l1@demo.test';
    await call('x-before', { party: BOB, start: '2026-11-22T23:59:50.000Z', answerAfter: 3, endAfter: 70, cause: 'answered', agent: l1 });
    await call('a1', { party: ALICE, start: d('09:00:00'), answerAfter: 10, endAfter: 310, cause: 'answered', agent: l1 });
    await call('a2', { party: ALICE, start: d('10:00:00'), answerAfter: 20, endAfter: 140, cause: 'answered', agent: 'l1-en@demo.test' });
    await call('b1', { party: BOB, start: d('11:00:00'), answerAfter: 5, endAfter: 65, cause: 'answered', agent: l1 });
    await call('b2', { party: BOB, start: d('12:00:00'), answerAfter: 45, endAfter: 645, cause: 'answered', agent: l1 });
    await call('m1', { party: ALICE, start: d('13:00:00'), endAfter: 30, cause: 'no_answer' });
    await call('m2', { party: ALICE, start: d('13:10:00'), endAfter: 20, cause: 'busy' });
    await call('o1', { direction: 'outbound', party: ALICE, start: d('13:30:00'), answerAfter: 30, endAfter: 210, cause: 'answered', agent: l1 });
    await call('m3', { party: BOB, start: d('14:00:00'), endAfter: 40, cause: 'voicemail' });
    await call('f1', { party: CAROL, start: d('15:00:00'), endAfter: 5, cause: 'failed' });
    await call('o2', { direction: 'outbound', party: BOB, start: d('16:00:00'), answerAfter: 10, endAfter: 70, cause: 'answered', agent: l1 });
    await call('m4', { party: STRANGER, start: d('17:00:00'), endAfter: 30, cause: 'no_answer' });
    await call('x-after', { party: ALICE, start: '2026-11-24T00:00:00.000Z', answerAfter: 30, endAfter: 90, cause: 'answered', agent: l1 });
  });

  it('counts the calls started in the period: answer rate, time to answer (median, 90th percentile), talk, callbacks', async () => {
    const r = await report(manager, DAY);
    // Time to answer 5, 10, 20, 45 s: median 15 (halfway between 10 and 20), 90th percentile at rank 2.7: 20 + 0.7 × 25 = 37.5.
    // Talk 300, 120, 60, 600, 180, 60 s: 220 on average. Callbacks done after 30.5 and 120.17 min: median 75.3.
    expect(r.calls).toEqual({
      inbound: 9,
      outbound: 2,
      inboundAnswered: 4,
      inboundMissed: 4,
      inboundFailed: 1,
      answerRatePct: 50,
      answerMedianSeconds: 15,
      answerP90Seconds: 37.5,
      avgTalkSeconds: 220,
      callbacksOpened: 3,
      callbacksCompleted: 2,
      callbackMedianMinutes: 75.3,
    });
    expect(r.notes).not.toContain(TEXT.en.notes.calls);
    expect(r.notes).not.toContain(TEXT.ru.notes.calls);
  });

  it('ignores the calls outside the period, and gives zeros and nulls for a period without calls', async () => {
    const sunday = await report(manager, 'period=custom&from=2026-11-22&to=2026-11-22&timeZone=UTC');
    expect(sunday.calls).toMatchObject({ inbound: 1, outbound: 0, inboundAnswered: 1, answerMedianSeconds: 3, answerP90Seconds: 3, avgTalkSeconds: 67 });
    const none = await report(manager, 'period=custom&from=2026-11-10&to=2026-11-20&timeZone=UTC');
    expect(none.calls).toEqual({
      inbound: 0,
      outbound: 0,
      inboundAnswered: 0,
      inboundMissed: 0,
      inboundFailed: 0,
      answerRatePct: null,
      answerMedianSeconds: null,
      answerP90Seconds: null,
      avgTalkSeconds: null,
      callbacksOpened: 0,
      callbacksCompleted: 0,
      callbackMedianMinutes: null,
    });
  });

  it("filters by organization, and gives a client IT manager their own organization's calls only", async () => {
    // Client A: A1, A2, M1, M2 in, O1 out. Time to answer 10, 20 s: median 15, 90th percentile 19.
    const a = {
      inbound: 4,
      outbound: 1,
      inboundAnswered: 2,
      inboundMissed: 2,
      inboundFailed: 0,
      answerRatePct: 50,
      answerMedianSeconds: 15,
      answerP90Seconds: 19,
      avgTalkSeconds: 200,
      callbacksOpened: 1,
      callbacksCompleted: 1,
      callbackMedianMinutes: 30.5,
    };
    expect((await report(manager, `${DAY}&organizationId=${ids.orgA}`)).calls).toEqual(a);
    expect((await report(itA, DAY)).calls).toEqual(a);
    expect((await itA.get(`/api/v1/reports?${DAY}&organizationId=${ids.orgB}`)).status).toBe(404);
    // Client B: B1, B2, M3 in, O2 out.
    expect((await report(manager, `${DAY}&organizationId=${ids.orgB}`)).calls).toEqual({
      inbound: 3,
      outbound: 1,
      inboundAnswered: 2,
      inboundMissed: 1,
      inboundFailed: 0,
      answerRatePct: 66.7,
      answerMedianSeconds: 25,
      answerP90Seconds: 41,
      avgTalkSeconds: 240,
      callbacksOpened: 1,
      callbacksCompleted: 1,
      callbackMedianMinutes: 120.2,
    });
  });

  it('filters by agent: the calls the agent took or made', async () => {
    // l1: A1, B1, B2 in (5, 10, 45 s to answer: 90th percentile at rank 1.8 = 10 + 0.8 × 35 = 38), O1, O2 out.
    expect((await report(manager, `${DAY}&agentId=${ids.l1}`)).calls).toEqual({
      inbound: 3,
      outbound: 2,
      inboundAnswered: 3,
      inboundMissed: 0,
      inboundFailed: 0,
      answerRatePct: 100,
      answerMedianSeconds: 10,
      answerP90Seconds: 38,
      avgTalkSeconds: 240,
      callbacksOpened: 0,
      callbacksCompleted: 0,
      callbackMedianMinutes: null,
    });
  });

  it('leaves the calls out under a filter they do not have, and says so', async () => {
    // The notes are in the reader's language.
    const locale = (await ok(manager.get('/api/v1/me'))).locale as 'en' | 'ru';
    for (const filter of ['channel=phone', 'line=L1', 'type=incident']) {
      const r = await report(manager, `${DAY}&${filter}`);
      expect(r.calls, filter).toBeNull();
      expect(r.notes).toContain(TEXT[locale].notes.calls);
    }
    const csv = await manager.get(`/api/v1/reports?${DAY}&channel=phone&format=csv&table=calls&lang=ru`);
    expect((csv.body as string).replace(/^\ufeff/, '').trimEnd().split('\r\n')).toEqual(['Показатель,Значение']);
    expect(TEXT.ru.notes.calls).not.toBe(TEXT.en.notes.calls);
  });

  it('exports the calls table as CSV, in the reader\'s language', async () => {
    const csv = await manager.get(`/api/v1/reports?${DAY}&organizationId=${ids.orgA}&format=csv&table=calls&lang=en`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain('tierdesk-report-2026-11-23-2026-11-23-calls.csv');
    expect((csv.body as string).replace(/^\ufeff/, '').trimEnd().split('\r\n')).toEqual([
      'Figure,Value',
      'Inbound calls,4',
      'Outbound calls,1',
      'Inbound calls answered,2',
      '"Inbound calls missed (incl. busy, voicemail)",2',
      'Inbound calls failed,0',
      '"Answer rate, %",50',
      '"Time to answer, median (s)",15',
      '"Time to answer, 90th percentile (s)",19',
      'Average talk time (s),200',
      'Callbacks opened,1',
      'Callbacks completed,1',
      '"Time to call back, median (min)",30.5',
    ]);
    const ru = await manager.get(`/api/v1/reports?${DAY}&organizationId=${ids.orgA}&format=csv&table=calls&lang=ru`);
    expect((ru.body as string).replace(/^\ufeff/, '').split('\r\n').slice(0, 2)).toEqual(['Показатель,Значение', 'Входящих звонков,4']);
  });
});
