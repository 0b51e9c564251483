import { errorResponses, IdParam } from '../../../contracts/common.js';
import * as c from '../../../contracts/line-budget.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import { findTicketById } from '../../tickets/index.js';
import * as budget from '../line-budget.service.js';

const tags = ['escalation'];

/** The agent's answer to the 75 % warning of a line's time budget, and the manager's list of requests kept past it. */
export function lineBudgetRoutes(http: HttpServer, app: AppContext) {
  const decision = async (id: string) => ({ ticketId: id, line: (await findTicketById(app.db, id))!.line });

  http.post('/api/v1/tickets/:id/line-budget/escalate', {
    schema: {
      tags,
      params: IdParam,
      description: 'The assigned agent (or a manager) moves the request to the next line now, before its time budget is used up.',
      response: { 200: c.BudgetDecision, ...errorResponses },
    },
    handler: async (req) => decision(await budget.escalateNow(app, actorOf(req), req.params.id)),
  });

  http.post('/api/v1/tickets/:id/line-budget/keep', {
    schema: {
      tags,
      params: IdParam,
      body: c.KeepPastBudget,
      description: 'The assigned agent (or a manager) keeps the request at its line past the time budget, saying why (on its timeline); it is then not moved by time.',
      response: { 200: c.BudgetDecision, ...errorResponses },
    },
    handler: async (req) => decision(await budget.keepPastBudget(app, actorOf(req), req.params.id, req.body.note)),
  });

  http.get('/api/v1/escalation/kept-past-budget', {
    schema: {
      tags,
      description: 'For managers: requests kept at their line past the time budget, who keeps them and why.',
      response: { 200: c.KeptPastBudgetList, ...errorResponses },
    },
    handler: async (req) => ({ items: await budget.listKeptPastBudget(app, actorOf(req)) }),
  });
}
