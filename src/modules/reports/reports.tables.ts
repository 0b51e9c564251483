import { sql, type Generated } from 'kysely';
import type { ModuleMigration } from '../../core/db/migrate.js';
import { backfillReportData } from './facts.backfill.js';

/** What a report counts over time: a request received, resolved, closed, reopened, escalated, handed off. */
export const FLOW_KINDS = [
  'received',
  'resolved',
  'closed',
  /** Closed without having been resolved first: leaves the backlog like a resolution. */
  'closed_unresolved',
  'reopened',
  'escalated_time',
  'escalated_difficulty',
  'escalated_hand',
  'handed_off',
] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];

/**
 * The reports' own read model, kept by the reports module from the requests' events in the
 * transaction of each change (so it is never behind): one row of figures per request, taken from
 * the request, its SLA clocks and clock log; and one row per counted happening. Instants here are
 * UTC epoch milliseconds (bigint): the same comparison on both engines, and index entries a third
 * the size of ISO text, which is what a year over a million requests is mostly made of. Narrow
 * rows and covering indexes make each figure a range scan of one index.
 */
export interface ReportTables {
  report_requests: {
    ticket_id: string;
    organization_id: string;
    /** The organization's plan when the request was made. */
    plan_id: string | null;
    channel: string;
    type: string;
    category_id: string | null;
    group_id: string | null;
    assignee_id: string | null;
    priority: string;
    line: string;
    status: string;
    /** The highest line the request has been at: 1, 2 or 3. */
    max_line: number;
    created_ms: number;
    /** When it was resolved (or closed unresolved); null while it is not. */
    resolved_ms: number | null;
    /** The first-response clock, once stopped: when, business minutes used, target met (null: no target). */
    fr_ms: number | null;
    fr_minutes: number | null;
    fr_met: number | null;
    fr_breached_ms: number | null;
    /** The resolution clock while the request is resolved: business minutes used, target met. */
    res_minutes: number | null;
    res_met: number | null;
    res_breached_ms: number | null;
    /** Business minutes spent at each line, over the finished stays there (the line clock's log). */
    l1_minutes: number;
    l2_minutes: number;
    l3_minutes: number;
    /** The requester's satisfaction rating (1–5), once given. */
    rating: number | null;
    updated_at: string;
  };
  report_flow: {
    id: Generated<number>;
    ticket_id: string;
    kind: FlowKind;
    at_ms: number;
  };
  /** The weekly shifts of the staff (in each person's own time zone), for the staffing forecast. */
  staff_rosters: {
    user_id: string;
    /** JSON: weekday (mon…sun) → [["HH:MM","HH:MM"], …]. */
    week: string;
    updated_at: string;
  };
}

export const reportMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-21-reports-read-model',
    async up(db, t) {
      await db.schema
        .createTable('report_requests')
        .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
        .addColumn('organization_id', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('category_id', 'text')
        .addColumn('group_id', 'text')
        .addColumn('assignee_id', 'text')
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('max_line', 'integer', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('resolved_ms', 'bigint')
        .addColumn('fr_ms', 'bigint')
        .addColumn('fr_minutes', 'double precision')
        .addColumn('fr_met', 'integer')
        .addColumn('fr_breached_ms', 'bigint')
        .addColumn('res_minutes', 'double precision')
        .addColumn('res_met', 'integer')
        .addColumn('res_breached_ms', 'bigint')
        .addColumn('l1_minutes', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('l2_minutes', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('l3_minutes', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('rating', 'integer')
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      const index = (name: string, columns: string[], notNull: string) =>
        db.schema.createIndex(name).on('report_requests').columns(columns).where(sql.ref(notNull), 'is not', null).execute();
      // The requests resolved in a period: how many, their time at each line…
      await index('report_requests_resolved', ['resolved_ms', 'res_minutes', 'max_line', 'l1_minutes', 'l2_minutes', 'l3_minutes'], 'resolved_ms');
      await index('report_requests_rated', ['resolved_ms', 'rating'], 'rating');
      // …their times in order, so that a percentile is a walk to its rank rather than a sort…
      await index('report_requests_fr_minutes', ['fr_minutes', 'fr_ms'], 'fr_ms');
      await index('report_requests_res_minutes', ['res_minutes', 'resolved_ms'], 'resolved_ms');
      // …and counts per priority (targets met, breaches), each over an index range.
      await index('report_requests_fr_met', ['priority', 'fr_met', 'fr_ms'], 'fr_ms');
      await index('report_requests_res_met', ['priority', 'res_met', 'resolved_ms'], 'resolved_ms');
      await index('report_requests_fr_breached', ['priority', 'fr_breached_ms'], 'fr_breached_ms');
      await index('report_requests_res_breached', ['priority', 'res_breached_ms'], 'res_breached_ms');
      await db.schema.createIndex('report_requests_organization').on('report_requests').columns(['organization_id', 'created_ms']).execute();
      await db.schema
        .createTable('report_flow')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .execute();
      // A count per kind and bucket is a count over a range of this index.
      await db.schema.createIndex('report_flow_kind_at').on('report_flow').columns(['kind', 'at_ms']).execute();
      await db.schema
        .createTable('staff_rosters')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('week', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await backfillReportData(db);
    },
  },
];
