import type { Insertable, Selectable, Updateable } from 'kysely';
import { deleteInBatches } from '../../core/db/batches.js';
import { isRemembered, memoInTransaction, rememberInTransaction } from '../../core/db/memo.js';
import { prepare, prepareList } from '../../core/db/prepared.js';
import type { Db } from '../db.js';
import { SYSTEM_USER_ID, type IdentityTables, type Line, type Role } from './identity.tables.js';

export type UserRow = Selectable<IdentityTables['users']>;
export type OrganizationRow = Selectable<IdentityTables['organizations']>;
export type PlanRow = Selectable<IdentityTables['plans']>;
export type GroupRow = Selectable<IdentityTables['groups']>;

// Users

export const findUserByEmail = (db: Db, email: string) => userByEmail.first(db, { email: email.trim().toLowerCase() });
const userByEmail = prepare((db: Db, p: { email: string }) => db.selectFrom('users').selectAll().where('email', '=', p.email));

export const findUserById = (db: Db, id: string) =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

/**
 * People by id, read once per transaction: for the reactions to a request's events (notices),
 * which read the same requester, assignee and watchers and change none of them.
 */
export async function findUsersOnce(db: Db, ids: string[]): Promise<Map<string, UserRow>> {
  const wanted = [...new Set(ids)];
  const missing = wanted.filter((id) => !isRemembered(db, `user:${id}`));
  // The ones not read yet in one query.
  const rows = missing.length ? usersByIds.all(db, {}, missing) : Promise.resolve([]);
  const found = await Promise.all(wanted.map((id) => memoInTransaction(db, `user:${id}`, async () => (await rows).find((u) => u.id === id))));
  return new Map(found.filter((u): u is UserRow => u !== undefined).map((u) => [u.id, u]));
}

/**
 * Records people read by another query (whole rows) as read in the transaction, for findUsersOnce;
 * `ids` it looked for and did not find are remembered as missing.
 */
export function rememberUsers(db: Db, rows: UserRow[], ids: string[] = []) {
  for (const id of ids) rememberInTransaction(db, `user:${id}`, undefined);
  for (const u of rows) rememberInTransaction(db, `user:${u.id}`, u);
}

const usersByIds = prepareList((db: Db, _p: Record<string, never>, ids) => db.selectFrom('users').selectAll().where('id', 'in', ids as string[]));

/** The active people with this mobile number (E.164), oldest account first. */
export const findUsersByPhone = (db: Db, e164: string) =>
  db.selectFrom('users').selectAll().where('phone', '=', e164).where('active', '=', 1).orderBy('created_at').execute();

export const insertUser = (db: Db, row: Insertable<IdentityTables['users']>) =>
  db.insertInto('users').values(row).execute();

export const updateUser = (db: Db, id: string, patch: Updateable<IdentityTables['users']>) =>
  db.updateTable('users').set(patch).where('id', '=', id).execute();

export interface UserFilter {
  organizationId?: string;
  roles?: Role[];
  limit: number;
}

export function listUsers(db: Db, f: UserFilter) {
  let q = db.selectFrom('users').selectAll().where('id', '!=', SYSTEM_USER_ID).orderBy('name').orderBy('id').limit(f.limit);
  if (f.organizationId) q = q.where('organization_id', '=', f.organizationId);
  if (f.roles?.length) q = q.where('role', 'in', f.roles);
  return q.execute();
}

/** The active people of a role, optionally of one line only (e.g. the L2 agents): who a notice concerns. */
export function listActiveByRole(db: Db, role: Role, line?: Line) {
  return line ? activeByRoleAtLine.all(db, { role, line }) : activeByRole.all(db, { role });
}
const activeByRole = prepare((db: Db, p: { role: Role }) =>
  db.selectFrom('users').selectAll().where('role', '=', p.role).where('active', '=', 1).where('id', '!=', SYSTEM_USER_ID).orderBy('email'),
);
const activeByRoleAtLine = prepare((db: Db, p: { role: Role; line: Line }) =>
  db.selectFrom('users').selectAll().where('role', '=', p.role).where('active', '=', 1).where('id', '!=', SYSTEM_USER_ID).where('line', '=', p.line).orderBy('email'),
);

// Sessions, API tokens, password resets (all keyed by the SHA-256 of the secret)

export const insertSession = (db: Db, row: Insertable<IdentityTables['sessions']>) =>
  db.insertInto('sessions').values(row).execute();

export const findSessionWithUser = (db: Db, idHash: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.csrf_token', 'sessions.expires_at as session_expires_at', 'sessions.enrol_only', 'sessions.last_used_at as session_last_used_at'])
    .where('sessions.id', '=', idHash)
    .executeTakeFirst();

export const deleteSession = (db: Db, idHash: string) => db.deleteFrom('sessions').where('id', '=', idHash).execute();

/** Ends every session of a person, but the one given. */
export function deleteUserSessions(db: Db, userId: string, exceptIdHash?: string) {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptIdHash) q = q.where('id', '!=', exceptIdHash);
  return q.execute();
}

