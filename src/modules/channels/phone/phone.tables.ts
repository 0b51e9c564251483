import type { ModuleMigration } from '../../../core/db/migrate.js';

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** How a call ended; null while it is still ringing or in progress. */
export const OUTCOMES = ['answered', 'missed', 'busy', 'failed', 'voicemail'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Why the PBX says the call ended (its hang-up cause, mapped to ours). */
export const CAUSES = ['answered', 'no_answer', 'busy', 'failed', 'voicemail', 'cancelled'] as const;
export type Cause = (typeof CAUSES)[number];
/**
 * A missed inbound call's place in the callback list: `open` until an agent calls back (or marks
 * it done); `merged` for a repeated missed call from the same number, counted with the open one
 * (`callback_of`); `done` once handled.
 */
export type CallbackStatus = 'open' | 'merged' | 'done';

export interface PhoneTables {
  /** A telephone system (an Asterisk, a cloud PBX) that sends call events, signed with its secret. */
  pbx_connectors: {
    id: string;
    name: string;
    /** The HMAC key of its events; shown to the admin once, when created or rotated. */
    secret: string;
    active: number;
    /** Calls through it from numbers nobody has belong to this organization (a client's own hotline). */
    default_organization_id: string | null;
    created_at: string;
    updated_at: string;
  };
  /** One call, as its events have told it so far (they may come in any order). */
  calls: {
    id: string;
    connector_id: string;
    /** The PBX's id of the call; unique per connector. */
    external_id: string;
    direction: Direction;
    /** The numbers as the PBX sent them (an extension, `anonymous`…). */
    from_number: string;
    to_number: string;
    /** The other party (the caller of an inbound call, the called of an outbound one) in E.164, when it is a number. */
    number: string | null;
    /** The person that number belongs to, and their organization (or the connector's default one). */
    user_id: string | null;
    organization_id: string | null;
    /** The agent on our side, when recognised; `agent_ref` is what the PBX named. */
    agent_id: string | null;
    agent_ref: string | null;
    started_at: string;
    answered_at: string | null;
    ended_at: string | null;
    talk_seconds: number;
    /** The talk time the PBX reported on hang-up (preferred to the difference of the instants). */
    reported_seconds: number | null;
    cause: Cause | null;
    outcome: Outcome | null;
    ticket_id: string | null;
    callback_status: CallbackStatus | null;
    /** For a merged missed call: the call whose callback it joined. */
    callback_of: string | null;
    callback_done_at: string | null;
    callback_done_by: string | null;
    /** The outbound call that completed the callback, if one did. */
    callback_call_id: string | null;
    /** The talk time recorded in the time tracker for it (once). */
    work_entry_id: string | null;
    created_at: string;
    updated_at: string;
  };
  /** Every event received, by its id: the same event twice is a replay and is counted once. */
  call_events: {
    connector_id: string;
    event_id: string;
    call_id: string;
    type: string;
    payload: string;
    received_at: string;
  };
}

export const phoneMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-55-phone-connectors',
    async up(db, t) {
      await db.schema
        .createTable('pbx_connectors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('default_organization_id', 'text', (c) => c.references('organizations.id').onDelete('set null'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '2026-11-26-56-phone-calls',
    async up(db, t) {
      await db.schema
        .createTable('calls')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('connector_id', 'text', (c) => c.notNull().references('pbx_connectors.id'))
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('from_number', 'text', (c) => c.notNull())
        .addColumn('to_number', 'text', (c) => c.notNull())
        .addColumn('number', 'text')
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('set null'))
        .addColumn('agent_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('agent_ref', 'text')
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('answered_at', t.timestamp)
        .addColumn('ended_at', t.timestamp)
        .addColumn('talk_seconds', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reported_seconds', 'integer')
        .addColumn('cause', 'text')
        .addColumn('outcome', 'text')
        .addColumn('ticket_id', 'text', (c) => c.references('tickets.id').onDelete('set null'))
        .addColumn('callback_status', 'text')
        .addColumn('callback_of', 'text')
        .addColumn('callback_done_at', t.timestamp)
        .addColumn('callback_done_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('callback_call_id', 'text')
        .addColumn('work_entry_id', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('calls_connector_external', ['connector_id', 'external_id'])
        .execute();
      // The call log, newest first, and its filters.
      await db.schema.createIndex('calls_started').on('calls').columns(['started_at', 'id']).execute();
      await db.schema.createIndex('calls_number').on('calls').columns(['number', 'started_at']).execute();
      await db.schema.createIndex('calls_agent').on('calls').columns(['agent_id', 'started_at']).execute();
      // The callback list: open callbacks, oldest first.
      await db.schema.createIndex('calls_callback').on('calls').columns(['callback_status', 'started_at']).execute();
      await db.schema.createIndex('calls_callback_of').on('calls').column('callback_of').execute();
    },
  },
  {
    name: '2026-11-26-57-phone-call-events',
    async up(db, t) {
      await db.schema
        .createTable('call_events')
        .addColumn('connector_id', 'text', (c) => c.notNull().references('pbx_connectors.id').onDelete('cascade'))
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('received_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('call_events_pk', ['connector_id', 'event_id'])
        .execute();
      await db.schema.createIndex('call_events_call').on('call_events').column('call_id').execute();
    },
  },
];
