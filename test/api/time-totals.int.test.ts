import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

/**
 * Time totals by day, week, month and year, per agent and per organization. The demo (and its
 * logged work) is loaded on 31 December 2025 at 23:00 in Moscow; the work below is logged later,
 * in Moscow time (UTC+3):
 * - Lena, Client A: Monday 16 November 2026 30 min billable; Tuesday 17 November 60 min not
 *   billable; 5 October 20 min billable; 1 January 2026 at 01:30 (31 December 22:30 UTC) 10 min billable;
 * - Liam, Client B: Tuesday 17 November 45 min billable.
 */
describe.each(DATABASES)('time totals (%s)', (kind) => {
  const clock = new ManualClock('2025-12-31T20:00:00.000Z');
  const t = useTestApp(kind, {}, { clock });
  const ok = <R extends { status: number; body: any }>(r: R, status = 200) => {
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  let manager: Client, lena: Client, liam: Client, alice: Client, clientManager: Client;
  const ids = { lena: '', liam: '', orgA: '', orgB: '' };
  const totals = (c: Client, q: string) => c.get(`/api/v1/timesheets/totals?timeZone=Europe/Moscow&${q}`).then((r) => ok(r));

  beforeAll(async () => {
    manager = await t.tokenClient('manager@demo.test');
    lena = await t.tokenClient('l1@demo.test');
    liam = await t.tokenClient('l1-en@demo.test');
    alice = await t.tokenClient('alice@client-a.test');
    clientManager = await t.tokenClient('it@client-a.test');
    const bob = await t.tokenClient('bob@client-b.test');
    ids.lena = ok(await lena.get('/api/v1/me')).id;
    ids.liam = ok(await liam.get('/api/v1/me')).id;
    const a = ok(await alice.post('/api/v1/tickets', { subject: 'Totals A', description: 'Client A' }), 201);
    const b = ok(await bob.post('/api/v1/tickets', { subject: 'Totals B', description: 'Client B' }), 201);
    ids.orgA = a.organizationId;
    ids.orgB = b.organizationId;
    clock.set('2027-01-20T09:00:00.000Z');
    const work = (c: Client, ticket: string, startedAt: string, minutes: number, billable: boolean) =>
      c.post(`/api/v1/tickets/${ticket}/work-entries`, { startedAt, minutes, billable, activity: 'remote' }).then((r) => ok(r, 201));
    await work(lena, a.id, '2026-11-16T07:00:00.000Z', 30, true);
    await work(lena, a.id, '2026-11-17T07:00:00.000Z', 60, false);
    await work(lena, a.id, '2026-10-05T07:00:00.000Z', 20, true);
    await work(lena, a.id, '2025-12-31T22:30:00.000Z', 10, true);
    await work(liam, b.id, '2026-11-17T12:00:00.000Z', 45, true);
  });

  const agent = (id: string, name: string, minutes: number, billableMinutes: number) => ({ id, name, minutes, billableMinutes });

  it('totals a day, a week, a month and a year per agent and per organization', async () => {
    const day = await totals(manager, 'unit=day&date=2026-11-17');
    expect(day).toEqual({
      unit: 'day',
      date: '2026-11-17',
      start: '2026-11-17',
      end: '2026-11-17',
      timeZone: 'Europe/Moscow',
      total: { minutes: 105, billableMinutes: 45 },
      agents: [agent(ids.lena, 'Lena L1', 60, 0), agent(ids.liam, 'Liam L1', 45, 45)],
      organizations: [agent(ids.orgA, 'Client A Logistics', 60, 0), agent(ids.orgB, 'Client B Retail', 45, 45)],
    });
    const week = await totals(manager, 'unit=week&date=2026-11-18');
    expect(week).toMatchObject({ start: '2026-11-16', end: '2026-11-22', total: { minutes: 135, billableMinutes: 75 } });
    expect(week.agents).toEqual([agent(ids.lena, 'Lena L1', 90, 30), agent(ids.liam, 'Liam L1', 45, 45)]);
    const month = await totals(manager, 'unit=month&date=2026-11-30');
    expect(month).toMatchObject({ start: '2026-11-01', end: '2026-11-30', total: { minutes: 135, billableMinutes: 75 } });
    const year = await totals(manager, 'unit=year&date=2026-06-01');
    expect(year).toMatchObject({ start: '2026-01-01', end: '2026-12-31', total: { minutes: 165, billableMinutes: 105 } });
    expect(year.organizations).toEqual([agent(ids.orgA, 'Client A Logistics', 120, 60), agent(ids.orgB, 'Client B Retail', 45, 45)]);
    // In UTC, the first of January's ten minutes are the old year's (with the demo's work).
    const utc = ok(await manager.get('/api/v1/timesheets/totals?unit=year&date=2026-06-01&timeZone=UTC'));
    expect(utc.total).toEqual({ minutes: 155, billableMinutes: 95 });
  });

  it("without a date, holds today in the period's time zone: the desk's day, whatever the browser's", async () => {
    // 22:30 UTC on 17 November is already the 18th in Moscow.
    clock.set('2026-11-17T22:30:00.000Z');
    const moscow = ok(await manager.get('/api/v1/timesheets/totals?unit=day'));
    expect(moscow).toMatchObject({ date: '2026-11-18', start: '2026-11-18', timeZone: 'Europe/Moscow', total: { minutes: 0 } });
    const utc = ok(await manager.get('/api/v1/timesheets/totals?unit=day&timeZone=UTC'));
    expect(utc).toMatchObject({ date: '2026-11-17', start: '2026-11-17', total: { minutes: 105 } });
    clock.set('2027-01-20T09:00:00.000Z');
  });

  it("gives an agent their own time only, and client roles none", async () => {
    const mine = await totals(liam, 'unit=year&date=2026-06-01');
    expect(mine.agents).toEqual([agent(ids.liam, 'Liam L1', 45, 45)]);
    expect(mine.organizations).toEqual([agent(ids.orgB, 'Client B Retail', 45, 45)]);
    expect(mine.total).toEqual({ minutes: 45, billableMinutes: 45 });
    for (const c of [alice, clientManager]) expect((await c.get('/api/v1/timesheets/totals?unit=year')).status).toBe(403);
  });

  it('names the field at fault', async () => {
    for (const [q, field] of [['unit=decade', 'unit'], ['date=2026-13-01', 'date'], ['timeZone=Mars/Base', 'timeZone']]) {
      const r = await manager.get(`/api/v1/timesheets/totals?${q}`);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body.details)).toContain(field);
    }
  });
});
