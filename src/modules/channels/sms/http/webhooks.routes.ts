import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HttpServer } from '../../../../core/http/server.js';
import type { AppContext } from '../../../db.js';
import { decodeText, queryBytes } from '../kannel-query.js';
import * as hooks from '../webhook.service.js';

const tags = ['sms'];
const GatewayParam = z.object({ gatewayId: z.string().min(1).max(64) });
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
/**
 * Kannel's parameters are read from the raw URL as bytes (the text of a UCS-2 SMS is UTF-16, NULs
 * among them): the parsed query, which the NUL guard would refuse, is not used.
 */
const rawQueryOnly = async (req: FastifyRequest) => {
  (req as { query: unknown }).query = {};
};
const form = (body: unknown): Record<string, string> => (body && typeof body === 'object' ? (body as Record<string, string>) : {});

/**
 * The URLs gateways call: Kannel's sms-service and delivery reports (the secret in the URL), and a
 * Twilio-style gateway's webhooks (signed). Answers are empty: smsbox would send a body back to
 * the phone as a reply.
 */
export async function smsWebhookRoutes(http: HttpServer, app: AppContext) {
  // Twilio-style gateways post forms; Kannel's post-url posts the text itself.
  http.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(body as string)) out[k] = v;
    done(null, out);
  });
  http.addContentTypeParser(['text/plain', 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const kannelIncoming = {
    config: { public: true },
    schema: { tags, params: GatewayParam, description: "Kannel's sms-service get-url (or post-url): one inbound SMS. Answers 200 with an empty body." },
    onRequest: rawQueryOnly,
    handler: async (req: FastifyRequest<{ Params: { gatewayId: string } }>, reply: FastifyReply) => {
      const q = queryBytes(req.raw.url ?? '');
      const str = (k: string) => q.get(k)?.toString('utf8');
      const header = (k: string) => (typeof req.headers[k] === 'string' ? (req.headers[k] as string) : undefined);
      const gateway = await hooks.kannelGateway(app, req.params.gatewayId, str('secret'));
      // post-url: the text is the body, the rest in X-Kannel headers (or in the URL).
      const posted = Buffer.isBuffer(req.body) ? req.body : null;
      const charset = str('charset') ?? /charset=([^;\s]+)/i.exec(header('content-type') ?? '')?.[1];
      const coding = str('coding') ?? header('x-kannel-coding');
      const raw = q.get('text') ?? posted ?? Buffer.alloc(0);
      await hooks.kannelIncoming(app, gateway, {
        from: str('from') ?? header('x-kannel-from') ?? '',
        to: str('to') ?? header('x-kannel-to') ?? '',
        text: decodeText(raw, { charset, coding }),
        id: str('id') ?? null,
      });
      return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send('');
    },
  };
  http.get('/api/v1/sms/kannel/:gatewayId/incoming', kannelIncoming);
  http.post('/api/v1/sms/kannel/:gatewayId/incoming', kannelIncoming);

  http.get('/api/v1/sms/kannel/:gatewayId/dlr', {
    config: { public: true },
    onRequest: rawQueryOnly,
    schema: { tags, params: GatewayParam, description: "Kannel's delivery report (dlr-url) for an SMS the desk sent." },
    handler: async (req, reply) => {
      const q = queryBytes(req.raw.url ?? '');
      const str = (k: string) => q.get(k)?.toString('utf8');
      const gateway = await hooks.kannelGateway(app, req.params.gatewayId, str('secret'));
      await hooks.kannelReport(app, gateway, { outbox: str('outbox'), type: str('type'), status: str('status') });
      return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send('');
    },
  });

  http.post('/api/v1/sms/twilio/:gatewayId/incoming', {
    config: { public: true },
    schema: { tags, params: GatewayParam, description: 'A Twilio-style inbound SMS webhook (signed with X-Twilio-Signature). Answers with empty TwiML.' },
    handler: async (req, reply) => {
      const params = form(req.body);
      const gateway = await hooks.twilioGateway(app, req.params.gatewayId, req.url, params, req.headers['x-twilio-signature'] as string | undefined);
      await hooks.twilioIncoming(app, gateway, params);
      return reply.code(200).header('content-type', 'text/xml; charset=utf-8').send(EMPTY_TWIML);
    },
  });

  http.post('/api/v1/sms/twilio/:gatewayId/status', {
    config: { public: true },
    schema: { tags, params: GatewayParam, description: 'A Twilio-style status callback for an SMS the desk sent (signed).' },
    handler: async (req, reply) => {
      const params = form(req.body);
      const gateway = await hooks.twilioGateway(app, req.params.gatewayId, req.url, params, req.headers['x-twilio-signature'] as string | undefined);
      await hooks.twilioStatus(app, gateway, params);
      return reply.code(200).header('content-type', 'text/xml; charset=utf-8').send(EMPTY_TWIML);
    },
  });
}
