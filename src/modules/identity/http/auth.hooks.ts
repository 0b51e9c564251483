import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, Forbidden, Unauthorized } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import type { Actor } from '../actor.js';
import { authenticateSession, authenticateToken, type Authentication } from '../auth.service.js';

export const SESSION_COOKIE = 'tierdesk_session';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authentication | null;
  }
  interface FastifyContextConfig {
    /** The route answers without sign-in (sign-in itself, health, signed webhooks). */
    public?: boolean;
    /** The route reads the Authorization header itself (the metrics token): no sign-in is looked up. */
    ownAuthorization?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const READS = new Set(['GET', 'HEAD']);

/** What a session held to enrolment (the staff policy, no factor yet) may still reach. */
const openToEnrolment = (method: string, url: string) =>
  url.startsWith('/api/v1/auth/') || url.startsWith('/api/v1/me/mfa') || url.startsWith('/api/v1/me/passkeys') || (url === '/api/v1/me' && method === 'GET');
const sameSecret = (a: string, b: string) =>
  a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Resolves who is calling, from a Bearer token or the session cookie, for every request; refuses
 * an anonymous call to any API route not marked public, and a cookie-authenticated write that does
 * not carry the session's CSRF token — both before the input is even validated.
 */
export function registerAuthentication(http: HttpServer, app: AppContext) {
  http.decorateRequest('auth', null);
  http.addHook('onRequest', async (req) => {
    if (req.routeOptions.config.ownAuthorization) return;
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      req.auth = m ? await authenticateToken(app, m[1]!) : null;
      if (!req.auth) throw new Unauthorized('The API token is invalid or revoked');
      if (req.auth.via === 'token' && req.auth.readOnly && !READS.has(req.method))
        throw new DomainError('This API token may only read (GET)', 'read_only_token');
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) req.auth = await authenticateSession(app, cookie);
  });
  http.addHook('preValidation', async (req) => {
    const url = req.routeOptions.url;
    if (!req.auth && url?.startsWith('/api/') && !req.routeOptions.config.public) throw new Unauthorized();
    if (req.auth?.via === 'session' && req.auth.enrolOnly && url?.startsWith('/api/') && !openToEnrolment(req.method, url))
      throw new DomainError('Set up a second factor first: the administrator requires it for staff', 'mfa_enrolment_required');
    if (req.auth?.via !== 'session' || !UNSAFE.has(req.method)) return;
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, req.auth.csrfToken))
      throw new Forbidden('Missing or wrong x-csrf-token header');
  });
}

/** The signed-in actor, or 401. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.auth) throw new Unauthorized();
  return req.auth.actor;
}

export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge: maxAgeSeconds });
}

export const DEVICE_COOKIE = 'tierdesk_device';

/** The remembered-device cookie: lets this browser skip the second factor until it expires. */
export function setDeviceCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, secure: boolean) {
  reply.setCookie(DEVICE_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/api/v1/auth/', secure, maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
