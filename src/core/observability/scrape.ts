import type { Kysely } from 'kysely';
import { narrow } from '../db/connect.js';
import { isPending } from '../jobs/claim.js';
import type { TimerTables } from '../jobs/timers.js';
import type { MailTables } from '../mail/outbox.js';
import { deadLetters, outboxBacklog, registry, timersDue, timersOverdue } from './metrics.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** How late a due timer must be to count as overdue: longer than a few scheduler passes. */
const OVERDUE_MS = 60_000;
const CHANNELS = ['email', 'sms'];

/**
 * The metrics in Prometheus's text format, with the gauges that need the database read now. The
 * queries use the indexes the scheduler and the outbox use themselves (pending timers by due time,
 * outbox rows by channel and status), so their cost follows the backlog, not the history.
 */
export async function renderMetrics(anyDb: AnyDb, now: Date): Promise<string> {
  // Without its database the process still shows its own numbers; the database's keep their last values.
  await readDatabaseGauges(anyDb, now).catch(() => undefined);
  return registry.metrics();
}

async function readDatabaseGauges(anyDb: AnyDb, now: Date) {
  const db = narrow<TimerTables & MailTables>(anyDb);
  const countDue = (before: Date) =>
    db
      .selectFrom('timers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(isPending)
      .where('due_at', '<=', before.toISOString())
      .executeTakeFirstOrThrow();
  const [due, overdue, outbox] = await Promise.all([
    countDue(now),
    countDue(new Date(now.getTime() - OVERDUE_MS)),
    db
      .selectFrom('mail_outbox')
      .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['pending', 'sending', 'failed'])
      .groupBy(['channel', 'status'])
      .execute(),
  ]);
  timersDue.set(Number(due.n));
  timersOverdue.set(Number(overdue.n));
  const backlog = new Map(CHANNELS.map((c) => [c, 0]));
  const dead = new Map(CHANNELS.map((c) => [c, 0]));
  for (const r of outbox) {
    const into = r.status === 'failed' ? dead : backlog;
    into.set(r.channel, (into.get(r.channel) ?? 0) + Number(r.n));
  }
  for (const [channel, n] of backlog) outboxBacklog.set({ channel }, n);
  for (const [channel, n] of dead) deadLetters.set({ channel }, n);
}

/** The Content-Type of that text. */
export const METRICS_CONTENT_TYPE = registry.contentType;
