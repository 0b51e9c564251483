import crypto from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Conflict, Invalid, NotFound, Unauthorized } from '../../core/errors.js';
import { hashSecret, newId, newSecret } from '../../core/ids/ids.js';
import type { AppContext } from '../db.js';
import { isStaff, type Actor } from './actor.js';
import { assertNotLocked, countFailure, forgetAuthentications, startSession, toActor, type ClientInfo, type LoginOutcome } from './auth.service.js';
import * as repo from './identity.repo.js';
import { assertAdmin } from './identity.policy.js';
import { verifyPassword } from './password.js';
import * as sec from './security.repo.js';
import { lazy } from '../../core/lazy.js';

const qrcode = lazy(async () => (await import('qrcode')).default);

/** How long the state between a right password and the second factor lasts. */
const PENDING_MINUTES = 5;
/** Wrong codes one pending sign-in takes before it must start again (the account's lockout counts too). */
const PENDING_MAX_FAILURES = 5;
const RECOVERY_CODES = 10;
const STAFF_MFA_REQUIRED = 'staff_mfa_required';

const later = (app: AppContext, minutes: number) => new Date(app.clock.now().getTime() + minutes * 60_000).toISOString();

const totpOf = (secret: string, label: string) =>
  new TOTP({ issuer: 'Tierdesk', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });

/** A recovery code as typed: case, spaces and dashes do not matter. */
const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

// The policy

export async function staffMfaRequired(app: AppContext): Promise<boolean> {
  return (await sec.getSetting(app.db, STAFF_MFA_REQUIRED)) === true;
}

/** The desk-wide security settings (admins). */
export async function getSettings(app: AppContext, actor: Actor) {
  assertAdmin(actor);
  return { staffMfaRequired: await staffMfaRequired(app) };
}

export async function updateSettings(app: AppContext, actor: Actor, input: { staffMfaRequired?: boolean }) {
  assertAdmin(actor);
  const before = await getSettings(app, actor);
  if (input.staffMfaRequired !== undefined)
    await inTransaction(app.db, async (trx) => {
      await sec.putSetting(trx, STAFF_MFA_REQUIRED, input.staffMfaRequired, app.clock.now().toISOString(), actor.id);
      await recordAudit(trx, { entityType: 'security_settings', entityId: 'desk', actorId: actor.id, action: 'updated', before, after: { ...input } });
    });
  return getSettings(app, actor);
}

async function factorsOf(app: AppContext, userId: string) {
  const totp = await sec.findTotp(app.db, userId);
  const passkeys = await sec.listPasskeys(app.db, userId);
  return { totp: Boolean(totp?.confirmed_at), passkeys: passkeys.length };
}

// Sign-in

/**
 * What follows a right password: the second step when the person has a factor (unless this
 * browser is remembered), a session held to enrolment when the staff policy demands a factor
 * they lack, or a plain session.
 */
export async function afterPassword(
  app: AppContext,
  user: repo.UserRow,
  client: ClientInfo,
): Promise<{ kind: 'second_factor'; pendingToken: string; methods: string[] } | { kind: 'session'; enrolOnly: boolean }> {
  const f = await factorsOf(app, user.id);
  if (f.totp || f.passkeys) {
    if (client.deviceToken) {
      const device = await sec.findDevice(app.db, hashSecret(client.deviceToken));
      if (device && device.user_id === user.id && device.expires_at > app.clock.now().toISOString()) return { kind: 'session', enrolOnly: false };
    }
    const pendingToken = newSecret();
    await sec.insertPending(app.db, {
      id: hashSecret(pendingToken),
      user_id: user.id,
      failures: 0,
      created_at: app.clock.now().toISOString(),
      expires_at: later(app, PENDING_MINUTES),
    });
    const methods = [...(f.totp ? ['totp', 'recovery'] : []), ...(f.passkeys ? ['passkey'] : [])];
    return { kind: 'second_factor', pendingToken, methods };
  }
  const enrolOnly = isStaff(toActor(user)) && (await staffMfaRequired(app));
  return { kind: 'session', enrolOnly };
}

/** The pending sign-in of a token, or 401 when it is unknown or over. */
export async function findPendingUser(app: AppContext, pendingToken: string) {
  const pending = await sec.findPending(app.db, hashSecret(pendingToken));
  if (!pending || pending.expires_at <= app.clock.now().toISOString())
    throw new Unauthorized('The sign-in has expired or is unknown; enter your password again');
  const user = await repo.findUserById(app.db, pending.user_id);
  if (!user || !user.active) throw new Unauthorized('The sign-in has expired or is unknown; enter your password again');
  return { pending, user };
}

/** Checks a TOTP code against a secret at the app's clock; the step it belongs to, or null. */
function matchStep(app: AppContext, secret: string, code: string): number | null {
  const now = app.clock.now().getTime();
  const delta = totpOf(secret, 'x').validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 30_000) + delta;
}

