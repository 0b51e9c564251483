import type { ModuleMigration } from '../../core/db/migrate.js';

export interface CannedTables {
  /** Text modules agents insert into replies; placeholders are filled per request when used. */
  canned_replies: {
    id: string;
    name: string;
    /** The person whose own reply it is; null: shared with the whole staff (made by a manager). */
    owner_id: string | null;
    body_en: string;
    body_ru: string;
    usage_count: number;
    created_by: string;
    created_at: string;
    updated_at: string;
  };
}

export const cannedMigrations: ModuleMigration[] = [
  {
    name: '2026-12-07-4x-canned-replies',
    async up(db, t) {
      await db.schema
        .createTable('canned_replies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('body_en', 'text', (c) => c.notNull())
        .addColumn('body_ru', 'text', (c) => c.notNull())
        .addColumn('usage_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('canned_replies_owner').on('canned_replies').columns(['owner_id', 'name']).execute();
    },
  },
];
