import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

// Wednesday 25 November 2026, 10:00 in Moscow: client A's plan works 09–13 and 14–18 Moscow time;
// first response P3 120, P2 30 business minutes; 15 at L1. "At risk": due within 5 minutes or past
// 75 % of the target (the engine's warning).
const START = '2026-11-25T07:00:00.000Z';

describe.each(DATABASES)('the queue: filters, due-first sort, time left, counts and views (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, { SLA_AT_RISK_MINUTES: '5' }, { clock });
  let n = 0;

  /** Requests with a subject marker of their own, so each test sees only its requests. */
  async function setUp() {
    clock.set(START);
    const mark = `queuetest${++n}${kind}`;
    const [l1, alice, bob, it] = await Promise.all([t.login('l1@demo.test'), t.login('alice@client-a.test'), t.login('bob@client-b.test'), t.login('it@client-a.test')]);
    const aliceId = (await alice.get('/api/v1/me')).body.id as string;
    const make = async (c: typeof l1, body: Record<string, unknown>) => {
      const r = await c.post('/api/v1/tickets', { description: 'x', ...body });
      expect(r.status).toBe(201);
      return r.body as { id: string; number: string; organizationId: string };
    };
    const a1 = await make(alice, { subject: `${mark} printer jams` });
    clock.advanceMinutes(5);
    const a2 = await make(l1, { subject: `${mark} phoned in`, requesterId: aliceId, channel: 'phone', priority: 'P2' });
    const b1 = await make(bob, { subject: `${mark} till is down` });
    const list = async (c: typeof l1, query = '') => {
      const r = await c.get(`/api/v1/tickets?q=${mark}${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.items as any[];
    };
    const count = async (c: typeof l1, query = '') => {
      const r = await c.get(`/api/v1/tickets/count?q=${mark}${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.count as number;
    };
    const numbers = (items: any[]) => items.map((i) => i.number);
    return { mark, l1, alice, bob, it, a1, a2, b1, list, count, numbers };
  }

  it('sorts due first and gives each row its time left on the clock due first, the line budget to staff only', async () => {
    const s = await setUp();
    // P2 first response (30) runs out before P3's (120) though it was made later; bob's plan differs.
    const staff = await s.list(s.l1, '&sort=due');
    expect(staff).toHaveLength(3);
    const dues = staff.map((i) => i.sla.dueAt);
    expect([...dues].sort()).toEqual(dues);
    const a1 = staff.find((i) => i.id === s.a1.id);
    // The SLA figure is the contract's clock due first, as the client sees it; staff also get the
    // L1 budget (15 minutes, 5 gone) beside it.
    expect(a1.sla).toMatchObject({ metric: 'first_response', state: 'running', targetMinutes: 120, leftMinutes: 115, dueAt: '2026-11-25T09:00:00.000Z', breached: false });
    expect(a1.budget).toMatchObject({ metric: 'line', line: 'L1', state: 'running', targetMinutes: 15, leftMinutes: 10, dueAt: '2026-11-25T07:15:00.000Z' });
    const own = await s.list(s.alice, '&sort=due');
    expect(own.every((i) => !('budget' in i))).toBe(true);
    expect(s.numbers(own)).toEqual([s.a2.number, s.a1.number]);
    expect(own[1].sla).toMatchObject({ metric: 'first_response', targetMinutes: 120, leftMinutes: 115, dueAt: '2026-11-25T09:00:00.000Z' });
  });

  it('pages through the due-first order with the cursor, nothing twice and nothing left out', async () => {
    const s = await setUp();
    await s.l1.patch(`/api/v1/tickets/${s.b1.id}`, { status: 'pending_customer' });
    const all = s.numbers(await s.list(s.l1, '&sort=due'));
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 5; i++) {
      const r = await s.l1.get(`/api/v1/tickets?q=${s.mark}&sort=due&limit=1${cursor}`);
      expect(r.status).toBe(200);
      seen.push(...s.numbers(r.body.items));
      if (!r.body.nextCursor) break;
      cursor = `&cursor=${r.body.nextCursor}`;
    }
    expect(seen).toEqual(all);
    // The request waiting for the customer has no running clock: it comes last.
    expect(seen.at(-1)).toBe(s.b1.number);
    expect((await s.l1.get('/api/v1/tickets?sort=due&cursor=WzEsMl0')).status).toBe(400);
  });

  it('filters by status, priority, organization, plan, line, assignee and channel, and counts the same', async () => {
    const s = await setUp();
    const orgA = s.a1.organizationId;
    const orgs = (await s.l1.get('/api/v1/organizations')).body.items as { id: string; planId: string }[];
    const planA = orgs.find((o) => o.id === orgA)!.planId;
    // Automatic assignment may have given them to someone: set who works on what.
    await s.l1.post(`/api/v1/tickets/${s.a1.id}/take`);
    for (const id of [s.a2.id, s.b1.id]) expect((await s.l1.patch(`/api/v1/tickets/${id}`, { assigneeId: null })).status).toBe(200);
    const cases: [string, string[]][] = [
      ['', [s.a1.number, s.a2.number, s.b1.number]],
      ['&priority=P2', [s.a2.number]],
      ['&channel=phone', [s.a2.number]],
      ['&channel=web,email', [s.a1.number, s.b1.number]],
      [`&organizationId=${orgA}`, [s.a1.number, s.a2.number]],
      [`&planId=${planA}`, [s.a1.number, s.a2.number]],
      ['&assigneeId=me', [s.a1.number]],
      ['&assigneeId=none', [s.a2.number, s.b1.number]],
      ['&status=open', [s.a1.number]],
      ['&line=L1', [s.a1.number, s.a2.number, s.b1.number]],
      ['&line=L2', []],
    ];
    for (const [query, expected] of cases) {
      expect(s.numbers(await s.list(s.l1, `${query}&sort=number`)).sort(), query).toEqual([...expected].sort());
      expect(await s.count(s.l1, query), query).toBe(expected.length);
    }
  });

  it('filters by SLA state: running, paused, at risk (due soon or past 75 %) and breached', async () => {
    const s = await setUp();
    await s.l1.patch(`/api/v1/tickets/${s.b1.id}`, { status: 'pending_customer' });
    const asAlice = async (state: string) => s.numbers(await s.list(s.alice, `&sla=${state}&sort=number`));
    expect(await s.count(s.l1, '&sla=paused')).toBe(1);
    expect(s.numbers(await s.list(s.l1, '&sla=paused'))).toEqual([s.b1.number]);
    expect((await asAlice('running')).sort()).toEqual([s.a1.number, s.a2.number].sort());
    // 10:05: a2's first response (P2, 30) is due 10:35, a1's (120) 12:00; nothing at risk for Alice.
    expect(await asAlice('at_risk')).toEqual([]);
    // 10:11: for staff, a1's L1 budget is due within 5 minutes (10:15): at risk; a2's (10:20) not yet.
    clock.set('2026-11-25T07:11:00.000Z');
    expect(s.numbers(await s.list(s.l1, '&sla=at_risk'))).toEqual([s.a1.number]);
    // 10:28: a2 has used 23 of 30 minutes (77 %, warned by the engine) though due in 7; a1 28 of 120.
    clock.set('2026-11-25T07:28:00.000Z');
    await t.fireAllTimers();
    expect(await asAlice('at_risk')).toEqual([s.a2.number]);
    // 10:40: a2's first response ran out 5 minutes ago.
    clock.set('2026-11-25T07:40:00.000Z');
    await t.fireAllTimers();
    expect(await asAlice('breached')).toEqual([s.a2.number]);
    expect(await asAlice('at_risk')).toEqual([]);
    expect((await asAlice('breached,running')).sort()).toEqual([s.a1.number, s.a2.number].sort());
    const a2 = (await s.list(s.alice)).find((i) => i.id === s.a2.id);
    expect(a2.sla).toMatchObject({ metric: 'first_response', breached: true, leftMinutes: -5 });
    expect((await s.l1.get('/api/v1/tickets?sla=late')).status).toBe(400);
    expect((await s.l1.get('/api/v1/tickets/count?sla=late')).body).toMatchObject({ message: expect.stringContaining('late') });
  });

  it('keeps client users to their own requests in lists and counts, whatever the filters', async () => {
    const s = await setUp();
    const orgB = s.b1.organizationId;
    expect(s.numbers(await s.list(s.alice)).sort()).toEqual([s.a1.number, s.a2.number].sort());
    expect(await s.list(s.alice, `&organizationId=${orgB}`)).toEqual([]);
    expect(await s.count(s.alice, `&organizationId=${orgB}`)).toBe(0);
    expect(await s.count(s.it)).toBe(2);
    expect(await s.count(s.bob)).toBe(1);
    // The line budget is internal: no client row names it.
    for (const i of await s.list(s.it, '&sort=due')) expect(i.sla?.metric).not.toBe('line');
  });

  it('saves views per person and shared by a manager, each with its count; client users see none', async () => {
    const s = await setUp();
    const [manager, l2] = await Promise.all([t.login('manager@demo.test'), t.login('l2@demo.test')]);
    const own = await s.l1.post('/api/v1/queue-views', { name: `${s.mark} mine`, query: `q=${s.mark}&channel=phone&sort=due`, columns: ['number', 'subject', 'sla'] });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body).toMatchObject({ shared: false, mine: true, columns: ['number', 'subject', 'sla'] });
    expect((await s.l1.post('/api/v1/queue-views', { name: 'x', query: `q=${s.mark}`, shared: true })).status).toBe(403);
    const shared = await manager.post('/api/v1/queue-views', { name: `${s.mark} shared`, query: `q=${s.mark}&priority=P3`, shared: true });
    expect(shared.status).toBe(201);
    const views = async (c: typeof s.l1) => ((await c.get('/api/v1/queue-views')).body.items as any[]).filter((v) => v.name.startsWith(s.mark));
    expect((await views(s.l1)).map((v) => [v.name, v.count])).toEqual([
      [`${s.mark} shared`, 2],
      [`${s.mark} mine`, 1],
    ]);
    expect((await views(l2)).map((v) => v.name)).toEqual([`${s.mark} shared`]);
    expect((await l2.patch(`/api/v1/queue-views/${shared.body.id}`, { name: 'mine now' })).status).toBe(403);
    expect((await l2.patch(`/api/v1/queue-views/${own.body.id}`, { name: 'mine now' })).status).toBe(404);
    expect((await l2.delete(`/api/v1/queue-views/${own.body.id}`)).status).toBe(404);
    const renamed = await s.l1.patch(`/api/v1/queue-views/${own.body.id}`, { name: `${s.mark} phone` });
    expect(renamed.body.name).toBe(`${s.mark} phone`);
    const bad = await s.l1.post('/api/v1/queue-views', { name: 'bad', query: 'status=lost' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('lost');
    expect((await s.l1.post('/api/v1/queue-views', { name: 'paged', query: 'status=new&limit=5' })).status).toBe(400);
    for (const client of [s.alice, s.it]) {
      expect((await client.get('/api/v1/queue-views')).status).toBe(403);
      expect((await client.post('/api/v1/queue-views', { name: 'x', query: 'status=new' })).status).toBe(403);
      expect((await client.patch(`/api/v1/queue-views/${shared.body.id}`, { name: 'x' })).status).toBe(403);
    }
    expect((await s.l1.delete(`/api/v1/queue-views/${own.body.id}`)).status).toBe(204);
    expect((await views(s.l1)).map((v) => v.name)).toEqual([`${s.mark} shared`]);
  });
});