/** Checks a code (authenticator or recovery) of a person; 'totp' or 'recovery' when accepted. */
async function acceptCode(app: AppContext, userId: string, code: string): Promise<'totp' | 'recovery' | null> {
  const totp = await sec.findTotp(app.db, userId);
  if (!totp?.confirmed_at) return null;
  const digits = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(digits)) {
    const step = matchStep(app, app.secrets.open(totp.secret), digits);
    // A code already used in its step (or before a later one) is a replay.
    return step !== null && (await sec.useTotpStep(app.db, userId, step)) ? 'totp' : null;
  }
  return (await sec.useRecoveryCode(app.db, userId, hashSecret(normalizeRecovery(code)), app.clock.now().toISOString())) ? 'recovery' : null;
}

/**
 * The second step: a code from the authenticator app or a recovery code. A wrong one counts
 * against the pending sign-in and the account's lockout alike.
 */
export async function completeWithCode(
  app: AppContext,
  pendingToken: string,
  code: string,
  client: ClientInfo,
  rememberDevice: boolean,
): Promise<Extract<LoginOutcome, { kind: 'session' }> & { deviceToken?: string }> {
  const { pending, user } = await findPendingUser(app, pendingToken);
  assertNotLocked(app, user);
  const method = await acceptCode(app, user.id, code);
  if (!method) {
    const failures = await sec.countPendingFailure(app.db, pending.id);
    await countFailure(app, user.id, 'code', client);
    if (failures >= PENDING_MAX_FAILURES) await sec.deletePending(app.db, pending.id);
    throw new Unauthorized('Wrong or already used code');
  }
  return finishSecondStep(app, pending.id, user, client, method, rememberDevice);
}

/** Opens the session after a second factor; remembers the browser when asked (and allowed). */
export async function finishSecondStep(
  app: AppContext,
  pendingId: string | null,
  user: repo.UserRow,
  client: ClientInfo,
  method: string,
  rememberDevice: boolean,
) {
  if (pendingId) await sec.deletePending(app.db, pendingId);
  if (method === 'recovery') await recordAudit(app.db, { entityType: 'user', entityId: user.id, actorId: user.id, action: 'recovery_code_used' });
  let deviceToken: string | undefined;
  if (rememberDevice && app.config.mfaRememberDays > 0) {
    deviceToken = newSecret();
    await sec.insertDevice(app.db, {
      id: hashSecret(deviceToken),
      user_id: user.id,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
      created_at: app.clock.now().toISOString(),
      expires_at: later(app, app.config.mfaRememberDays * 24 * 60),
    });
  }
  const session = await startSession(app, user, client, { method });
  return { kind: 'session' as const, ...session, deviceToken };
}

// Enrolment of the authenticator app

/** Starts (or restarts) enrolment: a new secret, not yet in force until a code confirms it. */
export async function beginTotp(app: AppContext, actor: Actor) {
  const existing = await sec.findTotp(app.db, actor.id);
  if (existing?.confirmed_at) throw new Conflict('An authenticator app is already set up; turn it off first', 'already_enrolled');
  const secret = new Secret({ size: 20 }).base32;
  // Sealed at rest with the application's key, like the other stored secrets.
  await sec.putTotp(app.db, actor.id, app.secrets.seal(secret), app.clock.now().toISOString());
  return { secret, otpauthUri: totpOf(secret, actor.email).toString() };
}

