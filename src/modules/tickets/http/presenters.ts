import type { TimeLeft } from '../../sla/index.js';
import type { AuditRecord } from '../../../core/audit/audit.js';
import { isStaff, type Actor, type Locale } from '../../identity/index.js';
import { localizedReason, reasonOf } from '../reasons.js';
import type { ChangeNames } from '../timeline.service.js';
import { linkKindFrom } from '../relations.service.js';
import type { AttachmentRow, CategoryRow, EntryRow, TicketRow, TicketWithNames } from '../tickets.repo.js';
import { PUBLIC_EVENTS } from '../tickets.policy.js';

export const ticketNumber = (n: number) => `TD-${String(n).padStart(6, '0')}`;

interface Names {
  requester: { id: string; name: string; email: string };
  organization: { id: string; name: string };
  assignee: { id: string; name: string } | null;
}

/** A request as the viewer may see it: client-side viewers get the client shape only. */
export function presentTicket(t: TicketRow, names: Names, viewer: Actor) {
  const client = {
    id: t.id,
    number: ticketNumber(t.number),
    type: t.type,
    subject: t.subject,
    description: t.description,
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    line: t.line,
    organizationId: t.organization_id,
    organization: names.organization,
    requester: names.requester,
    categoryId: t.category_id,
    assignee: names.assignee,
    version: t.version,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    resolvedAt: t.resolved_at,
    closedAt: t.closed_at,
  };
  if (!isStaff(viewer)) return client;
  // Object.assign, not a spread: on Node 20 `{ ...client, more }` takes V8's slow path (µs a row, a
  // list's page pays it 50 times over); the keys and their order are the same.
  return Object.assign(client, {
    impact: t.impact,
    urgency: t.urgency,
    groupId: t.group_id,
    assigneeId: t.assignee_id,
    requesterId: t.requester_id,
    firstResponseAt: t.first_response_at,
    reopenedCount: t.reopened_count,
    createdBy: t.created_by,
  });
}

/** A row of the list, which carries the names it shows. */
export function presentListRow(
  r: TicketRow & { requester_name: string; requester_email: string; organization_name: string; assignee_name: string | null },
  viewer: Actor,
) {
  return presentTicket(
    r,
    {
      requester: { id: r.requester_id, name: r.requester_name, email: r.requester_email },
      organization: { id: r.organization_id, name: r.organization_name },
      assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? '' } : null,
    },
    viewer,
  );
}

/** A row of the list: the request, its SLA time left (the sla module's one figure) and, for staff, its line budget left. */
export const presentListItem = (r: Parameters<typeof presentListRow>[0] & { sla: TimeLeft | null; budget: TimeLeft | null }, viewer: Actor) =>
  // Assigned rather than spread, as in presentTicket: this runs for every row of every page.
  Object.assign(presentListRow(r, viewer), isStaff(viewer) ? { sla: r.sla, budget: r.budget } : { sla: r.sla });

export function presentDetail(
  d: {
    ticket: TicketWithNames;
    tags: string[];
    watchers: { id: string; name: string }[];
    links: { id: string; kind: 'duplicate_of' | 'related' | 'parent_of'; from_ticket_id: string; other_id: string; other_number: number; other_subject: string; other_status: TicketRow['status'] }[];
  },
  viewer: Actor,
) {
  const base = presentListRow(d.ticket, viewer);
  const watchers = d.watchers.map((w) => ({ id: w.id, name: w.name }));
  if (!isStaff(viewer)) return { ...base, watchers };
  return {
    ...base,
    tags: d.tags,
    watchers,
    links: d.links.map((l) => ({
      id: l.id,
      kind: linkKindFrom(l.kind, l.from_ticket_id === d.ticket.id),
      ticket: { id: l.other_id, number: ticketNumber(l.other_number), subject: l.other_subject, status: l.other_status },
    })),
  };
}

/**
 * An event's data with what a reader needs beside the codes: the names its from/to ids stand for,
 * and a reason the desk wrote, coded (old rows: recognized) and worded in the viewer's language.
 */
function withReadableParts(data: Record<string, unknown>, names: ChangeNames, locale: Locale) {
  const name = (v: unknown) => (typeof v === 'string' ? names.get(v)?.[locale] : undefined);
  const coded = reasonOf(data);
  return {
    ...data,
    ...(name(data.from) && { fromName: name(data.from) }),
    ...(name(data.to) && { toName: name(data.to) }),
    ...(coded && { reasonCode: coded.code, reasonParams: coded.params }),
    ...(typeof data.reason === 'string' && { reasonText: localizedReason(locale, data) }),
  };
}

export function presentEntry(
  ticketId: string,
  e: EntryRow & { author_name: string | null; attachments: AttachmentRow[] },
  viewer: Actor,
  names: ChangeNames = new Map(),
) {
  const data = e.data ? withReadableParts(JSON.parse(e.data) as Record<string, unknown>, names, viewer.locale) : {};
  // Client-side viewers only ever receive public events (filtered in the query); this keeps it so.
  const event = e.kind === 'event' && (isStaff(viewer) || PUBLIC_EVENTS.has(e.event_type ?? '')) ? { type: e.event_type!, data } : null;
  return {
    id: Number(e.id),
    kind: e.kind,
    internal: e.kind === 'note',
    author: e.author_id ? { id: e.author_id, name: e.author_name ?? '' } : null,
    body: e.body,
    event,
    rule: e.rule_id && isStaff(viewer) ? { id: e.rule_id, name: e.rule_name ?? '' } : null,
    attachments: e.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      contentType: a.content_type,
      size: a.size,
      url: `/api/v1/tickets/${ticketId}/attachments/${a.id}`,
    })),
    createdAt: e.created_at,
  };
}

export const presentCategory = (c: CategoryRow) => ({
  id: c.id,
  parentId: c.parent_id,
  name: c.name,
  nameRu: c.name_ru,
  difficulty: c.difficulty,
});

export const presentAudit = (a: AuditRecord) => ({
  id: a.id,
  actorId: a.actorId,
  action: a.action,
  before: a.before,
  after: a.after,
  createdAt: a.createdAt,
});
