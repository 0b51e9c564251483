import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/problems.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import { toCsv, toXlsx, type Table } from '../../reports/index.js';
import { ticketNumber } from '../../tickets/index.js';
import * as major from '../major.service.js';
import { reportText } from '../problems.messages.js';
import * as problems from '../problems.service.js';
import type { ProblemRow } from '../problems.repo.js';

const tags = ['problems'];
type Tables = Record<'problems' | 'categories', Table>;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const summary = (p: ProblemRow & { incidents?: number; open_incidents?: number }) => ({
  id: p.id,
  number: problems.problemNumber(p.number),
  title: p.title,
  status: p.status,
  rootCauseCategory: p.root_cause_category,
  incidents: Number(p.incidents ?? 0),
  openIncidents: Number(p.open_incidents ?? 0),
  createdAt: p.created_at,
  updatedAt: p.updated_at,
});

type IncidentRow = { id: string; number: number; subject: string; status: string; priority?: string; organization_id: string; organization_name: string; linked_at: string };
const incident = (t: IncidentRow) => ({
  id: t.id,
  number: ticketNumber(t.number),
  subject: t.subject,
  status: t.status,
  ...(t.priority && { priority: t.priority }),
  organization: { id: t.organization_id, name: t.organization_name },
  linkedAt: t.linked_at,
});

