import type { AuthenticationResponseJSON, AuthenticatorTransportFuture, RegistrationResponseJSON } from '@simplewebauthn/server';
import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Conflict, Invalid, NotFound, Unauthorized } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import { lazy } from '../../core/lazy.js';
import type { AppContext } from '../db.js';
import { isStaff, type Actor } from './actor.js';
import { assertNotLocked, countFailure, forgetAuthentications, toActor, type ClientInfo } from './auth.service.js';
import * as repo from './identity.repo.js';
import { findPendingUser, finishSecondStep, staffMfaRequired } from './mfa.service.js';
import * as sec from './security.repo.js';

const webauthn = lazy(() => import('@simplewebauthn/server'));

/** A WebAuthn ceremony must be answered within this time. */
const CHALLENGE_MINUTES = 5;

/** The relying party is the desk's public address: its host name and its origin. */
function relyingParty(app: AppContext) {
  const url = new URL(app.config.publicUrl);
  return { rpID: url.hostname, origin: url.origin };
}

const later = (app: AppContext) => new Date(app.clock.now().getTime() + CHALLENGE_MINUTES * 60_000).toISOString();
const transportsOf = (json: string) => JSON.parse(json) as AuthenticatorTransportFuture[];

async function saveChallenge(app: AppContext, challenge: string, purpose: 'register' | 'signin', userId: string | null) {
  const challengeId = newId();
  await sec.insertChallenge(app.db, { id: challengeId, user_id: userId, challenge, purpose, expires_at: later(app) }, app.clock.now().toISOString());
  return challengeId;
}

async function takeChallenge(app: AppContext, id: string, purpose: 'register' | 'signin') {
  const row = await sec.takeChallenge(app.db, id);
  if (!row || row.purpose !== purpose || row.expires_at <= app.clock.now().toISOString())
    throw new Invalid('The passkey request has expired; try again', 'challengeId');
  return row;
}

/** The options for the browser to create a passkey for the signed-in person. */
export async function registrationOptions(app: AppContext, actor: Actor) {
  const { rpID } = relyingParty(app);
  const existing = await sec.listPasskeys(app.db, actor.id);
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: 'Tierdesk',
    rpID,
    userName: actor.email,
    userDisplayName: actor.name,
    userID: new TextEncoder().encode(actor.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: transportsOf(p.transports) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  const challengeId = await saveChallenge(app, options.challenge, 'register', actor.id);
  return { challengeId, options: options as unknown as Record<string, unknown> };
}

/** Keeps the passkey the browser created, once its answer checks out. */
export async function register(app: AppContext, actor: Actor, input: { challengeId: string; name: string; response: unknown }) {
  const challenge = await takeChallenge(app, input.challengeId, 'register');
  if (challenge.user_id !== actor.id) throw new Invalid('The passkey request has expired; try again', 'challengeId');
  const { rpID, origin } = relyingParty(app);
  const verification = await (await webauthn()).verifyRegistrationResponse({
    response: input.response as RegistrationResponseJSON,
    expectedChallenge: challenge.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: false,
  }).catch((err: Error) => {
    throw new Invalid(`The passkey was not accepted: ${err.message}`, 'response');
  });
  if (!verification.verified) throw new Invalid('The passkey was not accepted', 'response');
  const cred = verification.registrationInfo.credential;
  if (await sec.findPasskey(app.db, cred.id)) throw new Conflict('This passkey is already registered', 'already_exists');
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    await sec.insertPasskey(trx, {
      id: cred.id,
      user_id: actor.id,
      name: input.name,
      public_key: Buffer.from(cred.publicKey).toString('base64url'),
      counter: cred.counter,
      transports: JSON.stringify(cred.transports ?? []),
      created_at: now,
      last_used_at: null,
    });
    await sec.releaseEnrolOnly(trx, actor.id);
    await recordAudit(trx, { entityType: 'user', entityId: actor.id, actorId: actor.id, action: 'mfa_enrolled', after: { factor: 'passkey', name: input.name } });
  });
  forgetAuthentications();
  return { id: cred.id, name: input.name, createdAt: now, lastUsedAt: null };
}

