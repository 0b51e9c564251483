import { isManagerRole, isStaffRole, type Role } from '../api/types';

/** Where each role starts: the client's IT manager with all of the company's requests. */
export const homeOf = (role: Role) =>
  isManagerRole(role) ? '/dashboard' : isStaffRole(role) ? '/queues/mine' : role === 'client_manager' ? '/requests/company' : '/requests';

/** Where a sign-in leads: the address asked for (`?next=`, on this site only, not just "/"), else the role's start. */
export const afterSignIn = (next: string | null, role: Role) => (next && next !== '/' && next.startsWith('/') && !next.startsWith('//') ? next : homeOf(role));
