import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const LUNCH = [
  ['09:00', '13:00'],
  ['14:00', '18:00'],
];
/** The example of the issue: a Russian production calendar in Moscow (UTC+3, no DST). */
const RUSSIAN = {
  name: 'Moscow office',
  timeZone: 'Europe/Moscow',
  week: { mon: LUNCH, tue: LUNCH, wed: LUNCH, thu: LUNCH, fri: LUNCH, sat: [], sun: [] },
  holidays: ['2026-01-01'],
  workingDays: ['2026-10-31'],
  specialDays: { '2026-04-30': [['09:00', '17:00']] },
};

const deadlineOf = (c: Client, id: string, start: string, minutes: number | string) =>
  c.get(`/api/v1/calendars/${id}/deadline?${new URLSearchParams({ start, minutes: String(minutes) })}`);
const minutesOf = (c: Client, id: string, from: string, to: string) =>
  c.get(`/api/v1/calendars/${id}/business-minutes?${new URLSearchParams({ from, to })}`);

describe.each(DATABASES)('business calendars over HTTP (%s)', (kind) => {
  const t = useTestApp(kind);
  const admin = () => t.login('admin@demo.test');
  const create = async (body: unknown) => {
    const r = await (await admin()).post('/api/v1/calendars', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  it('an admin creates the Russian calendar; staff read it and compute deadlines with it', async () => {
    const created = await create(RUSSIAN);
    expect(created).toMatchObject({ ...RUSSIAN, alwaysOpen: false });
    expect(created.id).toEqual(expect.any(String));

    const agent = await t.login('l1@demo.test');
    expect((await agent.get(`/api/v1/calendars/${created.id}`)).body).toEqual(created);
    const list = (await (await t.login('manager@demo.test')).get('/api/v1/calendars')).body.items;
    expect(list.map((c: any) => c.id)).toContain(created.id);

    // Wed 31 Dec 17:00 MSK + 2 h: 1 h that day, 1 Jan is a holiday → Fri 2 Jan 10:00 MSK.
    expect((await deadlineOf(agent, created.id, '2025-12-31T14:00:00Z', 120)).body).toEqual({ deadline: '2026-01-02T07:00:00.000Z' });
    // Fri 30 Oct 17:00 MSK + 2 h → the worked Saturday 31 Oct, with Monday's hours, 10:00 MSK.
    expect((await deadlineOf(agent, created.id, '2026-10-30T17:00:00+03:00', 120)).body.deadline).toBe('2026-10-31T07:00:00.000Z');
    // Thu 30 Apr is shortened to 09:00–17:00 (no lunch): 16:00 + 2 h → Fri 1 May 10:00 MSK.
    expect((await deadlineOf(agent, created.id, '2026-04-30T13:00:00Z', 120)).body.deadline).toBe('2026-05-01T07:00:00.000Z');
    expect((await minutesOf(agent, created.id, '2026-04-29T21:00:00Z', '2026-04-30T21:00:00Z')).body).toEqual({ minutes: 480 });
    expect((await minutesOf(agent, created.id, '2026-10-30T21:00:00Z', '2026-11-01T00:00:00Z')).body.minutes).toBe(480);
    // A target used up exactly at closing is due at closing; 0 minutes is the start itself.
    expect((await deadlineOf(agent, created.id, '2026-01-12T14:00:00Z', 60)).body.deadline).toBe('2026-01-12T15:00:00.000Z');
    expect((await deadlineOf(agent, created.id, '2026-01-11T01:02:03.000Z', 0)).body.deadline).toBe('2026-01-11T01:02:03.000Z');
    // to before from gives 0.
    expect((await minutesOf(agent, created.id, '2026-01-13T00:00:00Z', '2026-01-12T00:00:00Z')).body.minutes).toBe(0);
  });

  it('a 24/7 calendar counts every real minute', async () => {
    const cal = await create({ name: '24/7', timeZone: 'Europe/Berlin', alwaysOpen: true });
    expect(cal).toMatchObject({ name: '24/7', timeZone: 'Europe/Berlin', alwaysOpen: true });
    const agent = await t.login('l2@demo.test');
    // Over the spring-forward night: 1440 business minutes are 24 real hours.
    expect((await deadlineOf(agent, cal.id, '2026-03-28T12:00:00Z', 1440)).body.deadline).toBe('2026-03-29T12:00:00.000Z');
    expect((await minutesOf(agent, cal.id, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z')).body.minutes).toBe(1440);
  });

  it('PUT replaces the whole calendar', async () => {
    const cal = await create(RUSSIAN);
    const a = await admin();
    // Mon 12 Jan 2026 01:00 MSK + 60: Moscow's hours, 10:00 MSK.
    expect((await deadlineOf(a, cal.id, '2026-01-11T22:00:00Z', 60)).body.deadline).toBe('2026-01-12T07:00:00.000Z');
    const replaced = await a.put(`/api/v1/calendars/${cal.id}`, { name: 'Berlin', timeZone: 'Europe/Berlin', week: { mon: [['08:00', '24:00']] } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: cal.id, name: 'Berlin', timeZone: 'Europe/Berlin', week: { mon: [['08:00', '24:00']] }, holidays: [], workingDays: [], specialDays: {} });
    expect(replaced.body.week.tue).toBeUndefined();
    expect((await a.get(`/api/v1/calendars/${cal.id}`)).body).toEqual(replaced.body);
    // Mon 12 Jan 2026 23:00 CET + 60 → 24:00, i.e. Tuesday 00:00 CET.
    expect((await deadlineOf(a, cal.id, '2026-01-12T22:00:00Z', 60)).body.deadline).toBe('2026-01-12T23:00:00.000Z');
    // The same instant as before the change: Berlin's hours now (Mon 08:00 CET + 60 = 09:00 CET).
    expect((await deadlineOf(a, cal.id, '2026-01-11T22:00:00Z', 60)).body.deadline).toBe('2026-01-12T08:00:00.000Z');
  });

  it('a calendar without working time refuses a deadline clearly and counts 0 minutes', async () => {
    const cal = await create({ name: 'Closed', timeZone: 'UTC', week: {} });
    const agent = await t.login('l1@demo.test');
    const r = await deadlineOf(agent, cal.id, '2026-01-01T00:00:00Z', 30);
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('no_working_time');
    expect((await minutesOf(agent, cal.id, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).body.minutes).toBe(0);
  });

  it('refuses invalid calendars with 400 naming the field', async () => {
    const a = await admin();
    const refused = async (body: unknown, field: string) => {
      const r = await a.post('/api/v1/calendars', body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.message).toContain(field);
    };
    await refused({ ...RUSSIAN, timeZone: 'Mars/Olympus' }, 'timeZone');
    await refused({ ...RUSSIAN, week: { mon: [['9:00', '13:00']] } }, 'week.mon.0.0');
    await refused({ ...RUSSIAN, week: { mon: [['09:00', '25:00']] } }, 'week.mon.0.1');
    await refused({ ...RUSSIAN, week: { mon: [['13:00', '09:00']] } }, 'week.mon.0.1');
    await refused({ ...RUSSIAN, week: { mon: [['09:00', '13:00'], ['12:00', '18:00']] } }, 'week.mon.1.0');
    await refused({ ...RUSSIAN, week: { mon: [['14:00', '18:00'], ['09:00', '13:00']] } }, 'week.mon.1.0');
    await refused({ ...RUSSIAN, week: { monday: LUNCH } }, 'week');
    await refused({ ...RUSSIAN, holidays: ['2026-02-30'] }, 'holidays.0');
    await refused({ ...RUSSIAN, workingDays: ['31.10.2026'] }, 'workingDays.0');
    await refused({ ...RUSSIAN, specialDays: { '2026-04-31': [['09:00', '17:00']] } }, 'specialDays');
    await refused({ ...RUSSIAN, holidays: ['2026-10-31'] }, 'workingDays.0');
    await refused({ ...RUSSIAN, name: '' }, 'name');
    const cal = await create(RUSSIAN);
    expect((await a.put(`/api/v1/calendars/${cal.id}`, { ...RUSSIAN, timeZone: 'Nowhere' })).status).toBe(400);
  });

  it('refuses invalid preview queries with 400 naming the field', async () => {
    const cal = await create(RUSSIAN);
    const agent = await t.login('l1@demo.test');
    const refused = async (r: Promise<{ status: number; body: any }>, field: string) => {
      const res = await r;
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.message).toContain(field);
    };
    await refused(deadlineOf(agent, cal.id, '2026-01-12T09:00:00Z', -1), 'minutes');
    await refused(deadlineOf(agent, cal.id, '2026-01-12T09:00:00Z', 'ten'), 'minutes');
    await refused(deadlineOf(agent, cal.id, '12.01.2026', 10), 'start');
    await refused(minutesOf(agent, cal.id, 'yesterday', '2026-01-12T09:00:00Z'), 'from');
    await refused(minutesOf(agent, cal.id, '2026-01-01T00:00:00Z', '2046-01-01T00:00:00Z'), 'to');
  });

  it('lets admins manage, staff read and preview, and nobody else', async () => {
    const cal = await create(RUSSIAN);
    const agent = await t.login('l1@demo.test');
    const alice = await t.login('alice@client-a.test');
    const it_ = await t.login('it@client-a.test');
    const anon = t.anonymous();

    expect((await agent.post('/api/v1/calendars', RUSSIAN)).status).toBe(403);
    expect((await (await t.login('manager@demo.test')).put(`/api/v1/calendars/${cal.id}`, RUSSIAN)).status).toBe(403);
    for (const client of [alice, it_]) {
      expect((await client.post('/api/v1/calendars', RUSSIAN)).status).toBe(403);
      expect((await client.get('/api/v1/calendars')).status).toBe(403);
      expect((await client.get(`/api/v1/calendars/${cal.id}`)).status).toBe(403);
      expect((await deadlineOf(client, cal.id, '2026-01-12T09:00:00Z', 10)).status).toBe(403);
      expect((await minutesOf(client, cal.id, '2026-01-12T09:00:00Z', '2026-01-13T09:00:00Z')).status).toBe(403);
    }
    expect((await anon.post('/api/v1/calendars', RUSSIAN)).status).toBe(401);
    expect((await anon.get('/api/v1/calendars')).status).toBe(401);
    expect((await anon.get(`/api/v1/calendars/${cal.id}`)).status).toBe(401);
    expect((await deadlineOf(anon, cal.id, '2026-01-12T09:00:00Z', 10)).status).toBe(401);
    expect((await anon.put(`/api/v1/calendars/${cal.id}`, RUSSIAN)).status).toBe(401);
  });

  it('answers 404 for an unknown calendar', async () => {
    const a = await admin();
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await a.get(`/api/v1/calendars/${unknown}`)).status).toBe(404);
    expect((await a.put(`/api/v1/calendars/${unknown}`, RUSSIAN)).status).toBe(404);
    expect((await deadlineOf(a, unknown, '2026-01-12T09:00:00Z', 10)).status).toBe(404);
    expect((await minutesOf(a, 'no-such-calendar', '2026-01-12T09:00:00Z', '2026-01-13T09:00:00Z')).status).toBe(404);
  });
});
