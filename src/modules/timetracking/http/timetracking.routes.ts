import { z } from 'zod';
import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/timetracking.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import { contractHours } from '../contract-hours.service.js';
import { timeTotals } from '../time-totals.service.js';
import * as timesheets from '../timesheets.service.js';
import * as timers from '../timer.service.js';
import * as entries from '../work-entries.service.js';
import { entryTotals, hours, presentEntry, presentTimer } from './presenters.js';

const tags = ['time tracking'];

/** Work entries, the running timer, timesheets and contract hours. */
export async function timetrackingRoutes(http: HttpServer, app: AppContext) {
  const entry = async (id: string) => presentEntry(await entries.readWritten(app, id));

  http.get('/api/v1/tickets/:id/work-entries', {
    schema: { tags, params: IdParam, response: { 200: c.WorkEntryList, ...errorResponses } },
    handler: async (req) => {
      const rows = await entries.listTicketEntries(app, actorOf(req), req.params.id);
      return { items: rows.map(presentEntry), totals: entryTotals(rows) };
    },
  });

  http.post('/api/v1/tickets/:id/work-entries', {
    schema: { tags, params: IdParam, body: c.WorkEntryCreate, response: { 201: c.WorkEntry, ...errorResponses } },
    handler: async (req, reply) => {
      const id = await entries.createEntry(app, actorOf(req), req.params.id, req.body);
      return reply.code(201).header('location', `/api/v1/work-entries/${id}`).send(await entry(id));
    },
  });

  http.get('/api/v1/work-entries/:id', {
    schema: { tags, params: IdParam, response: { 200: c.WorkEntry, ...errorResponses } },
    handler: async (req) => presentEntry(await entries.getEntry(app, actorOf(req), req.params.id)),
  });

  http.patch('/api/v1/work-entries/:id', {
    schema: { tags, params: IdParam, body: c.WorkEntryPatch, response: { 200: c.WorkEntry, ...errorResponses } },
    handler: async (req) => entry(await entries.updateEntry(app, actorOf(req), req.params.id, req.body)),
  });

  http.delete('/api/v1/work-entries/:id', {
    schema: { tags, params: IdParam, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await entries.deleteEntry(app, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  });

  http.get('/api/v1/work-entries/:id/audit', {
    schema: { tags, params: IdParam, response: { 200: c.AuditList, ...errorResponses } },
    handler: async (req) => ({ items: (await entries.entryAudit(app, actorOf(req), req.params.id)).map((a) => ({ id: a.id, actorId: a.actorId, action: a.action, before: a.before, after: a.after, createdAt: a.createdAt })) }),
  });

  http.get('/api/v1/me/timer', {
    schema: { tags, response: { 200: c.CurrentTimer, ...errorResponses } },
    handler: async (req) => {
      const t = await timers.currentTimer(app, actorOf(req));
      return { timer: t && presentTimer(t, app.clock.now()) };
    },
  });

  http.post('/api/v1/tickets/:id/timer/start', {
    schema: { tags, params: IdParam, body: c.TimerStart, response: { 201: c.RunningTimer, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(presentTimer(await timers.startTimer(app, actorOf(req), req.params.id, req.body), app.clock.now())),
  });

  http.post('/api/v1/tickets/:id/timer/stop', {
    schema: { tags, params: IdParam, body: c.TimerStop, response: { 201: c.WorkEntry, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await entry(await timers.stopTimer(app, actorOf(req), req.params.id, req.body))),
  });

  const presentSheet = (s: Awaited<ReturnType<typeof timesheets.getTimesheet>>) => ({
    agentId: s.agent.id,
    agentName: s.agent.name,
    timeZone: s.agent.time_zone,
    weekStart: s.weekStart,
    from: s.from,
    to: s.to,
    status: s.status,
    submittedAt: s.sheet?.submitted_at ?? null,
    approvedAt: s.sheet?.approved_at ?? null,
    approvedBy: s.sheet?.approved_by ?? null,
    note: s.sheet?.note ?? null,
    days: s.days,
    totals: s.totals,
    entries: s.entries.map(presentEntry),
  });

  http.get('/api/v1/timesheets', {
    schema: { tags, querystring: c.TimesheetListQuery, response: { 200: z.object({ items: z.array(c.TimesheetSummary) }), ...errorResponses } },
    handler: async (req) => ({
      items: (await timesheets.listTimesheets(app, actorOf(req), req.query)).map((s) => ({
        agentId: s.agent_id,
        agentName: s.agent_name,
        weekStart: s.week_start,
        status: s.status,
        submittedAt: s.submitted_at,
        approvedAt: s.approved_at,
      })),
    }),
  });

  http.get('/api/v1/timesheets/totals', {
    schema: {
      tags,
      querystring: c.TimeTotalsQuery,
      description: 'Minutes logged over a day, week, month or year per agent and per organization (an agent: their own).',
      response: { 200: c.TimeTotals, ...errorResponses },
    },
    handler: async (req) => timeTotals(app, actorOf(req), req.query),
  });

  http.get('/api/v1/timesheets/:agentId/:weekStart', {
    schema: { tags, params: c.TimesheetParams, response: { 200: c.Timesheet, ...errorResponses } },
    handler: async (req) => presentSheet(await timesheets.getTimesheet(app, actorOf(req), req.params.agentId, req.params.weekStart)),
  });

  for (const move of ['submit', 'approve'] as const)
    http.post(`/api/v1/timesheets/:agentId/:weekStart/${move}`, {
      schema: { tags, params: c.TimesheetParams, response: { 200: c.Timesheet, ...errorResponses } },
      handler: async (req) => presentSheet(await timesheets.moveTimesheet(app, actorOf(req), req.params.agentId, req.params.weekStart, move)),
    });
  for (const move of ['reject', 'reopen'] as const)
    http.post(`/api/v1/timesheets/:agentId/:weekStart/${move}`, {
      schema: { tags, params: c.TimesheetParams, body: c.TimesheetReason, response: { 200: c.Timesheet, ...errorResponses } },
      handler: async (req) => presentSheet(await timesheets.moveTimesheet(app, actorOf(req), req.params.agentId, req.params.weekStart, move, req.body.reason)),
    });

  http.get('/api/v1/organizations/:id/contract-hours', {
    schema: { tags, params: IdParam, querystring: c.ContractHoursQuery, response: { 200: c.ContractHours, ...errorResponses } },
    handler: async (req) => {
      const r = await contractHours(app, actorOf(req), req.params.id, req.query.month);
      const included = r.includedMinutes;
      return {
        organizationId: r.organization.id,
        organizationName: r.organization.name,
        planId: r.plan?.id ?? null,
        planName: r.plan?.name ?? null,
        month: r.month,
        timeZone: r.timeZone,
        from: r.from,
        to: r.to,
        includedHours: hours(included),
        billableHours: hours(r.billableMinutes),
        nonBillableHours: hours(r.nonBillableMinutes),
        overageHours: hours(Math.max(0, r.billableMinutes - included)),
        usedShare: included > 0 ? Math.round((r.billableMinutes / included) * 10_000) / 10_000 : null,
        warnings: r.warnings.map((w) => ({ level: w.level, sentAt: w.sent_at })),
      };
    },
  });
}
