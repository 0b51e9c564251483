import type { Generated, Kysely } from 'kysely';
import type { Clock } from '../clock/clock.js';
import { deleteInBatches } from '../db/batches.js';
import { narrow, runBeforeCommit, type DialectName } from '../db/connect.js';
import type { ModuleMigration } from '../db/migrate.js';
import { prepareRows } from '../db/prepared.js';
import { claimDueTimers, claimToken, isPending, recordFailure, releaseClaims, takeClaimed, type TimerRow } from './claim.js';

/**
 * Durable timers: rows with a due time, written in the transaction of the change that sets them and
 * fired by `runDueTimers` once they are due, each in its own transaction with the handler's effects.
 * A timer is pending (fired_at and failed_at null), fired, or failed (given up after MAX attempts).
 */
export interface TimerTables {
  timers: {
    id: Generated<number>;
    /** Identifies what the timer is for (e.g. one deadline of one subject); unique among pending timers. */
    key: string;
    /** Selects the handler. */
    kind: string;
    subject_id: string;
    due_at: string;
    /** JSON object handed to the handler. */
    payload: string;
    /** Failed attempts so far. */
    attempts: Generated<number>;
    last_error: string | null;
    /** The claim token of the worker holding it (null when free). */
    claimed_by: string | null;
    /** The lease of that claim; on a free timer, the earliest retry after a failure. */
    claimed_until: string | null;
    fired_at: string | null;
    failed_at: string | null;
  };
}

export const timerMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-00-core-timers',
    async up(db, t) {
      await db.schema
        .createTable('timers')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('due_at', t.timestamp, (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', t.timestamp)
        .addColumn('fired_at', t.timestamp)
        .addColumn('failed_at', t.timestamp)
        .execute();
      // Every index covers pending timers only: fired and failed rows pile up as history without
      // making a scheduler pass, a reschedule or a cancel any slower.
      // The scheduler walks this in due order and stops after a batch: its cost follows what is due.
      await db.schema.createIndex('timers_due').on('timers').columns(['due_at', 'id']).where(isPending).execute();
      // A key is unique among pending timers only, so that scheduling a key whose timer already fired
      // (or failed) inserts a new one. A partial unique index rather than delete-then-insert: the
      // database itself keeps the invariant, concurrent schedulers of one key on PostgreSQL cannot
      // both insert, and one upsert (ON CONFLICT … WHERE, on both engines) keeps the row's id.
      await db.schema.createIndex('timers_pending_key').on('timers').column('key').unique().where(isPending).execute();
      await db.schema.createIndex('timers_pending_subject').on('timers').columns(['subject_id', 'kind']).where(isPending).execute();
    },
  },
];

/** What to schedule: `key` names the timer (reschedule/cancel by it), `kind` picks the handler. */
export interface TimerSpec {
  key: string;
  kind: string;
  subjectId: string;
  dueAt: Date | string;
  payload?: Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** The stored form of an instant: SQLite compares them as text, so one exact ISO format everywhere. */
function toIso(at: Date | string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new Error(`Invalid timer due time: ${String(at)}`);
  return d.toISOString();
}

/** Schedules (or reschedules: same key replaces an unfired timer) in the caller's transaction. */
export async function scheduleTimer(trx: AnyDb, t: TimerSpec): Promise<void> {
  await scheduleTimers(trx, [t]);
}

/** Schedules several timers in one statement; keys must differ. */
export async function scheduleTimers(trx: AnyDb, specs: TimerSpec[]): Promise<void> {
  if (!specs.length) return;
  const rows = specs.map((t) => ({ key: t.key, kind: t.kind, subject_id: t.subjectId, due_at: toIso(t.dueAt), payload: JSON.stringify(t.payload ?? {}) }));
  await upsertTimers.run(narrow<TimerTables>(trx), rows);
}

type TimerValues = { key: string; kind: string; subject_id: string; due_at: string; payload: string };
const upsertTimers = prepareRows((db: Kysely<TimerTables>, rows: TimerValues[]) =>
  db
    .insertInto('timers')
    .values(rows.map((r) => ({ key: r.key, kind: r.kind, subject_id: r.subject_id, due_at: r.due_at, payload: r.payload })))
    .onConflict((oc) =>
      oc
        .column('key')
        .where(isPending)
        // A new schedule starts afresh: it drops any claim, so a worker holding the old due time
        // finds the timer no longer its own and leaves it (see takeClaimed).
        .doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          subject_id: eb.ref('excluded.subject_id'),
          due_at: eb.ref('excluded.due_at'),
          payload: eb.ref('excluded.payload'),
          attempts: 0,
          last_error: null,
          claimed_by: null,
          claimed_until: null,
        })),
    ),
  16,
);

/** Cancels the unfired timer with this exact key, if any. */
export async function cancelTimer(trx: AnyDb, key: string): Promise<void> {
  await cancelTimers(trx, [key]);
}

/** Cancels the unfired timers with these keys. */
export async function cancelTimers(trx: AnyDb, keys: string[]): Promise<void> {
  if (!keys.length) return;
  await narrow<TimerTables>(trx).deleteFrom('timers').where('key', 'in', keys).where(isPending).execute();
}

