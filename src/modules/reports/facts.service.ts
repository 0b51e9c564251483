import { prepare } from '../../core/db/prepared.js';
import type { DomainEvent } from '../../core/events/events.js';
import type { Db } from '../db.js';
import { findOrganizationOnce } from '../identity/index.js';
import { findClock } from '../sla/index.js';
import { findTicketById, type TicketRow } from '../tickets/index.js';
import type { FlowKind } from './reports.tables.js';
import { lineDwell } from './sources.repo.js';

/**
 * Keeps the report read model in step with the requests, inside the transaction of each change and
 * after the SLA clocks have moved: a flow row for what is counted over time, and the request's row
 * of figures recomputed from the request and its clocks (so it never drifts from them).
 */

/** The events that change what reports show. */
export const REPORT_EVENTS = [
  'ticket.created',
  'ticket.status_changed',
  'ticket.line_changed',
  'ticket.assigned',
  'ticket.group_changed',
  'ticket.priority_changed',
  'ticket.category_changed',
  'ticket.replied',
  'ticket.handed_off',
  'ticket.rated',
  'sla.breached',
] as const;

const LINE_RANK: Record<string, number> = { L1: 1, L2: 2, L3: 3 };
const DONE = new Set(['resolved', 'closed']);

/** The flow row a status change makes, if any. */
export function statusFlow(from: string, to: string): FlowKind | undefined {
  if (to === 'resolved') return 'resolved';
  if (to === 'closed') return from === 'resolved' ? 'closed' : 'closed_unresolved';
  if (DONE.has(from) && !DONE.has(to)) return 'reopened';
  return undefined;
}

/** The flow row a line change makes: escalations only (a move up), by time, difficulty or hand. */
export function lineFlow(from: unknown, to: unknown, by: unknown): FlowKind | undefined {
  if ((LINE_RANK[String(to)] ?? 0) <= (LINE_RANK[String(from)] ?? 0)) return undefined;
  return by === 'time' ? 'escalated_time' : by === 'difficulty' ? 'escalated_difficulty' : 'escalated_hand';
}

/** An instant as the read model keeps it: UTC epoch milliseconds. */
export const ms = (iso: string): number => Date.parse(iso);
const msOrNull = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

export const addFlow = (db: Db, ticketId: string, kind: FlowKind, at: string) => insertFlow.run(db, { ticketId, kind, atMs: ms(at) });
const insertFlow = prepare((db: Db, p: { ticketId: string; kind: FlowKind; atMs: number }) => db.insertInto('report_flow').values({ ticket_id: p.ticketId, kind: p.kind, at_ms: p.atMs }));

/** The attributes reports filter by, as the request has them now. */
const dimensions = (t: TicketRow) => ({
  channel: t.channel,
  type: t.type,
  category_id: t.category_id,
  group_id: t.group_id,
  assignee_id: t.assignee_id,
  priority: t.priority,
  line: t.line,
  status: t.status,
});

/** Recomputes a request's row of figures from the request, its clocks and its clock log. */
export async function refreshRequest(db: Db, t: TicketRow, now: string) {
  const prev = await db.selectFrom('report_requests').select(['plan_id', 'max_line', 'rating']).where('ticket_id', '=', t.id).executeTakeFirst();
  const planId = prev ? prev.plan_id : ((await findOrganizationOnce(db, t.organization_id))?.plan_id ?? null);
  const fr = await findClock(db, t.id, 'first_response');
  const res = await findClock(db, t.id, 'resolution');
  const dwell = await lineDwell(db, t.id);
  const done = DONE.has(t.status);
  const frStopped = fr?.state === 'stopped';
  const resStopped = done && res?.state === 'stopped';
  const row = {
    ticket_id: t.id,
    organization_id: t.organization_id,
    plan_id: planId,
    ...dimensions(t),
    max_line: Math.max(prev?.max_line ?? 1, LINE_RANK[t.line] ?? 1),
    created_ms: ms(t.created_at),
    resolved_ms: done ? msOrNull(t.resolved_at ?? t.closed_at) : null,
    fr_ms: frStopped ? msOrNull(fr.stopped_at) : null,
    fr_minutes: frStopped ? Number(fr.consumed_minutes) : null,
    fr_met: frStopped ? fr.met : null,
    fr_breached_ms: msOrNull(fr?.breached_at),
    res_minutes: resStopped ? Number(res.consumed_minutes) : null,
    res_met: resStopped ? res.met : null,
    res_breached_ms: msOrNull(res?.breached_at),
    l1_minutes: dwell.L1,
    l2_minutes: dwell.L2,
    l3_minutes: dwell.L3,
    rating: prev?.rating ?? null,
    updated_at: now,
  };
  const { ticket_id: _key, ...update } = row;
  await db
    .insertInto('report_requests')
    .values(row)
    .onConflict((oc) => oc.column('ticket_id').doUpdateSet(update))
    .execute();
}

