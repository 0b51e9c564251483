import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/escalation.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import type { DeveloperItemRow } from '../handoff.repo.js';
import * as handoff from '../handoff.service.js';

const tags = ['escalation'];

/** The largest tracker event accepted: a long comment, not an upload. */
const TRACKER_EVENT_MAX_BYTES = 256 * 1024;

const presentItem = (r: DeveloperItemRow) => ({
  id: r.id,
  ticketId: r.ticket_id,
  status: r.status,
  externalId: r.external_id,
  url: r.url,
  trackerStatus: r.tracker_status,
  summary: r.summary,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  fixedAt: r.fixed_at,
  lastError: r.last_error,
});

/** Hand-off of a defect to the software developers, and the tracker's signed events coming back. */
export async function handoffRoutes(http: HttpServer, app: AppContext) {
  http.post('/api/v1/tickets/:id/handoff', {
    schema: {
      tags,
      params: IdParam,
      body: c.HandOffCreate,
      description:
        'L2/L3 or a manager hands the request to the software developers; their tracker is called after the answer (202).',
      response: { 202: c.DeveloperItem, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.code(202).send(presentItem(await handoff.handOff(app, actorOf(req), req.params.id, req.body))),
  });

  http.get('/api/v1/tickets/:id/handoff', {
    schema: { tags, params: IdParam, response: { 200: c.DeveloperItems, ...errorResponses } },
    handler: async (req) => ({
      items: (await handoff.listHandOffs(app, actorOf(req), req.params.id)).map(presentItem),
    }),
  });

  // The signature covers the exact bytes sent, so this route alone reads the body raw; the rest of
  // the application keeps its JSON parser (the parser is scoped to this plugin).
  await http.register(async (scope) => {
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: TRACKER_EVENT_MAX_BYTES },
      (_req, body, done) => done(null, body),
    );
    scope.post('/api/v1/integrations/dev-tracker/events', {
      config: { public: true },
      schema: {
        tags,
        security: [],
        description:
          'Events from the developers\' tracker: `{externalId, type: "comment"|"status", comment?, author?, status?, fixed?}`, ' +
          'signed with `x-tierdesk-timestamp` (unix seconds) and `x-tierdesk-signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.',
        response: { 200: Ok, ...errorResponses },
      },
      handler: async (req) => {
        await handoff.receiveTrackerEvent(
          app,
          Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          req.headers,
        );
        return { ok: true as const };
      },
    });
  });
}
