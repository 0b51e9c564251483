import { z } from 'zod';
import { errorResponses, IdParam } from '../../../contracts/common.js';
import * as c from '../../../contracts/webhooks.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import * as webhooks from '../webhooks.service.js';

const tags = ['webhooks'];

const presentWebhook = (w: webhooks.WebhookRow, last: webhooks.DeliveryRow | undefined, withSecret = false) => ({
  id: w.id,
  name: w.name,
  url: w.url,
  events: JSON.parse(w.events) as string[],
  organizationId: w.organization_id,
  active: w.active === 1,
  ...(withSecret && { secret: w.secret }),
  createdAt: w.created_at,
  updatedAt: w.updated_at,
  lastDelivery: last ? { status: last.status, at: last.delivered_at ?? last.created_at, responseStatus: last.response_status } : null,
});

const presentDelivery = (d: webhooks.DeliveryRow) => ({
  id: Number(d.id),
  webhookId: d.webhook_id,
  event: d.event,
  ticketId: d.ticket_id,
  status: d.status,
  attempts: d.attempts,
  responseStatus: d.response_status,
  lastError: d.last_error,
  createdAt: d.created_at,
  deliveredAt: d.delivered_at,
  payload: JSON.parse(d.payload) as unknown,
});

/** Outbound webhooks, for admins: which events go where, and how each delivery went. */
export async function webhookRoutes(http: HttpServer, app: AppContext) {
  const one = async (w: webhooks.WebhookRow, withSecret = false) =>
    presentWebhook(w, (await webhooks.lastDeliveries(app, [w.id])).get(w.id), withSecret);

  http.get('/api/v1/webhooks', {
    schema: { tags, response: { 200: c.Webhooks, ...errorResponses } },
    handler: async (req) => {
      const rows = await webhooks.listWebhooks(app, actorOf(req));
      const last = await webhooks.lastDeliveries(app, rows.map((w) => w.id));
      return { items: rows.map((w) => presentWebhook(w, last.get(w.id))) };
    },
  });
  http.post('/api/v1/webhooks', {
    schema: {
      tags,
      body: c.WebhookCreate,
      description: 'Creates a webhook; its signing secret is in this answer only.',
      response: { 201: c.Webhook, ...errorResponses },
    },
    handler: async (req, reply) => reply.code(201).send(await one(await webhooks.createWebhook(app, actorOf(req), req.body), true)),
  });
  http.get('/api/v1/webhooks/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Webhook, ...errorResponses } },
    handler: async (req) => one(await webhooks.getWebhook(app, actorOf(req), req.params.id)),
  });
  http.patch('/api/v1/webhooks/:id', {
    schema: {
      tags,
      params: IdParam,
      body: c.WebhookPatch,
      description: '`rotateSecret: true` makes a new secret, shown in this answer only.',
      response: { 200: c.Webhook, ...errorResponses },
    },
    handler: async (req) => {
      const { row, secretShown } = await webhooks.updateWebhook(app, actorOf(req), req.params.id, req.body);
      return one(row, secretShown);
    },
  });
  http.delete('/api/v1/webhooks/:id', {
    schema: { tags, params: IdParam, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await webhooks.deleteWebhook(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });
  http.get('/api/v1/webhooks/:id/deliveries', {
    schema: { tags, params: IdParam, description: 'The latest 50 deliveries, newest first.', response: { 200: c.WebhookDeliveries, ...errorResponses } },
    handler: async (req) => ({ items: (await webhooks.listDeliveries(app, actorOf(req), req.params.id)).map(presentDelivery) }),
  });
  http.post('/api/v1/webhooks/:id/ping', {
    schema: { tags, params: IdParam, description: 'Queues a test event (`type: ping`).', response: { 202: c.WebhookDelivery, ...errorResponses } },
    handler: async (req, reply) => reply.code(202).send(presentDelivery(await webhooks.ping(app, actorOf(req), req.params.id))),
  });
  http.post('/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver', {
    schema: { tags, params: c.DeliveryParams, response: { 202: c.WebhookDelivery, ...errorResponses } },
    handler: async (req, reply) =>
      reply.code(202).send(presentDelivery(await webhooks.redeliver(app, actorOf(req), req.params.id, req.params.deliveryId))),
  });
}
