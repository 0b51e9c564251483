import { z } from 'zod';

/** The kinds of notice, each a preference. */
export const NoticeKind = z.enum([
  'ticket_received',
  'ticket_replied',
  'ticket_status_changed',
  'ticket_escalated',
  'ticket_resolved',
  'sla_warning',
  'sla_breached',
  'handoff_returned',
  'major_incident_update',
]);

const Cursor = z.coerce.number().int().positive();
const Limit = z.coerce.number().int().min(1).max(100).default(50);

export const FeedQuery = z.object({
  unread: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  cursor: Cursor.optional(),
  limit: Limit,
});

export const Notification = z.object({
  id: z.number(),
  event: z.string(),
  title: z.string(),
  body: z.string(),
  ticketId: z.string().nullable(),
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export const FeedPage = z.object({ items: z.array(Notification), nextCursor: z.number().nullable() });
export const UnreadCount = z.object({ count: z.number() });
export const MarkedRead = z.object({ updated: z.number() });
export const NotificationParam = z.object({ id: z.coerce.number().int().positive() });

export const Channels = z.object({ email: z.boolean(), inApp: z.boolean(), sms: z.boolean().describe('to the mobile number in the profile, when there is one') });
export const Preference = z.object({ event: NoticeKind, channels: Channels });
export const Preferences = z.object({ items: z.array(Preference) });
export const PreferencesPut = z.object({
  items: z
    .array(z.object({ event: NoticeKind, channels: Channels.partial().strict() }).strict())
    .min(1)
    .max(NoticeKind.options.length * 2),
});

export const RatingBody = z.object({
  rating: z.coerce.number().int().min(1).max(5),
  comment: z.string().trim().max(4000).nullable().optional(),
});
export const RatingQuery = z.object({ rating: z.coerce.number().int().min(1).max(5) });
export const RatingTokenParam = z.object({ token: z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/, 'not a rating link') });
export const Satisfaction = z.object({
  ticketId: z.string(),
  rating: z.number(),
  comment: z.string().nullable(),
  ratedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const SatisfactionOrNone = z.object({ satisfaction: Satisfaction.nullable() });

export const DeadLetter = z.object({
  id: z.number(),
  channel: z.enum(['email', 'sms']).describe('an e-mail, or an SMS (`to` is then a phone number)'),
  to: z.string(),
  subject: z.string(),
  ticketId: z.string().nullable(),
  messageId: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  failedAt: z.string().nullable(),
});
export const DeadLetterPage = z.object({ items: z.array(DeadLetter), nextCursor: z.number().nullable() });
export const DeadLetterQuery = z.object({ cursor: Cursor.optional(), limit: Limit });
