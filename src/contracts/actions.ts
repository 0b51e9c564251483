import { z } from 'zod';
import { Line } from './identity.js';
import { Priority, Status, Tag, TicketType } from './tickets.js';
import { Activity } from './timetracking.js';

/**
 * The actions that change a request on someone's behalf: the steps of a macro (and of the
 * automation rules that reuse them). Each kind is applied through the requests' own services, so
 * it is checked, recorded and followed (timeline, SLA, notifications) as a person's change is.
 */
export const Action = z.discriminatedUnion('type', [
  /** A public reply from a canned reply, in the requester's language, placeholders filled. */
  z.object({ type: z.literal('reply'), cannedReplyId: z.string().uuid() }),
  /** An internal note; placeholders are filled as in canned replies. */
  z.object({ type: z.literal('note'), body: z.string().trim().min(1).max(20_000) }),
  z.object({ type: z.literal('status'), status: Status }),
  z.object({ type: z.literal('priority'), priority: Priority }),
  z.object({ type: z.literal('category'), categoryId: z.string().uuid().nullable() }),
  /** Moves the request to another line; the reason goes to its timeline. */
  z.object({ type: z.literal('line'), line: Line, reason: z.string().trim().min(1).max(2000) }),
  /** `me`: whoever applies the macro. */
  z.object({ type: z.literal('assignee'), assigneeId: z.union([z.string().uuid(), z.literal('me')]).nullable() }),
  z.object({ type: z.literal('group'), groupId: z.string().uuid().nullable() }),
  /** Adds tags, keeping those the request has. */
  z.object({ type: z.literal('tags'), add: z.array(Tag).min(1).max(30) }),
  /** Logs work time for whoever applies the macro, ending now. */
  z.object({ type: z.literal('time'), minutes: z.number().int().min(1).max(24 * 60), activity: Activity, billable: z.boolean().optional(), note: z.string().trim().max(2000).optional() }),
  /** Marks a knowledge base article as the request's solution. */
  z.object({ type: z.literal('kb'), pageId: z.string().uuid() }),
]);
export type Action = z.infer<typeof Action>;
export type ActionType = Action['type'];

/** The actions of one macro or rule, applied in this order. */
export const ActionList = z.array(Action).min(1).max(20);

/**
 * Who a rule's notice goes to: the request's requester, assignee, the organization's IT managers,
 * the members of its group, everyone of a staff role (`role:manager`), the people on duty at a line
 * (`role:l2_oncall`), or one person by id.
 */
export const NotifyTarget = z.union([
  z.enum(['requester', 'assignee', 'it_managers', 'group']),
  z.string().regex(/^role:(agent|manager|admin|l[123]_oncall)$/, 'role:agent|manager|admin|l1_oncall|l2_oncall|l3_oncall'),
  z.string().uuid(),
]);

/**
 * What an automation rule may do: every macro action, and besides: notify people, escalate to the
 * next line, hand off to the developers, call a webhook, start or stop the assignee's work timer,
 * set the request's type. Checked when the rule is saved (names exist, one of two fields given).
 */
export const RuleAction = z.discriminatedUnion('type', [
  ...Action.options,
  /** A notice by e-mail, SMS or in the app; `text` (placeholders filled) or a canned reply in the reader's language. */
  z.object({
    type: z.literal('notify'),
    to: NotifyTarget,
    channel: z.enum(['email', 'sms', 'in_app']),
    text: z.string().trim().min(1).max(2000).optional(),
    cannedReplyId: z.string().uuid().optional(),
  }),
  /** Moves the request to the next line (L1 → L2 → L3), with the reason on its timeline. */
  z.object({ type: z.literal('escalate'), reason: z.string().trim().min(1).max(2000) }),
  /** Hands the request off to the developers' tracker. */
  z.object({ type: z.literal('handoff'), note: z.string().trim().max(2000).optional() }),
  /** Posts the request to one of the desk's webhooks (signed, retried like its event deliveries). */
  z.object({ type: z.literal('webhook'), webhookId: z.string().uuid() }),
  /** Starts or stops the assignee's running work timer on the request. */
  z.object({ type: z.literal('timer'), timer: z.enum(['start', 'stop']) }),
  /** Sets the request's type. */
  z.object({ type: z.literal('type'), ticketType: TicketType }),
]);
export type RuleAction = z.infer<typeof RuleAction>;
export type RuleActionType = RuleAction['type'];
