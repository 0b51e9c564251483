import { sql, type Insertable, type Updateable } from 'kysely';
import { containsText } from '../../core/db/dialect.js';
import type { DialectName } from '../../core/db/connect.js';
import type { Db } from '../db.js';
import type { CatalogTables } from './catalog.tables.js';

export type ItemRow = CatalogTables['catalog_items'];
export type AnswerRow = CatalogTables['catalog_answers'];

/** Items with the plans that offer them; `planId` keeps to one plan's active items. */
export async function listItems(db: Db, f: { planId?: string; activeOnly?: boolean }) {
  let q = db.selectFrom('catalog_items').selectAll();
  if (f.planId) q = q.where('id', 'in', db.selectFrom('catalog_item_plans').select('item_id').where('plan_id', '=', f.planId));
  if (f.activeOnly) q = q.where('active', '=', 1);
  return q.orderBy('position').orderBy('name').execute();
}

export const findItem = (db: Db, id: string) => db.selectFrom('catalog_items').selectAll().where('id', '=', id).executeTakeFirst();

export async function plansOf(db: Db, itemIds: string[]) {
  const out = new Map<string, string[]>(itemIds.map((id) => [id, []]));
  if (!itemIds.length) return out;
  for (const r of await db.selectFrom('catalog_item_plans').selectAll().where('item_id', 'in', itemIds).orderBy('plan_id').execute()) out.get(r.item_id)?.push(r.plan_id);
  return out;
}

export const insertItem = (db: Db, row: Insertable<ItemRow>) => db.insertInto('catalog_items').values(row).execute();
export const updateItem = (db: Db, id: string, set: Updateable<ItemRow>) => db.updateTable('catalog_items').set(set).where('id', '=', id).execute();

export async function replacePlans(db: Db, itemId: string, planIds: string[]) {
  await db.deleteFrom('catalog_item_plans').where('item_id', '=', itemId).execute();
  if (planIds.length) await db.insertInto('catalog_item_plans').values(planIds.map((plan_id) => ({ item_id: itemId, plan_id }))).execute();
}

export const isOrdered = async (db: Db, itemId: string) =>
  Boolean(await db.selectFrom('catalog_orders').select('ticket_id').where('item_id', '=', itemId).limit(1).executeTakeFirst());

export const deleteItem = (db: Db, id: string) => db.deleteFrom('catalog_items').where('id', '=', id).execute();

export const insertAnswers = (db: Db, rows: Insertable<AnswerRow>[]) => (rows.length ? db.insertInto('catalog_answers').values(rows).execute() : undefined);

export const insertOrder = (db: Db, row: Insertable<CatalogTables['catalog_orders']>) => db.insertInto('catalog_orders').values(row).execute();
export const findOrder = (db: Db, ticketId: string) => db.selectFrom('catalog_orders').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();

export const answersOf = (db: Db, ticketId: string) =>
  db.selectFrom('catalog_answers').selectAll().where('ticket_id', '=', ticketId).orderBy('position').execute();

/** Requests ordered from the catalog (newest first) with their answers: of one item, one organization, `q` a word in the answers. */
export async function listOrders(db: Db, dialect: DialectName, f: { itemId?: string; organizationId?: string; q?: string; limit: number }) {
  let q = db
    .selectFrom('catalog_orders as o')
    .innerJoin('catalog_items as i', 'i.id', 'o.item_id')
    .innerJoin('tickets as t', 't.id', 'o.ticket_id')
    .innerJoin('organizations as org', 'org.id', 't.organization_id')
    .innerJoin('users as u', 'u.id', 't.requester_id')
    .select(['t.id', 't.number', 't.subject', 't.status', 't.created_at', 'o.item_id', 'i.name as item_name', 'i.name_ru as item_name_ru', 'org.name as organization_name', 'u.name as requester_name']);
  if (f.itemId) q = q.where('o.item_id', '=', f.itemId);
  if (f.organizationId) q = q.where('t.organization_id', '=', f.organizationId);
  if (f.q) q = q.where('t.id', 'in', db.selectFrom('catalog_answers').select('ticket_id').where(containsText(dialect, sql.ref('value'), f.q)));
  const tickets = await q.orderBy('t.created_at', 'desc').orderBy('t.id').limit(f.limit).execute();
  const answers = tickets.length ? await db.selectFrom('catalog_answers').selectAll().where('ticket_id', 'in', tickets.map((t) => t.id)).orderBy('position').execute() : [];
  return tickets.map((t) => ({ ...t, answers: answers.filter((a) => a.ticket_id === t.id) }));
}
