import { z } from 'zod';
import { errorResponses, IdParam } from '../../../../contracts/common.js';
import * as c from '../../../../contracts/sms.js';
import type { HttpServer } from '../../../../core/http/server.js';
import type { AppContext } from '../../../db.js';
import { actorOf } from '../../../identity/http/auth.hooks.js';
import * as gateways from '../gateway.service.js';
import * as messages from '../messages.service.js';
import { presentGateway, presentSms } from './presenters.js';
import { smsWebhookRoutes } from './webhooks.routes.js';

const tags = ['sms'];

/** The SMS channel: gateways, the SMS log and its quarantine (admins), and the gateways' webhooks. */
export async function smsRoutes(http: HttpServer, app: AppContext) {
  const gateway = presentGateway(app.config);
  http.get('/api/v1/sms/gateways', {
    schema: { tags, response: { 200: c.Gateways, ...errorResponses } },
    handler: async (req) => ({ items: (await gateways.listGateways(app, actorOf(req))).map(gateway) }),
  });
  http.post('/api/v1/sms/gateways', {
    schema: { tags, body: c.GatewayCreate, description: 'Creates a gateway; the answer shows a Kannel secret this once.', response: { 201: c.CreatedGateway, ...errorResponses } },
    handler: async (req, reply) => {
      const r = await gateways.createGateway(app, actorOf(req), req.body);
      return reply.code(201).send({ ...gateway(r.gateway), secret: r.gateway.kind === 'kannel' ? r.secret : null });
    },
  });
  http.get('/api/v1/sms/gateways/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Gateway, ...errorResponses } },
    handler: async (req) => gateway(await gateways.getGateway(app, actorOf(req), req.params.id)),
  });
  http.patch('/api/v1/sms/gateways/:id', {
    schema: { tags, params: IdParam, body: c.GatewayPatch, response: { 200: c.Gateway, ...errorResponses } },
    handler: async (req) => gateway(await gateways.updateGateway(app, actorOf(req), req.params.id, req.body)),
  });
  http.post('/api/v1/sms/gateways/:id/secret', {
    schema: { tags, params: IdParam, description: "A new secret for a Kannel gateway, shown this once (put it in Kannel's get-url).", response: { 200: c.CreatedGateway, ...errorResponses } },
    handler: async (req) => {
      const r = await gateways.rotateSecret(app, actorOf(req), req.params.id);
      return { ...gateway(r.gateway), secret: r.secret };
    },
  });
  http.delete('/api/v1/sms/gateways/:id', {
    schema: { tags, params: IdParam, response: { 204: z.null().describe('done'), ...errorResponses } },
    handler: async (req, reply) => {
      await gateways.deleteGateway(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });

  http.get('/api/v1/sms/messages', {
    schema: { tags, querystring: c.SmsListQuery, description: 'Every SMS in and out, newest first; `status=quarantined` is the quarantine. Admins only.', response: { 200: c.SmsPage, ...errorResponses } },
    handler: async (req) => {
      const page = await messages.listSms(app, actorOf(req), { statuses: req.query.status, direction: req.query.direction, cursor: req.query.cursor, limit: req.query.limit });
      return { items: page.rows.map(presentSms), nextCursor: page.nextCursor };
    },
  });
  http.get('/api/v1/sms/messages/:id', {
    schema: { tags, params: IdParam, response: { 200: c.SmsMessage, ...errorResponses } },
    handler: async (req) => presentSms(await messages.getSms(app, actorOf(req), req.params.id)),
  });
  http.post('/api/v1/sms/messages/:id/reprocess', {
    schema: { tags, params: IdParam, description: 'Processes a quarantined inbound SMS again. Admins only.', response: { 200: c.SmsReprocessResult, ...errorResponses } },
    handler: async (req) => {
      const r = await messages.reprocessSms(app, actorOf(req), req.params.id);
      return { message: presentSms(r.message), outcome: r.outcome };
    },
  });

  await http.register(async (scope) => smsWebhookRoutes(scope as HttpServer, app));
}
