import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DialectName } from '../../core/db/connect.js';
import { containsText } from '../../core/db/dialect.js';
import type { Db } from '../db.js';
import type { CannedTables } from './canned.tables.js';

export type CannedRow = Selectable<CannedTables['canned_replies']>;

/** The replies a person may use: their own and the shared ones; `q` matches the name (case-insensitive). */
export function listVisible(db: Db, dialect: DialectName, userId: string, q?: string) {
  let query = db
    .selectFrom('canned_replies')
    .selectAll()
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('owner_id', 'is', null)]));
  if (q) query = query.where(containsText(dialect, sql.ref('name'), q));
  return query.orderBy('usage_count', 'desc').orderBy('name').orderBy('id').limit(200).execute();
}

export const findCanned = (db: Db, id: string) => db.selectFrom('canned_replies').selectAll().where('id', '=', id).executeTakeFirst();
export const insertCanned = (db: Db, row: Insertable<CannedTables['canned_replies']>) => db.insertInto('canned_replies').values(row).execute();
export const updateCanned = (db: Db, id: string, patch: Updateable<CannedTables['canned_replies']>) =>
  db.updateTable('canned_replies').set(patch).where('id', '=', id).execute();
export const deleteCanned = (db: Db, id: string) => db.deleteFrom('canned_replies').where('id', '=', id).execute();
/** Counts one use; done in the caller's transaction, so a use that is rolled back is not counted. */
export const countUse = (db: Db, id: string) =>
  db.updateTable('canned_replies').set((eb) => ({ usage_count: eb('usage_count', '+', 1) })).where('id', '=', id).execute();
