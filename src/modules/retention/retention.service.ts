import { purgeEvents } from '../../core/events/events.js';
import { purgeFiredTimers, scheduleTimer, type TwoPhaseTimerHandler } from '../../core/jobs/timers.js';
import { purgeSentMail } from '../../core/mail/outbox.js';
import { inTransaction } from '../../core/db/connect.js';
import type { AppContext } from '../db.js';
import { purgeExpiredCredentials } from '../identity/index.js';
import { purgeOriginals } from '../channels/email/index.js';
import { AUTOMATION_RUN_DAYS, purgeAutomationRuns, purgeAutomationTimeRuns } from '../automation/index.js';

/** The daily purge's timer: one pending at a time, set again by each run. */
export const RETENTION_TIMER = { key: 'retention.purge', kind: 'retention.purge' } as const;
const DAY_MS = 24 * 3600_000;

/** What one purge removed. */
export interface PurgeCounts {
  timers: number;
  outbox: number;
  events: number;
  sessions: number;
  resetTokens: number;
  emailOriginals: number;
  automationRuns: number;
  automationTimeRuns: number;
}

/**
 * Purges what is kept for operations only, past its age: fired timers, sent outbox rows (mail and
 * SMS) and event rows older than RETENTION_DAYS, sessions and password-reset tokens once expired,
 * originals of inbound e-mail older than EMAIL_ORIGINAL_RETENTION_DAYS, automation rules' runs
 * older than 90 days, and time rules' ledger rows older than 90 days whose period has ended. Each in short batches,
 * never in one long transaction. What is kept by law (requests, their timeline, the audit log,
 * messages' records) is not touched.
 */
export async function purgeExpired(app: AppContext): Promise<PurgeCounts> {
  const now = app.clock.now();
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const days = app.config.retentionDays;
  const credentials = await purgeExpiredCredentials(app.db, now.toISOString());
  return {
    timers: days ? await purgeFiredTimers(app.db, ago(days)) : 0,
    outbox: days ? await purgeSentMail(app.db, ago(days)) : 0,
    events: days ? await purgeEvents(app.db, ago(days)) : 0,
    ...credentials,
    emailOriginals: app.config.emailOriginalRetentionDays
      ? await purgeOriginals(app.db, app.files, ago(app.config.emailOriginalRetentionDays), now.toISOString())
      : 0,
    automationRuns: await purgeAutomationRuns(app.db, ago(AUTOMATION_RUN_DAYS)),
    automationTimeRuns: await purgeAutomationTimeRuns(app.db, ago(AUTOMATION_RUN_DAYS)),
  };
}

/** Sets the first daily purge (an hour after the first start), unless one is pending. */
export async function ensureRetentionSchedule(app: AppContext) {
  await inTransaction(app.db, async (trx) => {
    const pending = await trx
      .selectFrom('timers')
      .select('id')
      .where('key', '=', RETENTION_TIMER.key)
      .where('fired_at', 'is', null)
      .where('failed_at', 'is', null)
      .executeTakeFirst();
    if (!pending) await scheduleTimer(trx, { ...RETENTION_TIMER, subjectId: 'retention', dueAt: new Date(app.clock.now().getTime() + 3600_000) });
  });
}

/**
 * The daily purge as a timer handler: the purge runs in `prepare`, outside the timer's transaction
 * (its batches commit one by one; running it again is harmless), and the next run is set with the
 * timer marked fired.
 */
export function retentionHandler(app: AppContext): TwoPhaseTimerHandler<PurgeCounts> {
  return {
    prepare: () => purgeExpired(app),
    apply: async (trx) => {
      await scheduleTimer(trx, { ...RETENTION_TIMER, subjectId: 'retention', dueAt: new Date(app.clock.now().getTime() + DAY_MS) });
    },
  };
}
