import { describe, expect, it } from 'vitest';
import { seed } from '../../bench/queue.js';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

const OPEN = ['new', 'open', 'pending_customer', 'pending_vendor'];

/**
 * The list's search, open-status filters, counts and SLA states over more matches than the search
 * looks up one by one (SQLite 4 000, PostgreSQL 1 000): each way the repository reads them (the search index counting alone,
 * the open requests' index walked in the list's order, the live clocks looked at once for several
 * states) gives what the rows say, worked out here from the rows themselves.
 */
describe.each(DATABASES)('the request list over many matches: the same rows, order and counts whichever way they are read (%s)', (kind) => {
  const clock = new ManualClock();
  const t = useTestApp(kind, {}, { clock });

  let seeded: Promise<void> | undefined;

  async function setUp() {
    const db = t.td.app.db;
    // The queue bench's requests (a year of them, the last month's open, with their SLA clocks), as of now, once.
    seeded ??= (async () => {
      clock.set(new Date());
      await seed(db, 4200, t.td.app.dialect);
    })();
    await seeded;
    const rows = await db.selectFrom('tickets').select(['id', 'number', 'subject', 'status', 'priority', 'created_at']).execute();
    const l1 = await t.login('l1@demo.test');
    const get = async (path: string) => {
      const r = await l1.get(path);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    /** Every word starts a word of the subject (letters and digits, any case). */
    const matches = (subject: string, q: string) => {
      const words = subject.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
      return q
        .toLowerCase()
        .split(' ')
        .every((w) => words.some((x) => x.startsWith(w)));
    };
    const iso = (v: unknown) => new Date(v as string).toISOString();
    const expected = (q: string, keep: (r: (typeof rows)[number]) => boolean, direction: 'asc' | 'desc') =>
      rows
        .filter((r) => matches(r.subject, q) && keep(r))
        .sort((a, b) => (iso(a.created_at) === iso(b.created_at) ? (a.id < b.id ? -1 : 1) : iso(a.created_at) < iso(b.created_at) ? -1 : 1) * (direction === 'asc' ? 1 : -1))
        .map((r) => `TD-${String(r.number).padStart(6, '0')}`);
    return { rows, get, expected };
  }

  it('searches a common word or prefix with open statuses and priorities: same rows in the same order, both ways, and the same counts', async () => {
    const s = await setUp();
    const cases: [string, string, (r: (typeof s.rows)[number]) => boolean][] = [
      // Every subject of the bench says "request": more matches than SQLite looks up one by one (4 000).
      ['request', '', () => true],
      ['request', '&status=new,open,pending_customer&priority=P3', (r) => ['new', 'open', 'pending_customer'].includes(r.status) && r.priority === 'P3'],
      ['request', '&status=closed&priority=P4', (r) => r.status === 'closed' && r.priority === 'P4'],
      ['принт', `&status=${OPEN.join(',')}`, (r) => OPEN.includes(r.status)],
      ['printer', '&priority=P1', (r) => r.priority === 'P1'],
      ['printer', '', () => true],
    ];
    for (const [q, filters, keep] of cases) {
      const all = s.expected(q, keep, 'desc');
      // Enough matches that the search is read in the list's order, not handed over as keys.
      if (q === 'request' && filters === '') expect(all.length).toBeGreaterThan(4000);
      for (const [sort, direction] of [['-created', 'desc'], ['created', 'asc']] as const) {
        const page = await s.get(`/api/v1/tickets?q=${encodeURIComponent(q)}${filters}&sort=${sort}&limit=50`);
        expect(page.items.map((i: { number: string }) => i.number), `${q}${filters}&sort=${sort}`).toEqual(s.expected(q, keep, direction).slice(0, 50));
      }
      expect((await s.get(`/api/v1/tickets/count?q=${encodeURIComponent(q)}${filters}`)).count, `${q}${filters}`).toBe(all.length);
    }
    // Open statuses without words: the open requests' index in both orders; a queue's count by status.
    const open = await s.get(`/api/v1/tickets?status=new,open&sort=created&limit=50`);
    expect(open.items.map((i: { number: string }) => i.number)).toEqual(s.expected('', (r) => ['new', 'open'].includes(r.status), 'asc').slice(0, 50));
    expect((await s.get('/api/v1/tickets/count?status=new,open')).count).toBe(s.rows.filter((r) => ['new', 'open'].includes(r.status)).length);
  });

  it('counts and lists several SLA states as the union of each state alone', async () => {
    const s = await setUp();
    const ids = async (query: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = await s.get(`/api/v1/tickets?${query}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        out.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    };
    const single: Record<string, string[]> = {};
    for (const state of ['running', 'paused', 'at_risk', 'breached']) single[state] = await ids(`sla=${state}`);
    expect(single.at_risk!.length).toBeGreaterThan(0);
    expect(single.breached!.length).toBeGreaterThan(0);
    expect(single.paused!.length).toBeGreaterThan(0);
    for (const states of [['at_risk', 'breached'], ['running', 'paused'], ['paused', 'breached'], ['running', 'at_risk', 'breached', 'paused']]) {
      const union = [...new Set(states.flatMap((st) => single[st]!))].sort();
      const q = `sla=${states.join(',')}`;
      expect((await ids(q)).sort(), q).toEqual(union);
      expect((await ids(`${q}&sort=due`)).sort(), `${q}&sort=due`).toEqual(union);
      expect((await s.get(`/api/v1/tickets/count?${q}`)).count, q).toBe(union.length);
    }
  });
});
