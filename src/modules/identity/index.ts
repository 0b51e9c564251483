/** What other modules may use of identity. */
export { type Actor, isStaff, isManager, isAdmin, STAFF_ROLES, CLIENT_ROLES } from './actor.js';
export { SYSTEM_USER_ID, type Role, type Line, type Locale, type Availability } from './identity.tables.js';
export { findUserById, findUsersOnce, rememberUsers, findOrganization, findOrganizationOnce, listActiveByRole, type UserRow } from './identity.repo.js';
export { hashPassword } from './password.js';
export { assertAdmin, assertStaff } from './identity.policy.js';
export { findUserByEmail, findUsersByPhone } from './identity.repo.js';
export { findPlan, findGroup, groupMemberIds, type PlanRow } from './identity.repo.js';
export { toActor } from './auth.service.js';
export { createPerson } from './directory.service.js';
import type { Db } from '../db.js';

/** The organization that owns an e-mail domain (its `organization_domains`), for the e-mail channel. */
export const findOrganizationByDomain = (db: Db, domain: string) =>
  db
    .selectFrom('organization_domains as d')
    .innerJoin('organizations as o', 'o.id', 'd.organization_id')
    .selectAll('o')
    .where('d.domain', '=', domain.toLowerCase())
    .executeTakeFirst();
export { purgeExpiredCredentials } from './identity.repo.js';
