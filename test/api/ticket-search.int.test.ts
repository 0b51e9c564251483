import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

// Wednesday 25 November 2026, 10:00 in Moscow: client A's plan works 09–13 and 14–18 Moscow time.
const START = '2026-11-25T07:00:00.000Z';

describe.each(DATABASES)('the request list: search by words and by number, and the kept due instant (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  let n = 0;

  /** Three requests with a word of their own, so that neither the demo's nor the other tests' match. */
  async function setUp() {
    clock.set(START);
    const mark = `zebraquartz${kind}${++n}x`;
    const [l1, alice, bob, it] = await Promise.all([t.login('l1@demo.test'), t.login('alice@client-a.test'), t.login('bob@client-b.test'), t.login('it@client-a.test')]);
    const make = async (c: typeof l1, subject: string) => {
      const r = await c.post('/api/v1/tickets', { subject, description: 'Nothing of the words searched for: принтер, printer.' });
      expect(r.status).toBe(201);
      return r.body as { id: string; number: string; version: number };
    };
    const a1 = await make(alice, `Принтер в бухгалтерии печатает пустые листы ${mark}`);
    const a2 = await make(alice, `Wi-Fi drops in the meeting room (${mark})`);
    const b1 = await make(bob, `Принтеры на складе: ${mark}`);
    const found = async (c: typeof l1, q: string, extra = '') => {
      const r = await c.get(`/api/v1/tickets?q=${encodeURIComponent(q)}${extra}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body.items as { number: string }[]).map((i) => i.number).sort();
    };
    const count = async (c: typeof l1, q: string) => {
      const r = await c.get(`/api/v1/tickets/count?q=${encodeURIComponent(q)}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.count as number;
    };
    return { mark, l1, alice, bob, it, a1, a2, b1, found, count };
  }

  it('finds every word of the subject as a word or its start, in Russian and English, whatever the case', async () => {
    const s = await setUp();
    const mark = s.mark;
    const sorted = (...ns: string[]) => ns.sort();
    expect(await s.found(s.l1, mark)).toEqual(sorted(s.a1.number, s.a2.number, s.b1.number));
    expect(await s.count(s.l1, mark)).toBe(3);
    // "принтер" starts "Принтер" and "Принтеры"; "принтеры" starts only the latter.
    expect(await s.found(s.l1, `принтер ${mark}`)).toEqual(sorted(s.a1.number, s.b1.number));
    expect(await s.found(s.l1, `принтеры ${mark}`)).toEqual([s.b1.number]);
    expect(await s.found(s.l1, `ПРИН бухгалт ${mark}`)).toEqual([s.a1.number]);
    expect(await s.count(s.l1, `ПРИН бухгалт ${mark}`)).toBe(1);
    // Punctuation separates words as it does in the text: Wi-Fi is "wi" and "fi".
    expect(await s.found(s.l1, `wi-fi ${mark}`)).toEqual([s.a2.number]);
    expect(await s.found(s.l1, `Fi MEET ${mark.slice(0, -1)}`)).toEqual([s.a2.number]);
    // Every word must be there; the middle of a word is not its start; the description is not searched.
    expect(await s.found(s.l1, `printer ${mark}`)).toEqual([]);
    expect(await s.found(s.l1, mark.slice(3))).toEqual([]);
    // Nothing searchable finds nothing (and is no error).
    expect(await s.found(s.l1, '%_!')).toEqual([]);
    // With the other filters and the due-first order.
    expect(await s.found(s.l1, mark, '&sort=due&status=new&line=L1')).toEqual(sorted(s.a1.number, s.a2.number, s.b1.number));
  });

  it('finds a request by its number exactly: TD-123, td-000123 or #123; a bare number also by the words', async () => {
    const s = await setUp();
    const n = Number(s.b1.number.replace(/^TD-0*/, ''));
    expect(await s.found(s.l1, s.b1.number)).toEqual([s.b1.number]);
    expect(await s.found(s.l1, `td-${String(n).padStart(8, '0')}`)).toEqual([s.b1.number]);
    expect(await s.found(s.l1, `#${n}`)).toEqual([s.b1.number]);
    expect(await s.count(s.l1, s.b1.number)).toBe(1);
    expect(await s.found(s.l1, String(n))).toContain(s.b1.number);
    expect(await s.found(s.l1, 'TD-999999999')).toEqual([]);
  });

  it('follows a changed subject', async () => {
    const s = await setUp();
    const mark = s.mark;
    const r = await s.l1.patch(`/api/v1/tickets/${s.a2.id}`, { subject: `Ethernet port is dead ${mark}`, version: s.a2.version });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await s.found(s.l1, `wi-fi ${mark}`)).toEqual([]);
    expect(await s.found(s.l1, `ethernet ${mark}`)).toEqual([s.a2.number]);
  });

  it('keeps client users to what they may see, by words and by number', async () => {
    const s = await setUp();
    const mark = s.mark;
    expect(await s.found(s.alice, mark)).toEqual([s.a1.number, s.a2.number].sort());
    expect(await s.count(s.alice, mark)).toBe(2);
    expect(await s.found(s.alice, `принтер ${mark}`)).toEqual([s.a1.number]);
    expect(await s.found(s.alice, s.b1.number)).toEqual([]);
    expect(await s.count(s.alice, s.b1.number)).toBe(0);
    expect(await s.found(s.it, mark)).toEqual([s.a1.number, s.a2.number].sort());
    expect(await s.found(s.bob, mark)).toEqual([s.b1.number]);
    expect(await s.found(s.bob, s.a1.number)).toEqual([]);
  });

  it('keeps each request\'s due instant equal to its contract clock due first: pause, resume, priority, escalation, reply, resolve, reopen', async () => {
    const s = await setUp();
    const mark = s.mark;
    const db = t.td.app.db;
    const id = s.a1.id;
    // What the clocks say now, worked out here from them, against what the request keeps and what the list shows.
    const check = async (expected: 'running' | 'none') => {
      const clocks = await db.selectFrom('sla_clocks').selectAll().where('ticket_id', '=', id).execute();
      const running = clocks.filter((c) => c.state === 'running' && c.metric !== 'line' && Number(c.target_minutes) > 0 && c.deadline);
      const due = running.map((c) => new Date(c.deadline!).toISOString()).sort()[0] ?? null;
      const kept = (await db.selectFrom('tickets').select('sla_due_at').where('id', '=', id).executeTakeFirstOrThrow()).sla_due_at;
      expect(kept === null ? null : new Date(kept).toISOString()).toBe(due);
      expect(due === null ? 'none' : 'running').toBe(expected);
      const row = ((await s.l1.get(`/api/v1/tickets?q=${s.a1.number}`)).body.items as any[])[0];
      expect(row.sla?.dueAt ?? null).toBe(due);
      return due;
    };
    const patch = async (body: Record<string, unknown>) => {
      const r = await s.l1.patch(`/api/v1/tickets/${id}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    // P3: first response due 12:00 Moscow.
    expect(await check('running')).toBe('2026-11-25T09:00:00.000Z');
    clock.advanceMinutes(10);
    await patch({ status: 'pending_customer' });
    await check('none');
    clock.advanceMinutes(30);
    await patch({ status: 'open' });
    // 10 minutes used, resumed at 10:40: due 12:30.
    expect(await check('running')).toBe('2026-11-25T09:30:00.000Z');
    await patch({ priority: 'P1' });
    const p1 = await check('running');
    expect(p1! < '2026-11-25T09:30:00.000Z').toBe(true);
    const esc = await s.l1.post(`/api/v1/tickets/${id}/escalate`, { line: 'L2', reason: 'needs an engineer' });
    expect(esc.status, JSON.stringify(esc.body)).toBe(200);
    expect(await check('running')).toBe(p1);
    // The first public reply stops the first-response clock: the resolution's deadline is due first now.
    const l2 = await t.login('l2@demo.test');
    expect((await l2.post(`/api/v1/tickets/${id}/comments`, { body: 'We are on it.' })).status).toBe(201);
    expect(await check('running')).not.toBe(p1);
    await patch({ status: 'resolved' });
    await check('none');
    await patch({ status: 'open' });
    await check('running');
    // The due-first order reads the kept instant: the requests with a running clock come first, soonest first.
    const list = (await s.l1.get(`/api/v1/tickets?q=${mark}&sort=due`)).body.items as any[];
    const dues = list.map((i) => i.sla?.dueAt ?? null);
    expect(dues.filter((d) => d !== null)).toEqual(dues.filter((d) => d !== null).sort());
  });
});
