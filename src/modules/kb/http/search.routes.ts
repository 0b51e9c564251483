import { z } from 'zod';
import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/kb.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import * as metrics from '../metrics.service.js';
import { getPage } from '../page-views.service.js';
import { searchKb } from '../search.service.js';
import * as solutions from '../solutions.service.js';
import { pageRef, presentFound, presentMetrics, presentPage } from './presenters.js';

const tags = ['kb'];
const TicketParam = z.object({ ticket: z.string().min(1).max(64).describe('the request: its id or number (TD-…)') });
const SolutionParams = TicketParam.extend({ pageId: z.string().min(1).max(64) });

const presentSolution = (s: Awaited<ReturnType<typeof solutions.listSolutions>>[number]) => ({ ...pageRef(s), linkedAt: s.linked_at });

/** Search, suggestions and deflection, votes, articles and requests, metrics and reports. */
export async function kbSearchRoutes(http: HttpServer, app: AppContext) {
  http.get('/api/v1/kb/search', {
    schema: { tags, querystring: c.SearchQuery, description: 'Pages and resolved requests the caller may see, best first, with highlighted snippets.', response: { 200: c.SearchResults, ...errorResponses } },
    handler: async (req) => ({ items: (await searchKb(app, actorOf(req), req.query)).map(presentFound) }),
  });

  http.get('/api/v1/kb/suggest', {
    schema: { tags, querystring: c.SuggestQuery, description: 'Articles that may answer a request being written (`text`: its subject and description).', response: { 200: c.SearchResults, ...errorResponses } },
    handler: async (req) => ({ items: (await solutions.suggestArticles(app, actorOf(req), req.query.text, req.query.limit)).map(presentFound) }),
  });

  http.post('/api/v1/kb/deflections', {
    schema: { tags, body: c.DeflectionCreate, description: '"This solved it": records that an article answered the question; no request is made.', response: { 201: c.Deflection, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await solutions.recordDeflection(app, actorOf(req), req.body)),
  });

  http.post('/api/v1/kb/pages/:id/votes', {
    schema: { tags, params: IdParam, body: c.VoteBody, response: { 200: c.Votes, ...errorResponses } },
    handler: async (req) => solutions.vote(app, actorOf(req), req.params.id, req.body.helpful),
  });
  http.get('/api/v1/kb/pages/:id/metrics', {
    schema: { tags, params: IdParam, response: { 200: c.Metrics, ...errorResponses } },
    handler: async (req) => presentMetrics(await metrics.pageMetrics(app, actorOf(req), req.params.id)),
  });

  // Requests and articles

  http.get('/api/v1/kb/requests/:ticket/solutions', {
    schema: { tags, params: TicketParam, response: { 200: c.Solutions, ...errorResponses } },
    handler: async (req) => ({ items: (await solutions.listSolutions(app, actorOf(req), req.params.ticket)).map(presentSolution) }),
  });
  http.post('/api/v1/kb/requests/:ticket/solutions', {
    schema: { tags, params: TicketParam, body: c.SolutionLink, description: 'Marks an article as the solution of the request (staff).', response: { 201: c.Solutions, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const id = await solutions.linkSolution(app, actor, req.params.ticket, req.body.pageId);
      return reply.code(201).send({ items: (await solutions.listSolutions(app, actor, id)).map(presentSolution) });
    },
  });
  http.delete('/api/v1/kb/requests/:ticket/solutions/:pageId', {
    schema: { tags, params: SolutionParams, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await solutions.unlinkSolution(app, actorOf(req), req.params.ticket, req.params.pageId);
      return { ok: true as const };
    },
  });
  http.post('/api/v1/kb/requests/:ticket/solution-article', {
    schema: {
      tags,
      params: TicketParam,
      body: c.SolutionArticleCreate,
      description: 'L2/L3: drafts a solution article from the resolved request\'s timeline and marks it as its solution.',
      response: { 201: c.Page, ...errorResponses },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const id = await solutions.createSolutionArticle(app, actor, req.params.ticket, req.body);
      return reply.code(201).header('location', `/api/v1/kb/pages/${id}`).send(presentPage(await getPage(app, actor, id), actor));
    },
  });
  http.get('/api/v1/kb/requests/:ticket/related', {
    schema: { tags, params: TicketParam, description: 'For an agent: the solutions marked, related articles and similar resolved requests.', response: { 200: c.Related, ...errorResponses } },
    handler: async (req) => {
      const r = await solutions.relatedForTicket(app, actorOf(req), req.params.ticket);
      return { solutions: r.solutions.map(presentSolution), articles: r.articles.map(presentFound), similarRequests: r.similarRequests.map(presentFound) };
    },
  });

  // Reports (staff)

  http.get('/api/v1/kb/reports/articles', {
    schema: { tags, querystring: c.MetricsReportQuery, response: { 200: c.MetricsReport, ...errorResponses } },
    handler: async (req) => ({ items: (await metrics.metricsReport(app, actorOf(req), req.query)).map(presentMetrics) }),
  });
  http.get('/api/v1/kb/reports/unreviewed', {
    schema: { tags, querystring: c.UnreviewedQuery, description: 'Pages not reviewed for `days` days.', response: { 200: c.UnreviewedReport, ...errorResponses } },
    handler: async (req) => ({
      days: req.query.days,
      items: (await metrics.unreviewedPages(app, actorOf(req), req.query)).map((p) => ({
        ...pageRef(p),
        reviewedAt: p.reviewed_at,
        owner: p.owner_id ? { id: p.owner_id, name: p.owner_name ?? '' } : null,
      })),
    }),
  });
  http.get('/api/v1/kb/reports/uncaptured', {
    schema: { tags, querystring: c.UncapturedQuery, description: 'Requests resolved at L2 or L3 without an article marked as their solution.', response: { 200: c.UncapturedReport, ...errorResponses } },
    handler: async (req) => ({
      items: (await metrics.uncapturedResolutions(app, actorOf(req), req.query)).map((r) => ({
        id: r.ticket_id,
        number: r.number,
        subject: r.subject,
        status: r.status,
        resolvedAt: r.resolved_at,
        line: r.line,
        assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? '' } : null,
      })),
    }),
  });
}
