import { z } from 'zod';
import { errorResponses, IdParam } from '../../../contracts/common.js';
import * as c from '../../../contracts/sso.js';
import { DomainError } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf, setSessionCookie } from '../http/auth.hooks.js';
import * as sso from './sso.service.js';
import { clientInfo } from '../http/security.routes.js';

/** The cookie that binds a sign-in under way to the browser that started it. */
const STATE_COOKIE = 'tierdesk_sso_state';
const STATE_PATH = '/api/v1/auth/sso';

/** Single sign-on with OpenID Connect: the sign-in flow, and the IdP configurations (provider admins). */
export async function ssoRoutes(http: HttpServer, app: AppContext) {
  const tags = ['single sign-on'];
  const limit = { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: 60_000 } };

  http.post('/api/v1/auth/sso/discover', {
    schema: { tags, body: c.SsoDiscoverBody, response: { 200: c.SsoDiscover, ...errorResponses } },
    config: { public: true, ...limit },
    handler: async (req) => sso.discover(app, req.body.email),
  });

  http.get('/api/v1/auth/sso/:id/start', {
    schema: { tags, params: IdParam, querystring: c.SsoStartQuery, response: { ...errorResponses } },
    config: { public: true, ...limit },
    handler: async (req, reply) => {
      let started: Awaited<ReturnType<typeof sso.start>>;
      try {
        started = await sso.start(app, req.params.id, req.query.login_hint);
      } catch (err) {
        // An IdP that cannot be reached: back to the sign-in screen, which says so.
        if (err instanceof sso.SsoRefused) return reply.redirect(`/sign-in?sso_error=${encodeURIComponent(err.code)}`, 302);
        throw err;
      }
      const { url, state, ttlSeconds } = started;
      reply.setCookie(STATE_COOKIE, state, { httpOnly: true, sameSite: 'lax', path: STATE_PATH, secure: app.config.cookieSecure, maxAge: ttlSeconds });
      return reply.redirect(url, 302);
    },
  });

  // The IdP sends the browser back here; it ends on the web app, signed in, or on the sign-in
  // screen with the reason (?sso_error=code) it was refused.
  http.get('/api/v1/auth/sso/callback', {
    schema: { tags, querystring: c.SsoCallbackQuery },
    config: { public: true, ...limit },
    handler: async (req, reply) => {
      reply.clearCookie(STATE_COOKIE, { path: STATE_PATH });
      try {
        const current = new URL(app.config.publicUrl + req.url);
        const { sessionToken } = await sso.callback(app, current, req.cookies[STATE_COOKIE], clientInfo(req));
        setSessionCookie(reply, sessionToken, app.config.sessionTtlHours * 3600, app.config.cookieSecure);
        return reply.redirect('/', 302);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        req.log.info({ code: err.code, reason: err.message }, 'single sign-on refused');
        return reply.redirect(`/sign-in?sso_error=${encodeURIComponent(err.code)}`, 302);
      }
    },
  });

  const scopes = [
    { path: '/api/v1/organizations/:id/sso', org: (p: { id: string }) => p.id, params: IdParam },
    { path: '/api/v1/sso/staff', org: () => null, params: z.object({}) },
  ] as const;
  for (const s of scopes) {
    http.get(s.path, {
      schema: { tags, params: s.params, response: { 200: c.SsoConfig, ...errorResponses } },
      handler: async (req) => sso.getConfig(app, actorOf(req), s.org(req.params as { id: string })),
    });
    http.put(s.path, {
      schema: { tags, params: s.params, body: c.SsoConfigBody, response: { 200: c.SsoConfig, ...errorResponses } },
      handler: async (req) => sso.putConfig(app, actorOf(req), s.org(req.params as { id: string }), req.body),
    });
    http.delete(s.path, {
      schema: { tags, params: s.params, response: { 204: z.null(), ...errorResponses } },
      handler: async (req, reply) => {
        await sso.deleteConfig(app, actorOf(req), s.org(req.params as { id: string }));
        return reply.code(204).send(null);
      },
    });
  }
}
