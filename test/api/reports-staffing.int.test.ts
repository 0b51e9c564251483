import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { postCallEvent } from '../support/phone.js';

/**
 * The staffing forecast over a week of history worked out by hand. The demo data is loaded on
 * Monday 30 November 2026 (the forecast week); the history is the week before, 23–29 November,
 * in Moscow (UTC+3):
 * - arrivals: four requests on Monday between 10:00 and 11:00, one on Tuesday between 14:00 and 15:00;
 * - work by L1 agents: 20 + 10 minutes on one request, 30 on another: 60 / 2 = 30 minutes a request
 *   (Egor's 100 minutes are L2's and do not count);
 * - rosters: Lena (Moscow) Monday 09:00–18:00; Liam (London, UTC+0) Monday 07:30–15:00, i.e.
 *   10:30–18:00 in Moscow: half of the 10:00 hour.
 * Erlang C, 80 % within 15 minutes, handling time 30 minutes:
 * - Monday 10:00: 4 an hour → A = 4 × 30 / 60 = 2 Erlangs. 3 agents: C(3, 2) = 4/9, service level
 *   1 − 4/9 · e^(−1 · 15/30) = 73.0 % (short); 4 agents: C(4, 2) = 0.1739, 1 − 0.1739 · e^(−2 · 0.5)
 *   = 93.6 %. Needed 4; on shift 1.5; gap 2.5.
 * - Tuesday 14:00: 1 an hour → A = 0.5. 1 agent: 1 − 0.5 · e^(−0.25) = 61.1 %; 2 agents:
 *   C(2, 0.5) = 0.1, 1 − 0.1 · e^(−0.75) = 95.3 %. Needed 2; nobody on shift; gap 2.
 */
const START = '2026-11-30T09:00:00.000Z';

