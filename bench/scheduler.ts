/**
 * The timer scheduler's cost against the number of pending timers: one pass firing 1 000 due timers
 * (a no-op handler, batch 1 000) among 1 000 000 pending, as a ratio to the same pass among 1 000
 * pending (all of them due). Target: below 3×, i.e. a pass costs what is due, not what is pending.
 *
 * `npx tsx bench/scheduler.ts`, or `benchScheduler()` from another bench. One JSON line per
 * measurement on stdout, progress and query plans on stderr. SQLite (a temporary file) always;
 * PostgreSQL too when BENCH_DATABASE_URL is set (a fresh schema there, dropped afterwards).
 * Env: BENCH_SCHEDULER_ROUNDS (measured passes per size, the median is reported; default 7).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';
import { ManualClock } from '../src/core/clock/clock.js';
import { openDatabase, type DbHandle, type DialectName } from '../src/core/db/connect.js';
import { migrateToLatest } from '../src/core/db/migrate.js';
import { claimQuery } from '../src/core/jobs/claim.js';
import { runDueTimers, scheduleTimer, timerMigrations, type TimerTables } from '../src/core/jobs/timers.js';

const DUE = 1_000;
const BASELINE = 1_000;
const SIZES = [BASELINE, 100_000, 1_000_000];
const TARGET = 3;
const ROUNDS = Number(process.env.BENCH_SCHEDULER_ROUNDS ?? 7);
const ROWS_PER_INSERT = 500; // 5 columns × 500 = 2 500 parameters, under both engines' limits
const ROWS_PER_TRANSACTION = 50_000;
const NOW = new Date('2026-06-01T12:00:00.000Z');
const DAY = 86_400_000;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

type Db = Kysely<TimerTables>;
const noop = { 'bench.noop': async () => {} };

/** Where the databases live: a temporary directory for SQLite, a fresh schema on PostgreSQL. */
async function location(database: DialectName) {
  if (database === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-bench-timers-'));
    let n = 0;
    return {
      open: () => openDatabase<TimerTables>(`sqlite:${path.join(dir, `timers-${n++}.db`)}`),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = process.env.BENCH_DATABASE_URL!;
  const schemas: string[] = [];
  const run = async (q: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  return {
    open: async () => {
      const schema = `bench_${crypto.randomBytes(6).toString('hex')}`;
      await run(`create schema ${schema}`);
      schemas.push(schema);
      return openDatabase<TimerTables>(url, { pgSchema: schema });
    },
    drop: async () => {
      for (const s of schemas) await run(`drop schema if exists ${s} cascade`);
    },
  };
}

/** Inserts `count` timers due over the 30 days after NOW, none of them due yet. */
async function seedFuture(db: Db, count: number) {
  for (let start = 0; start < count; start += ROWS_PER_TRANSACTION) {
    await db.transaction().execute(async (trx) => {
      const end = Math.min(start + ROWS_PER_TRANSACTION, count);
      for (let i = start; i < end; i += ROWS_PER_INSERT) {
        const rows = Array.from({ length: Math.min(ROWS_PER_INSERT, end - i) }, (_, k) => {
          const n = i + k;
          // A multiplicative hash spreads due times over the month in no particular insertion order.
          const due = NOW.getTime() + 1 + ((n * 2_654_435_761) % (30 * DAY));
          return {
            key: `future:${n}`,
            kind: 'bench.noop',
            subject_id: `s${n % 50_000}`,
            due_at: new Date(due).toISOString(),
            payload: '{}',
          };
        });
        await trx.insertInto('timers').values(rows).execute();
      }
    });
  }
}

/** Makes DUE timers due (in the minute before NOW) through the public API, as a use case would. */
async function scheduleDue(db: Db, round: number) {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < DUE; i++)
      await scheduleTimer(trx, {
        key: `due:${round}:${i}`,
        kind: 'bench.noop',
        subjectId: `d${i}`,
        dueAt: new Date(NOW.getTime() - 1 - (i % 60_000)),
      });
  });
}

