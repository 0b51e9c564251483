import type { Insertable, Selectable, Updateable } from 'kysely';
import type { SecretBox } from '../../../core/crypto/secrets.js';
import type { Db } from '../../db.js';
import type { SsoTables } from './sso.tables.js';

export type SsoProviderRow = Selectable<SsoTables['sso_providers']>;

/**
 * The OIDC client secret is read and written here only (`client_secret`), sealed with the
 * application's key (core/crypto/secrets.ts; listed in modules/stored-secrets.ts); '' when none.
 */
export const sealClientSecret = (box: SecretBox, secret: string): string => (secret ? box.seal(secret) : '');
export const openClientSecret = (box: SecretBox, stored: string): string => (stored ? box.open(stored) : '');

export const findProvider = (db: Db, id: string) => db.selectFrom('sso_providers').selectAll().where('id', '=', id).executeTakeFirst();

/** The IdP of an organization, or of the provider's staff when `organizationId` is null. */
export const findProviderOf = (db: Db, organizationId: string | null) => {
  const q = db.selectFrom('sso_providers').selectAll();
  return (organizationId === null ? q.where('organization_id', 'is', null) : q.where('organization_id', '=', organizationId)).executeTakeFirst();
};

export const listProviders = (db: Db) => db.selectFrom('sso_providers').selectAll().execute();

export const insertProvider = (db: Db, box: SecretBox, row: Insertable<SsoTables['sso_providers']>) =>
  db.insertInto('sso_providers').values({ ...row, client_secret: sealClientSecret(box, row.client_secret) }).execute();

export const updateProvider = (db: Db, box: SecretBox, id: string, patch: Updateable<SsoTables['sso_providers']>) =>
  db
    .updateTable('sso_providers')
    .set({ ...patch, ...(patch.client_secret !== undefined && { client_secret: sealClientSecret(box, String(patch.client_secret)) }) })
    .where('id', '=', id)
    .execute();

export const deleteProvider = (db: Db, id: string) => db.deleteFrom('sso_providers').where('id', '=', id).execute();

export const insertLogin = (db: Db, row: Insertable<SsoTables['sso_logins']>) => db.insertInto('sso_logins').values(row).execute();

/** Takes a sign-in under way: it can be used once. */
export async function takeLogin(db: Db, state: string) {
  const row = await db.selectFrom('sso_logins').selectAll().where('state', '=', state).executeTakeFirst();
  if (!row) return undefined;
  const r = await db.deleteFrom('sso_logins').where('state', '=', state).executeTakeFirst();
  return Number(r.numDeletedRows) === 1 ? row : undefined;
}

export const deleteExpiredLogins = (db: Db, now: string) => db.deleteFrom('sso_logins').where('expires_at', '<=', now).execute();

export const findIdentity = (db: Db, providerId: string, subject: string) =>
  db.selectFrom('sso_identities').selectAll().where('provider_id', '=', providerId).where('subject', '=', subject).executeTakeFirst();

export const insertIdentity = (db: Db, row: Insertable<SsoTables['sso_identities']>) => db.insertInto('sso_identities').values(row).execute();
