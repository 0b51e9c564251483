import path from 'node:path';
import type { Logger } from 'pino';
import { deliverPendingMail, fileTransport } from './core/mail/outbox.js';
import type { AppContext } from './modules/db.js';

/**
 * The background work: for now, delivering the mail outbox (to .eml files under DATA_DIR/mail in
 * the embedded default). The outbox rows are the source of truth; this loop only drains them.
 */
export function startWorker(app: AppContext, logger: Logger, intervalMs = 1000) {
  const transport = fileTransport(path.join(app.config.dataDir, 'mail'));
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const n = await deliverPendingMail(app.db, transport, app.config.mailFrom);
      if (n) logger.info({ messages: n }, 'mail outbox delivered');
    } catch (err) {
      logger.error({ err }, 'mail outbox delivery failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  return {
    tick,
    stop: () => clearInterval(timer),
  };
}
