import { inTransaction } from '../../core/db/connect.js';
import { NotFound } from '../../core/errors.js';
import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { defaultChoice, NOTICE_CHANNELS, NOTICE_KINDS, type ChannelChoice, type NoticeKind } from './catalog.js';
import * as repo from './notifications.repo.js';

// The in-app feed and the preferences: each person reads and changes only their own.

/** One page of the actor's notices, newest first; `nextCursor` fetches the next. */
export async function listFeed(app: AppContext, actor: Actor, q: { unread?: boolean; cursor?: number; limit: number }) {
  const rows = await repo.listFeed(app.db, actor.id, { unreadOnly: q.unread === true, before: q.cursor, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return { rows: page, nextCursor: rows.length > q.limit ? Number(page[page.length - 1]!.id) : null };
}

export const unreadCount = (app: AppContext, actor: Actor) => repo.countUnread(app.db, actor.id);

/** Marks one of the actor's notices read (404 for anyone else's, as if it did not exist). */
export async function markRead(app: AppContext, actor: Actor, id: number) {
  const row = await repo.findNotification(app.db, actor.id, id);
  if (!row) throw new NotFound('Notification');
  await repo.markRead(app.db, actor.id, app.clock.now().toISOString(), id);
  return (await repo.findNotification(app.db, actor.id, id))!;
}

export const markAllRead = (app: AppContext, actor: Actor) => repo.markRead(app.db, actor.id, app.clock.now().toISOString());

/** Every kind of notice with the channels the actor gets it by: their choice, else the default. */
export async function getPreferences(app: AppContext, actor: Actor): Promise<{ event: NoticeKind; channels: ChannelChoice }[]> {
  const rows = await repo.listPreferences(app.db, actor.id);
  return NOTICE_KINDS.map((event) => {
    const channels = { ...defaultChoice(actor.role, event) };
    for (const r of rows) if (r.event === event && (NOTICE_CHANNELS as readonly string[]).includes(r.channel)) channels[r.channel as keyof ChannelChoice] = r.enabled === 1;
    return { event, channels };
  });
}

/** Sets the channels named for the kinds named; what is not named stays as it was. */
export async function setPreferences(app: AppContext, actor: Actor, items: { event: NoticeKind; channels: Partial<ChannelChoice> }[]) {
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    for (const item of items)
      for (const [channel, enabled] of Object.entries(item.channels))
        if (enabled !== undefined) await repo.setPreference(trx, { user_id: actor.id, event: item.event, channel, enabled: enabled ? 1 : 0, updated_at: now });
  });
  return getPreferences(app, actor);
}
