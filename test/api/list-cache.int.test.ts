import SQLite from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { countStatements } from '../../src/core/db/connect.js';
import { useTestApp } from '../support/app.js';
import { DATABASES, urlInSchema } from '../support/databases.js';

// Wednesday 25 November 2026, 10:00 in Moscow, within client A's working hours.
const START = '2026-11-25T07:00:00.000Z';

describe.each(DATABASES)('queue pages kept while nothing is written (LIST_CACHE_MS) (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  let n = 0;

  async function setUp() {
    clock.set(START);
    const mark = `keptlist${++n}${kind}`;
    const [l1, alice, bob] = await Promise.all([t.login('l1@demo.test'), t.login('alice@client-a.test'), t.login('bob@client-b.test')]);
    const made = await alice.post('/api/v1/tickets', { subject: `${mark} printer jams`, description: 'x' });
    expect(made.status).toBe(201);
    const page = async (c: typeof l1) => {
      const r = await c.get(`/api/v1/tickets?q=${mark}&sort=due`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      return r.body.items as any[];
    };
    return { mark, l1, alice, bob, ticket: made.body as { id: string; version: number }, page };
  }

  /** The statements a request costs, the page's own reading included or not. */
  const statementsOf = async (fn: () => Promise<unknown>) => (await countStatements(fn)).count;

  it('reads a page asked for again only after something was written, on SQLite; every time on PostgreSQL', async () => {
    const s = await setUp();
    const first = await statementsOf(() => s.page(s.l1));
    const again = await statementsOf(() => s.page(s.l1));
    if (kind === 'sqlite') expect(again).toBeLessThan(first);
    else expect(again).toBe(first);
    // A write anywhere (here another client's request) and the page is read afresh.
    const other = await s.bob.post('/api/v1/tickets', { subject: 'another printer', description: 'x' });
    expect(other.status).toBe(201);
    const afresh = await statementsOf(() => s.page(s.l1));
    if (kind === 'sqlite') expect(afresh).toBeGreaterThan(again);
    else expect(afresh).toBe(again);
  });

  it('shows a change made through the app at once', async () => {
    const s = await setUp();
    expect((await s.page(s.l1))[0]).toMatchObject({ priority: 'P3', status: 'new' });
    const changed = await s.l1.patch(`/api/v1/tickets/${s.ticket.id}`, { priority: 'P1' }, { 'if-match': `"${s.ticket.version}"` });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect((await s.page(s.l1))[0]).toMatchObject({ priority: 'P1' });
    const count = await s.l1.get(`/api/v1/tickets/count?q=${s.mark}&priority=P1`);
    expect(count.body).toEqual({ count: 1 });
  });

  it('shows a change another process wrote to the database at once', async () => {
    const s = await setUp();
    expect((await s.page(s.l1))[0].subject).toBe(`${s.mark} printer jams`);
    const subject = `${s.mark} printer jams (renamed elsewhere)`;
    if (kind === 'sqlite') {
      const other = new SQLite(t.config.databaseUrl.slice('sqlite:'.length));
      other.prepare('update tickets set subject = ? where id = ?').run(subject, s.ticket.id);
      other.close();
    } else {
      const other = new pg.Client({ connectionString: urlInSchema(process.env.TEST_DATABASE_URL!, t.pgSchema!) });
      await other.connect();
      await other.query('update tickets set subject = $1 where id = $2', [subject, s.ticket.id]);
      await other.end();
    }
    expect((await s.page(s.l1))[0].subject).toBe(subject);
  });

  it('keeps a page no longer than LIST_CACHE_MS of the clock: its time left moves on', async () => {
    const s = await setUp();
    const before = (await s.page(s.l1))[0];
    expect(before.sla).toMatchObject({ metric: 'first_response', leftMinutes: 120 });
    clock.advance(999);
    expect((await s.page(s.l1))[0].sla.leftMinutes).toBe(kind === 'sqlite' ? 120 : 119.98);
    clock.advanceMinutes(2);
    expect((await s.page(s.l1))[0].sla).toMatchObject({ metric: 'first_response', leftMinutes: 117.98 });
    // A clock set back (a test's, or the system's corrected) reads afresh too.
    clock.set(START);
    expect((await s.page(s.l1))[0].sla.leftMinutes).toBe(120);
  });

  it("gives each person their own page: a client never gets staff's, nor another organization's", async () => {
    const s = await setUp();
    const staff = await s.page(s.l1);
    expect(staff[0].budget).toMatchObject({ metric: 'line' });
    const own = await s.page(s.alice);
    expect(own).toHaveLength(1);
    expect(own[0]).not.toHaveProperty('budget');
    expect(own[0]).not.toHaveProperty('impact');
    expect(await s.page(s.bob)).toEqual([]);
    const count = await s.bob.get(`/api/v1/tickets/count?q=${s.mark}`);
    expect(count.body).toEqual({ count: 0 });
  });

  it('answers a bad query with its error every time, keeping nothing', async () => {
    const s = await setUp();
    for (let i = 0; i < 2; i++) {
      const r = await s.l1.get(`/api/v1/tickets?q=${s.mark}&sort=due&cursor=not-a-cursor`);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ statusCode: 400 });
    }
  });
});

describe('queue pages with LIST_CACHE_MS=0', () => {
  const t = useTestApp('sqlite', { LIST_CACHE_MS: '0' });

  it('reads every request afresh', async () => {
    const l1 = await t.login('l1@demo.test');
    const ask = () => countStatements(() => l1.get('/api/v1/tickets?sort=due'));
    const first = await ask();
    expect(first.result.status).toBe(200);
    expect((await ask()).count).toBe(first.count);
  });
});
