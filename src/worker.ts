import os from 'node:os';
import type { Logger } from 'pino';
import { runDueTimers } from './core/jobs/timers.js';
import { createMailDelivery } from './core/mail/mailer.js';
import { countDelivery, countTimers } from './core/observability/metrics.js';
import { createSmsDelivery } from './modules/channels/sms/index.js';
import type { AppContext } from './modules/db.js';
import { timerHandlers } from './modules/wiring.js';

/**
 * The background work: firing due timers (SLA warnings and breaches, escalation by time) and
 * delivering the mail outbox (by SMTP_URL's server, or to .eml files under DATA_DIR/mail in the
 * embedded default). The rows are the source of truth; this loop only drains them, so a restart
 * loses nothing. `stop` lets the handler or message in hand finish, gives back the claims of the
 * rest of the batch for another worker to take at once, and resolves when the pass has ended.
 */
export function startWorker(app: AppContext, logger: Logger, intervalMs = 1000) {
  const handlers = timerHandlers(app);
  const workerId = `${os.hostname()}:${process.pid}`;
  const mail = createMailDelivery(app, logger, { workerId });
  // SMS notices: the same outbox, its rows of channel 'sms', through the SMS gateways.
  const sms = createSmsDelivery(app, logger, { workerId });
  const stopping = new AbortController();
  const signal = stopping.signal;
  let pass: Promise<void> | null = null;
  const work = async () => {
    try {
      while (!signal.aborted) {
        const r = await runDueTimers(app.db, app.dialect, app.clock, handlers, { workerId, signal });
        countTimers(r);
        if (r.fired || r.failed) logger.info(r, 'timers fired');
        if (r.fired + r.failed + r.retried === 0) break;
      }
      while (!signal.aborted) {
        const m = await mail.tick(undefined, signal);
        countDelivery('email', m);
        if (m.sent + m.retried + m.failed + m.interrupted) logger.info(m, 'mail outbox delivered');
        if (m.sent + m.retried + m.failed === 0) break;
      }
      while (!signal.aborted) {
        const s = await sms.tick(undefined, signal);
        countDelivery('sms', s);
        if (s.sent + s.retried + s.failed + s.interrupted) logger.info(s, 'SMS outbox delivered');
        if (s.sent + s.retried + s.failed === 0) break;
      }
    } catch (err) {
      logger.error({ err }, 'background work failed');
    }
  };
  /** One pass over what is due (the running one, if a pass is under way). */
  const tick = (): Promise<void> => {
    pass ??= work().finally(() => (pass = null));
    return pass;
  };
  const timer = setInterval(() => void tick(), intervalMs);
  return {
    tick,
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await pass;
      mail.close();
    },
  };
}
