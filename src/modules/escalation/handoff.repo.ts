import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { EscalationTables } from './escalation.tables.js';

type Items = EscalationTables['developer_items'];
export type DeveloperItemRow = Selectable<Items>;

export async function insertItem(db: Db, row: Insertable<Items>) {
  await db.insertInto('developer_items').values(row).execute();
}

export const findItem = (db: Db, id: string) =>
  db.selectFrom('developer_items').selectAll().where('id', '=', id).executeTakeFirst();

export const findItemByExternalId = (db: Db, externalId: string) =>
  db.selectFrom('developer_items').selectAll().where('external_id', '=', externalId).executeTakeFirst();

/** The request's hand-off still in progress (not failed, not yet fixed), if any. */
export const findOpenItem = (db: Db, ticketId: string) =>
  db
    .selectFrom('developer_items')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .where('status', 'in', ['pending', 'created'])
    .where('fixed_at', 'is', null)
    .executeTakeFirst();

/** A request's hand-offs, oldest first. */
export const listItems = (db: Db, ticketId: string) =>
  db
    .selectFrom('developer_items')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export async function updateItem(db: Db, id: string, patch: Updateable<Items>) {
  await db.updateTable('developer_items').set(patch).where('id', '=', id).execute();
}
