import { inTransaction } from '../../core/db/connect.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { DomainError, Invalid, TooManyRequests, Unauthorized } from '../../core/errors.js';
import { recordAudit } from '../../core/audit/audit.js';
import { hashSecret, newId, newSecret } from '../../core/ids/ids.js';
import type { AppContext } from '../db.js';
import type { Actor } from './actor.js';
import * as repo from './identity.repo.js';
import { touchSession } from './security.repo.js';
import { hashPassword, verifyPassword } from './password.js';
import { resetMail } from './identity.messages.js';
import { afterPassword } from './mfa.service.js';
import { assertPasswordSignIn } from './sso/sso.policy.js';
import { directoryPasswordCheck } from './directory-sync/ldap-sign-in.js';

export const PASSWORD_MIN = 10;

/** An authenticated request: who, and how (a session also carries its CSRF token). */
export type Authentication =
  | { actor: Actor; via: 'session'; csrfToken: string; sessionId: string; enrolOnly: boolean }
  | { actor: Actor; via: 'token'; tokenId: string; readOnly: boolean };

/** Where a sign-in comes from: shown in the person's list of sessions and in the audit log. */
export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
  /** The remembered-device cookie, if the browser sent one. */
  deviceToken?: string;
}

/** A sign-in either opens a session or, with a second factor enrolled, waits for it. */
export type LoginOutcome =
  | { kind: 'session'; actor: Actor; sessionToken: string; csrfToken: string; enrolOnly: boolean }
  | { kind: 'second_factor'; pendingToken: string; methods: string[] };

export function toActor(u: repo.UserRow): Actor {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    organizationId: u.organization_id,
    line: u.line,
    locale: u.locale,
  };
}

const addMinutes = (app: AppContext, minutes: number) => new Date(app.clock.now().getTime() + minutes * 60_000).toISOString();

/**
 * Signs in with e-mail and password. Wrong credentials count against the account; after
 * LOGIN_MAX_FAILURES in a row it is locked for LOGIN_LOCKOUT_MINUTES.
 */
export async function login(app: AppContext, email: string, password: string, client: ClientInfo = { userAgent: null, ip: null }): Promise<LoginOutcome> {
  const user = await repo.findUserByEmail(app.db, email);
  // Single sign-on may have turned password sign-in off for this person's organization.
  await assertPasswordSignIn(app.db, email, user);
  assertNotLocked(app, user);
  // An organization may sign its people in against its LDAP directory (bind as the person).
  const ok = (await directoryPasswordCheck(app, user, password)) ?? (await verifyPassword(user?.password_hash ?? null, password));
  if (!user || !ok || !user.active) {
    if (user) await countFailure(app, user.id, 'password', client);
    throw new Unauthorized('Wrong e-mail or password');
  }
  const next = await afterPassword(app, user, client);
  if (next.kind === 'second_factor') return next;
  return { kind: 'session', ...(await startSession(app, user, client, { method: 'password', enrolOnly: next.enrolOnly })) };
}

/** Refuses (429) while the person is locked out after too many failures. */
export function assertNotLocked(app: AppContext, user: { locked_until: string | null } | undefined) {
  const now = app.clock.now().toISOString();
  if (user?.locked_until && user.locked_until > now) {
    const seconds = Math.ceil((Date.parse(user.locked_until) - app.clock.now().getTime()) / 1000);
    throw new TooManyRequests('Too many failed sign-ins; the account is locked for a while', seconds);
  }
}

/**
 * Counts a wrong password or code against the account; after LOGIN_MAX_FAILURES in a row it is
 * locked for LOGIN_LOCKOUT_MINUTES. Both go to the audit log.
 */
export async function countFailure(app: AppContext, userId: string, method: string, client: ClientInfo) {
  const failures = await repo.countFailedLogin(app.db, userId);
  const where = { method, ip: client.ip, userAgent: client.userAgent };
  await recordAudit(app.db, { entityType: 'user', entityId: userId, actorId: userId, action: 'sign_in_failed', after: where });
  if (failures >= app.config.loginMaxFailures) {
    await repo.updateUser(app.db, userId, { failed_logins: 0, locked_until: addMinutes(app, app.config.loginLockoutMinutes) });
    await recordAudit(app.db, { entityType: 'user', entityId: userId, actorId: userId, action: 'locked', after: { minutes: app.config.loginLockoutMinutes } });
  }
}

