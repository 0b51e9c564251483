import type { Generated } from 'kysely';
import type { ModuleMigration } from '../../../core/db/migrate.js';

/** How a gateway talks to us and we to it: a Kannel smsbox, or a Twilio-style HTTP API. */
export type GatewayKind = 'kannel' | 'twilio';
export const GATEWAY_KINDS: GatewayKind[] = ['kannel', 'twilio'];
/** What an SMS from a number nobody has does: make a requester "to be identified", or wait in quarantine. */
export type UnknownSenderPolicy = 'create' | 'refuse';

/**
 * What became of an SMS. Inbound: it opened a request, was added to one, opted its number out of
 * SMS or back in, or waits in quarantine. Outbound: queued in the outbox, handed to the gateway,
 * reported delivered, or failed.
 */
export type SmsStatus = 'created' | 'appended' | 'opted_out' | 'opted_in' | 'quarantined' | 'queued' | 'sent' | 'delivered' | 'failed';
export const SMS_STATUSES: SmsStatus[] = ['created', 'appended', 'opted_out', 'opted_in', 'quarantined', 'queued', 'sent', 'delivered', 'failed'];
/** GSM 7-bit default alphabet, or UCS-2 (anything else: Cyrillic, emoji). */
export type SmsCoding = 'gsm7' | 'ucs2';

export interface SmsTables {
  sms_gateways: {
    id: string;
    name: string;
    kind: GatewayKind;
    /** Kannel: the secret in the URLs Kannel calls. Twilio-style: the auth token (signs webhooks, authenticates calls). */
    secret: string;
    /** The sender (number or alphanumeric name) of outgoing SMS; null: the gateway's own default. */
    from_number: string | null;
    /** Kannel's sendsms URL (`http://host:13013/cgi-bin/sendsms`) with its sendsms-user; null: no outbound. */
    kannel_sendsms_url: string | null;
    kannel_username: string | null;
    kannel_password: string | null;
    /** Twilio-style API base URL (`https://api.twilio.com`) and account SID; null: no outbound. */
    api_base_url: string | null;
    account_sid: string | null;
    unknown_sender_policy: UnknownSenderPolicy;
    /** The organization a requester "to be identified" is created in (an admin may set up a holding organization). */
    organization_id: string | null;
    active: number;
    created_at: string;
    updated_at: string;
  };
  sms_messages: {
    id: Generated<number>;
    direction: 'in' | 'out';
    gateway_id: string | null;
    /** E.164 when valid; inbound, the sender's number as the gateway gave it when it was not. */
    from_number: string;
    to_number: string;
    text: string;
    parts: number;
    coding: SmsCoding;
    status: SmsStatus;
    /** Why it was quarantined (a code; see sms.messages.ts) or, outbound, why it failed. */
    reason: string | null;
    detail: string | null;
    ticket_id: string | null;
    entry_id: number | null;
    user_id: string | null;
    organization_id: string | null;
    /** The gateway's id of the message (Twilio MessageSid, Kannel's message id): a replay is the same message. */
    external_id: string | null;
    /** Outbound: the outbox row that carries it. */
    outbox_id: number | null;
    /** The gateway's last delivery report (e.g. delivered, failed, accepted) and when it came. */
    dlr_status: string | null;
    dlr_at: string | null;
    received_at: string;
    processed_at: string;
    attempts: number;
  };
  /** Numbers that sent STOP: they get no SMS at all until they send START. */
  sms_opt_outs: {
    number: string;
    opted_out_at: string;
    /** The message that opted it out. */
    message_id: number | null;
  };
}

export const smsMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-52-sms-gateways',
    async up(db, t) {
      await db.schema
        .createTable('sms_gateways')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('from_number', 'text')
        .addColumn('kannel_sendsms_url', 'text')
        .addColumn('kannel_username', 'text')
        .addColumn('kannel_password', 'text')
        .addColumn('api_base_url', 'text')
        .addColumn('account_sid', 'text')
        .addColumn('unknown_sender_policy', 'text', (c) => c.notNull().defaultTo('refuse'))
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('set null'))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '2026-11-26-53-sms-messages',
    async up(db, t) {
      await db.schema
        .createTable('sms_messages')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('gateway_id', 'text', (c) => c.references('sms_gateways.id').onDelete('set null'))
        .addColumn('from_number', 'text', (c) => c.notNull())
        .addColumn('to_number', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('parts', 'integer', (c) => c.notNull())
        .addColumn('coding', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('detail', 'text')
        .addColumn('ticket_id', 'text', (c) => c.references('tickets.id').onDelete('set null'))
        .addColumn('entry_id', 'bigint')
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('set null'))
        .addColumn('external_id', 'text')
        .addColumn('outbox_id', 'bigint')
        .addColumn('dlr_status', 'text')
        .addColumn('dlr_at', t.timestamp)
        .addColumn('received_at', t.timestamp, (c) => c.notNull())
        .addColumn('processed_at', t.timestamp, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      // A gateway's message id is one message: a replayed webhook finds it (NULLs do not collide).
      await db.schema.createIndex('sms_messages_external').on('sms_messages').columns(['gateway_id', 'direction', 'external_id']).unique().execute();
      // The per-number rate limit counts a sender's recent messages.
      await db.schema.createIndex('sms_messages_sender').on('sms_messages').columns(['direction', 'from_number', 'received_at']).execute();
      await db.schema.createIndex('sms_messages_status').on('sms_messages').columns(['status', 'id']).execute();
      await db.schema.createIndex('sms_messages_ticket').on('sms_messages').columns(['ticket_id', 'id']).execute();
      await db.schema.createIndex('sms_messages_outbox').on('sms_messages').column('outbox_id').execute();
    },
  },
  {
    name: '2026-11-26-54-sms-opt-outs',
    async up(db, t) {
      await db.schema
        .createTable('sms_opt_outs')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .addColumn('opted_out_at', t.timestamp, (c) => c.notNull())
        .addColumn('message_id', 'bigint')
        .execute();
    },
  },
];
