import type { Generated, Kysely } from 'kysely';
import { deleteInBatches } from '../db/batches.js';
import { narrow } from '../db/connect.js';
import type { ModuleMigration } from '../db/migrate.js';
import { prepare } from '../db/prepared.js';
import { nowIso } from '../ids/ids.js';

export interface EventsTable {
  id: Generated<number>;
  type: string;
  subject_type: string;
  subject_id: string;
  actor_id: string | null;
  data: string;
  created_at: string;
}
export interface EventTables {
  events: EventsTable;
}

/** A domain event, named `noun.past-tense` (e.g. `ticket.created`). */
export interface DomainEvent {
  type: string;
  subjectType: string;
  subjectId: string;
  actorId: string | null;
  data?: Record<string, unknown>;
}

export const eventMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-00-core-events',
    async up(db, t) {
      await db.schema
        .createTable('events')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject_type', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_subject').on('events').columns(['subject_type', 'subject_id']).execute();
    },
  },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Trx = Kysely<any>;

/** Reacts to an event inside the transaction that wrote it (e.g. SLA clocks and timers). */
export type EventHandler = (trx: Trx, e: DomainEvent) => Promise<void>;

/**
 * Appends events in the caller's transaction and runs the handlers subscribed to them in that same
 * transaction, so whatever follows from a change (clocks, timers, outbox rows) commits with it or
 * not at all. Subscriptions are by exact type or by prefix ending in a dot (`ticket.`).
 */
export class EventBus {
  private handlers: { match: string; handler: EventHandler }[] = [];

  on(match: string, handler: EventHandler) {
    this.handlers.push({ match, handler });
  }

  async append(trx: Trx, e: DomainEvent): Promise<void> {
    await appendEvent(trx, e);
    for (const { match, handler } of this.handlers)
      if (match === e.type || (match.endsWith('.') && e.type.startsWith(match))) await handler(trx, e);
  }
}

/** Appends an event row in the caller's transaction, so it exists exactly when the change does. */
async function appendEvent(trx: Trx, e: DomainEvent): Promise<void> {
  await insertEvent.run(narrow<EventTables>(trx), {
    type: e.type,
    subject_type: e.subjectType,
    subject_id: e.subjectId,
    actor_id: e.actorId,
    data: JSON.stringify(e.data ?? {}),
    created_at: nowIso(),
  });
}

const insertEvent = prepare((db: Kysely<EventTables>, p: Omit<EventsTable, 'id'>) =>
  db.insertInto('events').values({ type: p.type, subject_type: p.subject_type, subject_id: p.subject_id, actor_id: p.actor_id, data: p.data, created_at: p.created_at }),
);

/**
 * Deletes event rows written before `before`, in short batches. They are the log of what happened
 * for the reactions after commit; the record kept (timeline, audit log) lives in other tables.
 */
export function purgeEvents(db: Trx, before: string): Promise<number> {
  return deleteInBatches(db, 'events', 'id', (q) => q.where('created_at', '<', before));
}