/** Removes one of one's own passkeys; refused where the staff policy would leave no factor. */
export async function remove(app: AppContext, actor: Actor, id: string) {
  const all = await sec.listPasskeys(app.db, actor.id);
  if (!all.some((p) => p.id === id)) throw new NotFound('Passkey');
  const totp = await sec.findTotp(app.db, actor.id);
  if (isStaff(actor) && all.length === 1 && !totp?.confirmed_at && (await staffMfaRequired(app)))
    throw new Conflict('Staff must keep a second factor: the administrator requires it', 'mfa_required');
  await inTransaction(app.db, async (trx) => {
    await sec.deletePasskey(trx, actor.id, id);
    await recordAudit(trx, { entityType: 'user', entityId: actor.id, actorId: actor.id, action: 'mfa_disabled', after: { factor: 'passkey' } });
  });
}

/**
 * The options for signing in with a passkey: with a pending sign-in (after the password) only that
 * person's passkeys; without, any passkey the browser holds for the desk (passwordless, staff only).
 */
export async function signInOptions(app: AppContext, pendingToken?: string) {
  const { rpID } = relyingParty(app);
  let userId: string | null = null;
  let allowCredentials: { id: string; transports: AuthenticatorTransportFuture[] }[] | undefined;
  if (pendingToken) {
    const { user } = await findPendingUser(app, pendingToken);
    userId = user.id;
    allowCredentials = (await sec.listPasskeys(app.db, user.id)).map((p) => ({ id: p.id, transports: transportsOf(p.transports) }));
  }
  const options = await (await webauthn()).generateAuthenticationOptions({ rpID, allowCredentials, userVerification: 'preferred' });
  const challengeId = await saveChallenge(app, options.challenge, 'signin', userId);
  return { challengeId, options: options as unknown as Record<string, unknown> };
}

/** Signs in with a passkey's answer: the second step of a pending sign-in, or passwordless for staff. */
export async function signIn(
  app: AppContext,
  input: { challengeId: string; response: unknown; pendingToken?: string; rememberDevice?: boolean },
  client: ClientInfo,
) {
  const challenge = await takeChallenge(app, input.challengeId, 'signin');
  const response = input.response as AuthenticationResponseJSON;
  const passkey = typeof response?.id === 'string' ? await sec.findPasskey(app.db, response.id) : undefined;
  if (!passkey) throw new Unauthorized('This passkey is not known here');
  const user = await repo.findUserById(app.db, passkey.user_id);
  if (!user || !user.active) throw new Unauthorized('This passkey is not known here');
  assertNotLocked(app, user);
  let pendingId: string | null = null;
  if (challenge.user_id) {
    if (challenge.user_id !== user.id || !input.pendingToken) throw new Unauthorized('This passkey belongs to someone else');
    pendingId = (await findPendingUser(app, input.pendingToken)).pending.id;
  } else if (!isStaff(toActor(user))) {
    throw new Unauthorized('Sign in with your password first; a passkey is your second step');
  }
  const { rpID, origin } = relyingParty(app);
  const verification = await (await webauthn()).verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential: { id: passkey.id, publicKey: Buffer.from(passkey.public_key, 'base64url'), counter: passkey.counter, transports: transportsOf(passkey.transports) },
    requireUserVerification: false,
  }).catch(() => ({ verified: false, authenticationInfo: { newCounter: 0 } }));
  if (!verification.verified) {
    await countFailure(app, user.id, 'passkey', client);
    throw new Unauthorized('The passkey was not accepted');
  }
  await sec.touchPasskey(app.db, passkey.id, verification.authenticationInfo.newCounter, app.clock.now().toISOString());
  return finishSecondStep(app, pendingId, user, client, 'passkey', Boolean(input.rememberDevice));
}