describe.each(DATABASES)('staffing forecast (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  const tokenClient = (email: string, password?: string) => t.tokenClient(email, password);
  const ok = <R extends { status: number; body: any }>(r: R, status = 200) => {
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  let manager: Client, lena: Client, egor: Client, alice: Client;
  const ids = {} as Record<string, string>;
  const query = 'weeks=1&until=2026-11-29&timeZone=Europe/Moscow&targetPct=80&targetMinutes=15';
  const hour = (s: any, weekday: number, h: number) => s.hours.find((x: any) => x.weekday === weekday && x.hour === h);

  beforeAll(async () => {
    manager = await tokenClient('manager@demo.test');
    lena = await tokenClient('l1@demo.test');
    egor = await tokenClient('l2@demo.test');
    alice = await tokenClient('alice@client-a.test');
    ids.lena = ok(await lena.get('/api/v1/me')).id;
    const liam = await tokenClient('l1-en@demo.test');
    ids.liam = ok(await liam.get('/api/v1/me')).id;
    const create = async (at: string) => {
      clock.set(at);
      return ok(await alice.post('/api/v1/tickets', { subject: 'Staffing', description: 'An arrival' }), 201).id as string;
    };
    const first = await create('2026-11-23T07:05:00.000Z');
    for (const at of ['2026-11-23T07:20:00.000Z', '2026-11-23T07:35:00.000Z', '2026-11-23T07:50:00.000Z']) await create(at);
    const second = await create('2026-11-24T11:10:00.000Z');
    clock.set('2026-11-28T12:00:00.000Z');
    const work = (c: Client, ticket: string, startedAt: string, minutes: number) =>
      c.post(`/api/v1/tickets/${ticket}/work-entries`, { startedAt, minutes, activity: 'remote' }).then((r) => ok(r, 201));
    await work(lena, first, '2026-11-23T07:10:00.000Z', 20);
    await work(lena, first, '2026-11-23T09:00:00.000Z', 10);
    await work(liam, second, '2026-11-24T11:15:00.000Z', 30);
    await work(egor, second, '2026-11-25T11:15:00.000Z', 100);
    clock.set(START);
  });

  it('sets the rosters, validated, by a manager only', async () => {
    expect(ok(await manager.put(`/api/v1/staffing/rosters/${ids.lena}`, { week: { mon: [['09:00', '18:00']] } }))).toMatchObject({ userId: ids.lena, name: 'Lena L1', line: 'L1', timeZone: 'Europe/Moscow' });
    ok(await manager.put(`/api/v1/staffing/rosters/${ids.liam}`, { week: { mon: [['07:30', '15:00']] } }));
    const bad = await manager.put(`/api/v1/staffing/rosters/${ids.lena}`, { week: { mon: [['09:00', '25:00']] } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.details)).toContain('week.mon.0.1');
    expect((await manager.put(`/api/v1/staffing/rosters/${ids.lena}`, { week: { monday: [] } })).status).toBe(400);
    expect((await manager.put('/api/v1/staffing/rosters/00000000-0000-4000-8000-000000000000', { week: {} })).status).toBe(404);
    expect((await lena.put(`/api/v1/staffing/rosters/${ids.lena}`, { week: {} })).status).toBe(403);
    const list = ok(await manager.get('/api/v1/staffing/rosters')).items;
    expect(list.find((r: any) => r.userId === ids.liam)).toMatchObject({ timeZone: 'Europe/London', week: { mon: [['07:30', '15:00']] } });
    // The demo's roster: the Moscow working day.
    expect(list.find((r: any) => r.name === 'Egor L2')).toMatchObject({ week: { mon: [['09:00', '13:00'], ['14:00', '18:00']] }, updatedAt: expect.any(String) });
  });

  it('needs as many agents each hour as Erlang C says, against the agents on shift', async () => {
    const s = ok(await manager.get(`/api/v1/reports/staffing?${query}`));
    expect(s).toMatchObject({
      timeZone: 'Europe/Moscow',
      line: 'L1',
      history: { start: '2026-11-23', end: '2026-11-29', weeks: 1, requests: 5 },
      weekStart: '2026-11-30',
      ahtMinutes: 30,
      ahtFrom: 'time_tracker',
      target: { pct: 80, minutes: 15 },
      growth: 1,
    });
    expect(s.hours).toHaveLength(168);
    expect(hour(s, 1, 10)).toEqual({ weekday: 1, hour: 10, arrivalsPerHour: 4, trafficErlangs: 2, agentsNeeded: 4, serviceLevelPct: 93.6, waitProbabilityPct: 17.4, agentsOnShift: 1.5, gap: 2.5 });
    expect(hour(s, 2, 14)).toEqual({ weekday: 2, hour: 14, arrivalsPerHour: 1, trafficErlangs: 0.5, agentsNeeded: 2, serviceLevelPct: 95.3, waitProbabilityPct: 10, agentsOnShift: 0, gap: 2 });
    // No arrivals: no one needed; Lena alone is on shift at 09:00, both from 11:00.
    expect(hour(s, 1, 9)).toMatchObject({ arrivalsPerHour: 0, agentsNeeded: 0, agentsOnShift: 1, gap: -1 });
    expect(hour(s, 1, 11)).toMatchObject({ agentsNeeded: 0, agentsOnShift: 2, gap: -2 });
    expect(hour(s, 3, 10)).toMatchObject({ agentsNeeded: 0, agentsOnShift: 0, gap: 0 });
    expect(s.summary).toEqual({ peakNeeded: 4, hoursShort: 2, largestGap: 2.5 });
  });

  it('grows the arrivals, takes a given handling time, and says when there is none', async () => {
    // Twice the arrivals on Monday at 10:00: A = 4; 5 agents give 66.4 %, 6 agents 89.5 %.
    const grown = ok(await manager.get(`/api/v1/reports/staffing?${query}&growth=2`));
    expect(hour(grown, 1, 10)).toMatchObject({ arrivalsPerHour: 8, trafficErlangs: 4, agentsNeeded: 6, serviceLevelPct: 89.5, gap: 4.5 });
    // Handling in 15 minutes: A = 1; 2 agents: C(2, 1) = 1/3, 1 − 1/3 · e^(−1) = 87.7 %.
    const quick = ok(await manager.get(`/api/v1/reports/staffing?${query}&ahtMinutes=15`));
    expect(quick).toMatchObject({ ahtMinutes: 15, ahtFrom: 'given' });
    expect(hour(quick, 1, 10)).toMatchObject({ trafficErlangs: 1, agentsNeeded: 2, serviceLevelPct: 87.7, waitProbabilityPct: 33.3 });
    // No work in that history: the handling time of the work logged over the last eight weeks, said so.
    const recent = ok(await manager.get('/api/v1/reports/staffing?weeks=1&until=2026-11-15&timeZone=Europe/Moscow'));
    const measured = ok(await manager.get('/api/v1/reports/workload')).ahtMinutes.L1;
    expect(measured).toBeGreaterThan(0);
    expect(recent).toMatchObject({ ahtMinutes: measured, ahtFrom: 'time_tracker', history: { requests: 0 } });
    expect(recent.notes.join(' ')).toMatch(/измерено по работе за последние 8 недель/); // the manager reads Russian
    // Nothing logged in the eight weeks before now either: none, and the note asks for one in words.
    clock.set('2027-06-01T09:00:00.000Z');
    const none = ok(await manager.get('/api/v1/reports/staffing?weeks=1&until=2026-11-15&timeZone=Europe/Moscow'));
    clock.set(START);
    expect(none).toMatchObject({ ahtMinutes: null, ahtFrom: 'none', history: { requests: 0 } });
    expect(hour(none, 1, 10)).toMatchObject({ agentsNeeded: null, gap: null });
    expect(none.notes.join(' ')).toMatch(/Укажите среднее время обработки/);
    expect(none.notes.join(' ')).not.toMatch(/ahtMinutes/);
  });

  it('exports the forecast as CSV in the reader\'s language, and refuses others and bad input', async () => {
    const csv = await manager.get(`/api/v1/reports/staffing?${query}&format=csv`);
    expect(csv.headers.get('content-disposition')).toContain('tierdesk-staffing-2026-11-30.csv');
    const lines = (csv.body as string).replace(/^\ufeff/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('День недели,Час,Поступает в час,"Нагрузка, Эрл",Нужно сотрудников,"Уровень обслуживания, %","Вероятность ожидания, %",На смене,Нехватка');
    expect(lines[11]).toBe('понедельник,10:00,4,2,4,93.6,17.4,1.5,2.5');
    expect(lines).toHaveLength(169);
    const en = await manager.get(`/api/v1/reports/staffing?${query}&format=csv&lang=en`);
    expect((en.body as string).split('\r\n')[11]).toBe('Monday,10:00,4,2,4,93.6,17.4,1.5,2.5');
    expect((await lena.get(`/api/v1/reports/staffing?${query}`)).status).toBe(403);
    expect((await alice.get(`/api/v1/reports/staffing?${query}`)).status).toBe(403);
    for (const [q, field] of [['weeks=0', 'weeks'], ['targetPct=100', 'targetPct'], ['growth=-1', 'growth'], ['until=2026-13-01', 'until'], ['targetMinutes=abc', 'targetMinutes']]) {
      const r = await manager.get(`/api/v1/reports/staffing?${q}`);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body.details)).toContain(field);
    }
  });
  /*
   * The telephone's queue: on Monday 23 November 10:00–11:00 in Moscow three inbound calls from
   * numbers nobody has (so no requests are opened): two answered with 6 and 14 minutes of talk,
   * one missed; an outbound call in the same hour does not count. Arrivals 3 an hour, handling
   * time (6 + 14) / 2 = 10 minutes → A = 0.5 Erlangs. 1 agent: 1 − 0.5 · e^(−0.5 · 15/10) = 76.4 %;
   * 2 agents: C(2, 0.5) = 0.1, 1 − 0.1 · e^(−1.5 · 1.5) = 98.9 %. Needed 2.
   */
  it('forecasts the telephone from the inbound calls offered and their talk time', async () => {
    const admin = await t.login('admin@demo.test');
    const pbx = ok(await admin.post('/api/v1/phone/connectors', { name: 'Staffing PBX' }), 201);
    let n = 0;
    const send = async (at: string, body: Record<string, unknown>) => {
      clock.set(at);
      expect((await postCallEvent(t.base, pbx, { eventId: `st-${++n}`, to: '+74950000000', at, ...body }, clock.now())).status).toBe(200);
    };
    const answered = async (callId: string, from: string, at: string, talkSeconds: number) => {
      const t0 = Date.parse(at);
      await send(at, { callId, type: 'ringing', direction: 'inbound', from });
      await send(new Date(t0 + 10_000).toISOString(), { callId, type: 'answered', direction: 'inbound', from, agent: 'l1@demo.test' });
      await send(new Date(t0 + 10_000 + talkSeconds * 1000).toISOString(), { callId, type: 'hangup', direction: 'inbound', from, duration: talkSeconds, cause: 'answered' });
    };
    await answered('st-1', '+74951110001', '2026-11-23T07:05:00.000Z', 360);
    await answered('st-2', '+74951110002', '2026-11-23T07:25:00.000Z', 840);
    await send('2026-11-23T07:40:00.000Z', { callId: 'st-3', type: 'ringing', direction: 'inbound', from: '+74951110003' });
    await send('2026-11-23T07:41:00.000Z', { callId: 'st-3', type: 'hangup', direction: 'inbound', from: '+74951110003', cause: 'no_answer' });
    await send('2026-11-23T07:45:00.000Z', { callId: 'st-4', type: 'ringing', direction: 'outbound', from: '+74950000000', to: '+74951110004', agent: 'l1@demo.test' });
    clock.set(START);

    const s = ok(await manager.get(`/api/v1/reports/staffing?${query}&source=calls`));
    expect(s).toMatchObject({ source: 'calls', history: { requests: 3 }, ahtMinutes: 10, ahtFrom: 'call_log' });
    expect(hour(s, 1, 10)).toMatchObject({ arrivalsPerHour: 3, trafficErlangs: 0.5, agentsNeeded: 2, serviceLevelPct: 98.9, waitProbabilityPct: 10 });
    expect(hour(s, 2, 14)).toMatchObject({ arrivalsPerHour: 0, agentsNeeded: 0 });
    expect(s.notes.join(' ')).toMatch(/входящие звонки/);
    // The requests' forecast is as it was.
    expect(ok(await manager.get(`/api/v1/reports/staffing?${query}`))).toMatchObject({ source: 'requests', history: { requests: 5 }, ahtFrom: 'time_tracker' });
    expect((await manager.get(`/api/v1/reports/staffing?${query}&source=fax`)).status).toBe(400);
  });

  /*
   * L2: what arrives is what is moved there. Lena escalates the second request on Tuesday 24
   * November at 14:20 in Moscow; Egor's 100 minutes on it are L2's handling time. A = 1 × 100 / 60
   * = 1.667 Erlangs; 3 agents: C = 0.300, 1 − 0.300 · e^(−1.333 · 15/100) = 75.5 % (short); 4 agents:
   * C = 0.102, 1 − 0.102 · e^(−2.333 · 0.15) = 92.8 %. Needed 4; Egor's demo roster puts him on shift
   * (14:00–18:00): gap 3.
   */
  it('forecasts another line from the requests moved to it, with its own handling time and rosters', async () => {
    const second = ok(await alice.get('/api/v1/tickets?limit=200')).items.find((x: any) => x.subject === 'Staffing' && x.createdAt === '2026-11-24T11:10:00.000Z');
    clock.set('2026-11-24T11:20:00.000Z');
    ok(await lena.patch(`/api/v1/tickets/${second.id}`, { line: 'L2', reason: 'Needs an engineer' }));
    clock.set(START);
    const s = ok(await manager.get(`/api/v1/reports/staffing?${query}&line=L2`));
    expect(s).toMatchObject({ line: 'L2', history: { requests: 1 }, ahtMinutes: 100, ahtFrom: 'time_tracker' });
    expect(hour(s, 2, 14)).toMatchObject({ arrivalsPerHour: 1, trafficErlangs: 1.667, agentsNeeded: 4, serviceLevelPct: 92.8, agentsOnShift: 1, gap: 3 });
    expect(hour(s, 1, 10)).toMatchObject({ arrivalsPerHour: 0, agentsNeeded: 0 });
    // L1's forecast still counts every request received.
    expect(ok(await manager.get(`/api/v1/reports/staffing?${query}`))).toMatchObject({ line: 'L1', history: { requests: 5 } });
    // The telephone is L1's; a line that does not exist is refused, naming the field.
    for (const q of ['line=L2&source=calls', 'line=L4']) {
      const r = await manager.get(`/api/v1/reports/staffing?${query}&${q}`);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body.details)).toContain('line');
    }
  });
});
