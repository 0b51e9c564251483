import type { Generated, Kysely } from 'kysely';
import { narrow } from '../db/connect.js';
import type { ModuleMigration } from '../db/migrate.js';
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

/** Appends an event in the caller's transaction, so it exists exactly when the change does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function appendEvent(trx: Kysely<any>, e: DomainEvent): Promise<void> {
  await narrow<EventTables>(trx)
    .insertInto('events')
    .values({
      type: e.type,
      subject_type: e.subjectType,
      subject_id: e.subjectId,
      actor_id: e.actorId,
      data: JSON.stringify(e.data ?? {}),
      created_at: nowIso(),
    })
    .execute();
}
