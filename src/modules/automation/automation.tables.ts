import type { ModuleMigration } from '../../core/db/migrate.js';

export interface AutomationTables {
  /** Automation rules: when (events or a time condition) and if (conditions), do (actions). */
  automation_rules: {
    id: string;
    name: string;
    /** Who made it (and answers for it); null once that person is gone. */
    owner_id: string | null;
    /** Only this organization's requests; null: every organization's. */
    organization_id: string | null;
    enabled: number;
    /** Rules run in ascending position (then name). */
    position: number;
    kind: 'event' | 'time';
    /** JSON array of the events an event rule runs on. */
    events: string;
    /** JSON condition group (`all` / `any` / `none`). */
    conditions: string;
    /** JSON time condition of a time rule; null for event rules. */
    time: string | null;
    /** JSON array of actions (contracts/actions.ts RuleAction), applied in order. */
    actions: string;
    /** The last failure in English (also the whole of it in rows written before codes: see rule-errors.ts). */
    last_error: string | null;
    /** Its code (rule-errors.ts) and JSON parameters, rendered in the reader's language. */
    last_error_code: string | null;
    last_error_params: string | null;
    last_error_at: string | null;
    created_at: string;
    updated_at: string;
  };
  /** What a rule did (or failed to do) on a request: kept 90 days. */
  automation_runs: {
    id: string;
    rule_id: string;
    ticket_id: string | null;
    event: string;
    matched: number;
    /** JSON array of the actions run (empty when it did not match). */
    actions: string;
    /** The failure in English; its code and JSON parameters beside it (null in rows written before codes). */
    error: string | null;
    error_code: string | null;
    error_params: string | null;
    created_at: string;
  };
}

export const automationMigrations: ModuleMigration[] = [
  {
    name: '2026-12-08-10-automation-rules',
    async up(db, t) {
      await db.schema
        .createTable('automation_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('conditions', 'text', (c) => c.notNull())
        .addColumn('time', 'text')
        .addColumn('actions', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('last_error_at', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('automation_rules_order').on('automation_rules').columns(['kind', 'position', 'name']).execute();
      await db.schema
        .createTable('automation_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rule_id', 'text', (c) => c.notNull().references('automation_rules.id').onDelete('cascade'))
        .addColumn('ticket_id', 'text', (c) => c.references('tickets.id').onDelete('cascade'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('matched', 'integer', (c) => c.notNull())
        .addColumn('actions', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('automation_runs_rule').on('automation_runs').columns(['rule_id', 'created_at']).execute();
      await db.schema.createIndex('automation_runs_age').on('automation_runs').columns(['created_at']).execute();
    },
  },
  {
    // Errors as a code with parameters, beside the English text older rows hold alone.
    name: '2026-12-09-10-automation-error-codes',
    async up(db) {
      await db.schema.alterTable('automation_rules').addColumn('last_error_code', 'text').execute();
      await db.schema.alterTable('automation_rules').addColumn('last_error_params', 'text').execute();
      await db.schema.alterTable('automation_runs').addColumn('error_code', 'text').execute();
      await db.schema.alterTable('automation_runs').addColumn('error_params', 'text').execute();
    },
  },
];
