import { z } from 'zod';
import { Email, IsoInstant, Text } from './common.js';
import { Line, Role } from './identity.js';

export const RoleRule = z.object({ group: Text(200), role: Role, line: Line.nullable().optional() });

export const SsoConfigBody = z.object({
  issuerUrl: z.string().trim().url().max(500),
  clientId: Text(200),
  /** Write-only: sent to set or change it, never returned; omitted on a change keeps it. */
  clientSecret: z.string().min(1).max(500).optional(),
  scopes: z.string().trim().min(6).max(300).default('openid email profile'),
  groupClaim: z.string().trim().min(1).max(100).default('groups'),
  roleMapping: z.array(RoleRule).max(100).default([]),
  defaultRole: Role.nullable().default(null),
  /** Staff IdP only: the e-mail domains of the provider's staff. */
  emailDomains: z.array(z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'not a domain')).max(20).optional(),
  passwordSignIn: z.boolean().default(true),
  enabled: z.boolean().default(true),
});

export const SsoConfig = z.object({
  id: z.string(),
  organizationId: z.string().nullable(),
  issuerUrl: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  scopes: z.string(),
  groupClaim: z.string(),
  roleMapping: z.array(RoleRule),
  defaultRole: Role.nullable(),
  emailDomains: z.array(z.string()),
  passwordSignIn: z.boolean(),
  enabled: z.boolean(),
  /** The redirect URI to register at the IdP. */
  redirectUri: z.string(),
  updatedAt: z.string(),
});

export const SsoDiscoverBody = z.object({ email: Email });
export const SsoDiscover = z.union([
  z.object({ sso: z.literal(true), url: z.string(), passwordSignIn: z.boolean() }),
  z.object({ sso: z.literal(false) }),
]);
export const SsoStartQuery = z.object({ login_hint: z.string().max(254).optional() });
export const SsoCallbackQuery = z.object({ state: z.string().max(500).optional(), code: z.string().max(4000).optional() }).passthrough();

const Attribute = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'not an LDAP attribute name').max(60);

export const DirectoryConfigBody = z.object({
  url: z.string().trim().regex(/^ldaps?:\/\/[^\s/]+\/?$/i, 'must be an ldap:// or ldaps:// URL'),
  bindDn: Text(500),
  /** Write-only: sent to set or change it, never returned; omitted on a change keeps it. */
  bindPassword: z.string().min(1).max(500).optional(),
  baseDn: Text(500),
  filter: z.string().trim().regex(/^\(.*\)$/, 'an LDAP filter in parentheses').max(1000).default('(objectClass=inetOrgPerson)'),
  attributes: z
    .object({
      name: Attribute.default('cn'),
      email: Attribute.default('mail'),
      phone: Attribute.nullable().default('telephoneNumber'),
      locale: Attribute.nullable().default('preferredLanguage'),
    })
    .default({ name: 'cn', email: 'mail', phone: 'telephoneNumber', locale: 'preferredLanguage' }),
  /** The DN of the group whose members become client IT managers; null: none does. */
  managerGroupDn: z.string().trim().min(3).max(500).nullable().default(null),
  intervalMinutes: z.number().int().min(5).max(7 * 24 * 60).default(60),
  ldapSignIn: z.boolean().default(false),
  enabled: z.boolean().default(true),
});

export const DirectoryConfig = z.object({
  organizationId: z.string(),
  url: z.string(),
  bindDn: z.string(),
  hasBindPassword: z.boolean(),
  baseDn: z.string(),
  filter: z.string(),
  attributes: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable(), locale: z.string().nullable() }),
  managerGroupDn: z.string().nullable(),
  intervalMinutes: z.number(),
  ldapSignIn: z.boolean(),
  enabled: z.boolean(),
  nextSyncAt: z.string().nullable(),
  updatedAt: z.string(),
});

export const SyncChange = z.object({
  action: z.enum(['create', 'update', 'deactivate', 'skip']),
  email: z.string(),
  name: z.string(),
  userId: z.string().nullable(),
  /** What changes (update), or why it is skipped (skip). */
  fields: z.array(z.string()).optional(),
  reason: z.string().optional(),
});

export const SyncRun = z.object({
  id: z.string(),
  organizationId: z.string(),
  trigger: z.enum(['schedule', 'manual']),
  dryRun: z.boolean(),
  status: z.enum(['ok', 'failed']),
  startedAt: IsoInstant,
  finishedAt: IsoInstant,
  created: z.number(),
  updated: z.number(),
  deactivated: z.number(),
  skipped: z.number(),
  changes: z.array(SyncChange),
  error: z.string().nullable(),
});

export const SyncBody = z.object({ dryRun: z.boolean().default(false) });