/** Opens a session for a person who has proved who they are; audited as a sign-in. */
export async function startSession(
  app: AppContext,
  user: repo.UserRow,
  client: ClientInfo,
  how: { method: string; enrolOnly?: boolean },
) {
  const now = app.clock.now().toISOString();
  if (user.failed_logins || user.locked_until) await repo.updateUser(app.db, user.id, { failed_logins: 0, locked_until: null });
  const sessionToken = newSecret();
  const csrfToken = newSecret();
  await repo.insertSession(app.db, {
    id: hashSecret(sessionToken),
    user_id: user.id,
    csrf_token: csrfToken,
    created_at: now,
    expires_at: addMinutes(app, app.config.sessionTtlHours * 60),
    user_agent: client.userAgent?.slice(0, 500) ?? null,
    ip: client.ip,
    last_used_at: now,
    enrol_only: how.enrolOnly ? 1 : 0,
  });
  await recordAudit(app.db, {
    entityType: 'user',
    entityId: user.id,
    actorId: user.id,
    action: 'signed_in',
    after: { method: how.method, ip: client.ip, userAgent: client.userAgent, ...(how.enrolOnly && { enrolOnly: true }) },
  });
  return { actor: toActor(user), sessionToken, csrfToken, enrolOnly: Boolean(how.enrolOnly) };
}

export async function logout(app: AppContext, sessionToken: string) {
  remembered.delete(`s:${hashSecret(sessionToken)}`);
  await repo.deleteSession(app.db, hashSecret(sessionToken));
}

/**
 * Who a session or token is, remembered for AUTH_CACHE_SECONDS so that a busy client does not cost
 * a query per request. Sign-out, revocation and changes to people forget it in this process at
 * once; other processes may go on trusting it for at most those few seconds.
 */
const remembered = new Map<string, { auth: Authentication; until: number; sessionExpiresAt?: string }>();
const REMEMBER_MAX = 10_000;

/** Forgets every remembered authentication (after a change to people, sessions or tokens). */
export function forgetAuthentications() {
  remembered.clear();
}

function recall(app: AppContext, key: string): Authentication | undefined {
  const hit = remembered.get(key);
  if (!hit) return undefined;
  if (hit.until < Date.now() || (hit.sessionExpiresAt && hit.sessionExpiresAt <= app.clock.now().toISOString())) {
    remembered.delete(key);
    return undefined;
  }
  return hit.auth;
}

function remember(app: AppContext, key: string, auth: Authentication, sessionExpiresAt?: string) {
  if (app.config.authCacheSeconds <= 0) return;
  if (remembered.size >= REMEMBER_MAX) remembered.clear();
  remembered.set(key, { auth, until: Date.now() + app.config.authCacheSeconds * 1000, sessionExpiresAt });
}

/** Resolves a session cookie; null when unknown, expired or the person is deactivated. */
export async function authenticateSession(app: AppContext, sessionToken: string): Promise<Authentication | null> {
  const idHash = hashSecret(sessionToken);
  const known = recall(app, `s:${idHash}`);
  if (known) return known;
  const row = await repo.findSessionWithUser(app.db, idHash);
  if (!row || !row.active) return null;
  if (row.session_expires_at <= app.clock.now().toISOString()) {
    await repo.deleteSession(app.db, idHash);
    return null;
  }
  const now = app.clock.now();
  if (!row.session_last_used_at || now.getTime() - Date.parse(row.session_last_used_at) > 60_000) await touchSession(app.db, idHash, now.toISOString());
  const auth: Authentication = { actor: toActor(row), via: 'session', csrfToken: row.csrf_token, sessionId: idHash, enrolOnly: Boolean(row.enrol_only) };
  remember(app, `s:${idHash}`, auth, row.session_expires_at);
  return auth;
}

/** An API token past its expiry date (401 token_expired). */
export class TokenExpired extends DomainError {
  constructor() {
    super('The API token has expired', 'token_expired');
  }
}

