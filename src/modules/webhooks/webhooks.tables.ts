import type { Generated } from 'kysely';
import type { ModuleMigration } from '../../core/db/migrate.js';

export interface WebhookTables {
  /** Outbound webhooks: events of requests posted, signed, to another system. */
  webhooks: {
    id: string;
    name: string;
    url: string;
    /** The HMAC-SHA256 key of the signature (x-tierdesk-signature). */
    secret: string;
    /** JSON array of event types. */
    events: string;
    /** Only events of this organization's requests; null: every organization's. */
    organization_id: string | null;
    active: number;
    created_at: string;
    updated_at: string;
  };
  /** One row per event and webhook: what was sent, and how it went. Delivered by a durable timer. */
  webhook_deliveries: {
    id: Generated<number>;
    webhook_id: string;
    event: string;
    ticket_id: string | null;
    /** The JSON body, fixed when the event happened (a retry sends the same bytes). */
    payload: string;
    status: 'pending' | 'delivered' | 'failed';
    attempts: number;
    response_status: number | null;
    last_error: string | null;
    created_at: string;
    delivered_at: string | null;
  };
}

export const webhookMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-65-webhooks',
    async up(db, t) {
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('ticket_id', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('delivered_at', t.timestamp)
        .execute();
      await db.schema.createIndex('webhook_deliveries_webhook').on('webhook_deliveries').columns(['webhook_id', 'id']).execute();
    },
  },
];
