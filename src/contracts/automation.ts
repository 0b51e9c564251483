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

/** Why a rule's run failed: a stable code with its parameters, rendered in the reader's language. */
export const RULE_ERROR_CODES = [
  /** An action failed: `n` (1-based) and `action` (its type), `reason` (the desk's error code) and `message` (in English). */
  'action_failed',
  /** A chain of rules cut at `depth` rounds; `rules`: the names of those left out. */
  'chain_cut',
  /** Written before errors had codes: `text`, as it was recorded. */
  'error',
] as const;
/** Why a dry run would not run the rule at all. */
export const SKIP_CODES = [
  /** The rule is switched off. */
  'rule_disabled',
  /** The rule is for another organization. */
  'other_organization',
  /** The rule does not run on the event given (`event`). */
  'other_event',
] as const;
const CodeParams = z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())]));
export const RuleError = z.object({
  code: z.enum(RULE_ERROR_CODES),
  params: CodeParams,
  text: z.string().describe('the same in English, for logs and older clients; render the code in the reader’s language'),
});
export type RuleError = z.infer<typeof RuleError>;
export const SkipReason = z.object({ code: z.enum(SKIP_CODES), params: CodeParams, text: z.string().describe('the same in English') });
export type SkipReason = z.infer<typeof SkipReason>;

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
  lastError: RuleError.nullable(),
  lastErrorAt: IsoInstant.nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
});
export const RuleList = z.object({ items: z.array(Rule) });
export const RuleListQuery = z.object({ organizationId: z.string().uuid().optional(), kind: RuleKind.optional() });

/** The fields whose change an event carries (what `changed`, `changed_from`, `changed_to` look at). */
export const CHANGEABLE_FIELDS = ['ticket.priority', 'ticket.status', 'ticket.line', 'ticket.category', 'ticket.groupId', 'ticket.assigneeId', 'ticket.type'] as const;
/** An event to judge a dry run as set off by: its type and, for `ticket.updated`, the field changed from → to. */
export const DryRunEvent = z.object({
  type: RuleEvent,
  change: z
    .object({ field: z.enum(CHANGEABLE_FIELDS), from: z.string().max(200).nullable(), to: z.string().max(200).nullable() })
    .optional()
    .describe('only with ticket.updated: the field as it was and as it became (the request is judged with the new value)'),
});
export const DryRunBody = z.object({
  ticket: z.string().trim().min(1).max(64).describe('the request: its number (TD-123) or id'),
  event: DryRunEvent.optional().describe('judge as set off by this event; none: no change, so `changed…` conditions do not hold'),
});
export const ConditionResult = z.object({
  path: z.string(),
  ok: z.boolean(),
  actual: z.unknown(),
  needsEvent: z.boolean().optional().describe('a `changed…` condition judged without an event: it can only hold on one'),
});
export const DryRunResult = z.object({
  matched: z.boolean(),
  conditions: z.array(ConditionResult),
  actions: z.array(RuleAction),
  /** Why the rule would not run on this request at all (disabled, another organization's, another event). */
  skippedReason: SkipReason.optional(),
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
  error: RuleError.nullable(),
  at: IsoInstant,
});
export const RunList = z.object({ items: z.array(Run) });
export const RunQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() });
