import { z } from 'zod';
import { IsoInstant, Text, TimeZone } from './common.js';
import { CalendarDate } from './sla.js';

export const Activity = z.enum(['remote', 'on_site', 'call', 'research', 'other']);
export const TimesheetStatus = z.enum(['open', 'submitted', 'approved']);
/** Whole minutes, up to a day per entry. */
const Minutes = z.number().int().min(1).max(24 * 60);
const Note = z.string().trim().max(2000);

export const WorkEntryCreate = z.object({
  startedAt: IsoInstant,
  minutes: Minutes,
  activity: Activity,
  billable: z.boolean().optional(),
  note: Note.optional(),
  /** A manager records work for someone else; everyone else for themselves. */
  agentId: z.string().uuid().optional(),
});

export const WorkEntryPatch = z
  .object({ startedAt: IsoInstant, minutes: Minutes, activity: Activity, billable: z.boolean(), note: Note })
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'change at least one field' });

export const WorkEntry = z.object({
  id: z.string(),
  ticketId: z.string(),
  /** The request's number and subject, in lists (a timesheet, a request's work). */
  ticketNumber: z.string().optional(),
  ticketSubject: z.string().optional(),
  organizationId: z.string(),
  agentId: z.string(),
  agentName: z.string().optional(),
  startedAt: z.string(),
  minutes: z.number(),
  activity: Activity,
  billable: z.boolean(),
  note: z.string(),
  source: z.enum(['manual', 'timer']),
  weekStart: z.string(),
  /** Not counted until someone states the real duration (PATCH minutes), e.g. a timer left running overnight. */
  flagged: z.enum(['overnight']).nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const WorkEntryList = z.object({
  items: z.array(WorkEntry),
  totals: z.object({ minutes: z.number(), billableMinutes: z.number(), flaggedMinutes: z.number() }),
});

export const TimerStart = z.object({ activity: Activity.optional(), billable: z.boolean().optional(), note: Note.optional() });
export const TimerStop = z.object({ note: Note.optional() });

export const RunningTimer = z.object({
  id: z.string(),
  ticketId: z.string(),
  startedAt: z.string(),
  activity: Activity,
  billable: z.boolean(),
  note: z.string(),
  /** Ran past the agent's local midnight: the entry it makes will need its duration confirmed. */
  overnight: z.boolean(),
  runningMinutes: z.number(),
});
export const CurrentTimer = z.object({ timer: RunningTimer.nullable() });

export const TimesheetParams = z.object({
  agentId: z.union([z.literal('me'), z.string().uuid()]),
  weekStart: CalendarDate,
});
export const TimesheetReason = z.object({ reason: Text(2000) });
export const TimesheetListQuery = z.object({
  status: TimesheetStatus.optional(),
  weekStart: CalendarDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const Timesheet = z.object({
  agentId: z.string(),
  agentName: z.string(),
  timeZone: z.string(),
  weekStart: z.string(),
  from: z.string(),
  to: z.string(),
  status: TimesheetStatus,
  submittedAt: z.string().nullable(),
  approvedAt: z.string().nullable(),
  approvedBy: z.string().nullable(),
  note: z.string().nullable(),
  days: z.array(z.object({ date: z.string(), minutes: z.number(), billableMinutes: z.number() })),
  totals: z.object({ minutes: z.number(), billableMinutes: z.number(), flaggedMinutes: z.number(), flaggedEntries: z.number() }),
  entries: z.array(WorkEntry),
});

export const TimesheetSummary = z.object({
  agentId: z.string(),
  agentName: z.string(),
  weekStart: z.string(),
  status: TimesheetStatus,
  submittedAt: z.string().nullable(),
  approvedAt: z.string().nullable(),
});

export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM');
export const ContractHoursQuery = z.object({ month: Month.optional() });

export const ContractHours = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  planId: z.string().nullable(),
  planName: z.string().nullable(),
  month: z.string(),
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  includedHours: z.number(),
  billableHours: z.number(),
  nonBillableHours: z.number(),
  overageHours: z.number(),
  /** Billable hours as a share of the included hours (1 = all used); null without included hours. */
  usedShare: z.number().nullable(),
  warnings: z.array(z.object({ level: z.number(), sentAt: z.string() })),
});

export const AuditList = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      actorId: z.string().nullable(),
      action: z.string(),
      before: z.record(z.string(), z.unknown()).nullable(),
      after: z.record(z.string(), z.unknown()).nullable(),
      createdAt: z.string(),
    }),
  ),
});

/** The time logged over a day, week, month or year (the one holding `date`, today by default). */
export const TimeTotalsQuery = z.object({
  unit: z.enum(['day', 'week', 'month', 'year']).default('week'),
  date: CalendarDate.optional(),
  timeZone: TimeZone.optional(),
});
const Total = z.object({ id: z.string(), name: z.string(), minutes: z.number(), billableMinutes: z.number() });
export const TimeTotals = z.object({
  unit: z.enum(['day', 'week', 'month', 'year']),
  /** The date the period holds: the one asked for, or today in the period's time zone. */
  date: CalendarDate,
  /** The period's first and last local dates. */
  start: CalendarDate,
  end: CalendarDate,
  timeZone: z.string(),
  total: z.object({ minutes: z.number(), billableMinutes: z.number() }),
  agents: z.array(Total),
  organizations: z.array(Total),
});
