import type { FastifyRequest } from 'fastify';
import { errorResponses, IdParam } from '../../../contracts/common.js';
import * as c from '../../../contracts/changes.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import type { Actor } from '../../identity/index.js';
import { ticketNumber } from '../../tickets/index.js';
import * as changes from '../changes.service.js';

const tags = ['changes'];

type Detail = Awaited<ReturnType<typeof changes.getChange>>;

/** A change for its reader: the plan, the window and every approval step with who decided what. */
function presentChange({ ticket, change, approvals }: Detail, viewer: Actor) {
  return {
    ticketId: ticket.id,
    number: ticketNumber(ticket.number),
    subject: ticket.subject,
    organizationId: change.organization_id,
    risk: change.risk,
    plan: change.plan,
    rollbackPlan: change.rollback_plan,
    windowStart: change.window_start,
    windowEnd: change.window_end,
    approvalState: change.approval_state,
    currentStep: change.current_step,
    pausesSla: change.pauses_sla === 1,
    approvals: approvals.map((a) => ({ id: a.id, step: a.step, kind: a.kind, mode: a.mode, userId: a.user_id, userName: a.user_name, decision: a.decision, comment: a.comment, via: a.via, decidedAt: a.decided_at })),
    mayDecide: change.approval_state === 'pending' && approvals.some((a) => a.step === change.current_step && a.user_id === viewer.id && !a.decision),
  };
}

/** Changes: staff make one, approvers decide (signed in, or by the e-mailed link), the change calendar, each plan's approval settings. */
export async function changeRoutes(http: HttpServer, app: AppContext) {
  http.post('/api/v1/changes', {
    schema: { tags, body: c.ChangeCreate, description: 'Staff: a change (a request of type change) with its risk, plans, window and approval steps.', response: { 201: c.Change, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const id = await changes.createChange(app, actor, req.body);
      return reply.code(201).send(presentChange(await changes.getChange(app, actor, id), actor));
    },
  });

  http.get('/api/v1/tickets/:id/change', {
    schema: { tags, params: IdParam, description: 'The change of a request of type change, for whoever may see the request.', response: { 200: c.Change, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return presentChange(await changes.getChange(app, actor, req.params.id), actor);
    },
  });

  http.post('/api/v1/tickets/:id/change/decision', {
    schema: { tags, params: IdParam, body: c.DecisionBody, description: 'An approver of the open step approves or rejects, with an optional comment.', response: { 200: c.DecisionResult, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      const { ticket } = await changes.getChange(app, actor, req.params.id);
      const state = await changes.decide(app, actor, ticket.id, req.body, 'portal');
      return { ticketId: ticket.id, approvalState: state };
    },
  });

  http.get('/api/v1/approvals', {
    schema: { tags, description: 'The changes waiting for the caller’s approval (their step is open).', response: { 200: c.PendingApprovals, ...errorResponses } },
    handler: async (req) => ({
      items: (await changes.pendingForMe(app, actorOf(req))).map((r) => ({
        ticketId: r.ticket_id,
        number: ticketNumber(r.number),
        subject: r.subject,
        organizationName: r.organization_name,
        risk: r.risk,
        windowStart: r.window_start,
        windowEnd: r.window_end,
        step: r.step,
        kind: r.kind,
        askedAt: r.created_at,
      })),
    }),
  });

  http.get('/api/v1/changes/calendar', {
    schema: { tags, querystring: c.CalendarQuery, description: 'Approved change windows overlapping [from, to) (and pending ones with includePending=true): staff all, a client IT manager their organization’s.', response: { 200: c.ChangeCalendar, ...errorResponses } },
    handler: async (req) => ({
      items: (await changes.calendar(app, actorOf(req), req.query)).map((r) => ({
        ticketId: r.ticket_id,
        number: ticketNumber(r.number),
        subject: r.subject,
        status: r.status,
        organizationId: r.organization_id,
        organizationName: r.organization_name,
        risk: r.risk,
        windowStart: r.window_start,
        windowEnd: r.window_end,
        approvalState: r.approval_state,
      })),
    }),
  });

  http.get('/api/v1/plans/:id/change-settings', {
    schema: { tags, params: IdParam, description: 'Staff: who approves a change under this plan, and whether the SLA waits.', response: { 200: c.PlanChangeSettings, ...errorResponses } },
    handler: async (req) => changes.getPlanSettings(app, actorOf(req), req.params.id),
  });
  http.put('/api/v1/plans/:id/change-settings', {
    schema: { tags, params: IdParam, body: c.PlanChangeSettings, description: 'Admins.', response: { 200: c.PlanChangeSettings, ...errorResponses } },
    handler: async (req) => changes.putPlanSettings(app, actorOf(req), req.params.id, req.body),
  });

  // The e-mailed approve/reject links: the secret in the link is the credential (any session is
  // ignored, and with it the CSRF check). Reading shows the change; only the POST decides.
  const ignoreSession = async (req: FastifyRequest) => {
    req.auth = null;
  };
  http.get('/api/v1/approval-links/:token', {
    config: { public: true },
    onRequest: ignoreSession,
    schema: { tags, params: c.LinkParam, description: 'What the link’s page shows: the change and the approver. Changes nothing.', response: { 200: c.LinkView, ...errorResponses } },
    handler: async (req, reply) => {
      const r = await changes.previewLink(app, req.params.token);
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return { change: presentChange(r, r.actor), approverName: r.actor.name, locale: r.actor.locale };
    },
  });
  http.post('/api/v1/approval-links/:token', {
    config: { public: true },
    onRequest: ignoreSession,
    schema: { tags, params: c.LinkParam, body: c.DecisionBody, description: 'The page’s button: records the link’s approver’s decision.', response: { 200: c.DecisionResult, ...errorResponses } },
    handler: async (req) => {
      const r = await changes.decideByLink(app, req.params.token, req.body);
      return { ticketId: r.ticketId, approvalState: r.state };
    },
  });
}
