import { z } from 'zod';
import { errorResponses, IdParam, Locale } from '../../../contracts/common.js';
import * as c from '../../../contracts/sla-policies.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import { ticketNumber } from '../../tickets/index.js';
import { isStaff } from '../../identity/index.js';
import { ticketScope } from '../../tickets/tickets.policy.js';
import * as policies from '../policies.service.js';
import type { PlanSlaRow, PolicyRow } from '../sla.repo.js';
import { actionText, clockLogColumns, detailText, metricText } from '../clock-log.text.js';
import { timeLeftFor } from '../time-left.js';

const tags = ['sla'];

const presentPlanSla = (planId: string, s: PlanSlaRow | null, rows: PolicyRow[]) => ({
  planId,
  calendarId: s?.calendar_id ?? null,
  extendedCalendarId: s?.extended_calendar_id ?? null,
  pauseOnVendor: Boolean(s?.pause_on_vendor),
  policies: rows.map((p) => ({
    priority: p.priority as 'P1',
    ticketType: p.ticket_type,
    firstResponseMinutes: p.first_response_minutes,
    resolutionMinutes: p.resolution_minutes,
    l1BudgetMinutes: p.l1_budget_minutes,
    l2BudgetMinutes: p.l2_budget_minutes,
  })),
});

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** Plan SLA settings, each request's clocks and clock log, and what breaches next. */
export async function slaRoutes(http: HttpServer, app: AppContext) {
  http.get('/api/v1/plans/:id/sla', {
    schema: { tags, params: IdParam, response: { 200: c.PlanSla, ...errorResponses } },
    handler: async (req) => {
      const r = await policies.getPlanSla(app, actorOf(req), req.params.id);
      return presentPlanSla(r.planId, r.settings, r.policies);
    },
  });
  http.put('/api/v1/plans/:id/sla', {
    schema: { tags, params: IdParam, body: c.PlanSlaInput, response: { 200: c.PlanSla, ...errorResponses } },
    handler: async (req) => {
      const r = await policies.setPlanSla(app, actorOf(req), req.params.id, req.body);
      return presentPlanSla(r.planId, r.settings, r.policies);
    },
  });

  http.get('/api/v1/tickets/:id/sla', {
    schema: { tags, params: IdParam, response: { 200: c.TicketSla, ...errorResponses } },
    handler: async (req) => {
      const r = await policies.ticketSla(app, actorOf(req), req.params.id);
      return { ticketId: r.ticket.id, calendarId: r.calendarId, timeLeft: r.timeLeft, clocks: r.clocks };
    },
  });

  http.get('/api/v1/tickets/:id/sla/log', {
    schema: {
      tags,
      params: IdParam,
      querystring: z.object({ format: z.enum(['json', 'csv']).default('json'), lang: Locale.optional() }),
      response: { 200: z.union([z.object({ items: z.array(c.ClockLogEntry) }), z.string()]), ...errorResponses },
    },
    handler: async (req, reply) => {
      const { ticket, rows } = await policies.ticketSlaLog(app, actorOf(req), req.params.id);
      const items = rows.map((r) => ({
        id: Number(r.id),
        metric: r.metric,
        action: r.action,
        at: r.at,
        line: r.line,
        calendarId: r.calendar_id,
        targetMinutes: Number(r.target_minutes),
        consumedMinutes: Math.round(Number(r.consumed_minutes) * 100) / 100,
        deadline: r.deadline,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      }));
      if (req.query.format === 'json') return { items };
      // The CSV in the reader's language: names and phrases, not codes.
      const lang = req.query.lang ?? actorOf(req).locale;
      const row = (i: (typeof items)[number]) => [i.at, metricText(i.metric, lang), actionText(i.action, lang), i.line, i.calendarId, i.targetMinutes, i.consumedMinutes, i.deadline, detailText(i.detail, i.action, lang)];
      const lines = [clockLogColumns(lang), ...items.map(row)].map((cells) => cells.map(csvCell).join(','));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${ticketNumber(ticket.number)}-sla-log.csv"`)
        .send(`${lines.join('\n')}\n`);
    },
  });

  http.get('/api/v1/sla/next-breaches', {
    schema: {
      tags,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: { 200: z.object({ items: z.array(c.NextBreach) }), ...errorResponses },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const rows = await policies.nextBreaches(app, actor, req.query.limit);
      const left = await timeLeftFor(app.db, [...new Set(rows.map((r) => r.ticket_id))], app.clock.now(), isStaff(actor));
      return {
        items: rows.map((r) => ({
          ticketId: r.ticket_id,
          number: ticketNumber(r.number),
          subject: r.subject,
          organizationId: r.organization_id,
          line: r.line,
          priority: r.priority,
          assigneeId: r.assignee_id,
          metric: r.metric,
          deadline: r.deadline!,
          breached: r.breached_at !== null,
          timeLeft: left.get(r.ticket_id) ?? null,
        })),
      };
    },
  });

  // For the web app's lists: the clocks of a page of requests in one call (the SLA countdowns).
  http.get('/api/v1/sla/deadlines', {
    schema: {
      tags,
      description: 'The clocks (not the internal line clock, for the client side) of up to 200 requests, by id: `ticketIds=a,b,c`.',
      querystring: z.object({ ticketIds: z.string().max(200 * 40).transform((s) => [...new Set(s.split(',').filter(Boolean))].slice(0, 200)) }),
      response: {
        200: z.object({
          items: z.array(z.object({ ticketId: z.string(), metric: z.string(), state: z.string(), targetMinutes: z.number(), deadline: z.string().nullable(), breachedAt: z.string().nullable(), met: z.boolean().nullable() })),
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const ids = req.query.ticketIds;
      if (!ids.length) return { items: [] };
      const scope = ticketScope(actor);
      let q = app.db
        .selectFrom('sla_clocks as c')
        .innerJoin('tickets as t', 't.id', 'c.ticket_id')
        .select(['c.ticket_id', 'c.metric', 'c.state', 'c.target_minutes', 'c.deadline', 'c.breached_at', 'c.met'])
        .where('c.ticket_id', 'in', ids);
      if (scope.organizationId) q = q.where('t.organization_id', '=', scope.organizationId);
      if (scope.requesterId) q = q.where('t.requester_id', '=', scope.requesterId);
      if (!isStaff(actor)) q = q.where('c.metric', '!=', 'line');
      const rows = await q.execute();
      return {
        items: rows.map((r) => ({
          ticketId: r.ticket_id,
          metric: r.metric,
          state: r.state,
          targetMinutes: Number(r.target_minutes),
          deadline: r.deadline,
          breachedAt: r.breached_at,
          met: r.met === null ? null : Boolean(r.met),
        })),
      };
    },
  });
}
