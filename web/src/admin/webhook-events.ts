import type { z } from 'zod';
import type * as wh from '../../../src/contracts/webhooks';

type WebhookEvent = z.infer<typeof wh.WebhookEvent>;

/** Every event a webhook may subscribe to; the type makes sure none of the API's is missing. */
const ALL: Record<WebhookEvent, true> = {
  'ticket.created': true,
  'ticket.replied': true,
  'ticket.note_added': true,
  'ticket.status_changed': true,
  'ticket.priority_changed': true,
  'ticket.assigned': true,
  'ticket.line_changed': true,
  'ticket.reopened': true,
  'ticket.rated': true,
  'ticket.handed_off': true,
  'ticket.handoff_returned': true,
  'ticket.problem_linked': true,
  'ticket.problem_resolved': true,
  'ticket.major_declared': true,
  'ticket.major_child_linked': true,
  'ticket.major_updated': true,
  'ticket.major_resolved': true,
  'change.planned': true,
  'change.approval_requested': true,
  'change.approval_decided': true,
  'change.approved': true,
  'change.rejected': true,
  'catalog.ordered': true,
  'sla.warning': true,
  'sla.breached': true,
  'call.ringing': true,
  'call.answered': true,
  'call.ended': true,
  'call.callback_done': true,
};
export const WEBHOOK_EVENTS = Object.keys(ALL) as WebhookEvent[];

/** The i18n key of an event's description (i18next reads dots as nesting). */
export const eventKey = (event: string) => `webhooks.event.${event.replace('.', '_')}`;
