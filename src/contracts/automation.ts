import { z } from 'zod';
import { IsoInstant, Text } from './common.js';
import { RuleAction } from './actions.js';

/** The events an event rule may run on. */
export const RULE_EVENTS = [
  'ticket.created',
  'ticket.updated',
  'comment.requester',
  'comment.staff',
  'ticket.escalated',
  'sla.warned',
  'sla.breached',
  'call.missed',
  'sms.received',
] as const;
export const RuleEvent = z.enum(RULE_EVENTS);
export type RuleEvent = z.infer<typeof RuleEvent>;

/** What a condition may look at: the request, its people and organization, how it came, the event. */
export const CONDITION_FIELDS = [
  'ticket.priority',
  'ticket.status',
  'ticket.line',
  'ticket.type',
  'ticket.category',
  'ticket.channel',
  'ticket.impact',
  'ticket.urgency',
  'ticket.tags',
  'ticket.subject',
  'ticket.body',
  'ticket.groupId',
  'ticket.assigneeId',
  'organization.id',
  'organization.name',
  'plan.id',
  'requester.id',
  'requester.email',
  'requester.language',
  'mailbox.id',
  'smsGateway.id',
  /** The text of the comment of a `comment.*` event. */
  'comment.body',
  /** When the event happened: with `in_business_hours` / `out_of_business_hours` (the plan's calendar). */
  'event.time',
  /** Who caused the event: `requester`, `staff` or `system`. */
  'event.actor',
] as const;
export const ConditionField = z.enum(CONDITION_FIELDS);
export type ConditionField = z.infer<typeof ConditionField>;

export const CONDITION_OPS = [
  'is',
  'is_not',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'matches',
  'changed',
  'changed_from',
  'changed_to',
  'gt',
  'lt',
  'in_business_hours',
  'out_of_business_hours',
] as const;
export const ConditionOp = z.enum(CONDITION_OPS);
export type ConditionOp = z.infer<typeof ConditionOp>;

/** A regular expression of `matches`, kept short so that no rule can make matching slow. */
export const MAX_PATTERN = 200;

export const ConditionValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null(), z.array(z.string().max(200)).max(100)]);
export const Condition = z.object({ field: ConditionField, op: ConditionOp, value: ConditionValue.optional() });
export type Condition = z.infer<typeof Condition>;

/** Every `all` condition holds, at least one `any` (when given), and no `none`. */
export const ConditionGroup = z.object({
  all: z.array(Condition).max(50).optional(),
  any: z.array(Condition).max(50).optional(),
  none: z.array(Condition).max(50).optional(),
});
export type ConditionGroup = z.infer<typeof ConditionGroup>;

export const RuleKind = z.enum(['event', 'time']);
export const TimeField = z.enum(['pending_customer', 'unassigned', 'resolved', 'status_age', 'no_staff_reply']);
/** A time rule's time condition: the request has been so for at least `minutes` (business minutes when `business`). */
export const TimeCondition = z.object({ field: TimeField, minutes: z.number().int().min(1).max(366 * 24 * 60), business: z.boolean() });

const Fields = {
  name: Text(120),
  organizationId: z.string().uuid().nullable().optional().describe('only this organization’s requests; null: every organization'),
  enabled: z.boolean().optional(),
  position: z.number().int().min(0).max(100_000).optional().describe('rules run in ascending position; default: after the last'),
  kind: RuleKind.optional().describe('default: event'),
  events: z.array(RuleEvent).max(RULE_EVENTS.length).optional(),
  conditions: ConditionGroup.optional(),
  time: TimeCondition.nullable().optional(),
  actions: z.array(RuleAction).min(1).max(20),
};

export const RuleCreate = z.object(Fields);
export const RulePatch = z.object({ ...Fields, actions: Fields.actions.optional(), name: Fields.name.optional() });
export type RuleInput = z.infer<typeof RuleCreate>;
export type RulePatch = z.infer<typeof RulePatch>;

export const Rule = z.object({
  id: z.string(),
  name: z.string(),
  ownerId: z.string().nullable(),
  organizationId: z.string().nullable(),
  enabled: z.boolean(),
  position: z.number(),
  kind: RuleKind,
  events: z.array(RuleEvent),
  conditions: ConditionGroup,
  time: TimeCondition.nullable(),
  actions: z.array(RuleAction),
  lastError: z.string().nullable(),
  lastErrorAt: IsoInstant.nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
});
export const RuleList = z.object({ items: z.array(Rule) });
export const RuleListQuery = z.object({ organizationId: z.string().uuid().optional(), kind: RuleKind.optional() });

export const DryRunBody = z.object({ ticket: z.string().trim().min(1).max(64).describe('the request: its number (TD-123) or id') });
export const ConditionResult = z.object({ path: z.string(), ok: z.boolean(), actual: z.unknown() });
export const DryRunResult = z.object({
  matched: z.boolean(),
  conditions: z.array(ConditionResult),
  actions: z.array(RuleAction),
  /** Why the rule would not run on this request at all (disabled, another organization's). */
  skippedReason: z.string().optional(),
});
export const TicketRules = z.object({
  items: z.array(z.object({ rule: z.object({ id: z.string(), name: z.string() }), matched: z.boolean(), actions: z.array(RuleAction) })),
});

export const Run = z.object({
  id: z.string(),
  ruleId: z.string(),
  ticketId: z.string().nullable(),
  ticketNumber: z.number().nullable(),
  event: z.string(),
  matched: z.boolean(),
  actions: z.array(RuleAction),
  error: z.string().nullable(),
  at: IsoInstant,
});
export const RunList = z.object({ items: z.array(Run) });
export const RunQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() });
