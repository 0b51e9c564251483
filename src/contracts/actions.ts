import { z } from 'zod';
import { Line } from './identity.js';
import { Priority, Status, Tag } from './tickets.js';
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
