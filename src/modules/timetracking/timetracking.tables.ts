import { sql } from 'kysely';
import type { ModuleMigration } from '../../core/db/migrate.js';

export const ACTIVITIES = ['remote', 'on_site', 'call', 'research', 'other'] as const;
export type Activity = (typeof ACTIVITIES)[number];
export const TIMESHEET_STATUSES = ['open', 'submitted', 'approved'] as const;
export type TimesheetStatus = (typeof TIMESHEET_STATUSES)[number];
/** Why an entry is not counted until someone states its real duration. */
export type EntryFlag = 'overnight';

export interface TimetrackingTables {
  /** Work done on a request: who, when, how long, what kind of work, and whether the client pays for it. */
  work_entries: {
    id: string;
    ticket_id: string;
    /** The request's organization, kept with the entry: contract hours add up per organization. */
    organization_id: string;
    agent_id: string;
    started_at: string;
    minutes: number;
    activity: Activity;
    billable: number;
    note: string;
    /** manual, or timer (stopped from a running timer). */
    source: 'manual' | 'timer';
    /** The Monday of the agent's local week the entry starts in: its timesheet. */
    week_start: string;
    /** Set while the entry needs a person to confirm its duration (e.g. a timer left running overnight); not counted meanwhile. */
    flagged: EntryFlag | null;
    created_by: string;
    created_at: string;
    updated_at: string;
  };
  /** The one running timer of an agent. */
  work_timers: {
    agent_id: string;
    /** This run of the timer: the overnight check matches it, so that a later run is not flagged by mistake. */
    id: string;
    ticket_id: string;
    started_at: string;
    activity: Activity;
    billable: number;
    note: string;
    /** When the agent's local midnight passed while it ran. */
    overnight_at: string | null;
  };
  /** An agent's week; absent means open. Approved weeks are locked for the agent. */
  timesheets: {
    agent_id: string;
    week_start: string;
    status: TimesheetStatus;
    submitted_at: string | null;
    approved_at: string | null;
    approved_by: string | null;
    /** Why the manager sent it back or reopened it, last time. */
    note: string | null;
    updated_at: string;
  };
  /** Contract-hour warnings sent, once per organization, month and level (80 or 100 %). */
  contract_hour_warnings: {
    organization_id: string;
    month: string;
    level: number;
    used_minutes: number;
    included_hours: number;
    sent_at: string;
  };
}

export const timetrackingMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-20-timetracking-entries-timers-timesheets',
    async up(db, t) {
      await db.schema
        .createTable('work_entries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('agent_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes > 0`))
        .addColumn('activity', 'text', (c) => c.notNull())
        .addColumn('billable', 'integer', (c) => c.notNull().check(sql`billable in (0, 1)`))
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('week_start', 'text', (c) => c.notNull())
        .addColumn('flagged', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('work_entries_ticket').on('work_entries').columns(['ticket_id', 'started_at']).execute();
      await db.schema.createIndex('work_entries_week').on('work_entries').columns(['agent_id', 'week_start']).execute();
      // Covering an organization's hours in a month (contract hours)…
      await db.schema
        .createIndex('work_entries_org_time')
        .on('work_entries')
        .columns(['organization_id', 'started_at', 'billable', 'minutes', 'flagged'])
        .execute();
      // …and a report's sums per organization and agent: over a long period in one pass in this
      // index's order; over a short one from a range of the next (the planner picks).
      await db.schema
        .createIndex('work_entries_org_agent')
        .on('work_entries')
        .columns(['organization_id', 'agent_id', 'started_at', 'billable', 'minutes', 'flagged'])
        .execute();
      await db.schema
        .createIndex('work_entries_time')
        .on('work_entries')
        .columns(['started_at', 'organization_id', 'agent_id', 'billable', 'minutes', 'flagged'])
        .execute();
      await db.schema
        .createTable('work_timers')
        .addColumn('agent_id', 'text', (c) => c.primaryKey().references('users.id'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('activity', 'text', (c) => c.notNull())
        .addColumn('billable', 'integer', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('overnight_at', t.timestamp)
        .execute();
      await db.schema
        .createTable('timesheets')
        .addColumn('agent_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('week_start', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'submitted', 'approved')`))
        .addColumn('submitted_at', t.timestamp)
        .addColumn('approved_at', t.timestamp)
        .addColumn('approved_by', 'text', (c) => c.references('users.id'))
        .addColumn('note', 'text')
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('timesheets_pk', ['agent_id', 'week_start'])
        .execute();
      await db.schema.createIndex('timesheets_status').on('timesheets').columns(['status', 'week_start']).execute();
      await db.schema
        .createTable('contract_hour_warnings')
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('used_minutes', 'integer', (c) => c.notNull())
        .addColumn('included_hours', 'integer', (c) => c.notNull())
        .addColumn('sent_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('contract_hour_warnings_pk', ['organization_id', 'month', 'level'])
        .execute();
    },
  },
];