/** Counts one more failed sign-in, atomically; returns the count. */
export async function countFailedLogin(db: Db, userId: string): Promise<number> {
  const r = await db
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', userId)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  return Number(r.failed_logins);
}

export const insertApiToken = (db: Db, row: Insertable<IdentityTables['api_tokens']>) =>
  db.insertInto('api_tokens').values(row).execute();

export const findApiTokenWithUser = (db: Db, tokenHash: string) =>
  db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id', 'api_tokens.revoked_at', 'api_tokens.last_used_at', 'api_tokens.read_only', 'api_tokens.expires_at as token_expires_at'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();

export const listApiTokens = (db: Db, userId: string) =>
  db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at', 'read_only', 'expires_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();

export const revokeApiToken = (db: Db, userId: string, id: string, at: string) =>
  db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();

export const touchApiToken = (db: Db, id: string, at: string) =>
  db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();

export const insertPasswordReset = (db: Db, row: Insertable<IdentityTables['password_resets']>) =>
  db.insertInto('password_resets').values(row).execute();

export const findPasswordReset = (db: Db, tokenHash: string) =>
  db.selectFrom('password_resets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();

/** Marks a reset token used; returns whether this call was the one that used it. */
export async function usePasswordReset(db: Db, tokenHash: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('password_resets')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// Organizations, domains, plans, groups

export const listOrganizations = (db: Db, onlyId?: string) => {
  let q = db.selectFrom('organizations').selectAll().orderBy('name');
  if (onlyId) q = q.where('id', '=', onlyId);
  return q.execute();
};

export const findOrganization = (db: Db, id: string) => organizationById.first(db, { id });
const organizationById = prepare((db: Db, p: { id: string }) => db.selectFrom('organizations').selectAll().where('id', '=', p.id));

/** An organization read once per transaction: for the reactions to a request's events, which do not change it. */
export const findOrganizationOnce = (db: Db, id: string) => memoInTransaction(db, `organization:${id}`, () => findOrganization(db, id));

export const insertOrganization = (db: Db, row: Insertable<IdentityTables['organizations']>) =>
  db.insertInto('organizations').values(row).execute();

export const updateOrganization = (db: Db, id: string, patch: Updateable<IdentityTables['organizations']>) =>
  db.updateTable('organizations').set(patch).where('id', '=', id).execute();

export async function domainsByOrganization(db: Db, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('organization_domains')
    .selectAll()
    .where('organization_id', 'in', ids)
    .orderBy('domain')
    .execute();
  for (const r of rows) out.set(r.organization_id, [...(out.get(r.organization_id) ?? []), r.domain]);
  return out;
}

export async function replaceDomains(db: Db, organizationId: string, domains: string[]) {
  await db.deleteFrom('organization_domains').where('organization_id', '=', organizationId).execute();
  if (domains.length)
    await db
      .insertInto('organization_domains')
      .values(domains.map((domain) => ({ domain, organization_id: organizationId })))
      .execute();
}

export const listPlans = (db: Db) => db.selectFrom('plans').selectAll().orderBy('included_hours').execute();
export const findPlan = (db: Db, id: string) => db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
export const insertPlan = (db: Db, row: Insertable<IdentityTables['plans']>) => db.insertInto('plans').values(row).execute();
export const updatePlan = (db: Db, id: string, patch: Updateable<IdentityTables['plans']>) => db.updateTable('plans').set(patch).where('id', '=', id).execute();

export const listGroups = (db: Db) => db.selectFrom('groups').selectAll().orderBy('name').execute();
export const findGroup = (db: Db, id: string) => db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
export const updateGroup = (db: Db, id: string, patch: Updateable<IdentityTables['groups']>) =>
  db.updateTable('groups').set(patch).where('id', '=', id).execute();
export const deleteGroup = (db: Db, id: string) => db.deleteFrom('groups').where('id', '=', id).execute();
export const insertGroup = (db: Db, row: Insertable<IdentityTables['groups']>) => db.insertInto('groups').values(row).execute();

/** The ids of a group's members. */
export const groupMemberIds = async (db: Db, groupId: string) =>
  (await db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute()).map((r) => r.user_id);

export async function membersByGroup(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('group_members').selectAll().execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.group_id, [...(out.get(r.group_id) ?? []), r.user_id]);
  return out;
}

export async function setGroupMembers(db: Db, groupId: string, userIds: string[]) {
  await db.deleteFrom('group_members').where('group_id', '=', groupId).execute();
  if (userIds.length)
    await db
      .insertInto('group_members')
      .values(userIds.map((user_id) => ({ group_id: groupId, user_id })))
      .execute();
}

// Retention

/** Deletes sessions and password-reset tokens that expired before `before`, in short batches. */
export async function purgeExpiredCredentials(db: Db, before: string) {
  const sessions = await deleteInBatches(db, 'sessions', 'id', (q) => q.where('expires_at', '<', before));
  const resetTokens = await deleteInBatches(db, 'password_resets', 'token_hash', (q) => q.where('expires_at', '<', before));
  return { sessions, resetTokens };
}
