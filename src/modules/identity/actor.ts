import type { Line, Locale, Role } from './identity.tables.js';

/** The signed-in person on whose behalf a use case runs. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The client company of a client-side person; null for the provider's staff. */
  organizationId: string | null;
  line: Line | null;
  locale: Locale;
}

export const STAFF_ROLES = ['agent', 'manager', 'admin'] as const;
export const CLIENT_ROLES = ['requester', 'client_manager'] as const;

/** True for the provider's staff (agents, managers, admins). */
export const isStaff = (a: Actor): boolean => (STAFF_ROLES as readonly string[]).includes(a.role);
export const isManager = (a: Actor): boolean => a.role === 'manager' || a.role === 'admin';
export const isAdmin = (a: Actor): boolean => a.role === 'admin';
