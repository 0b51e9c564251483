import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/workspace.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import { mergeTickets } from '../../tickets/index.js';
import { applyToMany } from '../bulk.service.js';
import * as macros from '../macros.service.js';
import type { MacroRow } from '../macros.repo.js';

const tags = ['macros and bulk work'];

const present = (r: MacroRow) => ({
  id: r.id,
  name: r.name,
  shared: r.owner_id === null,
  actions: macros.macroActions(r),
  usageCount: Number(r.usage_count),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Macros (staff only), bulk work on many requests and merging duplicates. */
export async function macroRoutes(http: HttpServer, app: AppContext) {
  const one = async (req: Parameters<typeof actorOf>[0], id: string) => present(await macros.loadMacro(app.db, actorOf(req), id));

  http.get('/api/v1/macros', {
    schema: { tags, response: { 200: c.MacroList, ...errorResponses } },
    handler: async (req) => ({ items: (await macros.listMacros(app, actorOf(req))).map(present) }),
  });

  http.post('/api/v1/macros', {
    schema: { tags, body: c.MacroCreate, response: { 201: c.Macro, ...errorResponses } },
    handler: async (req, reply) => {
      const id = await macros.createMacro(app, actorOf(req), req.body);
      return reply.code(201).header('location', `/api/v1/macros/${id}`).send(await one(req, id));
    },
  });

  http.get('/api/v1/macros/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Macro, ...errorResponses } },
    handler: async (req) => one(req, req.params.id),
  });

  http.patch('/api/v1/macros/:id', {
    schema: { tags, params: IdParam, body: c.MacroPatch, response: { 200: c.Macro, ...errorResponses } },
    handler: async (req) => one(req, await macros.updateMacro(app, actorOf(req), req.params.id, req.body)),
  });

  http.delete('/api/v1/macros/:id', {
    schema: { tags, params: IdParam, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await macros.deleteMacro(app, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  });

  http.post('/api/v1/tickets/bulk', {
    schema: {
      tags,
      description: 'Applies actions or a macro to many requests; each is changed all or nothing, and refusals are reported per request.',
      body: c.BulkBody,
      response: { 200: c.BulkResponse, ...errorResponses },
    },
    handler: async (req) => applyToMany(app, actorOf(req), req.body),
  });

  http.post('/api/v1/tickets/:id/merge', {
    schema: {
      tags,
      description: 'Merges the requests in `sources` into this one: they are closed as its duplicates, their people watch it, their attachments are copied to it.',
      params: IdParam,
      body: c.MergeBody,
      response: { 200: c.MergeResponse, ...errorResponses },
    },
    handler: async (req) => mergeTickets(app, actorOf(req), req.params.id, req.body.sources),
  });
}
