import type { ModuleMigration } from '../../core/db/migrate.js';

export interface MacroTables {
  /** Named sets of actions an agent applies to requests in one click. */
  macros: {
    id: string;
    name: string;
    /** The person whose own macro it is; null: shared with the whole staff (made by a manager). */
    owner_id: string | null;
    /** JSON array of actions (contracts/actions.ts), applied in order. */
    actions: string;
    usage_count: number;
    created_by: string;
    created_at: string;
    updated_at: string;
  };
}

export const macroMigrations: ModuleMigration[] = [
  {
    name: '2026-12-07-4x-macros',
    async up(db, t) {
      await db.schema
        .createTable('macros')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('actions', 'text', (c) => c.notNull())
        .addColumn('usage_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('macros_owner').on('macros').columns(['owner_id', 'name']).execute();
    },
  },
];
