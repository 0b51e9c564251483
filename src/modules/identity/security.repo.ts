import type { Insertable } from 'kysely';
import type { Db } from '../db.js';
import type { SecurityTables } from './security.tables.js';

// Authenticator app (TOTP)

export const findTotp = (db: Db, userId: string) => db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();

export async function putTotp(db: Db, userId: string, secret: string, at: string) {
  await db.deleteFrom('mfa_totp').where('user_id', '=', userId).execute();
  await db.insertInto('mfa_totp').values({ user_id: userId, secret, last_step: null, created_at: at, confirmed_at: null }).execute();
}

export const confirmTotp = (db: Db, userId: string, at: string) =>
  db.updateTable('mfa_totp').set({ confirmed_at: at }).where('user_id', '=', userId).execute();

/** Takes a time step as used; false when it (or a later one) was used already: a replayed code. */
export async function useTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const r = await db
    .updateTable('mfa_totp')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const deleteTotp = (db: Db, userId: string) => db.deleteFrom('mfa_totp').where('user_id', '=', userId).execute();

// Recovery codes

export async function replaceRecoveryCodes(db: Db, rows: Insertable<SecurityTables['mfa_recovery_codes']>[], userId: string) {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  if (rows.length) await db.insertInto('mfa_recovery_codes').values(rows).execute();
}

/** Spends an unused recovery code; false when there is none with that hash. */
export async function useRecoveryCode(db: Db, userId: string, codeHash: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countRecoveryCodesLeft(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('mfa_recovery_codes')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export const deleteRecoveryCodes = (db: Db, userId: string) => db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();

// Pending second steps

/** Keeps a pending sign-in, clearing away those that have run out. */
export async function insertPending(db: Db, row: Insertable<SecurityTables['mfa_pending']>) {
  await db.deleteFrom('mfa_pending').where('expires_at', '<', row.created_at).execute();
  await db.insertInto('mfa_pending').values(row).execute();
}
export const findPending = (db: Db, id: string) => db.selectFrom('mfa_pending').selectAll().where('id', '=', id).executeTakeFirst();
export const deletePending = (db: Db, id: string) => db.deleteFrom('mfa_pending').where('id', '=', id).execute();
export const deleteUserPending = (db: Db, userId: string) => db.deleteFrom('mfa_pending').where('user_id', '=', userId).execute();

export async function countPendingFailure(db: Db, id: string): Promise<number> {
  const r = await db
    .updateTable('mfa_pending')
    .set((eb) => ({ failures: eb('failures', '+', 1) }))
    .where('id', '=', id)
    .returning('failures')
    .executeTakeFirst();
  return Number(r?.failures ?? 0);
}

// Remembered devices

export const insertDevice = (db: Db, row: Insertable<SecurityTables['mfa_devices']>) => db.insertInto('mfa_devices').values(row).execute();
export const findDevice = (db: Db, id: string) => db.selectFrom('mfa_devices').selectAll().where('id', '=', id).executeTakeFirst();
export const listDevices = (db: Db, userId: string, now: string) =>
  db.selectFrom('mfa_devices').selectAll().where('user_id', '=', userId).where('expires_at', '>', now).orderBy('created_at').execute();
export const deleteDevices = (db: Db, userId: string) => db.deleteFrom('mfa_devices').where('user_id', '=', userId).execute();

export async function deleteDevice(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('mfa_devices').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// Passkeys

export const listPasskeys = (db: Db, userId: string) => db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
export const findPasskey = (db: Db, id: string) => db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst();
export const insertPasskey = (db: Db, row: Insertable<SecurityTables['passkeys']>) => db.insertInto('passkeys').values(row).execute();
export const touchPasskey = (db: Db, id: string, counter: number, at: string) =>
  db.updateTable('passkeys').set({ counter, last_used_at: at }).where('id', '=', id).execute();
export async function deletePasskey(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('passkeys').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
export const deletePasskeys = (db: Db, userId: string) => db.deleteFrom('passkeys').where('user_id', '=', userId).execute();

/** Keeps a WebAuthn challenge, clearing away those that have run out by `now`. */
export async function insertChallenge(db: Db, row: Insertable<SecurityTables['webauthn_challenges']>, now: string) {
  await db.deleteFrom('webauthn_challenges').where('expires_at', '<', now).execute();
  await db.insertInto('webauthn_challenges').values(row).execute();
}

/** Takes a challenge (it answers once); undefined when unknown. */
export async function takeChallenge(db: Db, id: string) {
  const row = await db.selectFrom('webauthn_challenges').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const r = await db.deleteFrom('webauthn_challenges').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1 ? row : undefined;
}

// Settings

export async function getSetting(db: Db, key: string): Promise<unknown> {
  const row = await db.selectFrom('security_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? JSON.parse(row.value) : undefined;
}

export async function putSetting(db: Db, key: string, value: unknown, at: string, by: string) {
  const json = JSON.stringify(value);
  await db
    .insertInto('security_settings')
    .values({ key, value: json, updated_at: at, updated_by: by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: at, updated_by: by }))
    .execute();
}

// Sessions and tokens, as their owner sees them

export const listSessions = (db: Db, userId: string, now: string) =>
  db
    .selectFrom('sessions')
    .select(['id', 'user_agent', 'ip', 'created_at', 'last_used_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();

export async function deleteUserSession(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export const touchSession = (db: Db, id: string, at: string) => db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', id).execute();
export const releaseEnrolOnly = (db: Db, userId: string) => db.updateTable('sessions').set({ enrol_only: 0 }).where('user_id', '=', userId).execute();

export const revokeUserTokens = (db: Db, userId: string, at: string) =>
  db.updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
