/** What other modules may use of identity. */
export { type Actor, isStaff, isManager, isAdmin, STAFF_ROLES, CLIENT_ROLES } from './actor.js';
export { SYSTEM_USER_ID, type Role, type Line, type Locale, type Availability } from './identity.tables.js';
export { findUserById, findOrganization, type UserRow } from './identity.repo.js';
export { hashPassword } from './password.js';
export { assertAdmin, assertStaff } from './identity.policy.js';
