import type { Insertable, Selectable, Updateable } from 'kysely';
import type { SecretBox } from '../../../core/crypto/secrets.js';
import type { Db } from '../../db.js';
import type { SsoTables } from '../sso/sso.tables.js';
import type { LdapSource } from './ldap.js';

export type DirectorySourceRow = Selectable<SsoTables['directory_sources']>;
export type SyncRunRow = Selectable<SsoTables['directory_sync_runs']>;

/**
 * The LDAP bind password is read and written here only (`bind_secret`), sealed with the
 * application's key (core/crypto/secrets.ts; listed in modules/stored-secrets.ts); '' when none.
 */
export const sealBindSecret = (box: SecretBox, secret: string): string => (secret ? box.seal(secret) : '');
export const openBindSecret = (box: SecretBox, stored: string): string => (stored ? box.open(stored) : '');

export const findSource = (db: Db, organizationId: string) =>
  db.selectFrom('directory_sources').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();

export const insertSource = (db: Db, box: SecretBox, row: Insertable<SsoTables['directory_sources']>) =>
  db.insertInto('directory_sources').values({ ...row, bind_secret: sealBindSecret(box, row.bind_secret) }).execute();

export const updateSource = (db: Db, box: SecretBox, organizationId: string, patch: Updateable<SsoTables['directory_sources']>) =>
  db
    .updateTable('directory_sources')
    .set({ ...patch, ...(patch.bind_secret !== undefined && { bind_secret: sealBindSecret(box, String(patch.bind_secret)) }) })
    .where('organization_id', '=', organizationId)
    .execute();

export const deleteSource = (db: Db, organizationId: string) => db.deleteFrom('directory_sources').where('organization_id', '=', organizationId).execute();

/** What the LDAP client needs of a stored source. */
export const toLdapSource = (box: SecretBox, r: DirectorySourceRow): LdapSource => ({
  url: r.url,
  bindDn: r.bind_dn,
  bindPassword: openBindSecret(box, r.bind_secret),
  baseDn: r.base_dn,
  filter: r.filter,
  attributes: JSON.parse(r.attributes) as LdapSource['attributes'],
  managerGroupDn: r.manager_group_dn,
});

export const listLinked = (db: Db, organizationId: string) =>
  db
    .selectFrom('directory_people as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.user_id', 'p.dn', 'u.email', 'u.name', 'u.active'])
    .where('p.organization_id', '=', organizationId)
    .execute();

export const findLink = (db: Db, userId: string) => db.selectFrom('directory_people').selectAll().where('user_id', '=', userId).executeTakeFirst();

export async function link(db: Db, row: SsoTables['directory_people']) {
  await db
    .insertInto('directory_people')
    .values(row)
    .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doUpdateSet({ dn: row.dn, seen_at: row.seen_at }))
    .execute();
}

export const insertRun = (db: Db, row: Insertable<SsoTables['directory_sync_runs']>) => db.insertInto('directory_sync_runs').values(row).execute();

export const listRuns = (db: Db, organizationId: string, limit: number) =>
  db.selectFrom('directory_sync_runs').selectAll().where('organization_id', '=', organizationId).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();

export const findRun = (db: Db, organizationId: string, id: string) =>
  db.selectFrom('directory_sync_runs').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
