import type { Condition, ConditionField } from '../../contracts/automation.js';
import { mailboxOfTicket } from '../channels/email/index.js';
import { gatewayOfTicket } from '../channels/sms/index.js';
import type { Db } from '../db.js';
import { findOrganizationOnce, findUsersOnce, isStaff, toActor, SYSTEM_USER_ID } from '../identity/index.js';
import { businessCalendarFor } from '../sla/index.js';
import { findEntry, listTags, type TicketRow } from '../tickets/index.js';
import type { Change, RuleFacts } from './conditions.js';

/** What an event tells about a request, gathered over one transaction. */
export interface EventInfo {
  /** The fields changed, from the first value to the last. */
  changes: Partial<Record<ConditionField, Change>>;
  /** Who caused it (null: the system). */
  actorId: string | null;
  /** The comment of a `comment.*` event. */
  entryId?: number;
}

/** The fields whose facts are read from the database (the rest are on the request's row or in the event). */
const READ_FIELDS = new Set<ConditionField>(['ticket.tags', 'organization.name', 'plan.id', 'requester.email', 'requester.language', 'event.actor', 'mailbox.id', 'smsGateway.id', 'comment.body']);

/** Whether a condition can be judged on the request's row and the event alone, without reading anything. */
export const judgedOnRow = (c: Condition) => c.op.startsWith('changed') || (!READ_FIELDS.has(c.field) && !c.op.endsWith('business_hours'));

/** The facts on the request's row and in the event: no query. */
export function rowFacts(t: TicketRow, event: EventInfo, at: Date): RuleFacts {
  const values: RuleFacts['values'] = {
    'ticket.priority': t.priority,
    'ticket.status': t.status,
    'ticket.line': t.line,
    'ticket.type': t.type,
    'ticket.category': t.category_id,
    'ticket.channel': t.channel,
    'ticket.impact': t.impact,
    'ticket.urgency': t.urgency,
    'ticket.subject': t.subject,
    'ticket.body': t.description,
    'ticket.groupId': t.group_id,
    'ticket.assigneeId': t.assignee_id,
    'organization.id': t.organization_id,
    'requester.id': t.requester_id,
  };
  return { values, changes: event.changes, at };
}

/**
 * Reads the facts about a request that the conditions in question need, and only those: the
 * request itself (already read in the transaction), then tags, organization, requester, the
 * mailbox or gateway, the comment, the plan's calendar as the rules ask for them.
 */
export async function loadFacts(db: Db, t: TicketRow, needed: Set<ConditionField>, event: EventInfo, at: Date): Promise<RuleFacts> {
  const { values } = rowFacts(t, event, at);
  const wants = (...fields: ConditionField[]) => fields.some((f) => needed.has(f));
  if (wants('ticket.tags')) values['ticket.tags'] = await listTags(db, t.id);
  if (wants('organization.name', 'plan.id')) {
    const org = await findOrganizationOnce(db, t.organization_id);
    values['organization.name'] = org?.name ?? null;
    values['plan.id'] = org?.plan_id ?? null;
  }
  if (wants('requester.email', 'requester.language', 'event.actor')) {
    const ids = [t.requester_id, ...(event.actorId ? [event.actorId] : [])];
    const people = await findUsersOnce(db, ids);
    const requester = people.get(t.requester_id);
    values['requester.email'] = requester?.email ?? null;
    values['requester.language'] = requester?.locale ?? null;
    const actor = event.actorId ? people.get(event.actorId) : undefined;
    values['event.actor'] = !actor || actor.id === SYSTEM_USER_ID ? 'system' : isStaff(toActor(actor)) ? 'staff' : 'requester';
  }
  if (wants('mailbox.id')) values['mailbox.id'] = await mailboxOfTicket(db, t.id);
  if (wants('smsGateway.id')) values['smsGateway.id'] = await gatewayOfTicket(db, t.id);
  if (wants('comment.body')) values['comment.body'] = event.entryId ? ((await findEntry(db, t.id, event.entryId))?.body ?? null) : null;
  const calendar = wants('event.time') ? await businessCalendarFor(db, t) : undefined;
  return { values, changes: event.changes, at, calendar };
}
