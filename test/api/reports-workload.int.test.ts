import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

/**
 * The manager's workload against capacity, worked out by hand. The demo is loaded ten weeks before
 * "now" (its logged work is older than the eight weeks measured), and now is Monday 8 February 2027,
 * 09:00 UTC (12:00 in Moscow):
 * - L1's handling time: Lena logged 20 and 40 minutes on two requests last week → 30 minutes a
 *   request → 2 requests an hour;
 * - Anya (Moscow, Mon–Fri 09:00–18:00): 18:00 − 12:00 today and 09:00–12:00 tomorrow = 9 hours on
 *   shift in the next 24; 3 open requests (one P1; a resolved one does not count) → 0.33 an hour;
 * - Boris (London, Monday 07:30–15:00 UTC): 6 hours; 13 open → 2.17 an hour, over 2;
 * - Vera has no roster: no hours, never "over".
 */
const SEEDED = '2026-11-30T09:00:00.000Z';
const NOW = '2027-02-08T09:00:00.000Z';

describe.each(DATABASES)('workload against capacity (%s)', (kind) => {
  const clock = new ManualClock(SEEDED);
  const t = useTestApp(kind, {}, { clock });
  const ok = <R extends { status: number; body: any }>(r: R, status = 200) => {
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  let manager: Client, lena: Client, alice: Client, clientManager: Client;
  const ids = { anya: '', boris: '', vera: '' };

  beforeAll(async () => {
    clock.set(NOW);
    const admin = await t.tokenClient('admin@demo.test');
    manager = await t.tokenClient('manager@demo.test');
    lena = await t.tokenClient('l1@demo.test');
    alice = await t.tokenClient('alice@client-a.test');
    clientManager = await t.tokenClient('it@client-a.test');
    // Offline, so that automatic assignment leaves them alone: the manager assigns their requests.
    const agent = async (name: string, timeZone: string) =>
      ok(await admin.post('/api/v1/users', { email: `${name.toLowerCase()}@demo.test`, name, role: 'agent', line: 'L1', timeZone, availability: 'offline', password: 'long-enough-passphrase' }), 201).id as string;
    ids.anya = await agent('Anya', 'Europe/Moscow');
    ids.boris = await agent('Boris', 'Europe/London');
    ids.vera = await agent('Vera', 'Europe/Moscow');
    const day: [string, string][] = [['09:00', '18:00']];
    ok(await manager.put(`/api/v1/staffing/rosters/${ids.anya}`, { week: { mon: day, tue: day, wed: day, thu: day, fri: day } }));
    ok(await manager.put(`/api/v1/staffing/rosters/${ids.boris}`, { week: { mon: [['07:30', '15:00']] } }));
    const request = async (assigneeId: string, change: Record<string, unknown> = {}) => {
      const id = ok(await alice.post('/api/v1/tickets', { subject: 'Workload', description: 'A request' }), 201).id as string;
      ok(await manager.patch(`/api/v1/tickets/${id}`, { assigneeId, ...change }));
      return id;
    };
    const first = await request(ids.anya, { priority: 'P1' });
    await request(ids.anya);
    await request(ids.anya);
    const done = await request(ids.anya);
    ok(await manager.patch(`/api/v1/tickets/${done}`, { status: 'resolved' }));
    for (let i = 0; i < 13; i++) await request(ids.boris);
    const work = (ticket: string, minutes: number) => lena.post(`/api/v1/tickets/${ticket}/work-entries`, { startedAt: '2027-02-01T08:00:00.000Z', minutes, activity: 'remote' }).then((r) => ok(r, 201));
    await work(first, 20);
    await work(done, 40);
  });

  it("gives each agent's open requests per hour on shift against their line's capacity, over when more", async () => {
    const w = ok(await manager.get('/api/v1/reports/workload'));
    expect(w).toMatchObject({ from: NOW, to: '2027-02-09T09:00:00.000Z', ahtMinutes: { L1: 30, L2: null, L3: null } });
    const of = (id: string) => w.items.find((i: any) => i.id === id);
    expect(of(ids.anya)).toEqual({ id: ids.anya, name: 'Anya', line: 'L1', availability: 'offline', open: 3, urgent: 1, shiftHours: 9, perShiftHour: 0.33, capacityPerHour: 2, over: false });
    expect(of(ids.boris)).toMatchObject({ open: 13, urgent: 0, shiftHours: 6, perShiftHour: 2.17, capacityPerHour: 2, over: true });
    expect(of(ids.vera)).toMatchObject({ open: 0, shiftHours: null, perShiftHour: null, capacityPerHour: 2, over: false });
    // L2 has logged nothing in the eight weeks: no capacity, never over.
    expect(w.items.find((i: any) => i.name === 'Egor L2')).toMatchObject({ line: 'L2', capacityPerHour: null, over: false });
    expect(w.items.map((i: any) => i.name)).not.toContain('Mikhail Manager');
  });

  it('is for managers only', async () => {
    for (const c of [lena, alice, clientManager]) expect((await c.get('/api/v1/reports/workload')).status).toBe(403);
  });
});
