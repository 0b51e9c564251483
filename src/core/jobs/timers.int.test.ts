import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgSchema, DATABASES, type DbKind } from '../../../test/support/databases.js';
import { ManualClock } from '../clock/clock.js';
import { openDatabase, type DbHandle } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { claimDueTimers, claimQuery, claimToken, takeClaimed } from './claim.js';
import {
  cancelSubjectTimers,
  cancelTimer,
  runDueTimers,
  scheduleTimer,
  TIMER_MAX_ATTEMPTS,
  timerMigrations,
  timerRetryDelayMs,
  type DueTimer,
  type TimerFunction,
  type TimerHandler,
  type TimerSpec,
  type TimerTables,
} from './timers.js';

interface TestTables extends TimerTables {
  // One row per handler run that committed; the unique timer_id makes a double fire fail loudly.
  timer_effects: { timer_id: number; key: string; worker: string; payload: string };
}
type TestDb = Kysely<TestTables>;

const T0 = new Date('2026-03-02T09:00:00.000Z');
const MIN = 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms).toISOString();
const none = { fired: 0, failed: 0, retried: 0 };

/** A fresh database of `kind` holding only the timers (and the test's effects table); reopenable. */
function useTimerDb(kind: DbKind) {
  const handles: DbHandle<TestTables>[] = [];
  let url = '';
  let pgSchema: string | undefined;
  let cleanup = async () => {};

  const open = (poolSize?: number) => {
    const h = openDatabase<TestTables>(url, { pgSchema, poolSize });
    handles.push(h);
    return h;
  };

  beforeEach(async () => {
    if (kind === 'postgres') {
      const s = await createPgSchema();
      [url, pgSchema, cleanup] = [s.url, s.schema, s.drop];
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-timers-'));
      [url, pgSchema] = [`sqlite:${path.join(dir, 'timers.db')}`, undefined];
      cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    }
    const h = open();
    await migrateToLatest(h.db, h.dialect, timerMigrations);
    await h.db.schema
      .createTable('timer_effects')
      .addColumn('timer_id', 'integer', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('worker', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
  });

  afterEach(async () => {
    for (const h of handles.splice(0)) await h.close();
    await cleanup();
  });

  return {
    /** The handle opened for the test. */
    get h() {
      return handles[0]!;
    },
    open,
  };
}

/** A handler that records its run in timer_effects, in the timer's transaction. */
const recordEffect =
  (worker = 'w'): TimerFunction =>
  async (trx, t) => {
    await (trx as TestDb)
      .insertInto('timer_effects')
      .values({ timer_id: t.id, key: t.key, worker, payload: JSON.stringify(t.payload) })
      .execute();
  };

const schedule = (db: TestDb, ...specs: TimerSpec[]) =>
  db.transaction().execute(async (trx) => {
    for (const s of specs) await scheduleTimer(trx, s);
  });

const effects = (db: TestDb) => db.selectFrom('timer_effects').selectAll().orderBy('timer_id').execute();
const timers = (db: TestDb) => db.selectFrom('timers').selectAll().orderBy('id').execute();

describe.each(DATABASES)('durable timers (%s)', (kind) => {
  const t = useTimerDb(kind);
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock(T0);
  });
  const run = (handlers: Record<string, TimerHandler>, opts?: Parameters<typeof runDueTimers>[4]) =>
    runDueTimers(t.h.db, t.h.dialect, clock, handlers, opts);

  it('fires a timer once when it comes due, and not before', async () => {
    await schedule(t.h.db, { key: 'k1', kind: 'ping', subjectId: 's1', dueAt: at(10 * MIN), payload: { n: 1 } });
    const seen: DueTimer[] = [];
    const handlers = { ping: async (trx: Kysely<unknown>, timer: DueTimer) => void seen.push(timer) };

    expect(await run(handlers)).toEqual(none);
    clock.set(at(10 * MIN - 1));
    expect(await run(handlers)).toEqual(none);
    clock.set(at(10 * MIN));
    expect(await run(handlers)).toEqual({ fired: 1, failed: 0, retried: 0 });
    expect(seen).toEqual([{ id: expect.any(Number), key: 'k1', kind: 'ping', subjectId: 's1', dueAt: at(10 * MIN), payload: { n: 1 }, attempts: 0 }]);

    clock.advanceMinutes(60);
    expect(await run(handlers)).toEqual(none);
    expect(seen).toHaveLength(1);
    expect(await timers(t.h.db)).toMatchObject([{ key: 'k1', fired_at: at(10 * MIN), failed_at: null, claimed_by: null }]);
  });

  it('keeps a timer only if the transaction that scheduled it commits', async () => {
    await expect(
      t.h.db.transaction().execute(async (trx) => {
        await scheduleTimer(trx, { key: 'k1', kind: 'ping', subjectId: 's1', dueAt: T0 });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await timers(t.h.db)).toEqual([]);
  });

  it('fires due timers earliest first, a batch per pass', async () => {
    const order: string[] = [];
    const handlers = { ping: async (_: unknown, timer: DueTimer) => void order.push(timer.key) };
    await schedule(
      t.h.db,
      ...[3, 1, 4, 2, 5].map((n) => ({ key: `k${n}`, kind: 'ping', subjectId: 's', dueAt: at(n * MIN) })),
    );
    clock.set(at(10 * MIN));
    expect(await run(handlers, { batch: 2 })).toMatchObject({ fired: 2 });
    expect(await run(handlers, { batch: 2 })).toMatchObject({ fired: 2 });
    expect(await run(handlers, { batch: 2 })).toMatchObject({ fired: 1 });
    expect(order).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
  });

  it('reschedules by key while unfired, and schedules anew once the key has fired', async () => {
    const handlers = { ping: recordEffect() };
    await schedule(t.h.db, { key: 'k1', kind: 'ping', subjectId: 's1', dueAt: at(10 * MIN), payload: { v: 1 } });
    await schedule(t.h.db, { key: 'k1', kind: 'ping', subjectId: 's1', dueAt: at(30 * MIN), payload: { v: 2 } });
    expect(await timers(t.h.db)).toHaveLength(1);

    clock.set(at(10 * MIN));
    expect(await run(handlers)).toEqual(none);
    clock.set(at(30 * MIN));
    expect(await run(handlers)).toMatchObject({ fired: 1 });

    await schedule(t.h.db, { key: 'k1', kind: 'ping', subjectId: 's1', dueAt: at(60 * MIN), payload: { v: 3 } });
    clock.set(at(60 * MIN));
    expect(await run(handlers)).toMatchObject({ fired: 1 });
    expect((await effects(t.h.db)).map((e) => JSON.parse(e.payload))).toEqual([{ v: 2 }, { v: 3 }]);
    expect((await timers(t.h.db)).map((r) => r.fired_at)).toEqual([at(30 * MIN), at(60 * MIN)]);
  });

  it('runs the outside part of a two-phase handler before its transaction, and gives apply its result', async () => {
    await t.h.db.transaction().execute((trx) => scheduleTimer(trx, { key: 'call', kind: 'call', subjectId: 's', dueAt: at(0) }));
    const seen: string[] = [];
    const handlers: Record<string, TimerHandler> = {
      call: {
        // A query on the outer handle here would wait forever on SQLite if a transaction were open.
        prepare: async (db, timer) => {
          const pending = await db.selectFrom('timers').select('key').where('fired_at', 'is', null).execute();
          seen.push(`prepare ${timer.key} ${pending.length}`);
          return { answer: 42 };
        },
        apply: async (trx, timer, prepared: { answer: number }) => {
          seen.push(`apply ${prepared.answer}`);
          await recordEffect()(trx, timer);
        },
      },
    };
    expect(await run(handlers)).toMatchObject({ fired: 1 });
    expect(seen).toEqual(['prepare call 1', 'apply 42']);
    expect(await effects(t.h.db)).toHaveLength(1);
  });

  it('lets a handler schedule its own key again (a recurring timer)', async () => {
    const handlers = {
      every10: async (trx: Kysely<unknown>, timer: DueTimer) => {
        await recordEffect()(trx, timer);
        await scheduleTimer(trx, { ...timer, dueAt: new Date(new Date(timer.dueAt).getTime() + 10 * MIN) });
      },
    };
    await schedule(t.h.db, { key: 'tick', kind: 'every10', subjectId: 's1', dueAt: at(10 * MIN) });
    for (const m of [10, 20, 30]) {
      clock.set(at(m * MIN));
      expect(await run(handlers)).toMatchObject({ fired: 1 });
    }
    const rows = await timers(t.h.db);
    expect(rows.map((r) => [r.due_at, r.fired_at])).toEqual([
      [at(10 * MIN), at(10 * MIN)],
      [at(20 * MIN), at(20 * MIN)],
      [at(30 * MIN), at(30 * MIN)],
      [at(40 * MIN), null],
    ]);
  });

  it('cancels by key, and by subject with or without a kind prefix', async () => {
    await schedule(
      t.h.db,
      { key: 'a', kind: 'deadline.resolve', subjectId: 's1', dueAt: at(MIN) },
      { key: 'b', kind: 'deadline.respond', subjectId: 's1', dueAt: at(MIN) },
      { key: 'c', kind: 'reminder', subjectId: 's1', dueAt: at(MIN) },
      { key: 'd', kind: 'deadline.resolve', subjectId: 's2', dueAt: at(MIN) },
      { key: 'e', kind: 'Deadline.resolve', subjectId: 's1', dueAt: at(MIN) },
      { key: 'f', kind: 'reminder', subjectId: 's3', dueAt: at(MIN) },
    );
    await t.h.db.transaction().execute(async (trx) => {
      await cancelTimer(trx, 'missing');
      await cancelTimer(trx, 'f');
      await cancelSubjectTimers(trx, 's1', 'deadline.');
    });
    // The prefix match is exact, case included, on both engines.
    expect((await timers(t.h.db)).map((r) => r.key)).toEqual(['c', 'd', 'e']);
    await cancelSubjectTimers(t.h.db, 's1');
    expect((await timers(t.h.db)).map((r) => r.key)).toEqual(['d']);
  });

  it('keeps fired timers as history: cancelling afterwards removes nothing', async () => {
    await schedule(t.h.db, { key: 'a', kind: 'ping', subjectId: 's1', dueAt: T0 });
    expect(await run({ ping: recordEffect() })).toMatchObject({ fired: 1 });
    await cancelTimer(t.h.db, 'a');
    await cancelSubjectTimers(t.h.db, 's1');
    expect(await timers(t.h.db)).toHaveLength(1);
  });

  it('fires every timer that came due during downtime exactly once after a restart', async () => {
    await schedule(
      t.h.db,
      ...[1, 2, 3].map((h) => ({ key: `k${h}`, kind: 'ping', subjectId: 's', dueAt: at(h * 60 * MIN) })),
      { key: 'later', kind: 'ping', subjectId: 's', dueAt: at(24 * 60 * MIN) },
    );
    await t.h.close();

    const reopened = t.open();
    clock.set(at(5 * 60 * MIN));
    const handlers = { ping: recordEffect() };
    expect(await runDueTimers(reopened.db, reopened.dialect, clock, handlers)).toEqual({ fired: 3, failed: 0, retried: 0 });
    expect(await runDueTimers(reopened.db, reopened.dialect, clock, handlers)).toEqual(none);
    expect((await effects(reopened.db)).map((e) => e.key)).toEqual(['k1', 'k2', 'k3']);
  });

  it('retries a failing handler with backoff, then marks the timer failed and keeps the error', async () => {
    let calls = 0;
    const handlers = {
      flaky: async (trx: Kysely<unknown>, timer: DueTimer) => {
        calls++;
        await recordEffect()(trx, timer); // rolled back with the failed attempt
        throw new Error(`mailbox unavailable (${timer.attempts})`);
      },
    };
    await schedule(t.h.db, { key: 'k1', kind: 'flaky', subjectId: 's1', dueAt: T0 });

    for (let attempt = 1; attempt < TIMER_MAX_ATTEMPTS; attempt++) {
      expect(await run(handlers)).toEqual({ fired: 0, failed: 0, retried: 1 });
      expect(await timers(t.h.db)).toMatchObject([{ attempts: attempt, last_error: `Error: mailbox unavailable (${attempt - 1})`, fired_at: null, failed_at: null }]);
      clock.advance(timerRetryDelayMs(attempt) - 1);
      expect(await run(handlers)).toEqual(none); // not before the backoff is over
      clock.advance(1);
    }
    expect(await run(handlers)).toEqual({ fired: 0, failed: 1, retried: 0 });
    expect(await timers(t.h.db)).toMatchObject([
      { attempts: TIMER_MAX_ATTEMPTS, last_error: `Error: mailbox unavailable (${TIMER_MAX_ATTEMPTS - 1})`, fired_at: null, failed_at: clock.now().toISOString() },
    ]);
    expect(calls).toBe(TIMER_MAX_ATTEMPTS);
    expect(await effects(t.h.db)).toEqual([]);

    clock.advanceMinutes(24 * 60);
    expect(await run(handlers)).toEqual(none);
    // A failed timer has left the pending set: its key can be scheduled again.
    await schedule(t.h.db, { key: 'k1', kind: 'flaky', subjectId: 's1', dueAt: clock.now() });
    expect(await timers(t.h.db)).toHaveLength(2);
  });

  it('hands the attempt count to a handler that succeeds on a retry', async () => {
    const seen: number[] = [];
    const handlers = {
      once: async (_: unknown, timer: DueTimer) => {
        seen.push(timer.attempts);
        if (timer.attempts === 0) throw new Error('first try fails');
      },
    };
    await schedule(t.h.db, { key: 'k1', kind: 'once', subjectId: 's1', dueAt: T0 });
    expect(await run(handlers)).toMatchObject({ retried: 1 });
    clock.advance(timerRetryDelayMs(1));
    expect(await run(handlers)).toMatchObject({ fired: 1 });
    expect(seen).toEqual([0, 1]);
    expect(await timers(t.h.db)).toMatchObject([{ attempts: 1, last_error: 'Error: first try fails', fired_at: clock.now().toISOString() }]);
  });

  it('marks a timer of an unknown kind failed, with the reason', async () => {
    await schedule(
      t.h.db,
      { key: 'k1', kind: 'nobody-handles-this', subjectId: 's1', dueAt: T0 },
      { key: 'k2', kind: 'toString', subjectId: 's1', dueAt: T0 },
    );
    expect(await run({ ping: recordEffect() })).toEqual({ fired: 0, failed: 2, retried: 0 });
    expect(await timers(t.h.db)).toMatchObject([
      { last_error: 'No handler for timer kind "nobody-handles-this"', failed_at: T0.toISOString(), fired_at: null },
      { last_error: 'No handler for timer kind "toString"', failed_at: T0.toISOString() },
    ]);
    clock.advanceMinutes(60);
    expect(await run({ ping: recordEffect() })).toEqual(none);
  });

  it('lets another worker take over a timer whose claimant died, once its lease has run out', async () => {
    await schedule(t.h.db, { key: 'k1', kind: 'ping', subjectId: 's1', dueAt: T0 });
    // A worker claims it and dies before running the handler.
    const dead = claimToken('dead-worker');
    const lease = 5 * MIN;
    expect(await claimDueTimers(t.h.db, t.h.dialect, { now: T0.toISOString(), leaseUntil: at(lease), token: dead, batch: 10 })).toHaveLength(1);

    const handlers = { ping: recordEffect('survivor') };
    clock.set(at(lease - 1));
    expect(await run(handlers, { workerId: 'survivor' })).toEqual(none);
    clock.set(at(lease));
    expect(await run(handlers, { workerId: 'survivor' })).toEqual({ fired: 1, failed: 0, retried: 0 });

    // Should the first worker come back after all, the timer is no longer its to fire.
    const [row] = await timers(t.h.db);
    expect(await t.h.db.transaction().execute((trx) => takeClaimed(trx, row!.id, dead, clock.now().toISOString()))).toBe(false);
    expect(await effects(t.h.db)).toMatchObject([{ key: 'k1', worker: 'survivor' }]);
  });

  it('gives back the rest of its batch when told to stop, for another worker to take at once', async () => {
    await schedule(t.h.db, ...[1, 2, 3].map((n) => ({ key: `k${n}`, kind: 'ping', subjectId: 's1', dueAt: at(n) })));
    const stopping = new AbortController();
    // The worker is stopped while the first handler runs: that one finishes, the others are released.
    const handlers = {
      ping: async (trx: Kysely<unknown>, timer: DueTimer) => {
        await recordEffect('stopping')(trx, timer);
        stopping.abort();
      },
    };
    clock.set(at(10));
    expect(await run(handlers, { workerId: 'stopping', signal: stopping.signal })).toEqual({ fired: 1, failed: 0, retried: 0 });
    expect((await timers(t.h.db)).map((r) => [r.key, r.fired_at !== null, r.claimed_by, r.claimed_until])).toEqual([
      ['k1', true, null, null],
      ['k2', false, null, null],
      ['k3', false, null, null],
    ]);
    // Without waiting for any lease to run out.
    expect(await run({ ping: recordEffect('next') }, { workerId: 'next' })).toEqual({ fired: 2, failed: 0, retried: 0 });
    expect((await effects(t.h.db)).map((e) => [e.key, e.worker])).toEqual([
      ['k1', 'stopping'],
      ['k2', 'next'],
      ['k3', 'next'],
    ]);
  });

  it('leaves alone a timer rescheduled or cancelled while claimed', async () => {
    await schedule(
      t.h.db,
      { key: 'moved', kind: 'ping', subjectId: 's1', dueAt: T0 },
      { key: 'gone', kind: 'ping', subjectId: 's1', dueAt: T0 },
    );
    const token = claimToken('w1');
    const claimed = await claimDueTimers(t.h.db, t.h.dialect, { now: T0.toISOString(), leaseUntil: at(MIN), token, batch: 10 });
    await schedule(t.h.db, { key: 'moved', kind: 'ping', subjectId: 's1', dueAt: at(60 * MIN) });
    await cancelTimer(t.h.db, 'gone');
    for (const row of claimed)
      expect(await t.h.db.transaction().execute((trx) => takeClaimed(trx, row.id, token, T0.toISOString()))).toBe(false);
    expect(await timers(t.h.db)).toMatchObject([{ key: 'moved', due_at: at(60 * MIN), claimed_by: null, fired_at: null }]);
  });

  it('does not fire a timer twice while its slow handler outlives the lease', async () => {
    await schedule(t.h.db, { key: 'k1', kind: 'slow', subjectId: 's1', dueAt: T0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const slow: TimerFunction = async (trx, timer) => {
      started();
      await gate;
      await recordEffect('slow')(trx, timer);
    };
    const first = runDueTimers(t.h.db, t.h.dialect, clock, { slow }, { leaseMs: MIN, workerId: 'slow' });
    await running;
    clock.advanceMinutes(10);
    // PostgreSQL: the handler's transaction holds the row, so SKIP LOCKED passes it by. SQLite: this
    // pass waits for the one connection, and by then the timer has fired.
    const second = runDueTimers(t.h.db, t.h.dialect, clock, { slow: recordEffect('fast') }, { workerId: 'fast' });
    if (kind === 'postgres') expect(await second).toEqual(none);
    release();
    expect(await first).toMatchObject({ fired: 1 });
    expect(await second).toEqual(none);
    expect(await effects(t.h.db)).toMatchObject([{ worker: 'slow' }]);
  });

  it('finds due timers through the due-time index', async () => {
    const query = claimQuery(t.h.db, t.h.dialect, { now: T0.toISOString(), leaseUntil: at(MIN), token: 'x', batch: 100 }).compile();
    if (kind === 'sqlite') {
      const plan = await t.h.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
      const details = plan.rows.map((r) => r.detail);
      expect(details.some((d) => /SEARCH timers USING (COVERING )?INDEX timers_due \(due_at<\?\)/.test(d))).toBe(true);
      expect(details.filter((d) => /^SCAN timers|TEMP B-TREE/.test(d))).toEqual([]);
    } else {
      // Enough far-future rows for the planner to prefer an index over reading the table.
      await t.h.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 5000; i += 500)
          await trx
            .insertInto('timers')
            .values(Array.from({ length: 500 }, (_, k) => ({ key: `f${i + k}`, kind: 'ping', subject_id: 's', due_at: at((i + k + 1) * MIN), payload: '{}' })))
            .execute();
      });
      await t.h.db.executeQuery(CompiledQuery.raw('analyze timers'));
      const plan = await t.h.db.executeQuery(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
      const text = plan.rows.map((r) => Object.values(r as object).join('')).join('\n');
      expect(text).toMatch(/Index Scan using timers_due on timers/);
      expect(text).not.toMatch(/Seq Scan on timers/);
    }
  });

  // Two pools need a server: SQLite has one writer by construction.
  if (kind === 'postgres') it('never fires a timer twice with two workers on separate pools', async () => {
    const N = 500;
    await t.h.db.transaction().execute(async (trx) => {
      for (let i = 0; i < N; i++) await scheduleTimer(trx, { key: `k${i}`, kind: 'ping', subjectId: `s${i % 7}`, dueAt: at((i % 50) * 1000) });
    });
    clock.set(at(60 * MIN));
    const worker = async (name: string) => {
      const h = t.open(4);
      const total = { fired: 0, failed: 0, retried: 0, passes: 0 };
      for (;;) {
        const r = await runDueTimers(h.db, h.dialect, clock, { ping: recordEffect(name) }, { batch: 20, workerId: name });
        if (r.fired + r.failed + r.retried === 0) return total;
        total.fired += r.fired;
        total.failed += r.failed;
        total.retried += r.retried;
        total.passes++;
      }
    };
    const [a, b] = await Promise.all([worker('a'), worker('b')]);

    // A second run of a handler would have hit the unique timer_id and shown up as a retry.
    expect(a.failed + b.failed + a.retried + b.retried).toBe(0);
    expect(a.fired + b.fired).toBe(N);
    expect(a.fired).toBeGreaterThan(0);
    expect(b.fired).toBeGreaterThan(0);
    const done = await effects(t.h.db);
    expect(new Set(done.map((e) => e.key)).size).toBe(N);
    const left = await t.h.db.selectFrom('timers').select('id').where('fired_at', 'is', null).execute();
    expect(left).toEqual([]);
  });
});
