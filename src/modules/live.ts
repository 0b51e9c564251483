import type { AudienceOf, Listener, LiveHub } from '../core/realtime/hub.js';
import type { AppContext, Db } from './db.js';
import { isStaff, type Actor } from './identity/index.js';
import { PUBLIC_EVENTS } from './tickets/tickets.policy.js';

/** Ticket events the client side hears of: what changes its view of the request (replies, status). */
const CLIENT_VISIBLE = new Set(['ticket.created', 'ticket.replied', 'ticket.reopened', ...[...PUBLIC_EVENTS].map((e) => `ticket.${e}`)]);

/** Which changes reach the live stream: every ticket event, published with the change. */
export function publishLiveChanges(app: AppContext, hub: LiveHub) {
  app.events.on('ticket.', async (trx, e) => {
    if (hub.active) await hub.publish(trx, { type: e.type, subjectType: 'ticket', subjectId: e.subjectId });
  });
}

/**
 * Who may hear of a change, read after it committed: the staff always; the request's requester and
 * the company's IT manager when it is a change they see on the client side.
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
