import type { Insertable, Selectable, Updateable } from 'kysely';
import { prepare } from '../../core/db/prepared.js';
import type { Db } from '../db.js';
import type { SlaTables } from './sla.tables.js';

export type CalendarRow = Selectable<SlaTables['calendars']>;

export const listCalendars = (db: Db) => db.selectFrom('calendars').selectAll().orderBy('name').orderBy('id').execute();

export const findCalendar = (db: Db, id: string) => calendarById.first(db, { id });
const calendarById = prepare((db: Db, p: { id: string }) => db.selectFrom('calendars').selectAll().where('id', '=', p.id));

export const insertCalendar = (db: Db, row: Insertable<SlaTables['calendars']>) => db.insertInto('calendars').values(row).execute();

/** Updates a calendar; false when there is no such calendar. */
export async function updateCalendar(db: Db, id: string, patch: Updateable<SlaTables['calendars']>) {
  const r = await db.updateTable('calendars').set(patch).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