/** Cancels a subject's unfired timers, all of them or those whose kind starts with `kindPrefix`. */
export async function cancelSubjectTimers(trx: AnyDb, subjectId: string, kindPrefix?: string): Promise<void> {
  let q = narrow<TimerTables>(trx).deleteFrom('timers').where('subject_id', '=', subjectId).where(isPending);
  // substr rather than LIKE: SQLite's LIKE ignores case and both need `%`/`_` escaped.
  if (kindPrefix) q = q.where((eb) => eb(eb.fn('substr', ['kind', eb.val(1), eb.val(kindPrefix.length)]), '=', kindPrefix));
  await q.execute();
}

/** A due timer as its handler sees it; `attempts` counts the failed attempts before this one. */
export interface DueTimer {
  id: number;
  key: string;
  kind: string;
  subjectId: string;
  dueAt: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/**
 * Acts on a due timer inside the transaction that marks it fired: whatever it writes commits with
 * that mark or not at all. It must use `trx` (on SQLite the outer handle waits for this transaction).
 */
export type TimerFunction = (trx: AnyDb, timer: DueTimer) => Promise<void>;
export type TimerHandler = TimerFunction | TwoPhaseTimerHandler<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A handler with work outside the database: `prepare` runs first, outside any transaction (it may
 * read with `db`, and call other systems), then `apply` inside the transaction that marks the timer
 * fired, with what `prepare` returned. `prepare` may run again for a timer whose `apply` did not
 * commit: what it does outside must be safe to repeat.
 */
export interface TwoPhaseTimerHandler<T> {
  prepare(db: AnyDb, timer: DueTimer): Promise<T>;
  apply(trx: AnyDb, timer: DueTimer, prepared: T): Promise<void>;
}

/** How many attempts a timer gets before it is marked failed. */
export const TIMER_MAX_ATTEMPTS = 5;

/** The wait after failed attempt number `attempt` (1-based): 1, 2, 4, 8… minutes, at most an hour. */
export const timerRetryDelayMs = (attempt: number): number => Math.min(60_000 * 2 ** (attempt - 1), 3_600_000);

/** A lease long enough for a batch of handlers; a worker that dies holding one delays its timers this long. */
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_BATCH = 100;

const toDueTimer = (r: TimerRow): DueTimer => ({
  id: Number(r.id),
  key: r.key,
  kind: r.kind,
  subjectId: r.subject_id,
  dueAt: r.due_at,
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  attempts: r.attempts,
});

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000);

/**
 * One scheduler pass: claims up to `batch` due timers (due_at <= clock.now()) and runs each handler
 * in its own transaction that also marks it fired. A failing handler's timer is retried later with
 * backoff (attempts, last_error) and after `maxAttempts` marked failed, never dropped silently;
 * unknown kinds are marked failed with a reason. Timers another worker took over, or that were
 * rescheduled or cancelled meanwhile, are left alone and not counted. Once `signal` aborts (the
 * worker is stopping), the handler running finishes and the timers not yet run are released.
 */
export async function runDueTimers(
  db: AnyDb,
  dialect: DialectName,
  clock: Clock,
  handlers: Record<string, TimerHandler>,
  opts: { batch?: number; workerId?: string; leaseMs?: number; maxAttempts?: number; signal?: AbortSignal } = {},
): Promise<{ fired: number; failed: number; retried: number }> {
  const token = claimToken(opts.workerId);
  const maxAttempts = opts.maxAttempts ?? TIMER_MAX_ATTEMPTS;
  const start = clock.now();
  const claimed = await claimDueTimers(db, dialect, {
    now: start.toISOString(),
    leaseUntil: new Date(start.getTime() + (opts.leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
    token,
    batch: opts.batch ?? DEFAULT_BATCH,
  });

  const counts = { fired: 0, failed: 0, retried: 0 };
  for (const [i, row] of claimed.entries()) {
    if (opts.signal?.aborted) {
      await releaseClaims(db, claimed.slice(i).map((r) => r.id), token);
      break;
    }
    // Own property only: a kind named like an Object.prototype member is unknown, not a handler.
    const handler = Object.hasOwn(handlers, row.kind) ? handlers[row.kind] : undefined;
    if (!handler) {
      const error = `No handler for timer kind "${row.kind}"`;
      if (await recordFailure(db, row, token, { now: clock.now().toISOString(), error, retryAt: null })) counts.failed++;
      continue;
    }
    try {
      const due = toDueTimer(row);
      // Slow outside work (a call to another system) runs before the transaction, so that it never
      // holds a database connection — on SQLite, the only one.
      const prepared = typeof handler === 'function' ? undefined : await handler.prepare(db, due);
      const ran = await db.transaction().execute(async (trx) => {
        if (!(await takeClaimed(trx, row.id, token, clock.now().toISOString()))) return false;
        if (typeof handler === 'function') await handler(trx, due);
        else await handler.apply(trx, due, prepared);
        await runBeforeCommit(trx);
        return true;
      });
      if (ran) counts.fired++;
    } catch (err) {
      const attempt = row.attempts + 1;
      const now = clock.now();
      const retryAt = attempt >= maxAttempts ? null : new Date(now.getTime() + timerRetryDelayMs(attempt)).toISOString();
      if (await recordFailure(db, row, token, { now: now.toISOString(), error: errorText(err), retryAt }))
        counts[retryAt === null ? 'failed' : 'retried']++;
    }
  }
  return counts;
}

/** Deletes timers that fired before `before` (ISO instant), in short batches; pending and failed ones stay. */
export function purgeFiredTimers(db: AnyDb, before: string): Promise<number> {
  return deleteInBatches(db, 'timers', 'id', (q) => q.where('fired_at', 'is not', null).where('fired_at', '<', before));
}
