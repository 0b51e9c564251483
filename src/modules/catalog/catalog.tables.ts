import type { ModuleMigration } from '../../core/db/migrate.js';

export const FIELD_KINDS = ['text', 'choice', 'date', 'person', 'file'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** One field of an item's order form, as stored in `catalog_items.fields` (JSON). */
export interface FormField {
  key: string;
  kind: FieldKind;
  label: string;
  labelRu: string;
  required: boolean;
  /** Choice fields only: the values one may pick, each labelled in both languages. */
  options?: { value: string; label: string; labelRu: string }[];
}

export interface CatalogTables {
  catalog_items: {
    id: string;
    name: string;
    name_ru: string;
    description: string;
    description_ru: string;
    /** service_request, or change (which carries risk, plans and approval). */
    type: 'service_request' | 'change';
    category_id: string | null;
    line: 'L1' | 'L2' | 'L3';
    needs_approval: number;
    /** Targets of this item's requests over the plan's policy (business minutes); null: the plan's. */
    first_response_minutes: number | null;
    resolution_minutes: number | null;
    /** FormField[] as JSON. */
    fields: string;
    active: number;
    position: number;
    created_at: string;
    updated_at: string;
  };
  /** Which plans offer an item: a client sees the items of its organization's plan. */
  catalog_item_plans: { item_id: string; plan_id: string };
  /** Which item a request was ordered from (also when its form had nothing to answer). */
  catalog_orders: { ticket_id: string; item_id: string; created_at: string };
  /** The answers of a request ordered from the catalog, one row per field, labels as they were. */
  catalog_answers: {
    ticket_id: string;
    item_id: string;
    position: number;
    field_key: string;
    kind: FieldKind;
    label: string;
    label_ru: string;
    /** As typed or chosen; a person's name; a file's name. */
    value: string;
    /** A person's user id or a file's attachment id. */
    ref_id: string | null;
  };
}

export const catalogMigrations: ModuleMigration[] = [
  {
    name: '2026-12-07-6x-01-catalog',
    async up(db, t) {
      await db.schema
        .createTable('catalog_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_ru', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('description_ru', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('category_id', 'text', (c) => c.references('categories.id'))
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('needs_approval', 'integer', (c) => c.notNull())
        .addColumn('first_response_minutes', 'integer')
        .addColumn('resolution_minutes', 'integer')
        .addColumn('fields', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('catalog_item_plans')
        .addColumn('item_id', 'text', (c) => c.notNull().references('catalog_items.id').onDelete('cascade'))
        .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
        .addPrimaryKeyConstraint('catalog_item_plans_pk', ['item_id', 'plan_id'])
        .execute();
      await db.schema.createIndex('catalog_item_plans_plan').on('catalog_item_plans').column('plan_id').execute();
      await db.schema
        .createTable('catalog_orders')
        .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id'))
        .addColumn('item_id', 'text', (c) => c.notNull().references('catalog_items.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('catalog_orders_item').on('catalog_orders').columns(['item_id', 'created_at']).execute();
      await db.schema
        .createTable('catalog_answers')
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
        .addColumn('item_id', 'text', (c) => c.notNull().references('catalog_items.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('field_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('label_ru', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('ref_id', 'text')
        .addPrimaryKeyConstraint('catalog_answers_pk', ['ticket_id', 'field_key'])
        .execute();
      await db.schema.createIndex('catalog_answers_item').on('catalog_answers').column('item_id').execute();
    },
  },
];
