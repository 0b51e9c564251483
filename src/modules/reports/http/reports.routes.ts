import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { errorResponses, IdParam } from '../../../contracts/common.js';
import * as c from '../../../contracts/reports.js';
import { Invalid } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import { reportTables, staffingTable, toCsv, toXlsx, type Table } from '../export.js';
import { reportFor } from '../report.service.js';
import { listRosters, setRoster } from '../roster.service.js';
import { staffingForecast } from '../staffing.service.js';
import { workload } from '../workload.service.js';

const tags = ['reports'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function sendFile(reply: FastifyReply, format: 'csv' | 'xlsx', name: string, tables: Table[]) {
  if (format === 'csv')
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(toCsv(tables[0]!));
  return reply.type(XLSX).header('content-disposition', `attachment; filename="${name}.xlsx"`).send(await toXlsx(tables));
}

/** Reports (JSON for charts, CSV and XLSX downloads), the staffing forecast and the rosters it uses. */
export async function reportRoutes(http: HttpServer, app: AppContext) {
  http.get('/api/v1/reports', {
    schema: {
      tags,
      querystring: c.ReportQuery,
      description: 'Volume, times, SLA, escalations, lines, satisfaction and time for a period in a time zone; format=csv needs table.',
      response: { 200: z.union([c.Report, z.string()]), ...errorResponses },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const { format, table, lang, ...input } = req.query;
      if (format === 'csv' && !table) throw new Invalid('Say which table to export as CSV', 'table');
      const report = await reportFor(app, actor, input);
      if (format === 'json') return report;
      const tables = reportTables(report, lang ?? actor.locale);
      const name = `tierdesk-report-${report.period.start}-${report.period.end}${table ? `-${table}` : ''}`;
      return sendFile(reply, format, name, table ? [tables[table]] : Object.values(tables));
    },
  });

  http.get('/api/v1/reports/staffing', {
    schema: {
      tags,
      querystring: c.StaffingQuery,
      description: 'L1 agents needed per hour of next week (Erlang C) against the agents on shift.',
      response: { 200: z.union([c.Staffing, z.string()]), ...errorResponses },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const { format, lang, ...q } = req.query;
      const s = await staffingForecast(app, actor, { ...q, format, lang });
      if (format === 'json') return s;
      return sendFile(reply, format, `tierdesk-staffing-${s.weekStart}`, [staffingTable(s, lang ?? actor.locale)]);
    },
  });

  http.get('/api/v1/reports/workload', {
    schema: {
      tags,
      description: "Each agent's open requests per hour on shift over the next 24 hours, against what their line handles an hour.",
      response: { 200: c.Workload, ...errorResponses },
    },
    handler: async (req) => workload(app, actorOf(req)),
  });

  const presentRoster = (r: { user: { id: string; name: string; line: 'L1' | 'L2' | 'L3' | null; time_zone: string }; week: c.RosterWeekT; updatedAt: string | null }) => ({
    userId: r.user.id,
    name: r.user.name,
    line: r.user.line,
    timeZone: r.user.time_zone,
    week: r.week,
    updatedAt: r.updatedAt,
  });

  http.get('/api/v1/staffing/rosters', {
    schema: { tags, response: { 200: z.object({ items: z.array(c.Roster) }), ...errorResponses } },
    handler: async (req) => ({ items: (await listRosters(app, actorOf(req))).map(presentRoster) }),
  });

  http.put('/api/v1/staffing/rosters/:id', {
    schema: { tags, params: IdParam, body: c.RosterPut, response: { 200: c.Roster, ...errorResponses } },
    handler: async (req) => presentRoster(await setRoster(app, actorOf(req), req.params.id, req.body.week)),
  });
}
