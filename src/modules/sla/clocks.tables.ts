import type { Generated } from 'kysely';
import type { ModuleMigration } from '../../core/db/migrate.js';
import type { ClockState, Metric } from './clock.js';

export interface SlaClockTables {
  /** A plan's SLA settings: its calendar(s) and whether waiting for a vendor pauses the clocks. */
  plan_sla: {
    plan_id: string;
    calendar_id: string | null;
    /** The calendar of contracts with the off-hours and weekend support option. */
    extended_calendar_id: string | null;
    pause_on_vendor: number;
    updated_at: string;
  };
  /** Targets per plan and priority, optionally per request type (`*` for any), in business minutes. */
  sla_policies: {
    id: string;
    plan_id: string;
    priority: string;
    ticket_type: string;
    first_response_minutes: number;
    resolution_minutes: number;
    l1_budget_minutes: number;
    /** 0: no automatic escalation from L2 to L3. */
    l2_budget_minutes: number;
    updated_at: string;
  };
  sla_clocks: {
    ticket_id: string;
    metric: Metric;
    state: ClockState;
    /** Increments on reopen and on every line change: warnings fire once per cycle. */
    cycle: number;
    line: string | null;
    calendar_id: string | null;
    target_minutes: number;
    consumed_minutes: number;
    segment_started_at: string | null;
    deadline: string | null;
    started_at: string;
    stopped_at: string | null;
    met: number | null;
    warned_75: number;
    warned_90: number;
    breached_at: string | null;
    updated_at: string;
  };
  sla_clock_log: {
    id: Generated<number>;
    ticket_id: string;
    metric: string;
    action: string;
    at: string;
    line: string | null;
    calendar_id: string | null;
    target_minutes: number;
    consumed_minutes: number;
    deadline: string | null;
    detail: string;
  };
}

export const slaClockMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-05-sla-policies-clocks',
    async up(db, t) {
      await db.schema
        .createTable('plan_sla')
        .addColumn('plan_id', 'text', (c) => c.primaryKey().references('plans.id').onDelete('cascade'))
        .addColumn('calendar_id', 'text', (c) => c.references('calendars.id'))
        .addColumn('extended_calendar_id', 'text', (c) => c.references('calendars.id'))
        .addColumn('pause_on_vendor', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sla_policies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('ticket_type', 'text', (c) => c.notNull().defaultTo('*'))
        .addColumn('first_response_minutes', 'integer', (c) => c.notNull())
        .addColumn('resolution_minutes', 'integer', (c) => c.notNull())
        .addColumn('l1_budget_minutes', 'integer', (c) => c.notNull())
        .addColumn('l2_budget_minutes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('sla_policies_unique', ['plan_id', 'priority', 'ticket_type'])
        .execute();
      await db.schema
        .createTable('sla_clocks')
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('cycle', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('line', 'text')
        .addColumn('calendar_id', 'text')
        .addColumn('target_minutes', 'double precision', (c) => c.notNull())
        .addColumn('consumed_minutes', 'double precision', (c) => c.notNull())
        .addColumn('segment_started_at', t.timestamp)
        .addColumn('deadline', t.timestamp)
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('stopped_at', t.timestamp)
        .addColumn('met', 'integer')
        .addColumn('warned_75', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('warned_90', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('breached_at', t.timestamp)
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('sla_clocks_pk', ['ticket_id', 'metric'])
        .execute();
      // "What breaches next": running clocks by deadline.
      await db.schema.createIndex('sla_clocks_deadline').on('sla_clocks').columns(['state', 'deadline']).execute();
      await db.schema
        .createTable('sla_clock_log')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('at', t.timestamp, (c) => c.notNull())
        .addColumn('line', 'text')
        .addColumn('calendar_id', 'text')
        .addColumn('target_minutes', 'double precision', (c) => c.notNull())
        .addColumn('consumed_minutes', 'double precision', (c) => c.notNull())
        .addColumn('deadline', t.timestamp)
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sla_clock_log_ticket').on('sla_clock_log').columns(['ticket_id', 'id']).execute();
    },
  },
];
