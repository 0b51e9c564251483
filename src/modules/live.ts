import type { AudienceOf, Listener, LiveHub } from '../core/realtime/hub.js';
import type { AppContext, Db } from './db.js';
import { isStaff, type Actor } from './identity/index.js';
import { assertMayWork, PUBLIC_EVENTS } from './tickets/tickets.policy.js';
import { errorResponses, IdParam, Ok } from '../contracts/common.js';
import type { HttpServer } from '../core/http/server.js';
import { actorOf } from './identity/http/auth.hooks.js';
import { loadTicket } from './tickets/index.js';

/** Ticket events the client side hears of: what changes its view of the request (replies, status). */
const CLIENT_VISIBLE = new Set(['ticket.created', 'ticket.replied', 'ticket.reopened', ...[...PUBLIC_EVENTS].map((e) => `ticket.${e}`)]);

/** Which changes reach the live stream: every ticket, SLA and call event, published with the change. */
export function publishLiveChanges(app: AppContext, hub: LiveHub) {
  // On PostgreSQL the event's own insert sends the NOTIFY, which PostgreSQL delivers on commit.
  const notify = hub.notifyOfEvent();
  for (const prefix of ['ticket.', 'sla.', 'call.'])
    if (notify) app.events.fact(prefix, 'live.notified', notify);
    else
      app.events.on(prefix, async (trx, e) => {
        if (hub.active) await hub.publish(trx, { type: e.type, subjectType: e.subjectType, subjectId: e.subjectId });
      });
}

/**
 * Who may hear of a change, read after it committed: the staff always; the request's requester and
 * the company's IT manager when it is a change they see on the client side. Calls are for staff only.
 */
export function liveAudience(db: Db): AudienceOf {
  return async (c) => {
    const t = c.subjectType === 'ticket' ? await db.selectFrom('tickets').select(['organization_id', 'requester_id']).where('id', '=', c.subjectId).executeTakeFirst() : undefined;
    return { organizationId: t?.organization_id ?? null, ownerId: t?.requester_id ?? null, internal: !CLIENT_VISIBLE.has(c.type) };
  };
}

/** The audience rules' view of a signed-in person. */
export const liveListener = (a: Actor): Listener => ({
  provider: isStaff(a),
  organizationId: a.organizationId,
  userId: a.id,
  wholeOrganization: a.role === 'client_manager',
});

/**
 * `POST /api/v1/tickets/{id}/replying`: a staff member is writing a reply; colleagues with the
 * request open are told (a passing hint, never stored), so that two people do not answer at once.
 */
export function presenceRoutes(http: HttpServer, app: AppContext, hub: LiveHub) {
  http.post('/api/v1/tickets/:id/replying', {
    schema: { tags: ['live'], params: IdParam, response: { 202: Ok, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      assertMayWork(actor);
      const t = await loadTicket(app.db, actor, req.params.id);
      await hub.publishNow({ type: 'ticket.replying', subjectType: 'ticket', subjectId: t.id, actor: { id: actor.id, name: actor.name } });
      return reply.code(202).send({ ok: true as const });
    },
  });
}
