import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorResponses, IdParam } from '../../../contracts/common.js';
import * as c from '../../../contracts/tickets.js';
import { TicketCount } from '../../../contracts/queue.js';
import { Invalid } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import { bodyCheckedByHandler, validate } from '../../../core/http/validate.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import type { Actor } from '../../identity/index.js';
import { localizedReason } from '../reasons.js';
import * as relations from '../relations.service.js';
import * as tickets from '../tickets.service.js';
import * as timeline from '../timeline.service.js';
import { presentAudit, presentCategory, presentDetail, presentEntry, presentListItem, ticketNumber } from './presenters.js';
import { assertMayWork } from '../tickets.policy.js';
import { sendStoredFile } from '../../../core/http/files.js';
import { keptResponses } from '../../../core/http/kept-responses.js';
import { viewRoutes } from './views.routes.js';

/** `"7"`, `W/"7"` or `7` → 7. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!m) throw new Invalid('If-Match must be the ETag of the request, e.g. "3"', 'if-match');
  return Number(m[1]);
}

/** Reads a comment sent as JSON or as multipart/form-data with files. */
async function readComment(req: FastifyRequest) {
  if (!req.isMultipart()) return { ...validate(c.CommentBody, req.body), files: [] };
  const fields: Record<string, string> = {};
  const files: timeline.UploadedFile[] = [];
  for await (const part of req.parts()) {
    if (part.type === 'file') files.push({ filename: part.filename || 'file', contentType: part.mimetype, data: await part.toBuffer() });
    else fields[part.fieldname] = String(part.value);
  }
  const flag = (v: string | undefined) => (v === undefined ? undefined : ['true', '1', 'on'].includes(v));
  return { ...validate(c.CommentBody, { body: fields.body, internal: flag(fields.internal), seenEntryId: fields.seenEntryId, force: flag(fields.force) }), files };
}

const ticketTag = ['tickets'];
const ParamsWith = <K extends string>(key: K) => IdParam.extend({ [key]: z.string().min(1).max(64) } as Record<K, z.ZodString>);

