import { Forbidden, NotFound } from '../../core/errors.js';
import { isAdmin, isManager, isStaff, type Actor } from './actor.js';
import type { Role } from './identity.tables.js';

/** The organization a client-side person is confined to; undefined for staff (who see all). */
export function organizationScope(actor: Actor): string | undefined {
  if (isStaff(actor)) return undefined;
  if (!actor.organizationId) throw new Forbidden('This account belongs to no organization');
  return actor.organizationId;
}

/** Refuses to reveal an organization the actor may not see. */
export function assertMaySeeOrganization(actor: Actor, organizationId: string) {
  const scope = organizationScope(actor);
  if (scope && scope !== organizationId) throw new NotFound('Organization');
}

export function assertAdmin(actor: Actor) {
  if (!isAdmin(actor)) throw new Forbidden('Only an administrator may do this');
}

export function assertManager(actor: Actor) {
  if (!isManager(actor)) throw new Forbidden('Only a service desk manager may do this');
}

export function assertStaff(actor: Actor) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff may do this');
}

/**
 * Who may create or change a person of a given role in a given organization: admins anyone; a
 * client IT manager requesters of their own organization.
 */
export function assertMayManagePerson(actor: Actor, role: Role, organizationId: string | null) {
  if (isAdmin(actor)) return;
  if (actor.role === 'client_manager' && role === 'requester' && organizationId === actor.organizationId) return;
  throw new Forbidden('You may not manage this person');
}

/** Who may list people: staff anyone, a client IT manager their own organization, a requester no one. */
export function peopleScope(actor: Actor): { organizationId?: string } {
  if (isStaff(actor)) return {};
  if (actor.role === 'client_manager' && actor.organizationId) return { organizationId: actor.organizationId };
  throw new Forbidden('You may not list people');
}
