import { sql } from 'kysely';
import type { ModuleMigration } from '../../core/db/migrate.js';

/** Our side of a hand-off: waiting to be sent, created in the tracker, or given up after the retries. */
export const DEVELOPER_ITEM_STATES = ['pending', 'created', 'failed'] as const;
export type DeveloperItemState = (typeof DEVELOPER_ITEM_STATES)[number];

export interface EscalationTables {
  /** Defects handed to the software developers: one item in their tracker per hand-off. */
  developer_items: {
    id: string;
    ticket_id: string;
    /** The tracker's id of the item; null until the tracker has created it. */
    external_id: string | null;
    /** Where the item is in the tracker (http or https). */
    url: string | null;
    status: DeveloperItemState;
    /** The tracker's own last status text, as it reported it (e.g. "In progress"). */
    tracker_status: string | null;
    /** What the agent told the developers. */
    summary: string;
    created_by: string;
    created_at: string;
    updated_at: string;
    /** When the tracker first reported the defect fixed; the hand-off is then no longer open. */
    fixed_at: string | null;
    /** Why the last call to the tracker failed, if it did. */
    last_error: string | null;
  };
  /** An agent's word that they keep a request at its line past the time budget, and why (one per line cycle). */
  line_budget_keeps: {
    ticket_id: string;
    /** The cycle of the line clock the word is for; a move to another line starts a new one. */
    cycle: number;
    line: string;
    kept_by: string;
    note: string;
    kept_at: string;
  };
}

export const escalationMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-06-escalation-developer-items',
    async up(db, t) {
      await db.schema
        .createTable('developer_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        // NULLs are distinct in a unique column on both engines: unique once the tracker has named it.
        .addColumn('external_id', 'text', (c) => c.unique())
        .addColumn('url', 'text')
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('pending', 'created', 'failed')`),
        )
        .addColumn('tracker_status', 'text')
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addColumn('fixed_at', t.timestamp)
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createIndex('developer_items_ticket')
        .on('developer_items')
        .columns(['ticket_id', 'created_at'])
        .execute();
      // One open hand-off per request, kept by the database itself (two agents at once cannot both win).
      await db.schema
        .createIndex('developer_items_open_ticket')
        .on('developer_items')
        .column('ticket_id')
        .unique()
        .where((eb) =>
          eb.and([eb(sql.ref('status'), 'in', ['pending', 'created']), eb(sql.ref('fixed_at'), 'is', null)]),
        )
        .execute();
    },
  },
  {
    name: '2026-12-07-5x-escalation-line-budget-keeps',
    async up(db, t) {
      await db.schema
        .createTable('line_budget_keeps')
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('cycle', 'integer', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('kept_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('kept_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('line_budget_keeps_pk', ['ticket_id', 'cycle'])
        .execute();
    },
  },
];
