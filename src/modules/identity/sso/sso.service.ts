import * as oidc from 'openid-client';
import { recordAudit } from '../../../core/audit/audit.js';
import { inTransaction } from '../../../core/db/connect.js';
import { DomainError, Invalid, NotFound } from '../../../core/errors.js';
import { newId } from '../../../core/ids/ids.js';
import type { AppContext } from '../../db.js';
import { STAFF_ROLES, type Actor } from '../actor.js';
import { startSession, type ClientInfo } from '../auth.service.js';
import { createPerson, updatePerson } from '../directory.service.js';
import * as identity from '../identity.repo.js';
import { assertAdmin } from '../identity.policy.js';
import { SYSTEM_USER_ID, type Line, type Role } from '../identity.tables.js';
import * as repo from './sso.repo.js';
import { domainOf, organizationOfDomain, providerForEmail, startUrl } from './sso.policy.js';

export interface RoleRule {
  group: string;
  role: Role;
  line?: Line | null;
}

export interface SsoConfigInput {
  issuerUrl: string;
  clientId: string;
  /** Write-only; omitted on a change keeps the stored one. */
  clientSecret?: string;
  scopes: string;
  groupClaim: string;
  roleMapping: RoleRule[];
  defaultRole: Role | null;
  emailDomains?: string[];
  passwordSignIn: boolean;
  enabled: boolean;
}

/** A refused single sign-on: `code` says why (the sign-in screen shows it in the reader's language). */
export class SsoRefused extends DomainError {
  constructor(message: string, code: string) {
    super(message, code);
  }
}

const LOGIN_TTL_MS = 10 * 60_000;
const CLIENT_ROLES: Role[] = ['requester', 'client_manager'];

export const callbackUrl = (app: AppContext) => `${app.config.publicUrl}/api/v1/auth/sso/callback`;

const isLoopback = (u: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);

export function presentConfig(p: repo.SsoProviderRow) {
  return {
    id: p.id,
    organizationId: p.organization_id,
    issuerUrl: p.issuer_url,
    clientId: p.client_id,
    hasClientSecret: p.client_secret.length > 0,
    scopes: p.scopes,
    groupClaim: p.group_claim,
    roleMapping: JSON.parse(p.role_mapping) as RoleRule[],
    defaultRole: p.default_role as Role | null,
    emailDomains: JSON.parse(p.email_domains) as string[],
    passwordSignIn: p.password_sign_in === 1,
    enabled: p.enabled === 1,
    redirectUri: '',
    updatedAt: p.updated_at,
  };
}

async function assertScope(app: AppContext, actor: Actor, organizationId: string | null) {
  assertAdmin(actor);
  if (organizationId !== null && !(await identity.findOrganization(app.db, organizationId))) throw new NotFound('Organization');
}

/** The IdP of an organization (or of the staff, organizationId null); provider admins only. */
export async function getConfig(app: AppContext, actor: Actor, organizationId: string | null) {
  await assertScope(app, actor, organizationId);
  const p = await repo.findProviderOf(app.db, organizationId);
  if (!p) throw new NotFound('Single sign-on configuration');
  return { ...presentConfig(p), redirectUri: callbackUrl(app) };
}

function checkInput(organizationId: string | null, input: SsoConfigInput) {
  let issuer: URL;
  try {
    issuer = new URL(input.issuerUrl);
  } catch {
    throw new Invalid('Not a URL', 'issuerUrl');
  }
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopback(issuer)))
    throw new Invalid('The issuer must be an https:// URL', 'issuerUrl');
  if (!input.scopes.split(/\s+/).includes('openid')) throw new Invalid('The scopes must include openid', 'scopes');
  const allowed: readonly Role[] = organizationId === null ? STAFF_ROLES : CLIENT_ROLES;
  input.roleMapping.forEach((r, i) => {
    if (!allowed.includes(r.role))
      throw new Invalid(organizationId === null ? 'The staff IdP maps groups to staff roles only' : 'An organization IdP maps groups to requester or client_manager only', `roleMapping.${i}.role`);
    if (r.line && organizationId !== null) throw new Invalid('Only staff have a support line', `roleMapping.${i}.line`);
  });
  if (input.defaultRole && !allowed.includes(input.defaultRole)) throw new Invalid('Not a role of this IdP', 'defaultRole');
  if (organizationId !== null && input.emailDomains?.length) throw new Invalid("An organization's IdP serves the organization's own e-mail domains", 'emailDomains');
}