type NewRequestRow = ReturnType<typeof dimensions> & { ticket_id: string; organization_id: string; plan_id: string | null; max_line: number; created_ms: number; updated_at: string };
const insertNewRequest = prepare((db: Db, p: NewRequestRow) =>
  db
    .insertInto('report_requests')
    .values({
      ticket_id: p.ticket_id,
      organization_id: p.organization_id,
      plan_id: p.plan_id,
      channel: p.channel,
      type: p.type,
      category_id: p.category_id,
      group_id: p.group_id,
      assignee_id: p.assignee_id,
      priority: p.priority,
      line: p.line,
      status: p.status,
      max_line: p.max_line,
      created_ms: p.created_ms,
      resolved_ms: null,
      fr_ms: null,
      fr_minutes: null,
      fr_met: null,
      fr_breached_ms: null,
      res_minutes: null,
      res_met: null,
      res_breached_ms: null,
      l1_minutes: 0,
      l2_minutes: 0,
      l3_minutes: 0,
      rating: null,
      updated_at: p.updated_at,
    })
    .onConflict((oc) => oc.column('ticket_id').doNothing()),
);

const updateDimensions = prepare((db: Db, p: ReturnType<typeof dimensions> & { ticket_id: string; updated_at: string }) =>
  db
    .updateTable('report_requests')
    .set({ channel: p.channel, type: p.type, category_id: p.category_id, group_id: p.group_id, assignee_id: p.assignee_id, priority: p.priority, line: p.line, status: p.status, updated_at: p.updated_at })
    .where('ticket_id', '=', p.ticket_id),
);

/** A new request's row: its clocks have only just started, so there are no times to take yet. */
async function insertRequest(db: Db, t: TicketRow, now: string) {
  const org = await findOrganizationOnce(db, t.organization_id);
  await insertNewRequest.run(db, { ticket_id: t.id, organization_id: t.organization_id, plan_id: org?.plan_id ?? null, ...dimensions(t), max_line: LINE_RANK[t.line] ?? 1, created_ms: ms(t.created_at), updated_at: now });
  rowsToInsert.get(db)?.delete(t.id);
}

/**
 * The requests created in a transaction whose row is not inserted yet: the reactions to their
 * creation (an assignment) run before reports hear of it, and the insert takes what they changed.
 */
const rowsToInsert = new WeakMap<Db, Set<string>>();

/** Notes a new request before any reaction to its creation runs (see rowsToInsert). */
export async function onRequestCreating(db: Db, e: DomainEvent) {
  if (!db.isTransaction) return;
  let ids = rowsToInsert.get(db);
  if (!ids) rowsToInsert.set(db, (ids = new Set()));
  ids.add(e.subjectId);
}

/** Events that change only who or what a request is filed under, not its times. */
const DIMENSION_EVENTS = new Set(['ticket.assigned', 'ticket.group_changed', 'ticket.priority_changed', 'ticket.category_changed']);

/**
 * Reacts to a request's event (see REPORT_EVENTS), in its transaction: as few statements as each
 * needs, since it runs with every change (a new request: one insert; a new assignee: one update).
 */
export async function onReportEvent(db: Db, e: DomainEvent, now: string) {
  const t = await findTicketById(db, e.subjectId);
  if (!t) return;
  const data = (e.data ?? {}) as Record<string, unknown>;
  if (DIMENSION_EVENTS.has(e.type)) {
    // Before the request's own row exists (assigned while being created), its insert takes these.
    if (rowsToInsert.get(db)?.has(t.id)) return;
    await updateDimensions.run(db, { ticket_id: t.id, ...dimensions(t), updated_at: now });
    return;
  }
  switch (e.type) {
    case 'ticket.created':
      await addFlow(db, t.id, 'received', t.created_at);
      if (data.escalation === 'difficulty') await addFlow(db, t.id, 'escalated_difficulty', t.created_at);
      await insertRequest(db, t, now);
      return;
    case 'ticket.status_changed': {
      const kind = statusFlow(String(data.from), String(data.to));
      if (kind) await addFlow(db, t.id, kind, t.updated_at);
      break;
    }
    case 'ticket.line_changed': {
      const kind = lineFlow(data.from, data.to, data.by);
      if (kind) await addFlow(db, t.id, kind, t.updated_at);
      break;
    }
    case 'ticket.handed_off':
      await addFlow(db, t.id, 'handed_off', now);
      return;
    case 'ticket.replied':
      if (!data.firstResponse) return;
      break;
  }
  await refreshRequest(db, t, now);
  if (e.type === 'ticket.rated' && typeof data.rating === 'number')
    await db.updateTable('report_requests').set({ rating: data.rating }).where('ticket_id', '=', t.id).execute();
}