async function sendFile(reply: FastifyReply, format: 'csv' | 'xlsx', table: keyof Tables, tables: Tables) {
  if (format === 'csv')
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="tierdesk-problems-${table}.csv"`).send(toCsv(tables[table]));
  return reply.type(XLSX).header('content-disposition', 'attachment; filename="tierdesk-problems.xlsx"').send(await toXlsx(Object.values(tables)));
}

/** Problems (staff): open from incidents, link more, root cause, workaround to the KB, resolve; the report. */
export async function problemRoutes(http: HttpServer, app: AppContext) {
  const detail = async (id: string, actor: ReturnType<typeof actorOf>) => {
    const { problem: p, incidents, events } = await problems.getProblem(app, actor, id);
    const { incidents: _n, openIncidents: _o, ...base } = summary(p);
    return {
      ...base,
      description: p.description,
      rootCause: p.root_cause,
      workaround: p.workaround,
      kbPageId: p.kb_page_id,
      resolution: p.resolution,
      resolvedAt: p.resolved_at,
      incidents: incidents.map(incident),
      events: events.map((e) => ({ id: Number(e.id), type: e.type, data: JSON.parse(e.data) as Record<string, unknown>, actorName: e.actor_name, createdAt: e.created_at })),
    };
  };

  http.get('/api/v1/problems', {
    schema: { tags, querystring: c.ProblemListQuery, response: { 200: c.ProblemList, ...errorResponses } },
    handler: async (req) => ({ items: (await problems.listProblems(app, actorOf(req), req.query.status)).map(summary) }),
  });
  http.post('/api/v1/problems', {
    schema: { tags, body: c.ProblemCreate, description: 'Opens a problem from one or more incidents (an incident belongs to one problem at most).', response: { 201: c.Problem, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await detail(await problems.createProblem(app, actorOf(req), req.body), actorOf(req))),
  });
  http.get('/api/v1/problems/:id', {
    schema: { tags, params: IdParam, description: 'A problem by id or number (PRB-000001), with its incidents and its own timeline.', response: { 200: c.Problem, ...errorResponses } },
    handler: async (req) => detail(req.params.id, actorOf(req)),
  });
  http.patch('/api/v1/problems/:id', {
    schema: { tags, params: IdParam, body: c.ProblemPatch, response: { 200: c.Problem, ...errorResponses } },
    handler: async (req) => detail(await problems.updateProblem(app, actorOf(req), req.params.id, req.body), actorOf(req)),
  });
  http.post('/api/v1/problems/:id/incidents', {
    schema: { tags, params: IdParam, body: c.IncidentsLink, response: { 200: c.Problem, ...errorResponses } },
    handler: async (req) => {
      await problems.linkIncidents(app, actorOf(req), req.params.id, req.body.incidents);
      return detail(req.params.id, actorOf(req));
    },
  });
  http.delete('/api/v1/problems/:id/incidents/:ticketId', {
    schema: { tags, params: c.TicketParam, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await problems.unlinkIncident(app, actorOf(req), req.params.id, req.params.ticketId);
      return { ok: true as const };
    },
  });
  http.post('/api/v1/problems/:id/publish-workaround', {
    schema: { tags, params: IdParam, body: c.PublishWorkaround, description: 'Publishes the workaround as a knowledge-base article (default space, the caller’s language unless given); once.', response: { 201: c.Published, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send({ pageId: await problems.publishWorkaround(app, actorOf(req), req.params.id, req.body) }),
  });
  http.post('/api/v1/problems/:id/resolve', {
    schema: { tags, params: IdParam, body: c.ProblemResolve, description: 'Resolves the problem; optionally tells its open incidents the resolution and resolves them.', response: { 200: c.ResolveOutcome, ...errorResponses } },
    handler: async (req) => problems.resolveProblem(app, actorOf(req), req.params.id, req.body),
  });
  http.get('/api/v1/tickets/:id/problem', {
    schema: { tags, params: IdParam, response: { 200: c.TicketProblem, ...errorResponses } },
    handler: async (req) => {
      const p = await problems.problemOfTicket(app, actorOf(req), req.params.id);
      return { problem: p && { id: p.id, number: problems.problemNumber(p.number), title: p.title, status: p.status } };
    },
  });
  http.get('/api/v1/reports/problems', {
    schema: { tags: [...tags, 'reports'], querystring: c.ProblemReportQuery, description: 'Incidents per problem and per root-cause category; CSV (one table) or XLSX (both).', response: { 200: z.union([c.ProblemReport, z.string()]), ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const r = await problems.problemReport(app, actor);
      const report = {
        byProblem: r.problems.map((p) => {
          const s = summary(p);
          return { number: s.number, title: s.title, status: s.status, rootCauseCategory: s.rootCauseCategory, incidents: s.incidents, openIncidents: s.openIncidents };
        }),
        byCategory: r.categories.map((x) => ({ rootCauseCategory: x.root_cause_category, problems: Number(x.problems), incidents: Number(x.incidents) })),
      };
      if (req.query.format === 'json') return report;
      const t = reportText(req.query.lang ?? actor.locale);
      const col = (keys: (keyof typeof t.columns)[]) => keys.map((key) => ({ key, header: t.columns[key] }));
      const tables: Tables = {
        problems: {
          name: t.problems,
          columns: col(['number', 'title', 'status', 'rootCauseCategory', 'incidents', 'openIncidents']),
          rows: report.byProblem.map((p) => ({ ...p, status: t.status[p.status], rootCauseCategory: t.category[p.rootCauseCategory ?? 'none'] })),
        },
        categories: {
          name: t.categories,
          columns: col(['rootCauseCategory', 'problems', 'incidents']),
          rows: report.byCategory.map((x) => ({ ...x, rootCauseCategory: t.category[x.rootCauseCategory ?? 'none'] })),
        },
      };
      return sendFile(reply, req.query.format, req.query.table, tables);
    },
  });

  // Major incidents

  const presentMajor = (m: NonNullable<Awaited<ReturnType<typeof major.majorOfTicket>>>) => ({
    role: m.role,
    ticket: { id: m.ticket.id, number: ticketNumber(m.ticket.number), subject: m.ticket.subject },
    title: m.major.title,
    message: m.major.message,
    declaredAt: m.major.declared_at,
    resolvedAt: m.major.resolved_at,
    children: m.children.map(incident),
  });
  const current = async (req: { params: { id: string } }, actor: ReturnType<typeof actorOf>) => {
    const m = await major.majorOfTicket(app, actor, req.params.id);
    return { major: m && presentMajor(m) };
  };

  http.get('/api/v1/tickets/:id/major', {
    schema: { tags, params: IdParam, description: 'The major incident this request is (role parent, with its children) or is part of (role child); null: neither.', response: { 200: c.TicketMajor, ...errorResponses } },
    handler: async (req) => current(req, actorOf(req)),
  });
  http.post('/api/v1/tickets/:id/major', {
    schema: { tags, params: IdParam, body: c.MajorDeclare, description: 'Declares the request a major incident; the affected organizations’ portals show its announcement while it is open.', response: { 201: c.TicketMajor, ...errorResponses } },
    handler: async (req, reply) => {
      await major.declareMajor(app, actorOf(req), req.params.id, req.body);
      return reply.code(201).send(await current(req, actorOf(req)));
    },
  });
  http.get('/api/v1/tickets/:id/major/similar', {
    schema: { tags, params: IdParam, description: 'Open requests of the same category and organization not yet in a major incident.', response: { 200: c.Similar, ...errorResponses } },
    handler: async (req) => ({
      items: (await major.similarRequests(app, actorOf(req), req.params.id)).map((t) => ({
        id: t.id,
        number: ticketNumber(t.number),
        subject: t.subject,
        status: t.status,
        organization: { id: t.organization_id, name: t.organization_name },
        createdAt: t.created_at,
      })),
    }),
  });
  http.post('/api/v1/tickets/:id/major/children', {
    schema: { tags, params: IdParam, body: c.MajorChildren, response: { 200: c.TicketMajor, ...errorResponses } },
    handler: async (req) => {
      await major.linkChildren(app, actorOf(req), req.params.id, req.body.tickets);
      return current(req, actorOf(req));
    },
  });
  http.delete('/api/v1/tickets/:id/major/children/:ticketId', {
    schema: { tags, params: c.TicketParam, response: { 200: c.TicketMajor, ...errorResponses } },
    handler: async (req) => {
      await major.unlinkChild(app, actorOf(req), req.params.id, req.params.ticketId);
      return current(req, actorOf(req));
    },
  });
  http.post('/api/v1/tickets/:id/major/resolve', {
    schema: { tags, params: IdParam, body: c.MajorResolve, description: 'Resolves the major incident with a resolution: a public reply on it; it and its open children resolved.', response: { 200: c.TicketMajor, ...errorResponses } },
    handler: async (req) => {
      await major.resolveWithResolution(app, actorOf(req), req.params.id, req.body.resolution);
      return current(req, actorOf(req));
    },
  });
  http.get('/api/v1/announcements', {
    schema: { tags, description: 'The open major incidents’ banners for the caller: client people see only those affecting their organization.', response: { 200: c.Announcements, ...errorResponses } },
    handler: async (req) => ({
      items: (await major.listAnnouncements(app, actorOf(req))).map((m) => ({ id: m.ticket_id, title: m.title, message: m.message, since: m.declared_at })),
    }),
  });
}
