import { sql, type Generated } from 'kysely';
import type { ModuleMigration } from '../../core/db/migrate.js';

export interface NotificationTables {
  /** The in-app feed: one row per person and notice, written in that person's language. */
  notifications: {
    id: Generated<number>;
    user_id: string;
    /** The kind of notice (see catalog.ts), e.g. ticket_replied. */
    event: string;
    ticket_id: string | null;
    title: string;
    body: string;
    link: string | null;
    created_at: string;
    read_at: string | null;
  };
  /** What a person chose, per kind of notice and channel; absent rows mean the default. */
  notification_preferences: {
    user_id: string;
    event: string;
    /** email, in_app, sms. */
    channel: string;
    enabled: number;
    updated_at: string;
  };
  /** The requester's satisfaction with the resolution of a request: one rating per request, the latest. */
  ticket_satisfaction: {
    ticket_id: string;
    user_id: string;
    rating: number;
    comment: string | null;
    created_at: string;
    updated_at: string;
  };
  /** The one-click rating links sent with a resolution (SHA-256 of the secret in the link). */
  satisfaction_tokens: {
    token_hash: string;
    ticket_id: string;
    user_id: string;
    created_at: string;
    expires_at: string;
  };
}

export const notificationMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-41-notifications-feed-preferences',
    async up(db, t) {
      await db.schema
        .createTable('notifications')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('ticket_id', 'text', (c) => c.references('tickets.id').onDelete('cascade'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('link', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('read_at', t.timestamp)
        .execute();
      await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id']).execute();
      // The unread count reads only the unread rows of one person.
      await db.schema
        .createIndex('notifications_user_unread')
        .on('notifications')
        .columns(['user_id', 'id'])
        .where(sql.ref('read_at'), 'is', null)
        .execute();
      await db.schema
        .createTable('notification_preferences')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'event', 'channel'])
        .execute();
    },
  },
  {
    name: '2026-11-26-42-notifications-satisfaction',
    async up(db, t) {
      await db.schema
        .createTable('ticket_satisfaction')
        .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('rating', 'integer', (c) => c.notNull().check(sql`rating between 1 and 5`))
        .addColumn('comment', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('satisfaction_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();
    },
  },
];
