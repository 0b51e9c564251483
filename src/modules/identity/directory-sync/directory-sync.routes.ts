import { z } from 'zod';
import { errorResponses, IdParam } from '../../../contracts/common.js';
import * as c from '../../../contracts/sso.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../http/auth.hooks.js';
import * as sync from './sync.service.js';

/** An organization's LDAP directory, its sync (now or as a dry run) and the sync reports: provider admins only. */
export async function directorySyncRoutes(http: HttpServer, app: AppContext) {
  const tags = ['directory sync'];

  http.get('/api/v1/organizations/:id/directory', {
    schema: { tags, params: IdParam, response: { 200: c.DirectoryConfig, ...errorResponses } },
    handler: async (req) => sync.getConfig(app, actorOf(req), req.params.id),
  });
  http.put('/api/v1/organizations/:id/directory', {
    schema: { tags, params: IdParam, body: c.DirectoryConfigBody, response: { 200: c.DirectoryConfig, ...errorResponses } },
    handler: async (req) => sync.putConfig(app, actorOf(req), req.params.id, req.body),
  });
  http.delete('/api/v1/organizations/:id/directory', {
    schema: { tags, params: IdParam, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await sync.deleteConfig(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });
  http.post('/api/v1/organizations/:id/directory/sync', {
    schema: { tags, params: IdParam, body: c.SyncBody, response: { 200: c.SyncRun, ...errorResponses } },
    handler: async (req) => sync.syncNow(app, actorOf(req), req.params.id, req.body.dryRun),
  });
  http.get('/api/v1/organizations/:id/directory/runs', {
    schema: {
      tags,
      params: IdParam,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
      response: { 200: z.object({ items: z.array(c.SyncRun) }), ...errorResponses },
    },
    handler: async (req) => ({ items: await sync.listRuns(app, actorOf(req), req.params.id, req.query.limit) }),
  });
}
