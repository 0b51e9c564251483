import { z } from 'zod';
import { Locale, TimeZone } from './common.js';
import { CalendarDate, Week } from './sla.js';
import { Channel, TicketType } from './tickets.js';
import { Availability, Line } from './identity.js';

export const PeriodKind = z.enum(['week', 'month', 'year', 'custom']);
export const BucketUnit = z.enum(['day', 'week', 'month']);
export const Dimension = z.enum(['organization', 'plan', 'line', 'group', 'agent', 'category', 'channel', 'type', 'priority']);
/** The tables a report exports: one CSV each, or all of them as the sheets of one XLSX workbook. */
export const ReportTable = z.enum(['summary', 'volume', 'breakdown', 'sla', 'lines', 'organizations', 'agents', 'calls']);

/** Which requests a report covers (all of them by default; a client IT manager always their own organization's). */
export const ReportFilter = z.object({
  organizationId: z.string().uuid().optional(),
  planId: z.string().uuid().optional(),
  line: Line.optional(),
  groupId: z.string().uuid().optional(),
  agentId: z.string().uuid().optional(),
  categoryId: z.string().uuid().optional(),
  channel: Channel.optional(),
  type: TicketType.optional(),
});

export const ReportQuery = ReportFilter.extend({
  period: PeriodKind.default('month'),
  /** week, month, year: any date in it (default: today in the time zone). */
  date: CalendarDate.optional(),
  /** custom: the first and the last local date, both included. */
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
  /** Period boundaries are local midnights here (default: the provider's time zone). */
  timeZone: TimeZone.optional(),
  bucket: BucketUnit.optional(),
  /** A breakdown of the volume by one dimension. */
  by: Dimension.optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  /** csv: the table to export (required); xlsx: one table instead of all. */
  table: ReportTable.optional(),
  /** The language of the exported headers (default: the caller's). */
  lang: Locale.optional(),
});

const n = z.number();
const nn = z.number().nullable();
const Timing = z.object({ count: n, medianMinutes: nn, p90Minutes: nn });

export const Report = z.object({
  period: z.object({ kind: PeriodKind, timeZone: z.string(), start: z.string(), end: z.string(), from: z.string(), to: z.string(), bucket: BucketUnit }),
  filter: ReportFilter,
  volume: z.object({
    received: n,
    resolved: n,
    closed: n,
    reopened: n,
    backlogAtStart: n,
    backlogAtEnd: n,
    series: z.array(z.object({ start: z.string(), end: z.string(), received: n, resolved: n, closed: n, reopened: n, backlog: n })),
    breakdown: z
      .object({
        by: Dimension,
        rows: z.array(z.object({ key: z.string().nullable(), label: z.string(), received: n, resolved: n, closed: n, reopened: n, backlogAtEnd: n })),
      })
      .nullable(),
  }),
  /** Business minutes, from the SLA clocks: first responses given and resolutions made in the period. */
  times: z.object({ firstResponse: Timing, resolution: Timing }),
  sla: z.object({
    targets: z.array(
      z.object({ metric: z.enum(['first_response', 'resolution']), priority: z.string().nullable(), total: n, met: n, missed: n, compliancePct: nn, breaches: n }),
    ),
  }),
  escalations: z.object({
    resolved: n,
    resolvedAtL1: n,
    resolvedAtL1Pct: nn,
    goalPct: n,
    goalMet: z.boolean().nullable(),
    byTime: n,
    byDifficulty: n,
    byHand: n,
    handedToDevelopers: n,
  }),
  /** Business minutes at each line, over the requests resolved in the period. */
  lines: z.array(z.object({ line: Line, totalMinutes: n, requests: n, avgMinutesPerRequest: nn, avgMinutesPerResolvedRequest: nn })),
  satisfaction: z.object({ available: z.boolean(), ratings: n, averageRating: nn, responseRatePct: nn, note: z.string().nullable() }),
  /** Deflections: answered by an article without a request (per organization only). Solved with an article, of those resolved. */
  knowledgeBase: z.object({
    deflections: n,
    solvedWithArticle: n,
    solvedWithArticlePct: nn,
    resolvedAtL2L3: n,
    resolvedAtL2L3WithoutArticle: n,
    note: z.string().nullable(),
  }),
  time: z.object({
    workedHours: n,
    billableHours: n,
    flaggedEntries: n,
    flaggedHours: n,
    organizations: z.array(
      z.object({
        organizationId: z.string(),
        name: z.string(),
        planId: z.string().nullable(),
        planName: z.string().nullable(),
        includedHours: n,
        billableHours: n,
        nonBillableHours: n,
        overageHours: n,
      }),
    ),
    /** Staff only. */
    agents: z
      .array(z.object({ agentId: z.string(), name: z.string(), workedHours: n, billableHours: n, capacityHours: n, utilisationPct: nn, capacityFrom: z.enum(['roster', 'standard']) }))
      .nullable(),
  }),
  /**
   * The telephone: calls started in the period (by organization and agent only; null when another
   * filter is set). Answer rate of the inbound calls answered or missed (busy and voicemail are
   * missed; failed ones are counted apart); time to answer of the inbound calls answered; talk time
   * of every answered call; callbacks of the missed calls, from the call to the callback done.
   */
  calls: z
    .object({
      inbound: n,
      outbound: n,
      inboundAnswered: n,
      inboundMissed: n,
      inboundFailed: n,
      answerRatePct: nn,
      answerMedianSeconds: nn,
      answerP90Seconds: nn,
      avgTalkSeconds: nn,
      callbacksOpened: n,
      callbacksCompleted: n,
      callbackMedianMinutes: nn,
    })
    .nullable(),
  notes: z.array(z.string()),
});
export type ReportT = z.infer<typeof Report>;