/** The claim query's plan, on stderr; throws unless it walks the due-time index. */
async function checkPlan(h: DbHandle<TimerTables>, label: string) {
  const q = claimQuery(h.db, h.dialect, {
    now: NOW.toISOString(),
    leaseUntil: NOW.toISOString(),
    token: 'plan',
    batch: DUE,
  }).compile();
  const explain = h.dialect === 'sqlite' ? 'explain query plan' : 'explain';
  const { rows } = await h.db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(`${explain} ${q.sql}`, [...q.parameters]),
  );
  const plan = rows.map((r) => String(r.detail ?? r['QUERY PLAN'])).join('\n  ');
  log(`claim plan (${label}):\n  ${plan}`);
  if (!/timers_due/.test(plan)) throw new Error(`The claim query does not use timers_due on ${label}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Measures one database engine; one result object per size. */
async function benchDatabase(database: DialectName): Promise<object[]> {
  const where = await location(database);
  const dbs: { pending: number; h: DbHandle<TimerTables>; ms: number[] }[] = [];
  try {
    for (const pending of SIZES) {
      const h = await where.open();
      dbs.push({ pending, h, ms: [] });
      await migrateToLatest(h.db, h.dialect, timerMigrations);
      const t0 = performance.now();
      await seedFuture(h.db, pending - DUE);
      if (database === 'postgres') await h.db.executeQuery(CompiledQuery.raw('analyze timers')); // as autovacuum would
      log(
        `${database}: seeded ${pending - DUE} future timers in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      // On a table this small a sequential scan is a fine plan; the index matters on the large ones.
      if (pending > BASELINE) await checkPlan(h, `${database}, ${pending} pending`);
    }

    const clock = new ManualClock(NOW);
    // Rounds interleave the sizes, so that load from elsewhere on the machine falls on all of them alike.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const d of dbs) {
        await scheduleDue(d.h.db, round);
        const t0 = performance.now();
        const r = await runDueTimers(d.h.db, d.h.dialect, clock, noop, { batch: DUE, workerId: 'bench' });
        const ms = performance.now() - t0;
        if (r.fired !== DUE) throw new Error(`Expected ${DUE} fired, got ${JSON.stringify(r)}`);
        if (round > 0) d.ms.push(ms); // round 0 warms caches and the JIT
        // Back to the stated shape: fired rows leave, the pending count stays as named.
        await d.h.db.deleteFrom('timers').where('fired_at', 'is not', null).execute();
      }
      log(
        `${database}: round ${round}: ${dbs.map((d) => `${d.pending} pending ${d.ms.at(-1)?.toFixed(1) ?? 'warm-up'} ms`).join(', ')}`,
      );
    }

    const baselinePassMs = median(dbs[0]!.ms);
    return dbs.map((d) => {
      const passMs = median(d.ms);
      const ratio = Number((passMs / baselinePassMs).toFixed(2));
      return {
        name: `scheduler pass: ${DUE} due among ${d.pending} pending timers`,
        database,
        pendingTimers: d.pending,
        dueTimers: DUE,
        passMs: Number(passMs.toFixed(1)),
        baselinePassMs: Number(baselinePassMs.toFixed(1)),
        ratio,
        target: TARGET,
        met: ratio < TARGET,
      };
    });
  } finally {
    for (const d of dbs) await d.h.close();
    await where.drop();
  }
}

/** Runs the scheduler benchmark on SQLite (and PostgreSQL when BENCH_DATABASE_URL is set); returns the results. */
export async function benchScheduler(): Promise<object[]> {
  const results: object[] = [];
  for (const database of [
    'sqlite',
    ...(process.env.BENCH_DATABASE_URL ? ['postgres' as const] : []),
  ] as DialectName[]) {
    results.push(...(await benchDatabase(database)));
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  benchScheduler()
    .then((lines) => lines.forEach((l) => process.stdout.write(`${JSON.stringify(l)}\n`)))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
