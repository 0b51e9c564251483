import { z } from 'zod';
import { errorResponses, IdParam } from '../../../contracts/common.js';
import { QueueView, QueueViewInput, QueueViewList, QueueViewPatch, type QUEUE_COLUMNS } from '../../../contracts/queue.js';
import { TicketListQuery } from '../../../contracts/tickets.js';
import { Invalid } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import type { Actor } from '../../identity/index.js';
import * as tickets from '../tickets.service.js';
import type { listVisible } from '../views.repo.js';
import * as views from '../views.service.js';

const tags = ['queue views'];
const ViewFilters = TicketListQuery.omit({ cursor: true, limit: true, sort: true });

/** A view's query string as the list's filters; a query the list would refuse is refused here too. */
function filtersOf(query: string) {
  const r = ViewFilters.safeParse(Object.fromEntries(new URLSearchParams(query)));
  if (!r.success) throw new Invalid(`The view's query is not one the list takes: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'query');
  const { q, status, priority, channel, ...rest } = r.data;
  return { ...rest, text: q, statuses: status, priorities: priority, channels: channel };
}

type Row = Awaited<ReturnType<typeof listVisible>>[number];
const present = (v: Row, actor: Actor) => ({
  id: v.id,
  name: v.name,
  query: v.query,
  columns: v.columns ? (JSON.parse(v.columns) as (typeof QUEUE_COLUMNS)[number][]) : null,
  shared: Boolean(v.shared),
  owner: { id: v.owner_id, name: v.owner_name },
  mine: v.owner_id === actor.id,
  createdAt: v.created_at,
  updatedAt: v.updated_at,
});

/** Saved queue views (staff only): a person's own and those a manager shares, each with its count. */
export async function viewRoutes(http: HttpServer, app: AppContext) {
  http.get('/api/v1/queue-views', {
    schema: { tags, description: 'The caller’s views and the shared ones, each with how many requests match it now.', response: { 200: QueueViewList, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      const rows = await views.listViews(app, actor);
      const items = [];
      // A stored query the list no longer takes counts as empty rather than failing the whole list.
      for (const v of rows) {
        let count = 0;
        try {
          count = await tickets.countTickets(app, actor, filtersOf(v.query));
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
        }
        items.push({ ...present(v, actor), count });
      }
      return { items };
    },
  });

  http.post('/api/v1/queue-views', {
    schema: { tags, body: QueueViewInput, response: { 201: QueueView, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      filtersOf(req.body.query);
      return reply.code(201).send(present(await views.createView(app, actor, req.body), actor));
    },
  });

  http.patch('/api/v1/queue-views/:id', {
    schema: { tags, params: IdParam, body: QueueViewPatch, response: { 200: QueueView, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      if (req.body.query !== undefined) filtersOf(req.body.query);
      return present(await views.updateView(app, actor, req.params.id, req.body), actor);
    },
  });

  http.delete('/api/v1/queue-views/:id', {
    schema: { tags, params: IdParam, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await views.deleteView(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });
}
