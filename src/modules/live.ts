import type { Listener, LiveHub } from '../core/realtime/hub.js';
import type { AppContext, Db } from './db.js';
import { isStaff, type Actor } from './identity/index.js';
import { PUBLIC_EVENTS } from './tickets/tickets.policy.js';

/** Ticket events the client side hears of: what changes its view of the request (replies, status). */
const CLIENT_VISIBLE = new Set(['ticket.created', 'ticket.replied', 'ticket.reopened', ...[...PUBLIC_EVENTS].map((e) => `ticket.${e}`)]);

/**
 * Which changes reach the live stream, and who may hear of each: every ticket event, to the staff,
 * and to the request's requester and the company's IT manager when it is one they see.
 */
export function publishLiveChanges(app: AppContext, hub: LiveHub) {
  app.events.on('ticket.', async (trx, e) => {
    if (!hub.active) return;
    const t = await (trx as Db).selectFrom('tickets').select(['organization_id', 'requester_id']).where('id', '=', e.subjectId).executeTakeFirst();
    await hub.publish(trx, {
      type: e.type,
      subjectType: 'ticket',
      subjectId: e.subjectId,
      audience: { organizationId: t?.organization_id ?? null, ownerId: t?.requester_id ?? null, internal: !CLIENT_VISIBLE.has(e.type) },
    });
  });
}

/** The audience rules' view of a signed-in person. */
export const liveListener = (a: Actor): Listener => ({
  provider: isStaff(a),
  organizationId: a.organizationId,
  userId: a.id,
  wholeOrganization: a.role === 'client_manager',
});
