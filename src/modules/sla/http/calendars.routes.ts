import { z } from 'zod';
import { errorResponses, IdParam } from '../../../contracts/common.js';
import * as c from '../../../contracts/sla.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import * as calendars from '../calendars.service.js';

/** A calendar as the API shows it: an explicit allow-list of fields. */
const presentCalendar = (cal: calendars.Calendar): z.infer<typeof c.Calendar> => ({
  id: cal.id,
  name: cal.name,
  timeZone: cal.timeZone,
  alwaysOpen: cal.alwaysOpen,
  week: cal.week,
  holidays: cal.holidays,
  workingDays: cal.workingDays,
  specialDays: cal.specialDays,
  createdAt: cal.createdAt,
  updatedAt: cal.updatedAt,
});

/** Business calendars (admins manage them, staff read them) and previews of business-time arithmetic. */
export async function calendarRoutes(http: HttpServer, app: AppContext) {
  const tags = ['sla'];

  http.get('/api/v1/calendars', {
    schema: { tags, response: { 200: z.object({ items: z.array(c.Calendar) }), ...errorResponses } },
    handler: async (req) => ({ items: (await calendars.listCalendars(app, actorOf(req))).map(presentCalendar) }),
  });

  http.get('/api/v1/calendars/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Calendar, ...errorResponses } },
    handler: async (req) => presentCalendar(await calendars.getCalendar(app, actorOf(req), req.params.id)),
  });

  http.post('/api/v1/calendars', {
    schema: { tags, body: c.CalendarInput, response: { 201: c.Calendar, ...errorResponses } },
    handler: async (req, reply) => {
      const cal = await calendars.createCalendar(app, actorOf(req), req.body);
      return reply.code(201).header('location', `/api/v1/calendars/${cal.id}`).send(presentCalendar(cal));
    },
  });

  http.put('/api/v1/calendars/:id', {
    schema: { tags, params: IdParam, body: c.CalendarInput, response: { 200: c.Calendar, ...errorResponses } },
    handler: async (req) => presentCalendar(await calendars.replaceCalendar(app, actorOf(req), req.params.id, req.body)),
  });

  http.get('/api/v1/calendars/:id/deadline', {
    schema: { tags, params: IdParam, querystring: c.DeadlineQuery, response: { 200: c.DeadlineResponse, ...errorResponses } },
    handler: async (req) => {
      const { start, minutes } = req.query;
      const deadline = await calendars.previewDeadline(app, actorOf(req), req.params.id, new Date(start), minutes);
      return { deadline: deadline.toISOString() };
    },
  });

  http.get('/api/v1/calendars/:id/business-minutes', {
    schema: { tags, params: IdParam, querystring: c.BusinessMinutesQuery, response: { 200: c.BusinessMinutesResponse, ...errorResponses } },
    handler: async (req) => {
      const { from, to } = req.query;
      return { minutes: await calendars.previewBusinessMinutes(app, actorOf(req), req.params.id, new Date(from), new Date(to)) };
    },
  });
}
