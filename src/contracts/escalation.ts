import { z } from 'zod';
import { Text } from './common.js';

/** What an L2/L3 agent tells the developers when handing them a defect. */
export const HandOffCreate = z.object({ summary: Text(10_000) });

/** A defect handed to the software developers, as staff see it. */
export const DeveloperItem = z.object({
  id: z.string(),
  ticketId: z.string(),
  /** Our side: waiting to be sent, created in the tracker, or given up after the retries. */
  status: z.enum(['pending', 'created', 'failed']),
  externalId: z.string().nullable(),
  url: z.string().nullable(),
  /** The tracker's own last status text. */
  trackerStatus: z.string().nullable(),
  summary: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  fixedAt: z.string().nullable(),
  lastError: z.string().nullable(),
});

export const DeveloperItems = z.object({ items: z.array(DeveloperItem) });

/** An http(s) address; anything else (javascript:, data:) is never shown as a link. */
const WebUrl = z
  .string()
  .max(2000)
  .url()
  .regex(/^https?:\/\//i, 'must be an http(s) URL');

/** The tracker's answer to a hand-off: its id for the new item (a string or a number) and its address. */
export const TrackerAnswer = z.object({
  id: z.union([z.string().trim().min(1).max(200), z.number().int()]).transform(String),
  url: WebUrl,
});

/** Fixed, done, resolved, closed: the tracker's words for "the developers are finished". */
export const FIXED_STATUSES = ['fixed', 'done', 'resolved', 'closed'];

/** An event from the developers' tracker (signed like our calls to it): a comment or a status change. */
export const TrackerEvent = z
  .object({
    externalId: z.union([z.string().trim().min(1).max(200), z.number().int()]).transform(String),
    type: z.enum(['comment', 'status']),
    comment: Text(100_000).optional(),
    author: Text(200).optional(),
    status: Text(200).optional(),
    fixed: z.boolean().optional(),
  })
  .superRefine((e, ctx) => {
    if (e.type === 'comment' && !e.comment)
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'a comment event needs the comment' });
    if (e.type === 'status' && !e.status && e.fixed === undefined)
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'a status event needs the status or fixed' });
  });
export type TrackerEvent = z.output<typeof TrackerEvent>;
