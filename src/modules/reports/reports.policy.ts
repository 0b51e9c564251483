import { Forbidden, NotFound } from '../../core/errors.js';
import { isManager, type Actor } from '../identity/index.js';

/**
 * Reports are for the service desk's managers (every client) and each client's IT manager (their
 * own organization only, always); agents and requesters get none.
 */
export function assertMayReadReports(actor: Actor) {
  if (isManager(actor)) return;
  if (actor.role === 'client_manager' && actor.organizationId) return;
  throw new Forbidden('Reports are for service desk managers and client IT managers');
}

/** The organization a report is confined to: a client IT manager's own; another one's id is not found. */
export function reportOrganization(actor: Actor, requested: { organizationId?: string; agentId?: string; groupId?: string; by?: string }): string | undefined {
  assertMayReadReports(actor);
  if (isManager(actor)) return requested.organizationId;
  if (requested.organizationId && requested.organizationId !== actor.organizationId) throw new NotFound('Organization');
  if (requested.agentId || requested.groupId || requested.by === 'agent' || requested.by === 'group')
    throw new Forbidden("Only the service desk's managers break reports down by agent or group");
  return actor.organizationId!;
}

/** The staffing forecast and the rosters: managers only. */
export function assertMayPlanStaff(actor: Actor) {
  if (!isManager(actor)) throw new Forbidden('Only a service desk manager plans staffing');
}
