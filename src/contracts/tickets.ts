import { z } from 'zod';
import { IsoInstant, Text } from './common.js';
import { Line } from './identity.js';
import * as ex from './examples.js';
import { SlaLeft, SlaState } from './queue.js';

export const TicketType = z.enum(['incident', 'service_request', 'change', 'problem']);
export const Channel = z.enum(['web', 'email', 'sms', 'phone', 'api']);
export const Status = z.enum(['new', 'open', 'pending_customer', 'pending_vendor', 'resolved', 'closed']);
export const Priority = z.enum(['P1', 'P2', 'P3', 'P4']);
export const Level = z.enum(['high', 'medium', 'low']);
export const Tag = z.string().trim().toLowerCase().regex(/^[\p{L}\p{N}_.:-]{1,40}$/u, 'letters, digits and _ . : - only, up to 40');

export const TicketCreate = z.object({
  subject: Text(300),
  description: z.string().trim().min(1).max(100_000),
  type: TicketType.optional(),
  requesterId: z.string().uuid().optional(),
  organizationId: z.string().uuid().optional(),
  channel: Channel.optional(),
  categoryId: z.string().uuid().nullable().optional(),
  impact: Level.optional(),
  urgency: Level.optional(),
  priority: Priority.optional(),
  tags: z.array(Tag).max(30).optional(),
}).meta({ example: ex.ticketCreateExample });

export const TicketPatch = z.object({
  subject: Text(300).optional(),
  description: z.string().trim().min(1).max(100_000).optional(),
  type: TicketType.optional(),
  status: Status.optional(),
  impact: Level.optional(),
  urgency: Level.optional(),
  priority: Priority.optional(),
  categoryId: z.string().uuid().nullable().optional(),
  line: Line.optional(),
  groupId: z.string().uuid().nullable().optional(),
  assigneeId: z.string().uuid().nullable().optional(),
  tags: z.array(Tag).max(30).optional(),
  reason: z.string().trim().max(2000).optional(),
  /** The version the change is based on; a stale one is refused with 409 (or send If-Match). */
  version: z.number().int().positive().optional(),
});

const csv = <T extends z.ZodType<string>>(item: T) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const parts = s.split(',').map((p) => p.trim());
      for (const p of parts) {
        const r = item.safeParse(p);
        if (!r.success) ctx.addIssue({ code: 'custom', message: `${p}: ${r.error.issues[0]?.message ?? 'invalid'}` });
      }
      return parts as z.infer<T>[];
    });

/** `due`: the request whose SLA clock runs out first first (the agent's line queues). */
export const SORTS = ['-created', 'created', '-updated', 'updated', '-number', 'number', 'due'] as const;

export const TicketListQuery = z.object({
  status: csv(Status),
  priority: csv(Priority),
  organizationId: z.string().uuid().optional(),
  planId: z.string().uuid().optional(),
  channel: csv(Channel),
  /** Any of: running, paused, at_risk (due soon or past the warning share), breached. */
  sla: csv(SlaState),
  line: Line.optional(),
  groupId: z.string().uuid().optional(),
  /** A staff member's id, `me`, or `none` for unassigned requests. */
  assigneeId: z.union([z.string().uuid(), z.literal('me'), z.literal('none')]).optional(),
  requesterId: z.string().uuid().optional(),
  type: TicketType.optional(),
  updatedSince: IsoInstant.optional(),
  tag: Tag.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(SORTS).default('-created'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const PersonRef = z.object({ id: z.string(), name: z.string() });

/** A request as the client side sees it. */
export const ClientTicket = z.object({
  id: z.string(),
  number: z.string(),
  type: TicketType,
  subject: z.string(),
  description: z.string(),
  status: Status,
  priority: Priority,
  channel: Channel,
  line: Line,
  organizationId: z.string(),
  organization: PersonRef,
  requester: PersonRef.extend({ email: z.string() }),
  categoryId: z.string().nullable(),
  assignee: PersonRef.nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});

/** A request as the staff see it: everything, including the handling fields. */
export const StaffTicket = ClientTicket.extend({
  impact: Level,
  urgency: Level,
  groupId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  requesterId: z.string(),
  firstResponseAt: z.string().nullable(),
  reopenedCount: z.number(),
  createdBy: z.string(),
});

export const TicketDetail = z.union([
  StaffTicket.extend({
    tags: z.array(z.string()),
    watchers: z.array(PersonRef),
    links: z.array(z.object({ id: z.string(), kind: z.string(), ticket: z.object({ id: z.string(), number: z.string(), subject: z.string(), status: Status }) })),
  }),
  ClientTicket.extend({ watchers: z.array(PersonRef) }),
]).meta({ example: ex.ticketExample });

export const TicketPage = z.object({
  items: z.array(z.union([StaffTicket.extend({ sla: SlaLeft.nullable(), budget: SlaLeft.nullable().describe('the line budget left before escalation by time') }), ClientTicket.extend({ sla: SlaLeft.nullable() })])),
  nextCursor: z.string().nullable(),
}).meta({ example: ex.ticketPageExample });

export const CommentBody = z.object({
  body: z.string().trim().min(1).max(100_000),
  internal: z.boolean().default(false),
  seenEntryId: z.coerce.number().int().min(0).optional().describe('the last timeline entry the writer saw: a newer one answers 409 `ticket_changed`, naming what changed'),
  force: z.boolean().optional().describe('send even though the request changed since `seenEntryId`'),
}).meta({ example: ex.commentExample });

export const Attachment = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string(),
});

export const TimelineEntry = z.object({
  id: z.number(),
  kind: z.enum(['reply', 'note', 'event']),
  internal: z.boolean(),
  author: PersonRef.nullable(),
  body: z.string(),
  event: z.object({ type: z.string(), data: z.record(z.string(), z.unknown()) }).nullable(),
  attachments: z.array(Attachment),
  createdAt: z.string(),
  /** Staff only: the automation rule that did this (its name at the time). */
  rule: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
}).meta({ example: ex.timelineEntryExample });

export const Timeline = z.object({ items: z.array(TimelineEntry) });

export const LinkCreate = z.object({
  ticket: z.string().min(1).max(64).describe('the other request: its id or number'),
  kind: z.enum(['duplicate_of', 'related', 'parent_of', 'child_of']),
});
export const EscalateBody = z.object({
  line: Line,
  reason: z.string().trim().min(1).max(2000).describe('why the request moves; shown in its timeline'),
});
export const WatcherCreate = z.object({ userId: z.string().uuid() });
export const CategoryCreate = z.object({
  name: Text(100),
  nameRu: Text(100).optional(),
  parentId: z.string().uuid().nullable().optional(),
  difficulty: z.number().int().min(1).max(3),
});
export const CategoryPatch = CategoryCreate.partial();
export const Category = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  nameRu: z.string(),
  difficulty: z.number(),
});
export const AuditEntry = z.object({
  id: z.number(),
  actorId: z.string().nullable(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  createdAt: z.string(),
});
