import crypto from 'node:crypto';
import os from 'node:os';
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import { narrow, type DialectName } from '../db/connect.js';
import { lockSkippingLocked } from '../db/dialect.js';
import type { TimerTables } from './timers.js';

/**
 * The state transitions of a timer row once it is due: claim (with a lease), take (mark fired in the
 * handler's transaction), and record a failure. timers.ts holds the schema and the public API.
 */

/** A timer row as stored. */
export type TimerRow = Selectable<TimerTables['timers']>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;


/**
 * A timer that has neither fired nor been given up. Written exactly like the partial indexes' predicate:
 * SQLite uses a partial index (and infers an upsert's conflict target) only when the query repeats it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- also used on the untyped schema builder
export const isPending = (eb: ExpressionBuilder<any, any>) => eb.and([eb('fired_at', 'is', null), eb('failed_at', 'is', null)]);

/** Who holds a claim: the worker's id plus a per-pass suffix, so two passes of one worker never pass for each other. */
export function claimToken(workerId = `${os.hostname()}:${process.pid}`): string {
  return `${workerId}#${crypto.randomBytes(4).toString('hex')}`;
}

/** The claim query (exported for EXPLAIN in the tests and the benchmark). */
export function claimQuery(anyDb: AnyDb, dialect: DialectName, a: { now: string; leaseUntil: string; token: string; batch: number }) {
  const db = narrow<TimerTables>(anyDb);
  const due = db
    .selectFrom('timers')
    .select('id')
    .where(isPending)
    .where('due_at', '<=', a.now)
    // Unclaimed, or claimed by a worker whose lease ran out (it died or stalled); also "not before" for retries.
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', a.now)]))
    .orderBy('due_at')
    .orderBy('id')
    .limit(a.batch);
  return db
    .updateTable('timers')
    .set({ claimed_by: a.token, claimed_until: a.leaseUntil })
    .where('id', 'in', lockSkippingLocked(due, dialect))
    .returningAll();
}

/**
 * Claims up to `batch` due timers for `token` until `leaseUntil`, earliest first. One statement, so it
 * commits at once: the row locks of SKIP LOCKED last only for the claim itself, the lease after that.
 */
export async function claimDueTimers(
  db: AnyDb,
  dialect: DialectName,
  a: { now: string; leaseUntil: string; token: string; batch: number },
): Promise<TimerRow[]> {
  const rows = await claimQuery(db, dialect, a).execute();
  // RETURNING gives no order; hand them out earliest first.
  return rows.sort((x, y) => x.due_at.localeCompare(y.due_at) || x.id - y.id);
}

/**
 * Inside the handler's transaction, before the handler runs: marks the timer fired if it is still
 * pending and still ours (not rescheduled, cancelled, or taken over after our lease ran out). The
 * update locks the row on PostgreSQL until the transaction ends, and on SQLite makes the transaction
 * a writer from its first statement. Marking first also lets a handler schedule the same key again:
 * the fired row has left the unique index, so the new schedule inserts instead of overwriting it.
 */
export async function takeClaimed(trx: AnyDb, id: number, token: string, firedAt: string): Promise<boolean> {
  const r = await narrow<TimerTables>(trx)
    .updateTable('timers')
    .set({ fired_at: firedAt, claimed_by: null, claimed_until: null })
    .where('id', '=', id)
    .where('claimed_by', '=', token)
    .where(isPending)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Records a failed attempt on a timer still claimed by `token`: either releases it to be retried no
 * earlier than `retryAt` (the claim column doubles as "not before"), or, with `retryAt` null, gives it
 * up for good (failed_at) with the error kept. False if the timer is no longer ours.
 */
export async function recordFailure(
  db: AnyDb,
  row: TimerRow,
  token: string,
  a: { now: string; error: string; retryAt: string | null },
): Promise<boolean> {
  const r = await narrow<TimerTables>(db)
    .updateTable('timers')
    .set({
      attempts: row.attempts + 1,
      last_error: a.error,
      claimed_by: null,
      claimed_until: a.retryAt,
      failed_at: a.retryAt === null ? a.now : null,
    })
    .where('id', '=', row.id)
    .where('claimed_by', '=', token)
    .where(isPending)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Gives back timers claimed by `token` that a stopping worker will not run, so that another worker
 * takes them at once instead of after the lease. Returns how many.
 */
export async function releaseClaims(db: AnyDb, ids: number[], token: string): Promise<number> {
  if (!ids.length) return 0;
  const r = await narrow<TimerTables>(db)
    .updateTable('timers')
    .set({ claimed_by: null, claimed_until: null })
    .where('id', 'in', ids)
    .where('claimed_by', '=', token)
    .where(isPending)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
