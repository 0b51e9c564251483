import { sql } from 'kysely';
import type { ModuleMigration } from '../../core/db/migrate.js';

/**
 * What time rules read and write: since when each request has been in its present state (kept by
 * the ticket events, so a pass finds the requests "pending for ≥ 3 business days" through an index
 * instead of reading timelines), and the ledger of what each time rule has done, once per request
 * and condition period.
 */
export interface TimeRuleTables {
  automation_ticket_times: {
    ticket_id: string;
    /** The request's status, repeated here so that "status since" has an index of its own. */
    status: string;
    /** When the request entered its present status. */
    status_since: string;
    /** When the request was last left without an assignee; null while someone has it. */
    unassigned_since: string | null;
    /** When the requester started waiting for a staff reply; null once staff have answered (or it is resolved). */
    awaiting_reply_since: string | null;
  };
  automation_time_runs: {
    rule_id: string;
    ticket_id: string;
    /** The start of the condition period acted on, e.g. when the request entered pending customer. */
    period_start: string;
    at: string;
  };
}

export const timeRuleMigrations: ModuleMigration[] = [
  {
    name: '2026-12-08-20-automation-time-rules',
    async up(db, t) {
      await db.schema
        .createTable('automation_ticket_times')
        .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_since', t.timestamp, (c) => c.notNull())
        .addColumn('unassigned_since', t.timestamp)
        .addColumn('awaiting_reply_since', t.timestamp)
        .execute();
      await db.schema.createIndex('automation_times_status').on('automation_ticket_times').columns(['status', 'status_since']).execute();
      await db.schema
        .createIndex('automation_times_unassigned')
        .on('automation_ticket_times')
        .column('unassigned_since')
        .where('unassigned_since', 'is not', null)
        .execute();
      await db.schema
        .createIndex('automation_times_awaiting')
        .on('automation_ticket_times')
        .column('awaiting_reply_since')
        .where('awaiting_reply_since', 'is not', null)
        .execute();
      // The requests there already: their state since the last such change on their timeline.
      await sql`
        insert into automation_ticket_times (ticket_id, status, status_since, unassigned_since, awaiting_reply_since)
        select t.id, t.status,
          coalesce((select max(e.created_at) from timeline_entries e where e.ticket_id = t.id and e.event_type = 'status_changed'), t.created_at),
          case when t.assignee_id is null then
            coalesce((select max(e.created_at) from timeline_entries e where e.ticket_id = t.id and e.event_type = 'assignee_changed'), t.created_at)
          end,
          case when t.first_response_at is null and t.status not in ('resolved', 'closed') then t.created_at end
        from tickets t`.execute(db);

      await db.schema
        .createTable('automation_time_runs')
        .addColumn('rule_id', 'text', (c) => c.notNull().references('automation_rules.id').onDelete('cascade'))
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('period_start', t.timestamp, (c) => c.notNull())
        .addColumn('at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('automation_time_runs_pk', ['rule_id', 'ticket_id', 'period_start'])
        .execute();
      await db.schema.createIndex('automation_time_runs_ticket').on('automation_time_runs').column('ticket_id').execute();
    },
  },
];
