import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { QueueViewTables } from './views.tables.js';

export type ViewRow = Selectable<QueueViewTables['queue_views']>;

export const findView = (db: Db, id: string) => db.selectFrom('queue_views').selectAll().where('id', '=', id).executeTakeFirst();

/** A person's own views and the shared ones, shared first, by name; with the owner's name. */
export function listVisible(db: Db, userId: string, id?: string) {
  let q = db
    .selectFrom('queue_views as v')
    .innerJoin('users as u', 'u.id', 'v.owner_id')
    .selectAll('v')
    .select('u.name as owner_name')
    .where((eb) => eb.or([eb('v.owner_id', '=', userId), eb('v.shared', '=', 1)]));
  if (id) q = q.where('v.id', '=', id);
  return q.orderBy('v.shared', 'desc').orderBy('v.name').orderBy('v.id').execute();
}

export const insertView = (db: Db, row: Insertable<QueueViewTables['queue_views']>) => db.insertInto('queue_views').values(row).execute();
export const updateView = (db: Db, id: string, patch: Updateable<QueueViewTables['queue_views']>) =>
  db.updateTable('queue_views').set(patch).where('id', '=', id).execute();
export const deleteView = (db: Db, id: string) => db.deleteFrom('queue_views').where('id', '=', id).execute();
