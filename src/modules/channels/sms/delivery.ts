import type { Logger } from 'pino';
import { deliverOutbox, type DeliveryCounts } from '../../../core/mail/delivery.js';
import type { MailTransport } from '../../../core/mail/transports.js';
import type { AppContext } from '../../db.js';
import { recordSendOutcome } from './outbound.service.js';
import * as repo from './sms.repo.js';
import { openGateway } from './gateway-secrets.js';
import { GatewayError, sendByKannel, sendByTwilio } from './transport/gateways.js';

/** The URLs a gateway calls us at, for its configuration and for the callbacks we give it. */
export function gatewayUrls(publicUrl: string, g: Pick<repo.GatewayRow, 'id' | 'kind'>, secret = '<secret>') {
  const base = `${publicUrl}/api/v1/sms/${g.kind}/${g.id}`;
  if (g.kind === 'kannel')
    return {
      incoming: `${base}/incoming?secret=${encodeURIComponent(secret)}&from=%p&to=%P&text=%a&coding=%c&charset=%C&ts=%t&id=%I`,
      deliveryReport: `${base}/dlr?secret=${encodeURIComponent(secret)}&type=%d&status=%A&outbox=<outbox id>`,
    };
  return { incoming: `${base}/incoming`, deliveryReport: `${base}/status` };
}

/**
 * The SMS transport of the outbox: each row goes by the gateway its SMS record names, with a
 * callback for delivery reports.
 */
export function smsTransport(app: Pick<AppContext, 'db' | 'config' | 'secrets'>): MailTransport {
  return {
    async send(mail) {
      const m = await repo.findSmsByOutbox(app.db, mail.id);
      const stored = m?.gateway_id ? await repo.findGateway(app.db, m.gateway_id) : undefined;
      if (!stored || stored.active !== 1) throw new GatewayError('The gateway of this SMS is deleted or inactive', true);
      const g = openGateway(app, stored);
      const urls = gatewayUrls(app.config.publicUrl, g, g.secret);
      if (g.kind === 'kannel' && g.kannel_sendsms_url) return sendByKannel(g, mail, urls.deliveryReport.replace('<outbox id>', String(mail.id)));
      if (g.kind === 'twilio' && g.api_base_url && g.account_sid) return sendByTwilio(g, mail, urls.deliveryReport);
      throw new GatewayError('The gateway has no outbound settings', true);
    },
  };
}

/**
 * The SMS pass of the outbox, as the worker runs it beside the mail pass: the same claims, leases,
 * retries and dead letters, on the rows of channel 'sms'.
 */
export function createSmsDelivery(app: AppContext, logger?: Logger, options: { transport?: MailTransport; workerId?: string } = {}) {
  const transport = options.transport ?? smsTransport(app);
  return {
    tick(batch?: number, signal?: AbortSignal): Promise<DeliveryCounts> {
      return deliverOutbox(app.db, transport, app.config.mailFrom, {
        dialect: app.dialect,
        clock: app.clock,
        batch,
        signal,
        channel: 'sms',
        workerId: options.workerId,
        maxAttempts: app.config.mailMaxAttempts,
        onResult: async (r) => {
          if (r.outcome === 'sent') logger?.debug({ id: r.id, to: r.to }, 'SMS sent');
          else logger?.warn({ id: r.id, to: r.to, error: r.error, outcome: r.outcome }, 'SMS not sent');
          try {
            await recordSendOutcome(app.db, r.id, r, app.clock.now().toISOString());
          } catch (err) {
            logger?.error({ err, id: r.id }, 'SMS outcome not recorded in the SMS log');
          }
        },
      });
    },
  };
}
