import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/config.js';
import type { DialectName } from '../db/connect.js';
import { deliverOutbox, type DeliveryCounts } from './delivery.js';
import { fileTransport, smtpTransport, type MailTransport } from './transports.js';

/** The transport the configuration asks for: SMTP_URL's server, else .eml files under DATA_DIR/mail. */
export function transportFor(config: Config, logger?: Logger): MailTransport {
  if (config.smtpUrl) return smtpTransport(config.smtpUrl);
  return fileTransport(path.join(config.dataDir, 'mail'), (info) =>
    logger?.info(info, 'mail written to a file (no SMTP_URL configured)'),
  );
}

/**
 * The outbox's delivery as the worker runs it: `tick` is one pass (tests call it directly), logging
 * each message's outcome.
 */
export function createMailDelivery(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  app: { db: Kysely<any>; dialect: DialectName; clock: Clock; config: Config },
  logger?: Logger,
  options: { transport?: MailTransport; workerId?: string } = {},
) {
  const transport = options.transport ?? transportFor(app.config, logger);
  return {
    transport,
    tick(batch?: number, signal?: AbortSignal): Promise<DeliveryCounts> {
      return deliverOutbox(app.db, transport, app.config.mailFrom, {
        dialect: app.dialect,
        clock: app.clock,
        batch,
        signal,
        workerId: options.workerId,
        maxAttempts: app.config.mailMaxAttempts,
        onResult: (r) =>
          r.outcome === 'sent'
            ? logger?.debug({ id: r.id, to: r.to }, 'mail sent')
            : logger?.warn({ id: r.id, to: r.to, error: r.error, outcome: r.outcome }, 'mail not sent'),
      });
    },
    close: () => transport.close?.(),
  };
}
