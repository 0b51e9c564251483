import { z } from 'zod';
import { Priority, TicketType } from './tickets.js';

const Minutes = z.number().int().min(0).max(525_600);

export const PolicyInput = z.object({
  priority: Priority,
  ticketType: TicketType.optional().describe('omit for any type'),
  firstResponseMinutes: Minutes.describe('business minutes'),
  resolutionMinutes: Minutes,
  l1BudgetMinutes: Minutes.min(1).describe('business minutes at L1 before automatic escalation to L2'),
  l2BudgetMinutes: Minutes.optional().describe('business minutes at L2 before escalation to L3; 0 or omitted: never'),
});

export const PlanSlaInput = z.object({
  calendarId: z.string().uuid().nullable().describe('null: round the clock'),
  extendedCalendarId: z.string().uuid().nullable().optional().describe('for contracts with the off_hours_support option'),
  pauseOnVendor: z.boolean().optional().describe('whether clocks pause while the request is pending_vendor'),
  policies: z.array(PolicyInput).max(40),
});

export const PlanSla = z.object({
  planId: z.string(),
  calendarId: z.string().nullable(),
  extendedCalendarId: z.string().nullable(),
  pauseOnVendor: z.boolean(),
  policies: z.array(PolicyInput.extend({ ticketType: z.string() })),
});

export const SlaClock = z.object({
  metric: z.enum(['first_response', 'resolution', 'line']),
  state: z.enum(['running', 'paused', 'stopped']),
  line: z.string().nullable(),
  targetMinutes: z.number().nullable(),
  usedMinutes: z.number(),
  leftMinutes: z.number().nullable(),
  deadline: z.string().nullable(),
  overdue: z.boolean(),
  breachedAt: z.string().nullable(),
  met: z.boolean().nullable(),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
});

/** The one "time left" of a request (as in the queue): business minutes left on the clock due first. */
export const TicketTimeLeft = z.object({
  metric: z.enum(['first_response', 'resolution', 'line']),
  line: z.string().nullable(),
  state: z.enum(['running', 'paused']),
  targetMinutes: z.number(),
  leftMinutes: z.number().describe('business minutes; negative when overdue'),
  usedShare: z.number(),
  dueAt: z.string().nullable(),
  breached: z.boolean(),
});

export const TicketSla = z.object({ ticketId: z.string(), calendarId: z.string().nullable(), timeLeft: TicketTimeLeft.nullable(), clocks: z.array(SlaClock) });

export const ClockLogEntry = z.object({
  id: z.number(),
  metric: z.string(),
  action: z.string(),
  at: z.string(),
  line: z.string().nullable(),
  calendarId: z.string().nullable(),
  targetMinutes: z.number(),
  consumedMinutes: z.number(),
  deadline: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

export const NextBreach = z.object({
  ticketId: z.string(),
  number: z.string(),
  subject: z.string(),
  organizationId: z.string(),
  line: z.string(),
  priority: z.string(),
  assigneeId: z.string().nullable(),
  metric: z.string(),
  deadline: z.string(),
  breached: z.boolean(),
  /** The request's one "time left" (the clock due first, in business minutes), as in the queue. */
  timeLeft: TicketTimeLeft.nullable(),
});
