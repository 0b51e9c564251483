import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { MacroTables } from './macros.tables.js';

export type MacroRow = Selectable<MacroTables['macros']>;

/** The macros a person may apply: their own and the shared ones, most used first. */
export const listVisible = (db: Db, userId: string) =>
  db
    .selectFrom('macros')
    .selectAll()
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('owner_id', 'is', null)]))
    .orderBy('usage_count', 'desc')
    .orderBy('name')
    .orderBy('id')
    .execute();

export const findMacro = (db: Db, id: string) => db.selectFrom('macros').selectAll().where('id', '=', id).executeTakeFirst();
export const insertMacro = (db: Db, row: Insertable<MacroTables['macros']>) => db.insertInto('macros').values(row).execute();
export const updateMacro = (db: Db, id: string, patch: Updateable<MacroTables['macros']>) => db.updateTable('macros').set(patch).where('id', '=', id).execute();
export const deleteMacro = (db: Db, id: string) => db.deleteFrom('macros').where('id', '=', id).execute();
export const countUses = (db: Db, id: string, uses: number) =>
  db.updateTable('macros').set((eb) => ({ usage_count: eb('usage_count', '+', uses) })).where('id', '=', id).execute();