/** Resolves a personal API token (Bearer); null when unknown, revoked or the person is deactivated; TokenExpired past its date. */
export async function authenticateToken(app: AppContext, token: string): Promise<Authentication | null> {
  const tokenHash = hashSecret(token);
  const known = recall(app, `t:${tokenHash}`);
  if (known) return known;
  const row = await repo.findApiTokenWithUser(app.db, tokenHash);
  if (!row || row.revoked_at || !row.active) return null;
  const now = app.clock.now();
  if (row.token_expires_at && row.token_expires_at <= now.toISOString()) throw new TokenExpired();
  // Kept to the minute, so that a busy integration does not write on every request.
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) await repo.touchApiToken(app.db, row.token_id, now.toISOString());
  const auth: Authentication = { actor: toActor(row), via: 'token', tokenId: row.token_id, readOnly: Boolean(row.read_only) };
  remember(app, `t:${tokenHash}`, auth, row.token_expires_at ?? undefined);
  return auth;
}

/** Creates a personal API token; the secret is shown once, only its hash is kept. */
export async function createApiToken(app: AppContext, actor: Actor, name: string, opts: { readOnly?: boolean; expiresAt?: string | null } = {}) {
  const token = `td_${newSecret()}`;
  const id = newId();
  const createdAt = app.clock.now().toISOString();
  const expiresAt = opts.expiresAt ? new Date(opts.expiresAt).toISOString() : null;
  if (expiresAt && expiresAt <= createdAt) throw new Invalid('The expiry date must be in the future', 'expiresAt');
  const readOnly = Boolean(opts.readOnly);
  await repo.insertApiToken(app.db, {
    id,
    user_id: actor.id,
    name,
    token_hash: hashSecret(token),
    created_at: createdAt,
    read_only: readOnly ? 1 : 0,
    expires_at: expiresAt,
  });
  return { id, name, token, createdAt, readOnly, expiresAt };
}

export const listApiTokens = (app: AppContext, actor: Actor) => repo.listApiTokens(app.db, actor.id);

export async function revokeApiToken(app: AppContext, actor: Actor, id: string): Promise<boolean> {
  const r = await repo.revokeApiToken(app.db, actor.id, id, app.clock.now().toISOString());
  forgetAuthentications();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Starts a password reset: a one-time, expiring link goes to the address by e-mail. Answers the
 * same whether or not the address is known, so it cannot be used to probe for accounts.
 */
export async function requestPasswordReset(app: AppContext, email: string) {
  const user = await repo.findUserByEmail(app.db, email);
  if (!user || !user.active) return;
  const token = newSecret();
  await inTransaction(app.db, async (trx) => {
    await repo.insertPasswordReset(trx, {
      token_hash: hashSecret(token),
      user_id: user.id,
      created_at: app.clock.now().toISOString(),
      expires_at: addMinutes(app, app.config.passwordResetTtlMinutes),
    });
    const link = `${app.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    await enqueueMail(trx, { to: user.email, ...resetMail(user.locale, user.name, link, app.config.passwordResetTtlMinutes) });
  });
}

/** Sets a new password with a reset token; the token is then spent and every session ends. */
export async function resetPassword(app: AppContext, token: string, password: string) {
  const reset = await repo.findPasswordReset(app.db, hashSecret(token));
  if (!reset || reset.used_at || reset.expires_at <= app.clock.now().toISOString())
    throw new Invalid('This reset link is invalid or has expired', 'token');
  const passwordHash = await hashPassword(password);
  await inTransaction(app.db, async (trx) => {
    if (!(await repo.usePasswordReset(trx, reset.token_hash, app.clock.now().toISOString())))
      throw new Invalid('This reset link is invalid or has expired', 'token');
    await repo.updateUser(trx, reset.user_id, {
      password_hash: passwordHash,
      failed_logins: 0,
      locked_until: null,
      updated_at: app.clock.now().toISOString(),
    });
    await repo.deleteUserSessions(trx, reset.user_id);
  });
  forgetAuthentications();
}

/** Changes one's own password, given the current one; every other session of the person ends. */
export async function changePassword(app: AppContext, actor: Actor, current: string, next: string, keepSessionToken?: string) {
  const user = await repo.findUserById(app.db, actor.id);
  if (!user || !(await verifyPassword(user.password_hash, current)))
    throw new Invalid('The current password is wrong', 'currentPassword');
  const passwordHash = await hashPassword(next);
  await inTransaction(app.db, async (trx) => {
    await repo.updateUser(trx, actor.id, { password_hash: passwordHash, updated_at: app.clock.now().toISOString() });
    await repo.deleteUserSessions(trx, actor.id, keepSessionToken ? hashSecret(keepSessionToken) : undefined);
  });
  forgetAuthentications();
}
