import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/workspace.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import * as canned from '../canned.service.js';
import type { CannedRow } from '../canned.repo.js';

const tags = ['canned replies'];

const present = (r: CannedRow) => ({
  id: r.id,
  name: r.name,
  shared: r.owner_id === null,
  bodyEn: r.body_en,
  bodyRu: r.body_ru,
  usageCount: Number(r.usage_count),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Canned replies (staff only): the caller's own and the shared ones, and one rendered for a request. */
export async function cannedRoutes(http: HttpServer, app: AppContext) {
  http.get('/api/v1/canned-replies', {
    schema: { tags, querystring: c.CannedReplyQuery, response: { 200: c.CannedReplyList, ...errorResponses } },
    handler: async (req) => ({ items: (await canned.listCanned(app, actorOf(req), req.query.q)).map(present) }),
  });

  http.post('/api/v1/canned-replies', {
    schema: { tags, body: c.CannedReplyCreate, response: { 201: c.CannedReply, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const id = await canned.createCanned(app, actor, req.body);
      return reply.code(201).header('location', `/api/v1/canned-replies/${id}`).send(present(await canned.getCanned(app, actor, id)));
    },
  });

  http.get('/api/v1/canned-replies/:id', {
    schema: { tags, params: IdParam, response: { 200: c.CannedReply, ...errorResponses } },
    handler: async (req) => present(await canned.getCanned(app, actorOf(req), req.params.id)),
  });

  http.patch('/api/v1/canned-replies/:id', {
    schema: { tags, params: IdParam, body: c.CannedReplyPatch, response: { 200: c.CannedReply, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return present(await canned.getCanned(app, actor, await canned.updateCanned(app, actor, req.params.id, req.body)));
    },
  });

  http.delete('/api/v1/canned-replies/:id', {
    schema: { tags, params: IdParam, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await canned.deleteCanned(app, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  });

  http.post('/api/v1/canned-replies/:id/render', {
    schema: { tags, params: IdParam, body: c.CannedReplyRender, response: { 200: c.CannedReplyRendered, ...errorResponses } },
    handler: async (req) => {
      const { text, locale } = await canned.renderCanned(app, actorOf(req), req.params.id, req.body.ticketId);
      return { text, locale };
    },
  });
}
