import { sql, type Generated } from 'kysely';
import { createSequence } from '../../core/db/counters.js';
import { createFullTextIndex, rebuildFullTextIndex, type FullTextIndex } from '../../core/db/full-text.js';
import type { ModuleMigration } from '../../core/db/migrate.js';
import type { Line } from '../identity/identity.tables.js';
import { queueViewMigrations, type QueueViewTables } from './views.tables.js';

export const TICKET_TYPES = ['incident', 'service_request', 'change', 'problem'] as const;
export const CHANNELS = ['web', 'email', 'sms', 'phone', 'api'] as const;
export const STATUSES = ['new', 'open', 'pending_customer', 'pending_vendor', 'resolved', 'closed'] as const;
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const LEVELS = ['high', 'medium', 'low'] as const;
export const LINES = ['L1', 'L2', 'L3'] as const;
export const LINK_KINDS = ['duplicate_of', 'related', 'parent_of'] as const;

export type TicketType = (typeof TICKET_TYPES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Status = (typeof STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type Level = (typeof LEVELS)[number];
export type LinkKind = (typeof LINK_KINDS)[number];

export interface TicketTables extends QueueViewTables {
  categories: {
    id: string;
    parent_id: string | null;
    name: string;
    name_ru: string;
    /** 1 typical (L1), 2 needs an engineer (L2), 3 needs a leading specialist (L3). */
    difficulty: number;
    created_at: string;
  };
  tickets: {
    id: string;
    number: number;
    type: TicketType;
    subject: string;
    description: string;
    requester_id: string;
    organization_id: string;
    channel: Channel;
    category_id: string | null;
    impact: Level;
    urgency: Level;
    priority: Priority;
    status: Status;
    line: Line;
    group_id: string | null;
    assignee_id: string | null;
    version: number;
    created_by: string;
    created_at: string;
    updated_at: string;
    first_response_at: string | null;
    resolved_at: string | null;
    closed_at: string | null;
    reopened_count: number;
    /**
     * When the running contract clock (first response, resolution) due first runs out; null when
     * none runs. Kept by the SLA engine wherever it changes a clock (`refreshSlaDue`), so the
     * due-first queues and the at-risk list read it from an index instead of working it out per row.
     */
    sla_due_at: Generated<string | null>;
  };
  ticket_watchers: { ticket_id: string; user_id: string };
  ticket_tags: { ticket_id: string; tag: string };
  ticket_links: {
    id: string;
    from_ticket_id: string;
    to_ticket_id: string;
    kind: LinkKind;
    created_by: string;
    created_at: string;
  };
  timeline_entries: {
    id: Generated<number>;
    ticket_id: string;
    /** reply: public; note: staff only; event: a change, with `event_type` and `data`. */
    kind: 'reply' | 'note' | 'event';
    author_id: string | null;
    body: string;
    event_type: string | null;
    data: string | null;
    created_at: string;
    /** The automation rule that made the entry (its name then), if a rule did. */
    rule_id: string | null;
    rule_name: string | null;
  };
  attachments: {
    id: string;
    ticket_id: string;
    entry_id: number;
    filename: string;
    content_type: string;
    size: number;
    file_key: string;
    uploaded_by: string;
    created_at: string;
  };
}

/** The words of the requests' subjects, for the list's search (`q=`). */
export const TICKET_SUBJECTS: FullTextIndex = { name: 'tickets_subject_search', table: 'tickets', column: 'subject', key: 'number' };

/**
 * When the running contract clock (first response, resolution) of the request `t` due first runs
 * out; null when none runs. The state is tested inside min(), not in the where clause: there SQLite
 * would take the clocks' (state, deadline) index for min() and walk every running clock.
 */
export const contractDueSql = sql<string | null>`(select min(case when c.state = 'running' then c.deadline end) from sla_clocks c where c.ticket_id = t.id and c.target_minutes > 0 and c.metric <> 'line')`;

export const ticketMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-02-tickets',
    async up(db, t) {
      await db.schema
        .createTable('categories')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('parent_id', 'text', (c) => c.references('categories.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_ru', 'text', (c) => c.notNull())
        .addColumn('difficulty', 'integer', (c) => c.notNull().check(sql`difficulty between 1 and 3`))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tickets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'integer', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('requester_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('category_id', 'text', (c) => c.references('categories.id'))
        .addColumn('impact', 'text', (c) => c.notNull())
        .addColumn('urgency', 'text', (c) => c.notNull())
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.references('groups.id'))
        .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addColumn('first_response_at', t.timestamp)
        .addColumn('resolved_at', t.timestamp)
        .addColumn('closed_at', t.timestamp)
        .addColumn('reopened_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // The list's sort orders, alone and within the scopes of client-side users.
      for (const sort of ['created_at', 'updated_at']) {
        await db.schema.createIndex(`tickets_${sort}`).on('tickets').columns([sort, 'id']).execute();
        await db.schema.createIndex(`tickets_org_${sort}`).on('tickets').columns(['organization_id', sort, 'id']).execute();
        await db.schema.createIndex(`tickets_requester_${sort}`).on('tickets').columns(['requester_id', sort, 'id']).execute();
      }
      await db.schema.createIndex('tickets_status').on('tickets').columns(['status', 'line']).execute();
      await db.schema.createIndex('tickets_assignee').on('tickets').columns(['assignee_id', 'status']).execute();
      await db.schema
        .createTable('ticket_watchers')
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('ticket_watchers_pk', ['ticket_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('ticket_tags')
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('ticket_tags_pk', ['ticket_id', 'tag'])
        .execute();
      await db.schema.createIndex('ticket_tags_tag').on('ticket_tags').column('tag').execute();
      await db.schema
        .createTable('ticket_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('from_ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('to_ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('ticket_links_unique', ['from_ticket_id', 'to_ticket_id', 'kind'])
        .execute();
      await db.schema.createIndex('ticket_links_to').on('ticket_links').column('to_ticket_id').execute();
      await db.schema
        .createTable('timeline_entries')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.references('users.id'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text')
        .addColumn('data', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('timeline_ticket').on('timeline_entries').columns(['ticket_id', 'id']).execute();
      await db.schema
        .createTable('attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('entry_id', 'bigint', (c) => c.notNull().references('timeline_entries.id').onDelete('cascade'))
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('file_key', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('attachments_entry').on('attachments').columns(['ticket_id', 'entry_id']).execute();
    },
  },
  {
    name: '2026-11-26-08-tickets-number-sequence',
    async up(db, t) {
      const row = await db.selectFrom('tickets').select((eb) => eb.fn.max('number').as('max')).executeTakeFirst();
      await createSequence(db, t.dialect, 'ticket_number', Number(row?.max ?? 0));
    },
  },
  {
    // A watcher may read what they watch: the requests a person watches, found by person.
    name: '2026-12-06-80-ticket-watchers-by-person',
    async up(db) {
      await db.schema.createIndex('ticket_watchers_user').on('ticket_watchers').columns(['user_id', 'ticket_id']).execute();
    },
  },
  {
    // The due-first queues and the search read indexes instead of working out every request's due
    // instant and matching every subject per row. Existing requests get both (an upgrade).
    name: '2026-12-08-5-tickets-sla-due-and-search',
    async up(db, t) {
      await db.schema.alterTable('tickets').addColumn('sla_due_at', t.timestamp).execute();
      await sql`update tickets as t set sla_due_at = ${contractDueSql} where t.id in (select ticket_id from sla_clocks where state = 'running')`.execute(db);
      // Only requests with a running clock are in them: a few thousand open ones, not every request.
      const running = sql<boolean>`sla_due_at is not null`;
      await db.schema.createIndex('tickets_sla_due').on('tickets').columns(['sla_due_at', 'id']).where(running).execute();
      await db.schema.createIndex('tickets_line_sla_due').on('tickets').columns(['line', 'sla_due_at', 'id']).where(running).execute();
      await createFullTextIndex(db, t.dialect, TICKET_SUBJECTS);
      },
    },
    {
    // What an automation rule did shows on the timeline as done by that rule.
    name: '2026-12-08-11-timeline-by-rule',
    async up(db) {
      await db.schema.alterTable('timeline_entries').addColumn('rule_id', 'text').execute();
      await db.schema.alterTable('timeline_entries').addColumn('rule_name', 'text').execute();
    },
  },
  {
    // The list's SLA state filters and counts (at risk, breached, running, paused) read the live
    // clocks only: a few per open request, every column they test in the index, no row read.
    name: '2026-12-09-51-sla-clocks-live',
    async up(db) {
      await db.schema
        .createIndex('sla_clocks_live')
        .on('sla_clocks')
        .columns(['state', 'deadline', 'ticket_id', 'metric', 'breached_at', 'warned_75', 'warned_90', 'target_minutes'])
        .where(sql<boolean>`state in ('running', 'paused')`)
        .execute();
    },
  },
  {
    // The open requests (a few per cent of all, the ones worked on): in the list's time orders
    // with the columns its common filters test and the number the search matches by, so that a
    // queue of open requests, searched or not, is read from this index alone until its page is full.
    name: '2026-12-09-52-tickets-open',
    async up(db) {
      await db.schema
        .createIndex('tickets_open')
        .on('tickets')
        .columns(['created_at', 'id', 'updated_at', 'number', 'status', 'priority', 'line', 'channel', 'type', 'assignee_id'])
        .where(sql<boolean>`status not in ('resolved', 'closed')`)
        .execute();
    },
  },
  {
    // SQLite: the search index made again with prefix indexes of 2 to 8 letters (was 2 and 3), so
    // that a search word of that length reads one list of requests (see createFullTextIndex).
    name: '2026-12-10-28-tickets-subject-search-prefixes',
    async up(db, t) {
      await rebuildFullTextIndex(db, t.dialect, TICKET_SUBJECTS);
    },
  },
  {
    // SQLite: the live clocks again, in request order, for the count of requests in SLA states a
    // clock shows (at risk, breached): counted as they go by instead of sorted first. PostgreSQL
    // counts from the index by state as it is (it has no use for this one).
    name: '2026-12-10-28-sla-clocks-live-by-ticket',
    async up(db, t) {
      if (t.dialect !== 'sqlite') return;
      await db.schema
        .createIndex('sla_clocks_live_by_ticket')
        .on('sla_clocks')
        .columns(['ticket_id', 'state', 'deadline', 'metric', 'breached_at', 'warned_75', 'warned_90', 'target_minutes'])
        .where(sql<boolean>`state in ('running', 'paused')`)
        .execute();
    },
  },
  ...queueViewMigrations,
];
