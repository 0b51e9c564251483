import type { ModuleMigration } from '../../core/db/migrate.js';

/** Second factors, passkeys, remembered devices and the security settings (issue 17). */
export interface SecurityTables {
  /** One authenticator app per person; confirmed_at null while enrolment waits for the first code. */
  mfa_totp: {
    user_id: string;
    /** The Base32 secret codes are computed from, sealed with the application's key (core/crypto/secrets.ts). */
    secret: string;
    /** The last accepted 30-second step: a code of that step or an earlier one is refused (replay). */
    last_step: number | null;
    created_at: string;
    confirmed_at: string | null;
  };
  mfa_recovery_codes: { id: string; user_id: string; code_hash: string; created_at: string; used_at: string | null };
  /** The short-lived state between a right password and the second factor. */
  mfa_pending: { id: string; user_id: string; failures: number; created_at: string; expires_at: string };
  /** A browser that may skip the second factor until expires_at; the cookie holds the secret whose hash is id. */
  mfa_devices: { id: string; user_id: string; user_agent: string | null; created_at: string; expires_at: string };
  /** WebAuthn credentials. */
  passkeys: {
    id: string;
    user_id: string;
    name: string;
    /** base64url of the COSE public key. */
    public_key: string;
    counter: number;
    /** JSON array of transports. */
    transports: string;
    created_at: string;
    last_used_at: string | null;
  };
  /** WebAuthn challenges waiting for their answer: registration (user_id set) or sign-in. */
  webauthn_challenges: { id: string; user_id: string | null; challenge: string; purpose: 'register' | 'signin'; expires_at: string };
  /** Desk-wide security settings, one row per key (JSON values). */
  security_settings: { key: string; value: string; updated_at: string; updated_by: string | null };
}

export const securityMigrations: ModuleMigration[] = [
  {
    name: '2026-12-06-60-identity-mfa',
    async up(db, t) {
      await db.schema
        .createTable('mfa_totp')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('last_step', 'integer')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('confirmed_at', t.timestamp)
        .execute();
      await db.schema
        .createTable('mfa_recovery_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('used_at', t.timestamp)
        .execute();
      await db.schema.createIndex('mfa_recovery_codes_user').on('mfa_recovery_codes').column('user_id').execute();
      await db.schema
        .createTable('mfa_pending')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('mfa_devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('user_agent', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mfa_devices_user').on('mfa_devices').column('user_id').execute();
      await db.schema
        .createTable('passkeys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('counter', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('transports', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('last_used_at', t.timestamp)
        .execute();
      await db.schema.createIndex('passkeys_user').on('passkeys').column('user_id').execute();
      await db.schema
        .createTable('webauthn_challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('challenge', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('security_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();
    },
  },
  {
    // Sessions people can see (device, address, last use), sessions held back until a factor is
    // enrolled, and API tokens that may only read or that expire.
    name: '2026-12-06-61-identity-sessions-tokens',
    async up(db, t) {
      await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('ip', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('last_used_at', t.timestamp).execute();
      await db.schema.alterTable('sessions').addColumn('enrol_only', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('api_tokens').addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('api_tokens').addColumn('expires_at', t.timestamp).execute();
    },
  },
];
