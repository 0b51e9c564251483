import fastifyRateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/identity.js';
import { NotFound } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import * as auth from '../auth.service.js';
import * as directory from '../directory.service.js';
import { findUserById } from '../identity.repo.js';
import { actorOf, clearSessionCookie, SESSION_COOKIE, setSessionCookie } from './auth.hooks.js';
import { SecondFactorNeeded } from '../../../contracts/security.js';
import { loginResponseExample } from '../../../contracts/examples.js';
import { clientInfo, securityRoutes } from './security.routes.js';
import { presentOrganization, presentPerson, presentPlan } from './presenters.js';
import { ssoRoutes } from '../sso/sso.routes.js';
import { directorySyncRoutes } from '../directory-sync/directory-sync.routes.js';
import { importRoutes } from '../import/import.routes.js';

/** Sign-in, one's own profile and tokens, and the directory: organizations, plans, people, groups. */
export async function identityRoutes(http: HttpServer, app: AppContext) {
  await http.register(fastifyRateLimit, { global: false });
  const tags = ['identity'];

  http.post('/api/v1/auth/login', {
    schema: {
      tags,
      description: 'With a second factor enrolled the answer is `{secondFactor: true, pendingToken, methods}`: finish at /api/v1/auth/login/code or /api/v1/auth/passkey/verify.',
      body: c.LoginBody,
      response: { 200: z.union([c.LoginResponse, SecondFactorNeeded]).meta({ example: loginResponseExample }), ...errorResponses },
    },
    config: { public: true, rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: 60_000 } },
    handler: async (req, reply) => {
      const r = await auth.login(app, req.body.email, req.body.password, clientInfo(req));
      if (r.kind === 'second_factor') return { secondFactor: true as const, pendingToken: r.pendingToken, methods: r.methods as ('totp' | 'recovery' | 'passkey')[] };
      setSessionCookie(reply, r.sessionToken, app.config.sessionTtlHours * 3600, app.config.cookieSecure);
      const user = (await findUserById(app.db, r.actor.id))!;
      return { user: presentPerson(user, r.actor), csrfToken: r.csrfToken, ...(r.enrolOnly && { mfaEnrolmentRequired: true }) };
    },
  });

  http.post('/api/v1/auth/logout', {
    schema: { tags, response: { 200: Ok } },
    config: { public: true },
    handler: async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await auth.logout(app, token);
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  });

  http.post('/api/v1/auth/password/forgot', {
    schema: { tags, body: c.ForgotBody, response: { 202: Ok, ...errorResponses } },
    config: { public: true, rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: 60_000 } },
    handler: async (req, reply) => {
      await auth.requestPasswordReset(app, req.body.email);
      return reply.code(202).send({ ok: true as const });
    },
  });

  http.post('/api/v1/auth/password/reset', {
    schema: { tags, body: c.ResetBody, response: { 200: Ok, ...errorResponses } },
    config: { public: true, rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: 60_000 } },
    handler: async (req) => {
      await auth.resetPassword(app, req.body.token, req.body.password);
      return { ok: true as const };
    },
  });

  http.get('/api/v1/me', {
    schema: { tags, response: { 200: c.Me, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      const user = (await findUserById(app.db, actor.id))!;
      return {
        ...presentPerson(user, actor),
        ...(req.auth?.via === 'session' && { csrfToken: req.auth.csrfToken, ...(req.auth.enrolOnly && { mfaEnrolmentRequired: true }) }),
      };
    },
  });

  http.patch('/api/v1/me', {
    schema: { tags, body: c.MePatch, response: { 200: c.Person, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return presentPerson(await directory.updateSelf(app, actor, req.body), actor);
    },
  });

  http.post('/api/v1/me/password', {
    schema: { tags, body: c.ChangePasswordBody, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await auth.changePassword(app, actorOf(req), req.body.currentPassword, req.body.newPassword, req.cookies[SESSION_COOKIE]);
      return { ok: true as const };
    },
  });

  http.get('/api/v1/me/tokens', {
    schema: { tags, response: { 200: z.object({ items: z.array(c.ApiToken) }), ...errorResponses } },
    handler: async (req) => {
      const rows = await auth.listApiTokens(app, actorOf(req));
      return {
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          createdAt: r.created_at,
          lastUsedAt: r.last_used_at,
          revokedAt: r.revoked_at,
          readOnly: Boolean(r.read_only),
          expiresAt: r.expires_at,
        })),
      };
    },
  });

  http.post('/api/v1/me/tokens', {
    schema: { tags, body: c.ApiTokenCreate, response: { 201: c.NewApiToken, ...errorResponses } },
    handler: async (req, reply) =>
      reply.code(201).send(await auth.createApiToken(app, actorOf(req), req.body.name, { readOnly: req.body.readOnly, expiresAt: req.body.expiresAt })),
  });

  http.delete('/api/v1/me/tokens/:id', {
    schema: { tags, params: IdParam, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      if (!(await auth.revokeApiToken(app, actorOf(req), req.params.id))) throw new NotFound('Token');
      return reply.code(204).send(null);
    },
  });

  await securityRoutes(http, app);

  // Organizations and plans

  http.get('/api/v1/organizations', {
    schema: { tags, response: { 200: z.object({ items: z.array(c.Organization) }), ...errorResponses } },
    handler: async (req) => ({ items: (await directory.listOrganizations(app, actorOf(req))).map(presentOrganization) }),
  });
  http.get('/api/v1/organizations/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Organization, ...errorResponses } },
    handler: async (req) => presentOrganization(await directory.getOrganization(app, actorOf(req), req.params.id)),
  });
  http.post('/api/v1/organizations', {
    schema: { tags, body: c.OrganizationCreate, response: { 201: c.Organization, ...errorResponses } },
    handler: async (req, reply) =>
      reply.code(201).send(presentOrganization(await directory.createOrganization(app, actorOf(req), req.body))),
  });
  http.patch('/api/v1/organizations/:id', {
    schema: { tags, params: IdParam, body: c.OrganizationPatch, response: { 200: c.Organization, ...errorResponses } },
    handler: async (req) => presentOrganization(await directory.updateOrganization(app, actorOf(req), req.params.id, req.body)),
  });

  http.get('/api/v1/plans', {
    schema: { tags, response: { 200: z.object({ items: z.array(c.Plan) }), ...errorResponses } },
    handler: async (req) => {
      actorOf(req);
      return { items: (await directory.listPlans(app)).map(presentPlan) };
    },
  });
  http.post('/api/v1/plans', {
    schema: { tags, body: c.PlanCreate, response: { 201: c.Plan, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(presentPlan(await directory.createPlan(app, actorOf(req), req.body))),
  });
  http.patch('/api/v1/plans/:id', {
    schema: { tags, params: IdParam, body: c.PlanPatch, response: { 200: c.Plan, ...errorResponses } },
    handler: async (req) => presentPlan(await directory.updatePlan(app, actorOf(req), req.params.id, req.body)),
  });

  // People

  http.get('/api/v1/users', {
    schema: { tags, querystring: c.PeopleQuery, response: { 200: z.object({ items: z.array(c.Person) }), ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      const { organizationId, role: roles, limit } = req.query;
      const rows = await directory.listPeople(app, actor, { organizationId, roles, limit });
      return { items: rows.map((u) => presentPerson(u, actor)) };
    },
  });
  http.get('/api/v1/users/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Person, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return presentPerson(await directory.getPerson(app, actor, req.params.id), actor);
    },
  });
  http.post('/api/v1/users', {
    schema: { tags, body: c.PersonCreate, response: { 201: c.Person, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      return reply.code(201).send(presentPerson(await directory.createPerson(app, actor, req.body), actor));
    },
  });
  http.patch('/api/v1/users/:id', {
    schema: { tags, params: IdParam, body: c.PersonPatch, response: { 200: c.Person, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return presentPerson(await directory.updatePerson(app, actor, req.params.id, req.body), actor);
    },
  });

  // Groups

  const presentGroup = (g: { id: string; name: string; description: string; memberIds: string[] }) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    memberIds: g.memberIds,
  });
  http.get('/api/v1/groups', {
    schema: { tags, response: { 200: z.object({ items: z.array(c.Group) }), ...errorResponses } },
    handler: async (req) => ({ items: (await directory.listGroups(app, actorOf(req))).map(presentGroup) }),
  });
  http.post('/api/v1/groups', {
    schema: { tags, body: c.GroupCreate, response: { 201: c.Group, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(presentGroup(await directory.createGroup(app, actorOf(req), req.body))),
  });
  http.patch('/api/v1/groups/:id', {
    schema: { tags, params: IdParam, body: c.GroupPatch, response: { 200: c.Group, ...errorResponses } },
    handler: async (req) => presentGroup(await directory.updateGroup(app, actorOf(req), req.params.id, req.body)),
  });
  http.delete('/api/v1/groups/:id', {
    schema: { tags, params: IdParam, description: 'Only a group no request names (409 group_in_use).', response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await directory.deleteGroup(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });
  http.put('/api/v1/groups/:id/members', {
    schema: { tags, params: IdParam, body: c.GroupMembers, response: { 200: c.Group, ...errorResponses } },
    handler: async (req) => presentGroup(await directory.setGroupMembers(app, actorOf(req), req.params.id, req.body.memberIds)),
  });

  // Single sign-on (OpenID Connect) and directory sync (LDAP).
  await ssoRoutes(http, app);
  await directorySyncRoutes(http, app);
  await importRoutes(http, app);
}
