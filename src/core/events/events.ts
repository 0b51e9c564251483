import { sql, type Expression, type ExpressionBuilder, type Generated, type Kysely } from 'kysely';
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
  /**
   * What the subscribers asked to know with the event (see `EventBus.fact`), read by the statement
   * that appended it; absent on an event that did not pass through the bus.
   */
  facts?: Readonly<Record<string, unknown>>;
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
 * A value a subscriber needs with an event, as an SQL expression over the appended event row (its
 * `subject_id`, say): a scalar subquery, read by the statement that inserts the row (its
 * `returning`), so that the subscriber's "is there anything to do?" costs no statement of its own.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FactExpression = (eb: ExpressionBuilder<any, 'events'>) => Expression<unknown>;

const matches = (match: string, type: string) => match === type || (match.endsWith('.') && type.startsWith(match));

/**
 * Appends events in the caller's transaction and runs the handlers subscribed to them in that same
 * transaction, so whatever follows from a change (clocks, timers, outbox rows) commits with it or
 * not at all. Subscriptions are by exact type or by prefix ending in a dot (`ticket.`).
 */
export class EventBus {
  private handlers: { match: string; handler: EventHandler }[] = [];
  private facts: { match: string; name: string; expression: FactExpression }[] = [];
  /** The insert of each event type, with the facts asked of that type in its `returning`. */
  private inserts = new Map<string, ReturnType<typeof insertWithFacts>>();

  on(match: string, handler: EventHandler) {
    this.handlers.push({ match, handler });
  }

  /**
   * Asks for `name` with each event `match` names (by type or prefix): `expression` gives it as an
   * expression over the event row (a scalar subquery), read in the same
   * statement as the row is written, hence as the transaction sees it just before the event's
   * handlers run. Handlers find it in `e.facts[name]` (a boolean comes as 1 or 0 on SQLite).
   */
  fact(match: string, name: string, expression: FactExpression) {
    this.facts.push({ match, name, expression });
    this.inserts.clear();
  }

  async append(trx: Trx, e: DomainEvent): Promise<void> {
    const facts = await this.insertFor(e.type)(narrow<EventTables>(trx), {
      type: e.type,
      subject_type: e.subjectType,
      subject_id: e.subjectId,
      actor_id: e.actorId,
      data: JSON.stringify(e.data ?? {}),
      created_at: nowIso(),
    });
    const event = facts ? { ...e, facts } : e;
    for (const { match, handler } of this.handlers) if (matches(match, e.type)) await handler(trx, event);
  }

  private insertFor(type: string) {
    let insert = this.inserts.get(type);
    if (!insert) this.inserts.set(type, (insert = insertWithFacts(this.facts.filter((f) => matches(f.match, type)))));
    return insert;
  }
}

type EventValues = Omit<EventsTable, 'id'>;

const values = (db: Kysely<EventTables>, p: EventValues) =>
  db.insertInto('events').values({ type: p.type, subject_type: p.subject_type, subject_id: p.subject_id, actor_id: p.actor_id, data: p.data, created_at: p.created_at });
const insertEvent = prepare(values);

/**
 * The event row's insert, so that it exists exactly when the change does; returning the facts (by
 * their names) when any are asked.
 */
function insertWithFacts(facts: { name: string; expression: FactExpression }[]) {
  if (!facts.length) return async (db: Kysely<EventTables>, p: EventValues) => void (await insertEvent.run(db, p));
  const returning = prepare((db: Kysely<EventTables>, p: EventValues) =>
    values(db, p).returning((eb) => facts.map((f, i) => sql<unknown>`(${f.expression(eb)})`.as(`f${i}`))),
  );
  return async (db: Kysely<EventTables>, p: EventValues) => {
    const row = (await returning.first(db, p)) as Record<string, unknown>;
    return Object.fromEntries(facts.map((f, i) => [f.name, row[`f${i}`]]));
  };
}

/**
 * Deletes event rows written before `before`, in short batches. They are the log of what happened
 * for the reactions after commit; the record kept (timeline, audit log) lives in other tables.
 */
export function purgeEvents(db: Trx, before: string): Promise<number> {
  return deleteInBatches(db, 'events', 'id', (q) => q.where('created_at', '<', before));
}
