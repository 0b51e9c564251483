import { z } from 'zod';
import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/notifications.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import * as deadLetters from '../dead-letters.service.js';
import * as feed from '../feed.service.js';
import * as satisfaction from '../satisfaction.service.js';
import { presentChannels, presentDeadLetter, presentNotification, presentSatisfaction } from './presenters.js';
import { blankToNull, satisfactionLinkRoutes } from './satisfaction.routes.js';

const tags = ['notifications'];

/**
 * The in-app feed and preferences (each person's own), a request's satisfaction rating, and the
 * dead letters of the mail outbox (admins).
 */
export async function notificationRoutes(http: HttpServer, app: AppContext) {
  http.get('/api/v1/notifications', {
    schema: { tags, querystring: c.FeedQuery, response: { 200: c.FeedPage, ...errorResponses } },
    handler: async (req) => {
      const page = await feed.listFeed(app, actorOf(req), req.query);
      return { items: page.rows.map(presentNotification), nextCursor: page.nextCursor };
    },
  });

  http.get('/api/v1/notifications/unread-count', {
    schema: { tags, response: { 200: c.UnreadCount, ...errorResponses } },
    handler: async (req) => ({ count: await feed.unreadCount(app, actorOf(req)) }),
  });

  http.post('/api/v1/notifications/:id/read', {
    schema: { tags, params: c.NotificationParam, response: { 200: c.Notification, ...errorResponses } },
    handler: async (req) => presentNotification(await feed.markRead(app, actorOf(req), req.params.id)),
  });

  http.post('/api/v1/notifications/read-all', {
    schema: { tags, response: { 200: c.MarkedRead, ...errorResponses } },
    handler: async (req) => ({ updated: await feed.markAllRead(app, actorOf(req)) }),
  });

  http.get('/api/v1/me/notification-preferences', {
    schema: { tags, response: { 200: c.Preferences, ...errorResponses } },
    handler: async (req) => ({
      items: (await feed.getPreferences(app, actorOf(req))).map((p) => ({ event: p.event, channels: presentChannels(p.channels) })),
    }),
  });

  http.put('/api/v1/me/notification-preferences', {
    schema: {
      tags,
      body: c.PreferencesPut,
      description: 'Sets the channels named for the kinds of notice named; the rest stay as they were.',
      response: { 200: c.Preferences, ...errorResponses },
    },
    handler: async (req) => {
      const items = req.body.items.map((i) => ({ event: i.event, channels: { email: i.channels.email, in_app: i.channels.inApp, sms: i.channels.sms } }));
      const saved = await feed.setPreferences(app, actorOf(req), items);
      return { items: saved.map((p) => ({ event: p.event, channels: presentChannels(p.channels) })) };
    },
  });

  http.get('/api/v1/tickets/:id/satisfaction', {
    schema: { tags, params: IdParam, response: { 200: c.SatisfactionOrNone, ...errorResponses } },
    handler: async (req) => {
      const s = await satisfaction.getRating(app, actorOf(req), req.params.id);
      return { satisfaction: s && presentSatisfaction(s) };
    },
  });

  http.put('/api/v1/tickets/:id/satisfaction', {
    schema: {
      tags,
      params: IdParam,
      body: c.RatingBody,
      description: 'The requester rates the solution of their resolved request, 1–5, with an optional comment.',
      response: { 200: c.Satisfaction, ...errorResponses },
    },
    handler: async (req) => {
      const { rating, comment } = req.body;
      return presentSatisfaction(await satisfaction.rateAsRequester(app, actorOf(req), req.params.id, { rating, comment: blankToNull(comment) }));
    },
  });

  http.get('/api/v1/admin/mail/dead-letters', {
    schema: { tags, querystring: c.DeadLetterQuery, response: { 200: c.DeadLetterPage, ...errorResponses } },
    handler: async (req) => {
      const page = await deadLetters.listFailedMail(app, actorOf(req), req.query);
      return { items: page.rows.map(presentDeadLetter), nextCursor: page.nextCursor };
    },
  });

  http.post('/api/v1/admin/mail/dead-letters/:id/retry', {
    schema: { tags, params: z.object({ id: z.coerce.number().int().positive() }), response: { 202: Ok, ...errorResponses } },
    handler: async (req, reply) => {
      await deadLetters.retryFailedMail(app, actorOf(req), req.params.id);
      return reply.code(202).send({ ok: true as const });
    },
  });

  await http.register(async (scope) => satisfactionLinkRoutes(scope as HttpServer, app));
}
