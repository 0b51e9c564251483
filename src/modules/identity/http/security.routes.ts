import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import { LoginResponse } from '../../../contracts/identity.js';
import * as c from '../../../contracts/security.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { toActor, type ClientInfo } from '../auth.service.js';
import { findUserById } from '../identity.repo.js';
import * as mfa from '../mfa.service.js';
import * as passkeys from '../passkeys.service.js';
import * as sessions from '../sessions.service.js';
import { actorOf, DEVICE_COOKIE, setDeviceCookie, setSessionCookie } from './auth.hooks.js';
import { presentPerson } from './presenters.js';

/** Where a request comes from, for sessions and the audit log. */
export function clientInfo(req: FastifyRequest): ClientInfo {
  return { userAgent: req.headers['user-agent'] ?? null, ip: req.ip ?? null, deviceToken: req.cookies[DEVICE_COOKIE] };
}

const currentSessionId = (req: FastifyRequest) => (req.auth?.via === 'session' ? req.auth.sessionId : undefined);

/** Two-factor sign-in, passkeys, the sessions people see, and the staff policy (issue 17). */
export async function securityRoutes(http: HttpServer, app: AppContext) {
  const tags = ['security'];
  const limited = { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: 60_000 } };

  async function signedIn(reply: FastifyReply, r: { actor: { id: string }; sessionToken: string; csrfToken: string; deviceToken?: string }) {
    setSessionCookie(reply, r.sessionToken, app.config.sessionTtlHours * 3600, app.config.cookieSecure);
    if (r.deviceToken) setDeviceCookie(reply, r.deviceToken, app.config.mfaRememberDays * 86_400, app.config.cookieSecure);
    const user = (await findUserById(app.db, r.actor.id))!;
    return { user: presentPerson(user, toActor(user)), csrfToken: r.csrfToken };
  }

  // The second step of signing in

  http.post('/api/v1/auth/login/code', {
    schema: { tags, description: 'The second step: a code from the authenticator app or a recovery code.', body: c.CodeBody, response: { 200: LoginResponse, ...errorResponses } },
    config: { public: true, ...limited },
    handler: async (req, reply) =>
      signedIn(reply, await mfa.completeWithCode(app, req.body.pendingToken, req.body.code, clientInfo(req), Boolean(req.body.rememberDevice))),
  });

  http.post('/api/v1/auth/passkey/options', {
    schema: { tags, description: 'Options for signing in with a passkey: with pendingToken the second step, without it passwordless (staff).', body: c.PasskeyOptionsBody, response: { 200: c.WebAuthnOptions, ...errorResponses } },
    config: { public: true, ...limited },
    handler: async (req) => passkeys.signInOptions(app, req.body.pendingToken),
  });

  http.post('/api/v1/auth/passkey/verify', {
    schema: { tags, body: c.PasskeySignIn, response: { 200: LoginResponse, ...errorResponses } },
    config: { public: true, ...limited },
    handler: async (req, reply) => signedIn(reply, await passkeys.signIn(app, req.body, clientInfo(req))),
  });

  // One's own second factors

  http.get('/api/v1/me/mfa', {
    schema: { tags, response: { 200: c.MfaStatus, ...errorResponses } },
    handler: async (req) => mfa.status(app, actorOf(req), actorOf(req).id),
  });
  http.post('/api/v1/me/mfa/totp', {
    schema: { tags, description: 'Starts enrolling an authenticator app; the QR code is at qrCodeUrl.', response: { 200: c.TotpStart, ...errorResponses } },
    handler: async (req) => ({ ...(await mfa.beginTotp(app, actorOf(req))), qrCodeUrl: '/api/v1/me/mfa/totp/qr.svg' }),
  });
  http.get('/api/v1/me/mfa/totp/qr.svg', {
    schema: { tags, description: 'The QR code (SVG) of the enrolment under way.' },
    handler: async (req, reply) => reply.type('image/svg+xml').header('cache-control', 'no-store').send(await mfa.totpQrSvg(app, actorOf(req))),
  });
  http.post('/api/v1/me/mfa/totp/confirm', {
    schema: { tags, description: 'Confirms enrolment with a first code; the ten recovery codes are shown this once.', body: c.TotpConfirm, response: { 200: c.RecoveryCodes, ...errorResponses } },
    handler: async (req) => mfa.confirmTotp(app, actorOf(req), req.body.code),
  });
  http.post('/api/v1/me/mfa/totp/disable', {
    schema: { tags, body: c.PasswordBody, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await mfa.disableTotp(app, actorOf(req), req.body.password);
      return { ok: true as const };
    },
  });
  http.post('/api/v1/me/mfa/recovery-codes', {
    schema: { tags, description: 'New recovery codes; the old ones stop working.', response: { 200: c.RecoveryCodes, ...errorResponses } },
    handler: async (req) => mfa.regenerateRecoveryCodes(app, actorOf(req)),
  });
  http.delete('/api/v1/me/mfa/devices/:id', {
    schema: { tags, params: IdParam, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await mfa.forgetDevice(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });

  // Passkeys

  http.post('/api/v1/me/passkeys/options', {
    schema: { tags, response: { 200: c.WebAuthnOptions, ...errorResponses } },
    handler: async (req) => passkeys.registrationOptions(app, actorOf(req)),
  });
  http.post('/api/v1/me/passkeys', {
    schema: { tags, body: c.PasskeyRegister, response: { 201: c.Passkey, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await passkeys.register(app, actorOf(req), req.body)),
  });
  http.delete('/api/v1/me/passkeys/:id', {
    schema: { tags, params: z.object({ id: z.string().min(1).max(400) }), response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await passkeys.remove(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });

  // Sessions

  http.get('/api/v1/me/sessions', {
    schema: { tags, response: { 200: z.object({ items: z.array(c.Session) }), ...errorResponses } },
    handler: async (req) => ({ items: await sessions.listSessions(app, actorOf(req), actorOf(req).id, currentSessionId(req)) }),
  });
  http.delete('/api/v1/me/sessions/:id', {
    schema: { tags, params: c.SessionParam, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await sessions.endSession(app, actorOf(req), actorOf(req).id, req.params.id);
      return reply.code(204).send(null);
    },
  });
  http.post('/api/v1/me/sessions/end-all', {
    schema: { tags, description: 'Signs out everywhere else; with revokeTokens the API tokens stop working too.', body: c.EndAllBody, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      await sessions.endAllSessions(app, actor, actor.id, { keepSessionId: currentSessionId(req), revokeTokens: req.body.revokeTokens });
      return { ok: true as const };
    },
  });

  // Admins: the staff policy, a person's factors and sessions

  http.get('/api/v1/security/settings', {
    schema: { tags, response: { 200: c.SecuritySettings, ...errorResponses } },
    handler: async (req) => mfa.getSettings(app, actorOf(req)),
  });
  http.patch('/api/v1/security/settings', {
    schema: { tags, body: c.SecuritySettingsPatch, response: { 200: c.SecuritySettings, ...errorResponses } },
    handler: async (req) => mfa.updateSettings(app, actorOf(req), req.body),
  });
  http.get('/api/v1/users/:id/mfa', {
    schema: { tags, params: IdParam, response: { 200: c.MfaStatus, ...errorResponses } },
    handler: async (req) => mfa.status(app, actorOf(req), req.params.id),
  });
  http.post('/api/v1/users/:id/mfa/reset', {
    schema: { tags, description: 'Lost device: removes every factor and session of the person (admins; audited).', params: IdParam, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await mfa.resetFactors(app, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  });
  http.get('/api/v1/users/:id/sessions', {
    schema: { tags, params: IdParam, response: { 200: z.object({ items: z.array(c.Session) }), ...errorResponses } },
    handler: async (req) => ({ items: await sessions.listSessions(app, actorOf(req), req.params.id, currentSessionId(req)) }),
  });
  http.delete('/api/v1/users/:id/sessions/:sessionId', {
    schema: { tags, params: c.UserSessionParam, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await sessions.endSession(app, actorOf(req), req.params.id, req.params.sessionId);
      return reply.code(204).send(null);
    },
  });
  http.post('/api/v1/users/:id/sessions/end-all', {
    schema: { tags, params: IdParam, body: c.EndAllBody, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await sessions.endAllSessions(app, actorOf(req), req.params.id, { keepSessionId: currentSessionId(req), revokeTokens: req.body.revokeTokens });
      return { ok: true as const };
    },
  });
}