/** The QR code (SVG) of the enrolment under way. */
export async function totpQrSvg(app: AppContext, actor: Actor): Promise<string> {
  const row = await sec.findTotp(app.db, actor.id);
  if (!row || row.confirmed_at) throw new NotFound('Enrolment');
  return (await qrcode()).toString(totpOf(app.secrets.open(row.secret), actor.email).toString(), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}

function newRecoveryCodes(app: AppContext, userId: string) {
  const at = app.clock.now().toISOString();
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const raw = crypto.randomBytes(5).toString('hex');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  const rows = codes.map((c) => ({ id: newId(), user_id: userId, code_hash: hashSecret(normalizeRecovery(c)), created_at: at, used_at: null }));
  return { codes, rows };
}

/** Confirms enrolment with a first code; returns the ten recovery codes, shown this once. */
export async function confirmTotp(app: AppContext, actor: Actor, code: string) {
  const row = await sec.findTotp(app.db, actor.id);
  if (!row) throw new Conflict('Start setting up the authenticator app first', 'not_enrolling');
  if (row.confirmed_at) throw new Conflict('The authenticator app is already set up', 'already_enrolled');
  const step = matchStep(app, app.secrets.open(row.secret), code.replace(/\s/g, ''));
  if (step === null || !(await sec.useTotpStep(app.db, actor.id, step))) throw new Invalid('Wrong code; check the time on your phone', 'code');
  const { codes, rows } = newRecoveryCodes(app, actor.id);
  await inTransaction(app.db, async (trx) => {
    await sec.confirmTotp(trx, actor.id, app.clock.now().toISOString());
    await sec.replaceRecoveryCodes(trx, rows, actor.id);
    await sec.releaseEnrolOnly(trx, actor.id);
    await recordAudit(trx, { entityType: 'user', entityId: actor.id, actorId: actor.id, action: 'mfa_enrolled', after: { factor: 'totp' } });
  });
  forgetAuthentications();
  return { recoveryCodes: codes };
}

/** New recovery codes (the old ones stop working); needs the authenticator app set up. */
export async function regenerateRecoveryCodes(app: AppContext, actor: Actor) {
  const row = await sec.findTotp(app.db, actor.id);
  if (!row?.confirmed_at) throw new Conflict('Set up the authenticator app first', 'not_enrolled');
  const { codes, rows } = newRecoveryCodes(app, actor.id);
  await inTransaction(app.db, async (trx) => {
    await sec.replaceRecoveryCodes(trx, rows, actor.id);
    await recordAudit(trx, { entityType: 'user', entityId: actor.id, actorId: actor.id, action: 'recovery_codes_renewed' });
  });
  return { recoveryCodes: codes };
}

/** Turns one's own authenticator app off (with the password); refused where the staff policy needs it. */
export async function disableTotp(app: AppContext, actor: Actor, password: string) {
  const user = await repo.findUserById(app.db, actor.id);
  if (!user || !(await verifyPassword(user.password_hash, password))) throw new Invalid('The password is wrong', 'password');
  const f = await factorsOf(app, actor.id);
  if (!f.totp) throw new Conflict('No authenticator app is set up', 'not_enrolled');
  if (isStaff(actor) && !f.passkeys && (await staffMfaRequired(app)))
    throw new Conflict('Staff must keep a second factor: the administrator requires it', 'mfa_required');
  await inTransaction(app.db, async (trx) => {
    await sec.deleteTotp(trx, actor.id);
    await sec.deleteRecoveryCodes(trx, actor.id);
    await recordAudit(trx, { entityType: 'user', entityId: actor.id, actorId: actor.id, action: 'mfa_disabled', after: { factor: 'totp' } });
  });
}

/** The second factors of a person, for themselves or an admin. */
export async function status(app: AppContext, actor: Actor, userId: string) {
  if (userId !== actor.id) assertAdmin(actor);
  const user = await repo.findUserById(app.db, userId);
  if (!user) throw new NotFound('Person');
  const totp = await sec.findTotp(app.db, userId);
  const passkeys = await sec.listPasskeys(app.db, userId);
  const devices = await sec.listDevices(app.db, userId, app.clock.now().toISOString());
  return {
    totp: Boolean(totp?.confirmed_at),
    totpEnrolling: Boolean(totp && !totp.confirmed_at),
    recoveryCodesLeft: await sec.countRecoveryCodesLeft(app.db, userId),
    passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.created_at, lastUsedAt: p.last_used_at })),
    rememberedDevices: devices.map((d) => ({ id: d.id, userAgent: d.user_agent, createdAt: d.created_at, expiresAt: d.expires_at })),
    required: isStaff(toActor(user)) && (await staffMfaRequired(app)),
    rememberDays: app.config.mfaRememberDays,
  };
}

export async function forgetDevice(app: AppContext, actor: Actor, id: string) {
  if (!(await sec.deleteDevice(app.db, actor.id, id))) throw new NotFound('Device');
  await recordAudit(app.db, { entityType: 'user', entityId: actor.id, actorId: actor.id, action: 'device_forgotten' });
}

/**
 * An admin's reset for a lost device: every factor, recovery code, remembered browser and session
 * of the person goes; they sign in with the password and enrol again. Audited.
 */
export async function resetFactors(app: AppContext, actor: Actor, userId: string) {
  assertAdmin(actor);
  const user = await repo.findUserById(app.db, userId);
  if (!user) throw new NotFound('Person');
  const before = await status(app, actor, userId);
  await inTransaction(app.db, async (trx) => {
    await sec.deleteTotp(trx, userId);
    await sec.deleteRecoveryCodes(trx, userId);
    await sec.deletePasskeys(trx, userId);
    await sec.deleteDevices(trx, userId);
    await sec.deleteUserPending(trx, userId);
    await repo.deleteUserSessions(trx, userId);
    await recordAudit(trx, {
      entityType: 'user',
      entityId: userId,
      actorId: actor.id,
      action: 'mfa_reset',
      before: { totp: before.totp, passkeys: before.passkeys.length, recoveryCodesLeft: before.recoveryCodesLeft },
    });
  });
  forgetAuthentications();
}
