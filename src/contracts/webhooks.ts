import { z } from 'zod';
import { Text } from './common.js';

/** The events a webhook may subscribe to. */
export const WEBHOOK_EVENTS = [
  'ticket.created',
  'ticket.replied',
  'ticket.note_added',
  'ticket.status_changed',
  'ticket.priority_changed',
  'ticket.assigned',
  'ticket.line_changed',
  'ticket.reopened',
  'ticket.rated',
  'ticket.handed_off',
  'ticket.handoff_returned',
  'ticket.problem_linked',
  'ticket.problem_resolved',
  'ticket.major_declared',
  'ticket.major_child_linked',
  'ticket.major_updated',
  'ticket.major_resolved',
  'change.planned',
  'change.approval_requested',
  'change.approval_decided',
  'change.approved',
  'change.rejected',
  'catalog.ordered',
  'sla.warning',
  'sla.breached',
  'call.ringing',
  'call.answered',
  'call.ended',
  'call.callback_done',
] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS);

const Url = z
  .string()
  .trim()
  .max(2000)
  .url()
  .regex(/^https?:\/\//i, 'must be an http(s) URL');

const Fields = {
  name: Text(120),
  url: Url,
  events: z.array(WebhookEvent).min(1).max(WEBHOOK_EVENTS.length),
  organizationId: z.string().uuid().nullable().optional().describe('only the events of this organization’s requests and calls; null: all'),
  active: z.boolean().optional(),
};

export const WebhookCreate = z.object(Fields);
export const WebhookPatch = z
  .object({ ...Fields, name: Fields.name.optional(), url: Fields.url.optional(), events: Fields.events.optional(), rotateSecret: z.boolean().optional() })
  .strict();

export const Webhook = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  organizationId: z.string().nullable(),
  active: z.boolean(),
  /** Shown once: when the webhook is created or its secret rotated. */
  secret: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastDelivery: z.object({ status: z.string(), at: z.string(), responseStatus: z.number().nullable() }).nullable(),
});
export const Webhooks = z.object({ items: z.array(Webhook) });

export const WebhookDelivery = z.object({
  id: z.number(),
  webhookId: z.string(),
  event: z.string(),
  ticketId: z.string().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  responseStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  payload: z.unknown(),
});
export const WebhookDeliveries = z.object({ items: z.array(WebhookDelivery) });
export const DeliveryParams = z.object({ id: z.string().min(1).max(64), deliveryId: z.coerce.number().int().positive() });
