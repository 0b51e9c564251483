import { z } from 'zod';

/** The one "time left" of a request (the sla module's timeLeft): the clock due first, in business minutes. */
export const SlaLeft = z.object({
  metric: z
    .enum(['first_response', 'resolution', 'line'])
    .describe('which clock: first response, resolution, or the line budget (staff only)'),
  line: z.string().nullable().describe('for the line budget: the line it is the budget of (L1, L2)'),
  state: z.enum(['running', 'paused']),
  targetMinutes: z.number(),
  leftMinutes: z.number().describe('business minutes left; negative when overdue'),
  usedShare: z.number(),
  dueAt: z.string().nullable().describe('when the clock runs out; null while paused'),
  breached: z.boolean(),
});

export const SLA_STATES = ['running', 'paused', 'at_risk', 'breached'] as const;
export const SlaState = z.enum(SLA_STATES);

/** Columns a queue may show, chosen per view. */
export const QUEUE_COLUMNS = [
  'number',
  'subject',
  'status',
  'priority',
  'sla',
  'l1Budget',
  'requester',
  'organization',
  'plan',
  'line',
  'group',
  'assignee',
  'channel',
  'updated',
  'created',
] as const;
export const QueueColumn = z.enum(QUEUE_COLUMNS);

/** The filters and sort of a view: the list's query string (`status=new,open&sort=due…`), without paging. */
const ViewQuery = z
  .string()
  .max(2000)
  .refine(
    (s) => !/(^|&)(cursor|limit)=/.test(s),
    'a view keeps filters and sort, not paging (cursor, limit)',
  );

export const QueueViewInput = z.object({
  name: z.string().trim().min(1).max(80),
  query: ViewQuery,
  columns: z.array(QueueColumn).min(1).max(QUEUE_COLUMNS.length).optional(),
  /** Shared with every staff member; only a manager may share. */
  shared: z.boolean().default(false),
});

export const QueueViewPatch = QueueViewInput.partial();

export const QueueView = z.object({
  id: z.string(),
  name: z.string(),
  query: z.string(),
  columns: z.array(QueueColumn).nullable(),
  shared: z.boolean(),
  owner: z.object({ id: z.string(), name: z.string() }),
  /** Whether the caller may change or delete it. */
  mine: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const QueueViewList = z.object({
  items: z.array(QueueView.extend({ count: z.number().int().describe('requests matching the view now') })),
});

export const TicketCount = z.object({ count: z.number().int() });
