import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/automation.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import * as rules from '../automation.service.js';
import { dryRun, rulesForTicket } from '../dry-run.service.js';
import { presentRule, presentRun } from './presenters.js';

const tags = ['automation rules'];

/** Automation rules: managers and admins change them, staff read them; client-side people never see them. */
export async function automationRoutes(http: HttpServer, app: AppContext) {
  const one = async (req: Parameters<typeof actorOf>[0], id: string) => presentRule(await rules.loadRule(app.db, actorOf(req), id));

  http.get('/api/v1/automation/rules', {
    schema: { tags, querystring: c.RuleListQuery, response: { 200: c.RuleList, ...errorResponses } },
    handler: async (req) => ({ items: (await rules.listRules(app, actorOf(req), req.query)).map(presentRule) }),
  });

  http.post('/api/v1/automation/rules', {
    schema: { tags, body: c.RuleCreate, response: { 201: c.Rule, ...errorResponses } },
    handler: async (req, reply) => {
      const id = await rules.createRule(app, actorOf(req), req.body);
      return reply.code(201).header('location', `/api/v1/automation/rules/${id}`).send(await one(req, id));
    },
  });

  http.get('/api/v1/automation/rules/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Rule, ...errorResponses } },
    handler: async (req) => one(req, req.params.id),
  });

  http.patch('/api/v1/automation/rules/:id', {
    schema: { tags, params: IdParam, body: c.RulePatch, response: { 200: c.Rule, ...errorResponses } },
    handler: async (req) => one(req, await rules.updateRule(app, actorOf(req), req.params.id, req.body)),
  });

  http.delete('/api/v1/automation/rules/:id', {
    schema: { tags, params: IdParam, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await rules.deleteRule(app, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  });

  http.get('/api/v1/automation/rules/:id/runs', {
    schema: { tags, params: IdParam, querystring: c.RunQuery, response: { 200: c.RunList, ...errorResponses } },
    handler: async (req) => ({ items: (await rules.listRuns(app, actorOf(req), req.params.id, req.query.limit)).map(presentRun) }),
  });

  http.post('/api/v1/automation/rules/:id/dry-run', {
    schema: {
      tags,
      description:
        'What the rule would do to the request now, or as set off by the event given (a change: from → to): each condition with what it saw, and the actions it would run. Without an event, `changed…` conditions are marked `needsEvent`. Changes nothing.',
      params: IdParam,
      body: c.DryRunBody,
      response: { 200: c.DryRunResult, ...errorResponses },
    },
    handler: async (req) => dryRun(app, actorOf(req), req.params.id, req.body.ticket, req.body.event),
  });

  http.get('/api/v1/tickets/:id/automation', {
    schema: { tags, description: 'Which switched-on rules would match this request now, and what they would do (staff only).', params: IdParam, response: { 200: c.TicketRules, ...errorResponses } },
    handler: async (req) => ({ items: await rulesForTicket(app, actorOf(req), req.params.id) }),
  });
}
