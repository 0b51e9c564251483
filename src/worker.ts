import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { runDueTimers } from './core/jobs/timers.js';
import { deliverPendingMail, fileTransport } from './core/mail/outbox.js';
import type { AppContext } from './modules/db.js';
import { timerHandlers } from './modules/wiring.js';

/**
 * The background work: firing due timers (SLA warnings and breaches, escalation by time) and
 * delivering the mail outbox (to .eml files under DATA_DIR/mail in the embedded default). The rows
 * are the source of truth; this loop only drains them, so a restart loses nothing.
 */
export function startWorker(app: AppContext, logger: Logger, intervalMs = 1000) {
  const transport = fileTransport(path.join(app.config.dataDir, 'mail'));
  const handlers = timerHandlers(app);
  const workerId = `${os.hostname()}:${process.pid}`;
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
      const n = await deliverPendingMail(app.db, transport, app.config.mailFrom);
      if (n) logger.info({ messages: n }, 'mail outbox delivered');
    } catch (err) {
      logger.error({ err }, 'background work failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  return { tick, stop: () => clearInterval(timer) };
}