export const StaffingQuery = z.object({
  /** How many whole weeks of history before `until` give the arrival rate and the handling time. */
  weeks: z.coerce.number().int().min(1).max(52).default(8),
  /** The last date of the history (default: yesterday); the forecast is for the week after it. */
  until: CalendarDate.optional(),
  timeZone: TimeZone.optional(),
  /** The share of requests to pick up within `targetMinutes`, in percent. */
  targetPct: z.coerce.number().min(1).max(99.9).default(80),
  targetMinutes: z.coerce.number().min(0.1).max(1440).default(15),
  /** Arrivals multiplied by this (e.g. 2 or 3 for a big project). */
  growth: z.coerce.number().min(0.1).max(100).default(1),
  /** Average handling time in minutes, instead of the one measured by the time tracker. */
  ahtMinutes: z.coerce.number().min(0.1).max(1440).optional(),
  /** What arrives: requests (any channel; handling time from the time tracker) or inbound calls (talk time from the call log). */
  source: z.enum(['requests', 'calls']).default('requests'),
  /** The line to staff: at L2 and L3 the arrivals are the requests moved there. */
  line: Line.default('L1'),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  lang: Locale.optional(),
});

export const Staffing = z.object({
  timeZone: z.string(),
  line: Line,
  source: z.enum(['requests', 'calls']),
  /** `requests`: the arrivals counted in the history (requests, or inbound calls with `source=calls`). */
  history: z.object({ start: z.string(), end: z.string(), weeks: n, requests: n }),
  weekStart: z.string(),
  ahtMinutes: nn,
  ahtFrom: z.enum(['time_tracker', 'call_log', 'given', 'none']),
  target: z.object({ pct: n, minutes: n }),
  growth: n,
  hours: z.array(
    z.object({
      weekday: n,
      hour: n,
      arrivalsPerHour: n,
      trafficErlangs: nn,
      agentsNeeded: nn,
      serviceLevelPct: nn,
      waitProbabilityPct: nn,
      agentsOnShift: n,
      gap: nn,
    }),
  ),
  summary: z.object({ peakNeeded: n, hoursShort: n, largestGap: n }),
  notes: z.array(z.string()),
});

export const RosterPut = z.object({ week: Week });
export const Roster = z.object({ userId: z.string(), name: z.string(), line: Line.nullable(), timeZone: z.string(), week: Week, updatedAt: z.string().nullable() });
export type RosterWeekT = z.infer<typeof Week>;

/**
 * Each active agent's open requests against their capacity: the hours they are on shift over the
 * next 24 hours (their roster) and how many requests an hour their line handles (60 / the average
 * handling time the time tracker measured over the last eight weeks). `over` when the open requests
 * per hour on shift are more than that.
 */
export const Workload = z.object({
  from: z.string(),
  to: z.string(),
  /** The handling time per line in minutes, as measured (null: no work logged by that line). */
  ahtMinutes: z.object({ L1: nn, L2: nn, L3: nn }),
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      line: Line.nullable(),
      availability: Availability,
      open: n,
      urgent: n,
      /** Hours on shift over the next 24 hours; null when the person has no roster. */
      shiftHours: nn,
      /** Open requests per hour on shift; null when not on shift in the next 24 hours. */
      perShiftHour: nn,
      /** Requests an hour the person's line handles (60 / handling time); null when unmeasured. */
      capacityPerHour: nn,
      over: z.boolean(),
    }),
  ),
});
