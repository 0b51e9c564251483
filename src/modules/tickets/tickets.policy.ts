import { Forbidden } from '../../core/errors.js';
import { isManager, isStaff, type Actor } from '../identity/index.js';

/**
 * The rows of `tickets` an actor may see: staff all; a client IT manager the company's; a requester
 * their own and those they watch (within their company). Notices go to the same people: whoever is
 * told of a request may open it.
 */
export interface TicketScope {
  organizationId?: string;
  /** Requests made by this person or watched by them. */
  requesterId?: string;
  /** Known not to watch any request (false): only their own, which the requester index finds. */
  watches?: boolean;
}

export function ticketScope(actor: Actor): TicketScope {
  if (isStaff(actor)) return {};
  if (!actor.organizationId) throw new Forbidden('This account belongs to no organization');
  if (actor.role === 'client_manager') return { organizationId: actor.organizationId };
  return { organizationId: actor.organizationId, requesterId: actor.id };
}

/** Staff-only actions: internal notes, changing the request's handling, links. */
export function assertMayWork(actor: Actor) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff may do this');
}

export function assertMayReadAudit(actor: Actor) {
  if (!isManager(actor)) throw new Forbidden('Only a service desk manager may read the audit log');
}

/** A change's planning and approval (written by the changes module), which its client follows. */
const CHANGE_EVENTS = ['change_planned', 'approval_requested', 'approval_decided', 'change_approved', 'change_rejected'];

/**
 * Client-side users see replies and the status changes of their requests, never notes or internal
 * events; and the public updates and resolution of a major incident their request is part of.
 */
export const PUBLIC_EVENTS = new Set(['created', 'status_changed', 'major_update', 'major_resolved', 'merged_into', ...CHANGE_EVENTS]);
