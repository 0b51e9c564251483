import type { ModuleMigration } from '../../core/db/migrate.js';

export type Role = 'requester' | 'client_manager' | 'agent' | 'manager' | 'admin';
export type Line = 'L1' | 'L2' | 'L3';
export type Locale = 'en' | 'ru';
export type Coverage = 'business_hours' | 'extended_hours' | 'round_the_clock';
export type Availability = 'available' | 'busy' | 'away' | 'offline';
export const AVAILABILITIES: Availability[] = ['available', 'busy', 'away', 'offline'];

/** The person automatic actions (escalation by time, SLA warnings) are recorded as. */
export const SYSTEM_USER_ID = '00000000-0000-0000-0000-000000000000';

export interface IdentityTables {
  plans: {
    id: string;
    code: string;
    name: string;
    coverage: Coverage;
    included_hours: number;
    /** JSON array of channel names. */
    channels: string;
    description: string;
    created_at: string;
  };
  organizations: {
    id: string;
    name: string;
    plan_id: string | null;
    contract_starts_on: string | null;
    contract_ends_on: string | null;
    /** JSON array of contract options, e.g. english_speaking_expert. */
    contract_options: string;
    unknown_sender_policy: 'create' | 'refuse';
    created_at: string;
    updated_at: string;
  };
  organization_domains: { domain: string; organization_id: string };
  users: {
    id: string;
    email: string;
    name: string;
    password_hash: string | null;
    role: Role;
    organization_id: string | null;
    line: Line | null;
    /** JSON arrays. */
    languages: string;
    skills: string;
    locale: Locale;
    time_zone: string;
    phone: string | null;
    /** Staff: whether new and escalated requests may be assigned to them now. */
    availability: Availability;
    active: number;
    failed_logins: number;
    locked_until: string | null;
    created_at: string;
    updated_at: string;
  };
  groups: { id: string; name: string; description: string; created_at: string };
  group_members: { group_id: string; user_id: string };
  sessions: {
    id: string;
    user_id: string;
    csrf_token: string;
    created_at: string;
    expires_at: string;
    user_agent: string | null;
    ip: string | null;
    last_used_at: string | null;
    /** 1: the person must enrol a second factor first; the session opens nothing else. */
    enrol_only: number;
  };
  api_tokens: {
    id: string;
    user_id: string;
    name: string;
    token_hash: string;
    created_at: string;
    last_used_at: string | null;
    revoked_at: string | null;
    /** 1: only GET and HEAD requests. */
    read_only: number;
    expires_at: string | null;
  };
  password_resets: { token_hash: string; user_id: string; created_at: string; expires_at: string; used_at: string | null };
}

export const identityMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-01-identity',
    async up(db, t) {
      await db.schema
        .createTable('plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('coverage', 'text', (c) => c.notNull())
        .addColumn('included_hours', 'integer', (c) => c.notNull())
        .addColumn('channels', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('organizations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('plan_id', 'text', (c) => c.references('plans.id'))
        .addColumn('contract_starts_on', 'text')
        .addColumn('contract_ends_on', 'text')
        .addColumn('contract_options', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('unknown_sender_policy', 'text', (c) => c.notNull().defaultTo('create'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('organization_domains')
        .addColumn('domain', 'text', (c) => c.primaryKey())
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id'))
        .addColumn('line', 'text')
        .addColumn('languages', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en'))
        .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
        .addColumn('phone', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_organization').on('users').column('organization_id').execute();
      await db.schema
        .createTable('groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('last_used_at', t.timestamp)
        .addColumn('revoked_at', t.timestamp)
        .execute();
      await db.schema
        .createTable('password_resets')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .addColumn('used_at', t.timestamp)
        .execute();
    },
  },
  {
    name: '2026-11-26-04-identity-availability',
    async up(db) {
      await db.schema.alterTable('users').addColumn('availability', 'text', (c) => c.notNull().defaultTo('offline')).execute();
      const now = new Date().toISOString();
      await db
        .insertInto('users')
        .values({
          id: SYSTEM_USER_ID,
          email: 'system@tierdesk.invalid',
          name: 'Tierdesk',
          role: 'admin',
          active: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
    },
  },
  {
    // Phone numbers are kept in E.164 from here on; SMS senders and callers are found by them.
    name: '2026-11-26-50-identity-phone-index',
    async up(db) {
      await db.schema.createIndex('users_phone').on('users').column('phone').execute();
    },
  },
];