/** Creates or replaces the IdP configuration. */
export async function putConfig(app: AppContext, actor: Actor, organizationId: string | null, input: SsoConfigInput) {
  await assertScope(app, actor, organizationId);
  checkInput(organizationId, input);
  const now = app.clock.now().toISOString();
  const fields = {
    issuer_url: input.issuerUrl.replace(/\/$/, ''),
    client_id: input.clientId,
    scopes: input.scopes.trim(),
    group_claim: input.groupClaim,
    role_mapping: JSON.stringify(input.roleMapping.map((r) => ({ group: r.group, role: r.role, ...(r.line && { line: r.line }) }))),
    default_role: input.defaultRole,
    email_domains: JSON.stringify((input.emailDomains ?? []).map((d) => d.toLowerCase())),
    password_sign_in: input.passwordSignIn ? 1 : 0,
    enabled: input.enabled ? 1 : 0,
    updated_at: now,
  };
  await inTransaction(app.db, async (trx) => {
    const before = await repo.findProviderOf(trx, organizationId);
    if (before) {
      await repo.updateProvider(trx, app.secrets, before.id, { ...fields, ...(input.clientSecret && { client_secret: input.clientSecret }) });
    } else {
      if (!input.clientSecret) throw new Invalid('A client secret is needed', 'clientSecret');
      await repo.insertProvider(trx, app.secrets, { id: newId(), organization_id: organizationId, client_secret: input.clientSecret, created_at: now, ...fields });
    }
    const { clientSecret: _secret, ...after } = input;
    await recordAudit(trx, { entityType: 'sso_provider', entityId: organizationId ?? 'staff', actorId: actor.id, action: before ? 'updated' : 'created', after });
  });
  return getConfig(app, actor, organizationId);
}

export async function deleteConfig(app: AppContext, actor: Actor, organizationId: string | null) {
  await assertScope(app, actor, organizationId);
  const p = await repo.findProviderOf(app.db, organizationId);
  if (!p) throw new NotFound('Single sign-on configuration');
  await inTransaction(app.db, async (trx) => {
    await repo.deleteProvider(trx, p.id);
    await recordAudit(trx, { entityType: 'sso_provider', entityId: organizationId ?? 'staff', actorId: actor.id, action: 'deleted' });
  });
}

/** Where the sign-in screen sends an address: to its IdP, or nowhere (password sign-in). */
export async function discover(app: AppContext, email: string) {
  const p = await providerForEmail(app.db, email);
  if (!p) return { sso: false as const };
  return { sso: true as const, url: startUrl(p.id, email), passwordSignIn: p.password_sign_in === 1 };
}

// The OpenID Connect client, one per IdP configuration (its discovery document is fetched once).
const clients = new Map<string, { updatedAt: string; config: Promise<oidc.Configuration> }>();

function clientOf(app: AppContext, p: repo.SsoProviderRow): Promise<oidc.Configuration> {
  const known = clients.get(p.id);
  if (known && known.updatedAt === p.updated_at) return known.config;
  const issuer = new URL(p.issuer_url);
  const config = oidc.discovery(issuer, p.client_id, undefined, oidc.ClientSecretBasic(repo.openClientSecret(app.secrets, p.client_secret)), {
    ...(issuer.protocol === 'http:' && { execute: [oidc.allowInsecureRequests] }),
    timeout: 10,
  });
  config.catch(() => clients.delete(p.id));
  clients.set(p.id, { updatedAt: p.updated_at, config });
  return config;
}

/** Starts a sign-in at an IdP: the authorization URL (code flow, PKCE, state and nonce) and its state. */
export async function start(app: AppContext, providerId: string, loginHint?: string) {
  const p = await repo.findProvider(app.db, providerId);
  if (!p || !p.enabled) throw new NotFound('Single sign-on');
  let config: oidc.Configuration;
  try {
    config = await clientOf(app, p);
  } catch {
    throw new SsoRefused('The identity provider cannot be reached', 'sso_unavailable');
  }
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const now = app.clock.now();
  await repo.deleteExpiredLogins(app.db, now.toISOString());
  await repo.insertLogin(app.db, {
    state,
    provider_id: p.id,
    nonce,
    code_verifier: verifier,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + LOGIN_TTL_MS).toISOString(),
  });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(app),
    scope: p.scopes,
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(loginHint && { login_hint: loginHint }),
  });
  return { url: url.href, state, ttlSeconds: LOGIN_TTL_MS / 1000 };
}

