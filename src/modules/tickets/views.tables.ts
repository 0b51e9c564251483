import type { ModuleMigration } from '../../core/db/migrate.js';

export interface QueueViewTables {
  /** Saved queue views: a person's own, or shared with all staff by a manager. */
  queue_views: {
    id: string;
    owner_id: string;
    name: string;
    /** The list's query string (filters and sort), as the queue's address carries it. */
    query: string;
    /** JSON list of column names, or null for the queue's default columns. */
    columns: string | null;
    shared: number;
    created_at: string;
    updated_at: string;
  };
}

export const queueViewMigrations: ModuleMigration[] = [
  {
    name: '2026-12-07-3x-queue-views',
    async up(db, t) {
      await db.schema
        .createTable('queue_views')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('query', 'text', (c) => c.notNull())
        .addColumn('columns', 'text')
        .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('queue_views_owner').on('queue_views').columns(['owner_id', 'name']).execute();
      await db.schema.createIndex('queue_views_shared').on('queue_views').columns(['shared', 'name']).execute();
    },
  },
];
