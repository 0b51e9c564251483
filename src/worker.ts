import os from 'node:os';
import type { Logger } from 'pino';
import { runDueTimers } from './core/jobs/timers.js';
import { createMailDelivery } from './core/mail/mailer.js';
import { createSmsDelivery } from './modules/channels/sms/index.js';
import type { AppContext } from './modules/db.js';
import { timerHandlers } from './modules/wiring.js';

/**
 * The background work: firing due timers (SLA warnings and breaches, escalation by time) and
 * delivering the mail outbox (by SMTP_URL's server, or to .eml files under DATA_DIR/mail in the
 * embedded default). The rows are the source of truth; this loop only drains them, so a restart
 * loses nothing.
 */
export function startWorker(app: AppContext, logger: Logger, intervalMs = 1000) {
  const handlers = timerHandlers(app);
  const workerId = `${os.hostname()}:${process.pid}`;
  const mail = createMailDelivery(app, logger, { workerId });
  // SMS notices: the same outbox, its rows of channel 'sms', through the SMS gateways.
  const sms = createSmsDelivery(app, logger, { workerId });
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const r = await runDueTimers(app.db, app.dialect, app.clock, handlers, { workerId });
        if (r.fired || r.failed) logger.info(r, 'timers fired');
        if (r.fired + r.failed + r.retried === 0) break;
      }
      for (;;) {
        const m = await mail.tick();
        if (m.sent + m.retried + m.failed + m.interrupted) logger.info(m, 'mail outbox delivered');
        if (m.sent + m.retried + m.failed === 0) break;
      }
      for (;;) {
        const s = await sms.tick();
        if (s.sent + s.retried + s.failed + s.interrupted) logger.info(s, 'SMS outbox delivered');
        if (s.sent + s.retried + s.failed === 0) break;
      }
    } catch (err) {
      logger.error({ err }, 'background work failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  return {
    tick,
    stop: () => {
      clearInterval(timer);
      mail.close();
    },
  };
}