/** Requests: create, list, read, change, reply and note, attachments, watchers, links, audit; categories. */
export async function ticketRoutes(http: HttpServer, app: AppContext) {
  const detail = async (actor: Actor, id: string) => presentDetail(await relations.getTicketDetail(app, actor, id), actor);
  // The queues' pages and counts, kept per person and address while nothing is written, for
  // LIST_CACHE_MS at most (their time left ages).
  const lists = keptResponses(app.db, app.clock, { maxAgeMs: () => app.config.listCacheMs, maxBytes: 8 * 2 ** 20 });

  http.post('/api/v1/tickets', {
    schema: { tags: ticketTag, body: c.TicketCreate, response: { 201: c.TicketDetail, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const id = await tickets.createTicket(app, actor, req.body, req.auth!.via);
      const t = await detail(actor, id);
      return reply.code(201).header('location', `/api/v1/tickets/${id}`).header('etag', `"${t.version}"`).send(t);
    },
  });

  http.get('/api/v1/tickets', {
    schema: { tags: ticketTag, querystring: c.TicketListQuery, response: { 200: c.TicketPage, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const { q, status, priority, channel, ...rest } = req.query;
      return lists.send(reply, `${actor.id} ${req.url}`, async () => {
        const page = await tickets.listTickets(app, actor, { ...rest, text: q, statuses: status, priorities: priority, channels: channel });
        return { items: page.rows.map((r) => presentListItem(r, actor)), nextCursor: page.nextCursor };
      });
    },
  });

  await viewRoutes(http, app);

  http.get('/api/v1/tickets/count', {
    schema: {
      tags: ticketTag,
      description: 'How many requests match the filters of the list (the same query string, without sort and paging).',
      querystring: c.TicketListQuery.omit({ sort: true, cursor: true, limit: true }),
      response: { 200: TicketCount, ...errorResponses },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const { q, status, priority, channel, ...rest } = req.query;
      return lists.send(reply, `${actor.id} ${req.url}`, async () => ({
        count: await tickets.countTickets(app, actor, { ...rest, text: q, statuses: status, priorities: priority, channels: channel }),
      }));
    },
  });

  http.get('/api/v1/tickets/:id', {
    schema: { tags: ticketTag, params: IdParam, response: { 200: c.TicketDetail, ...errorResponses } },
    handler: async (req, reply) => {
      const t = await detail(actorOf(req), req.params.id);
      return reply.header('etag', `"${t.version}"`).send(t);
    },
  });

  http.patch('/api/v1/tickets/:id', {
    schema: { tags: ticketTag, params: IdParam, body: c.TicketPatch, response: { 200: c.TicketDetail, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const { version, ...patch } = req.body;
      const expected = parseIfMatch(req.headers['if-match']) ?? version;
      const id = await tickets.updateTicket(app, actor, req.params.id, patch, expected);
      const t = await detail(actor, id);
      return reply.header('etag', `"${t.version}"`).send(t);
    },
  });

  http.post('/api/v1/tickets/:id/take', {
    schema: { tags: ticketTag, params: IdParam, response: { 200: c.TicketDetail, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return detail(actor, await tickets.takeTicket(app, actor, req.params.id));
    },
  });

  http.post('/api/v1/tickets/:id/escalate', {
    schema: {
      tags: ticketTag,
      params: IdParam,
      body: c.EscalateBody,
      description: 'Moves the request to another line (up or down), with the reason in its timeline.',
      response: { 200: c.TicketDetail, ...errorResponses },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      return detail(actor, await tickets.updateTicket(app, actor, req.params.id, { line: req.body.line, reason: req.body.reason }));
    },
  });

  for (const [action, to] of [['reopen', 'open'], ['close', 'closed']] as const)
    http.post(`/api/v1/tickets/:id/${action}`, {
      schema: { tags: ticketTag, params: IdParam, response: { 200: c.TicketDetail, ...errorResponses } },
      handler: async (req) => {
        const actor = actorOf(req);
        return detail(actor, await tickets.changeStatusAsRequester(app, actor, req.params.id, to));
      },
    });

  http.post('/api/v1/tickets/:id/comments', {
    schema: {
      tags: ticketTag,
      params: IdParam,
      description: 'JSON `{body, internal}`, or multipart/form-data with the fields `body`, `internal` and files.',
      // Declared for the reference; readComment reads and checks the body (JSON or multipart).
      body: c.CommentBody,
      consumes: ['application/json', 'multipart/form-data'],
      response: { 201: c.TimelineEntry, ...errorResponses },
    },
    validatorCompiler: bodyCheckedByHandler,
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const input = await readComment(req);
      if (input.seenEntryId !== undefined && !input.force) await timeline.assertNothingNewSince(app, actor, req.params.id, input.seenEntryId);
      const { ticketId, entry } = await timeline.addComment(app, actor, req.params.id, input);
      return reply.code(201).send(presentEntry(ticketId, entry, actor));
    },
  });

  http.get('/api/v1/tickets/:id/timeline', {
    schema: { tags: ticketTag, params: IdParam, response: { 200: c.Timeline, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      const { ticket, entries, names } = await timeline.listTimeline(app, actor, req.params.id);
      return { items: entries.map((e) => presentEntry(ticket.id, e, actor, names)) };
    },
  });

  http.get('/api/v1/tickets/:id/attachments/:attachmentId', {
    schema: { tags: ticketTag, params: ParamsWith('attachmentId') },
    handler: async (req, reply) => {
      const { attachment, stream } = await timeline.getAttachment(app, actorOf(req), req.params.id, req.params.attachmentId);
      return sendStoredFile(reply, { contentType: attachment.content_type, filename: attachment.filename, size: attachment.size }, stream);
    },
  });

  http.post('/api/v1/tickets/:id/watchers', {
    schema: {
      tags: ticketTag,
      params: IdParam,
      body: c.WatcherCreate,
      description:
        'Staff add anyone who may see the request; a client IT manager people of the company. A client person who watches a request may read it (and gets its notices) until removed.',
      response: { 200: c.TicketDetail, ...errorResponses },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      await relations.addWatcher(app, actor, req.params.id, req.body.userId);
      return detail(actor, req.params.id);
    },
  });
  http.delete('/api/v1/tickets/:id/watchers/:userId', {
    schema: { tags: ticketTag, params: ParamsWith('userId'), response: { 200: c.TicketDetail, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      await relations.removeWatcher(app, actor, req.params.id, req.params.userId);
      return detail(actor, req.params.id);
    },
  });

  http.post('/api/v1/tickets/:id/links', {
    schema: {
      tags: ticketTag,
      params: IdParam,
      body: c.LinkCreate,
      description:
        'Staff. 409 `already_exists` for a link already there (stated from either end); 409 `link_cycle` (the loop in `details.cycle`) for a parent or duplicate link that would lead back to where it started.',
      response: { 201: c.TicketDetail, ...errorResponses },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      await relations.addLink(app, actor, req.params.id, req.body);
      return reply.code(201).send(await detail(actor, req.params.id));
    },
  });
  http.delete('/api/v1/tickets/:id/links/:linkId', {
    schema: { tags: ticketTag, params: ParamsWith('linkId'), response: { 200: c.TicketDetail, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      await relations.removeLink(app, actor, req.params.id, req.params.linkId);
      return detail(actor, req.params.id);
    },
  });

  http.get('/api/v1/tickets/:id/audit', {
    schema: { tags: ticketTag, params: IdParam, response: { 200: z.object({ items: z.array(c.AuditEntry) }), ...errorResponses } },
    handler: async (req) => ({ items: (await relations.ticketAudit(app, actorOf(req), req.params.id)).map(presentAudit) }),
  });

  http.get('/api/v1/categories', {
    schema: { tags: ticketTag, response: { 200: z.object({ items: z.array(c.Category) }), ...errorResponses } },
    handler: async (req) => {
      actorOf(req);
      return { items: (await relations.listCategories(app)).map(presentCategory) };
    },
  });
  http.post('/api/v1/categories', {
    schema: { tags: ticketTag, body: c.CategoryCreate, response: { 201: c.Category, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(presentCategory(await relations.createCategory(app, actorOf(req), req.body))),
  });
  http.patch('/api/v1/categories/:id', {
    schema: { tags: ticketTag, params: IdParam, body: c.CategoryPatch, response: { 200: c.Category, ...errorResponses } },
    handler: async (req) => presentCategory(await relations.updateCategory(app, actorOf(req), req.params.id, req.body)),
  });

  // For the manager dashboard's escalation feed: the latest moves between lines, by hand or by rule.
  http.get('/api/v1/escalations', {
    schema: {
      tags: ticketTag,
      description: 'Staff only: the latest line changes of any request, newest first.',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(30) }),
      response: {
        200: z.object({
          items: z.array(
            z.object({
              id: z.number(),
              ticketId: z.string(),
              number: z.string(),
              subject: z.string(),
              from: z.string().nullable(),
              to: z.string().nullable(),
              by: z.string().nullable(),
              reason: z.string().nullable(),
              actor: z.object({ id: z.string(), name: z.string() }).nullable(),
              createdAt: z.string(),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      assertMayWork(actor);
      const rows = await app.db
        .selectFrom('timeline_entries as e')
        .innerJoin('tickets as t', 't.id', 'e.ticket_id')
        .leftJoin('users as u', 'u.id', 'e.author_id')
        .select(['e.id', 'e.ticket_id', 'e.data', 'e.created_at', 'e.author_id', 'u.name as author_name', 't.number', 't.subject'])
        .where('e.kind', '=', 'event')
        .where('e.event_type', '=', 'line_changed')
        .orderBy('e.id', 'desc')
        .limit(req.query.limit)
        .execute();
      return {
        items: rows.map((r) => {
          const d = (r.data ? JSON.parse(r.data) : {}) as Record<string, string | undefined>;
          return {
            id: Number(r.id),
            ticketId: r.ticket_id,
            number: ticketNumber(r.number),
            subject: r.subject,
            from: d.from ?? null,
            to: d.to ?? null,
            by: d.by ?? null,
            // A reason the desk wrote, in the reader's language; a person's own words as written.
            reason: localizedReason(actor.locale, d),
            actor: r.author_id ? { id: r.author_id, name: r.author_name ?? '' } : null,
            createdAt: r.created_at,
          };
        }),
      };
    },
  });
}
