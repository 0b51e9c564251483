import { z } from 'zod';
import { Locale, Text } from './common.js';

export const ROOT_CAUSE_CATEGORIES = ['hardware', 'software', 'network', 'configuration', 'capacity', 'third_party', 'human_error', 'process', 'unknown'] as const;
export const RootCauseCategory = z.enum(ROOT_CAUSE_CATEGORIES);
export const ProblemStatus = z.enum(['open', 'known_error', 'resolved']);

/** A request named by its id or its number (TD-000123). */
const TicketRef = z.string().trim().min(1).max(64);
const LongText = (max: number) => z.string().trim().max(max);

export const ProblemCreate = z
  .object({
    title: Text(200),
    description: LongText(20_000).optional(),
    incidents: z.array(TicketRef).min(1).max(500).describe('the incidents it is opened from: ids or numbers'),
  })
  .strict();

export const ProblemPatch = z
  .object({
    title: Text(200).optional(),
    description: LongText(20_000).optional(),
    rootCause: LongText(20_000).nullable().optional(),
    rootCauseCategory: RootCauseCategory.nullable().optional(),
    workaround: LongText(20_000).nullable().optional(),
    status: z.enum(['open', 'known_error']).optional().describe('known_error: the cause is known; resolving has its own call'),
  })
  .strict();

export const IncidentsLink = z.object({ incidents: z.array(TicketRef).min(1).max(500) }).strict();
export const PublishWorkaround = z.object({ spaceId: z.string().uuid().optional(), locale: Locale.optional() }).strict();
export const ProblemResolve = z
  .object({
    resolution: Text(20_000),
    notifyIncidents: z.boolean().default(false).describe('a public reply with the resolution on each open incident'),
    resolveIncidents: z.boolean().default(false).describe('resolve each open incident'),
  })
  .strict();
export const ProblemListQuery = z.object({ status: ProblemStatus.optional() });
export const TicketParam = z.object({ id: z.string().min(1).max(64), ticketId: z.string().min(1).max(64) });

export const ProblemSummary = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  status: ProblemStatus,
  rootCauseCategory: RootCauseCategory.nullable(),
  incidents: z.number(),
  openIncidents: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const ProblemList = z.object({ items: z.array(ProblemSummary) });

export const LinkedIncident = z.object({
  id: z.string(),
  number: z.string(),
  subject: z.string(),
  status: z.string(),
  priority: z.string().optional(),
  organization: z.object({ id: z.string(), name: z.string() }),
  linkedAt: z.string(),
});

export const Problem = ProblemSummary.omit({ incidents: true, openIncidents: true }).extend({
  description: z.string(),
  rootCause: z.string().nullable(),
  workaround: z.string().nullable(),
  kbPageId: z.string().nullable(),
  resolution: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  incidents: z.array(LinkedIncident),
  events: z.array(z.object({ id: z.number(), type: z.string(), data: z.record(z.string(), z.unknown()), actorName: z.string().nullable(), createdAt: z.string() })),
});
export const TicketProblem = z.object({ problem: ProblemSummary.pick({ id: true, number: true, title: true, status: true }).nullable() });
export const Published = z.object({ pageId: z.string() });
export const ResolveOutcome = z.object({ notified: z.number(), resolved: z.number() });

export const ProblemReportQuery = z.object({
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  table: z.enum(['problems', 'categories']).default('problems').describe('the table a CSV holds; XLSX has both'),
  lang: Locale.optional(),
});
export const ProblemReport = z.object({
  byProblem: z.array(z.object({ number: z.string(), title: z.string(), status: ProblemStatus, rootCauseCategory: RootCauseCategory.nullable(), incidents: z.number(), openIncidents: z.number() })),
  byCategory: z.array(z.object({ rootCauseCategory: RootCauseCategory.nullable(), problems: z.number(), incidents: z.number() })),
});

// Major incidents

export const MajorDeclare = z
  .object({
    title: Text(200).optional().describe('the announcement’s title in the affected portals; the request’s subject by default'),
    message: LongText(2000).optional().describe('the announcement’s text'),
  })
  .strict();
export const MajorChildren = z.object({ tickets: z.array(TicketRef).min(1).max(500) }).strict();
export const MajorResolve = z.object({ resolution: Text(20_000) }).strict();

const Child = LinkedIncident.omit({ priority: true });
export const Major = z.object({
  role: z.enum(['parent', 'child']),
  ticket: z.object({ id: z.string(), number: z.string(), subject: z.string() }),
  title: z.string(),
  message: z.string(),
  declaredAt: z.string(),
  resolvedAt: z.string().nullable(),
  children: z.array(Child),
});
export const TicketMajor = z.object({ major: Major.nullable() });
export const Similar = z.object({ items: z.array(Child.omit({ linkedAt: true }).extend({ createdAt: z.string() })) });
export const Linked = z.object({ linked: z.number() });
export const Announcements = z.object({
  items: z.array(z.object({ id: z.string(), title: z.string(), message: z.string(), since: z.string() })),
});