function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const v = claims[claim];
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === 'string');
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The role (and line) the person's groups map to, or the IdP's default; undefined: no role. */
export function roleFor(p: repo.SsoProviderRow, groups: string[]): { role: Role; line: Line | null } | undefined {
  const rules = JSON.parse(p.role_mapping) as RoleRule[];
  const hit = rules.find((r) => groups.includes(r.group));
  if (hit) return { role: hit.role, line: hit.line ?? null };
  return p.default_role ? { role: p.default_role as Role, line: null } : undefined;
}

const system: Actor = { id: SYSTEM_USER_ID, email: '', name: 'Tierdesk', role: 'admin', organizationId: null, line: null, locale: 'en' };

/**
 * Finishes a sign-in: checks the state against the browser's, exchanges the code (PKCE), verifies
 * the ID token (signature, issuer, audience, nonce), then creates or updates the person in the
 * IdP's organization with the role their groups map to, and opens a session.
 */
export async function callback(app: AppContext, currentUrl: URL, browserState: string | undefined, client: ClientInfo) {
  const state = currentUrl.searchParams.get('state');
  if (!state || !browserState || state !== browserState) throw new SsoRefused('The sign-in state does not match this browser', 'sso_state_mismatch');
  const login = await repo.takeLogin(app.db, state);
  if (!login || login.expires_at <= app.clock.now().toISOString()) throw new SsoRefused('This sign-in has expired; start again', 'sso_expired');
  const p = await repo.findProvider(app.db, login.provider_id);
  if (!p || !p.enabled) throw new SsoRefused('Single sign-on is not set up', 'sso_unavailable');
  if (currentUrl.searchParams.get('error')) throw new SsoRefused('The identity provider refused the sign-in', 'sso_denied');
  let claims: Record<string, unknown>;
  try {
    const tokens = await oidc.authorizationCodeGrant(await clientOf(app, p), currentUrl, {
      pkceCodeVerifier: login.code_verifier,
      expectedState: state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims() as Record<string, unknown>;
  } catch (err) {
    throw new SsoRefused(`The identity provider's answer was refused: ${(err as Error).message}`, 'sso_token_refused');
  }
  const subject = String(claims.sub);
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!email.includes('@') || claims.email_verified === false) throw new SsoRefused('The identity provider sent no verified e-mail address', 'sso_no_email');
  // The address must belong to this IdP: an organization's IdP signs in that organization's people only.
  const domain = domainOf(email);
  if (p.organization_id !== null) {
    if ((await organizationOfDomain(app.db, domain)) !== p.organization_id) throw new SsoRefused("The address does not belong to this identity provider's organization", 'sso_wrong_organization');
  } else if (!(JSON.parse(p.email_domains) as string[]).includes(domain)) {
    throw new SsoRefused("The address is not one of the staff IdP's domains", 'sso_wrong_organization');
  }
  const granted = roleFor(p, groupsOf(claims, p.group_claim));
  if (!granted) throw new SsoRefused('None of your groups gives access to Tierdesk', 'sso_no_role');
  const name = (typeof claims.name === 'string' && claims.name.trim()) || email;

  const linked = await repo.findIdentity(app.db, p.id, subject);
  let user = linked ? await identity.findUserById(app.db, linked.user_id) : await identity.findUserByEmail(app.db, email);
  if (user) {
    const sameSide = p.organization_id === null ? user.organization_id === null && (STAFF_ROLES as readonly string[]).includes(user.role) : user.organization_id === p.organization_id;
    if (!sameSide) throw new SsoRefused("The person belongs to another organization than this identity provider's", 'sso_wrong_organization');
    if (!user.active) throw new SsoRefused('This account is deactivated', 'sso_account_inactive');
    if (user.name !== name || user.role !== granted.role || (p.organization_id === null && user.line !== granted.line))
      user = await updatePerson(app, system, user.id, { name, role: granted.role, ...(p.organization_id === null && { line: granted.line }) });
  } else {
    const locale = typeof claims.locale === 'string' && claims.locale.toLowerCase().startsWith('ru') ? 'ru' : 'en';
    user = await createPerson(app, system, { email, name, role: granted.role, organizationId: p.organization_id, line: granted.line, locale });
  }
  if (!linked) await repo.insertIdentity(app.db, { provider_id: p.id, subject, user_id: user.id, created_at: app.clock.now().toISOString() });
  // The IdP has checked who this is (and any second factor): no second step here.
  return startSession(app, user, client, { method: 'sso' });
}
