import type { ModuleMigration } from '../../../core/db/migrate.js';

/**
 * Single sign-on (OpenID Connect) and directory sync (LDAP). An organization has at most one IdP and
 * one directory; the provider's own staff have one IdP too (organization_id null). The secrets
 * (`client_secret`, `bind_secret`) are kept in one column each, read and written only by the repos
 * in this folder and in directory-sync/.
 */
export interface SsoTables {
  sso_providers: {
    id: string;
    /** The client organization whose people sign in with it; null for the provider's staff. */
    organization_id: string | null;
    issuer_url: string;
    client_id: string;
    client_secret: string;
    scopes: string;
    /** The ID-token claim that lists a person's groups, e.g. `groups`. */
    group_claim: string;
    /** JSON array of { group, role, line? }: the first group the person is in decides their role. */
    role_mapping: string;
    /** The role of a person in none of the mapped groups; null: such people are refused. */
    default_role: string | null;
    /** Staff IdP only: JSON array of e-mail domains whose people it signs in (organizations use their own domains). */
    email_domains: string;
    /** Whether this organization's people may still sign in with a password (1) or only with SSO (0). */
    password_sign_in: number;
    enabled: number;
    created_at: string;
    updated_at: string;
  };
  /** Sign-ins under way: the state, nonce and PKCE verifier of one authorization request. */
  sso_logins: {
    state: string;
    provider_id: string;
    nonce: string;
    code_verifier: string;
    created_at: string;
    expires_at: string;
  };
  /** Which IdP subject is which person (kept on first sign-in). */
  sso_identities: { provider_id: string; subject: string; user_id: string; created_at: string };
  directory_sources: {
    organization_id: string;
    url: string;
    bind_dn: string;
    bind_secret: string;
    base_dn: string;
    filter: string;
    /** JSON { name, email, phone, locale }: the LDAP attribute of each field. */
    attributes: string;
    /** The DN of the group whose members are the organization's IT managers; null: no one is. */
    manager_group_dn: string | null;
    interval_minutes: number;
    /** Whether people of this organization sign in with their directory password (bind as themselves). */
    ldap_sign_in: number;
    enabled: number;
    created_at: string;
    updated_at: string;
  };
  /** The people a directory brought in: only these are updated and deactivated by its sync. */
  directory_people: { organization_id: string; user_id: string; dn: string; seen_at: string };
  directory_sync_runs: {
    id: string;
    organization_id: string;
    trigger: 'schedule' | 'manual';
    dry_run: number;
    status: 'ok' | 'failed';
    started_at: string;
    finished_at: string;
    created: number;
    updated: number;
    deactivated: number;
    skipped: number;
    /** JSON array of the changes (what a dry run would have done). */
    changes: string;
    error: string | null;
  };
}

export const ssoMigrations: ModuleMigration[] = [
  {
    name: '2026-12-06-70-identity-sso',
    async up(db, t) {
      await db.schema
        .createTable('sso_providers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organization_id', 'text', (c) => c.unique().references('organizations.id').onDelete('cascade'))
        .addColumn('issuer_url', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('client_secret', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('group_claim', 'text', (c) => c.notNull())
        .addColumn('role_mapping', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('default_role', 'text')
        .addColumn('email_domains', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('password_sign_in', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sso_logins')
        .addColumn('state', 'text', (c) => c.primaryKey())
        .addColumn('provider_id', 'text', (c) => c.notNull().references('sso_providers.id').onDelete('cascade'))
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sso_identities')
        .addColumn('provider_id', 'text', (c) => c.notNull().references('sso_providers.id').onDelete('cascade'))
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('sso_identities_pk', ['provider_id', 'subject'])
        .execute();
      await db.schema
        .createTable('directory_sources')
        .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('bind_dn', 'text', (c) => c.notNull())
        .addColumn('bind_secret', 'text', (c) => c.notNull())
        .addColumn('base_dn', 'text', (c) => c.notNull())
        .addColumn('filter', 'text', (c) => c.notNull())
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('manager_group_dn', 'text')
        .addColumn('interval_minutes', 'integer', (c) => c.notNull())
        .addColumn('ldap_sign_in', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('directory_people')
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('dn', 'text', (c) => c.notNull())
        .addColumn('seen_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('directory_people_pk', ['organization_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('directory_sync_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('dry_run', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('finished_at', t.timestamp, (c) => c.notNull())
        .addColumn('created', 'integer', (c) => c.notNull())
        .addColumn('updated', 'integer', (c) => c.notNull())
        .addColumn('deactivated', 'integer', (c) => c.notNull())
        .addColumn('skipped', 'integer', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('directory_sync_runs_org').on('directory_sync_runs').columns(['organization_id', 'started_at']).execute();
    },
  },
];
