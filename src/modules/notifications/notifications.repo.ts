import type { Insertable, Selectable } from 'kysely';
import { pick, prepareList, prepareRows } from '../../core/db/prepared.js';
import type { Db } from '../db.js';
import type { ChannelChoice, NoticeChannel } from './catalog.js';
import type { NotificationTables } from './notifications.tables.js';

export type NotificationRow = Selectable<NotificationTables['notifications']>;
export type SatisfactionRow = Selectable<NotificationTables['ticket_satisfaction']>;

// In-app feed: every query starts from the person it belongs to.

/** Several in-app notices in one statement. */
type NoticeValues = Omit<NotificationTables['notifications'], 'id'>;
const NOTICE_COLUMNS = ['user_id', 'event', 'ticket_id', 'title', 'body', 'link', 'created_at', 'read_at'] as const satisfies readonly (keyof NoticeValues)[];
const insertNoticeRows = prepareRows((db: Db, rows: NoticeValues[]) => db.insertInto('notifications').values(rows.map((r) => pick(r, NOTICE_COLUMNS))), 16);

export async function insertNotifications(db: Db, rows: Insertable<NotificationTables['notifications']>[]) {
  await insertNoticeRows.run(db, rows.map((r) => ({ ...r, ticket_id: r.ticket_id ?? null, link: r.link ?? null, read_at: r.read_at ?? null })));
}

export function listFeed(db: Db, userId: string, f: { unreadOnly: boolean; before?: number; limit: number }) {
  let q = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (f.unreadOnly) q = q.where('read_at', 'is', null);
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

export async function countUnread(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export const findNotification = (db: Db, userId: string, id: number) =>
  db.selectFrom('notifications').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();

/** Marks one or all of a person's unread notices read; returns how many changed. */
export async function markRead(db: Db, userId: string, at: string, id?: number): Promise<number> {
  let q = db.updateTable('notifications').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (id !== undefined) q = q.where('id', '=', id);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

// Preferences

/** The choices people made for one kind of notice, by person (channels they did not touch are absent). */
export async function choicesFor(db: Db, userIds: string[], event: string): Promise<Map<string, Partial<ChannelChoice>>> {
  const out = new Map<string, Partial<ChannelChoice>>();
  if (!userIds.length) return out;
  const rows = await preferencesOf.all(db, { event }, userIds);
  for (const r of rows) out.set(r.user_id, { ...out.get(r.user_id), [r.channel as NoticeChannel]: r.enabled === 1 });
  return out;
}

const preferencesOf = prepareList((db: Db, p: { event: string }, userIds) =>
  db.selectFrom('notification_preferences').selectAll().where('user_id', 'in', userIds as string[]).where('event', '=', p.event),
);

export const listPreferences = (db: Db, userId: string) =>
  db.selectFrom('notification_preferences').selectAll().where('user_id', '=', userId).execute();

export const setPreference = (db: Db, row: Insertable<NotificationTables['notification_preferences']>) =>
  db
    .insertInto('notification_preferences')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'event', 'channel']).doUpdateSet({ enabled: row.enabled, updated_at: row.updated_at }))
    .execute();

// Satisfaction

export const insertSatisfactionToken = (db: Db, row: Insertable<NotificationTables['satisfaction_tokens']>) =>
  db.insertInto('satisfaction_tokens').values(row).execute();

export const findSatisfactionToken = (db: Db, tokenHash: string) =>
  db.selectFrom('satisfaction_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();

export const findSatisfaction = (db: Db, ticketId: string) =>
  db.selectFrom('ticket_satisfaction').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();

/** Records the rating of a request, replacing an earlier one (people may change their mind). */
export const upsertSatisfaction = (db: Db, row: Insertable<NotificationTables['ticket_satisfaction']>) =>
  db
    .insertInto('ticket_satisfaction')
    .values(row)
    .onConflict((oc) =>
      oc.column('ticket_id').doUpdateSet({ user_id: row.user_id, rating: row.rating, comment: row.comment, updated_at: row.updated_at }),
    )
    .execute();
