import { type Generated } from 'kysely';
import { createSequence } from '../../core/db/counters.js';
import type { ModuleMigration } from '../../core/db/migrate.js';

export const PROBLEM_STATUSES = ['open', 'known_error', 'resolved'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/** What a problem's root cause was, for counting problems and incidents by kind of cause. */
export const ROOT_CAUSE_CATEGORIES = ['hardware', 'software', 'network', 'configuration', 'capacity', 'third_party', 'human_error', 'process', 'unknown'] as const;
export type RootCauseCategory = (typeof ROOT_CAUSE_CATEGORIES)[number];

export interface ProblemTables {
  /** A problem: the unknown (then known) cause of one or more incidents. */
  problems: {
    id: string;
    /** Shown as PRB-000042. */
    number: number;
    title: string;
    description: string;
    status: ProblemStatus;
    root_cause: string | null;
    root_cause_category: RootCauseCategory | null;
    workaround: string | null;
    /** The knowledge-base page the workaround was published as. */
    kb_page_id: string | null;
    resolution: string | null;
    created_by: string;
    created_at: string;
    updated_at: string;
    resolved_at: string | null;
  };
  /** The incidents a problem causes; an incident belongs to one problem at most. */
  problem_incidents: {
    problem_id: string;
    ticket_id: string;
    linked_by: string;
    linked_at: string;
  };
  /** The problem's own timeline: what happened to it, by whom. */
  problem_events: {
    id: Generated<number>;
    problem_id: string;
    actor_id: string | null;
    type: string;
    data: string;
    created_at: string;
  };
  /** A request declared a major incident: its children follow it; the portal shows its banner while open. */
  major_incidents: {
    ticket_id: string;
    title: string;
    message: string;
    declared_by: string;
    declared_at: string;
    resolved_at: string | null;
  };
  /** The requests linked to a major incident; a request is the child of one major incident at most. */
  major_incident_children: {
    child_id: string;
    parent_id: string;
    linked_by: string;
    linked_at: string;
  };
  /** Each public update of a major incident, fanned out once (the key makes a replay a no-op). */
  major_incident_updates: {
    parent_id: string;
    entry_id: number;
    children: number;
    created_at: string;
  };
}

export const problemMigrations: ModuleMigration[] = [
  {
    name: '2026-12-07-7x-01-problems',
    async up(db, t) {
      await db.schema
        .createTable('problems')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'integer', (c) => c.notNull().unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('root_cause', 'text')
        .addColumn('root_cause_category', 'text')
        .addColumn('workaround', 'text')
        .addColumn('kb_page_id', 'text')
        .addColumn('resolution', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addColumn('resolved_at', t.timestamp)
        .execute();
      await db.schema
        .createTable('problem_incidents')
        .addColumn('problem_id', 'text', (c) => c.notNull().references('problems.id').onDelete('cascade'))
        .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
        .addColumn('linked_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('linked_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('problem_incidents_problem').on('problem_incidents').columns(['problem_id', 'ticket_id']).execute();
      await db.schema
        .createTable('problem_events')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('problem_id', 'text', (c) => c.notNull().references('problems.id').onDelete('cascade'))
        .addColumn('actor_id', 'text', (c) => c.references('users.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('problem_events_problem').on('problem_events').columns(['problem_id', 'id']).execute();
      await createSequence(db, t.dialect, 'problem_number');
    },
  },
  {
    name: '2026-12-07-7x-02-major-incidents',
    async up(db, t) {
      await db.schema
        .createTable('major_incidents')
        .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('declared_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('declared_at', t.timestamp, (c) => c.notNull())
        .addColumn('resolved_at', t.timestamp)
        .execute();
      await db.schema
        .createTable('major_incident_children')
        .addColumn('child_id', 'text', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
        .addColumn('parent_id', 'text', (c) => c.notNull().references('major_incidents.ticket_id').onDelete('cascade'))
        .addColumn('linked_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('linked_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('major_incident_children_parent').on('major_incident_children').columns(['parent_id', 'child_id']).execute();
      await db.schema
        .createTable('major_incident_updates')
        .addColumn('parent_id', 'text', (c) => c.notNull().references('major_incidents.ticket_id').onDelete('cascade'))
        .addColumn('entry_id', 'bigint', (c) => c.notNull())
        .addColumn('children', 'integer', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('major_incident_updates_pk', ['parent_id', 'entry_id'])
        .execute();
    },
  },
];
