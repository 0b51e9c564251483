import { inTransaction } from '../../core/db/connect.js';
import { recordAudit } from '../../core/audit/audit.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext, Db } from '../db.js';
import { findUserById, isManager, isStaff, SYSTEM_USER_ID, type Actor, type Line } from '../identity/index.js';
import { priorityFor } from './priority.js';
import { reasonData, reasonText, type Reason } from './reasons.js';
import { canTransition, isReopen, statusTimestamps, withinReopenWindow } from './status.js';
import { assertMayWork, ticketScope } from './tickets.policy.js';
import * as repo from './tickets.repo.js';
import { rowClocksFor } from '../sla/index.js';
import { LINES, type Channel, type Level, type Priority, type Status, type TicketType } from './tickets.tables.js';

export interface CreateTicketInput {
  subject: string;
  description: string;
  type?: TicketType;
  requesterId?: string;
  organizationId?: string;
  channel?: Channel;
  categoryId?: string | null;
  impact?: Level;
  urgency?: Level;
  priority?: Priority;
  tags?: string[];
}

/** A ticket the actor may see, or NotFound (also for one that exists but is out of their scope). */
export async function loadTicket(db: Db, actor: Actor, idOrNumber: string) {
  const t = await repo.findTicket(db, ticketScope(actor), idOrNumber);
  if (!t) throw new NotFound('Request');
  return t;
}

/** Who the request is for: the caller on the client side; for staff, the person they name. */
async function resolveRequester(app: AppContext, actor: Actor, input: CreateTicketInput) {
  if (!isStaff(actor)) {
    if (input.organizationId && input.organizationId !== actor.organizationId)
      throw new Forbidden('You may only make requests for your own organization');
    if (!input.requesterId || input.requesterId === actor.id) return { requesterId: actor.id, organizationId: actor.organizationId! };
    if (actor.role !== 'client_manager') throw new Forbidden('You may only make requests for yourself');
  } else if (!input.requesterId) {
    throw new Invalid('Staff must name the requester (requesterId) of a request', 'requesterId');
  }
  const requester = await findUserById(app.db, input.requesterId!);
  const sameOrg = requester?.organization_id && (isStaff(actor) || requester.organization_id === actor.organizationId);
  if (!requester || !sameOrg) throw new Invalid('No such requester in a client organization', 'requesterId');
  if (input.organizationId && input.organizationId !== requester.organization_id)
    throw new Invalid('The requester belongs to another organization', 'organizationId');
  return { requesterId: requester.id, organizationId: requester.organization_id! };
}

async function assertCategory(db: Db, categoryId: string | null | undefined) {
  if (!categoryId) return undefined;
  const category = await repo.findCategory(db, categoryId);
  if (!category) throw new Invalid('No such category', 'categoryId');
  return category;
}

/** The line a category's difficulty calls for: 1 → L1, 2 → L2, 3 → L3. */
const lineForDifficulty = (difficulty: number): Line => LINES[Math.min(Math.max(difficulty, 1), 3) - 1]!;
const LINE_RANK: Record<Line, number> = { L1: 1, L2: 2, L3: 3 };

/** Makes a request. The organization's IT managers watch it from the start. `via` gives the channel unless staff name one. */
export async function createTicket(
  app: AppContext,
  actor: Actor,
  input: CreateTicketInput,
  via: 'session' | 'token' | 'email' | 'sms' | 'phone' = 'session',
) {
  const staff = isStaff(actor);
  if (!staff && (input.priority || input.channel || input.tags))
    throw new Forbidden('Only staff set the priority, channel or tags of a request');
  const { requesterId, organizationId } = await resolveRequester(app, actor, input);
  const category = await assertCategory(app.db, input.categoryId);
  // Escalation by difficulty: a request in a hard category starts at the line that can solve it.
  const line = category ? lineForDifficulty(category.difficulty) : 'L1';
  const impact = input.impact ?? 'medium';
  const urgency = input.urgency ?? 'medium';
  const id = newId();
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    const { number } = await repo.insertTicket(trx, app.dialect, {
      id,
      type: input.type ?? 'incident',
      subject: input.subject,
      description: input.description,
      requester_id: requesterId,
      organization_id: organizationId,
      channel: input.channel ?? (via === 'token' ? 'api' : via === 'session' ? 'web' : via),
      category_id: input.categoryId ?? null,
      impact,
      urgency,
      priority: input.priority ?? priorityFor(impact, urgency),
      status: 'new',
      line,
      group_id: null,
      assignee_id: null,
      version: 1,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
      first_response_at: null,
      resolved_at: null,
      closed_at: null,
      reopened_count: 0,
    });
    await repo.addManagersAsWatchers(trx, id, organizationId);
    if (input.tags?.length) await repo.replaceTags(trx, id, [...new Set(input.tags)], []);
    await repo.insertEntry(trx, { ticket_id: id, kind: 'event', author_id: actor.id, body: '', event_type: 'created', data: JSON.stringify({ line }), created_at: now });
    await recordAudit(trx, { entityType: 'ticket', entityId: id, actorId: actor.id, action: 'created', after: { ...input, requesterId, organizationId } });
    await app.events.append(trx, {
      type: 'ticket.created',
      subjectType: 'ticket',
      subjectId: id,
      actorId: actor.id,
      data: { number, organizationId, line, ...(line !== 'L1' && { escalation: 'difficulty' }) },
    });
  });
  return id;
}

export interface UpdateTicketInput {
  subject?: string;
  description?: string;
  type?: TicketType;
  status?: Status;
  impact?: Level;
  urgency?: Level;
  priority?: Priority;
  categoryId?: string | null;
  line?: Line;
  groupId?: string | null;
  assigneeId?: string | null;
  tags?: string[];
  /** Why, for the timeline (e.g. why the request moves to another line). */
  reason?: string;
}

type Changes = Partial<repo.TicketRow>;

/** Checks a status change against the status machine and the reopen window. */
function assertTransition(app: AppContext, t: repo.TicketRow, to: Status) {
  if (to === t.status) return;
  if (!canTransition(t.status, to)) throw new Conflict(`A request cannot go from ${t.status} to ${to}`, 'invalid_transition');
  if (isReopen(t.status, to) && !withinReopenWindow(t.resolved_at, t.closed_at, app.config.reopenWindowDays, app.clock.now().getTime()))
    throw new Conflict(`The request can only be reopened within ${app.config.reopenWindowDays} days`, 'reopen_window_passed');
}

/** The staff member to assign, checked: an active member of the staff. */
async function assertAssignee(db: Db, id: string | null | undefined) {
  if (!id) return;
  const u = await findUserById(db, id);
  if (!u || !u.active || !['agent', 'manager', 'admin'].includes(u.role)) throw new Invalid('No such staff member', 'assigneeId');
}

/**
 * Changes a request's handling fields (staff only). `expectedVersion`, when given, must match:
 * otherwise someone else changed it in between and the change is refused (409).
 */
export async function updateTicket(app: AppContext, actor: Actor, idOrNumber: string, input: UpdateTicketInput, expectedVersion?: number) {
  assertMayWork(actor);
  const t = await loadTicket(app.db, actor, idOrNumber);
  if (expectedVersion !== undefined && expectedVersion !== t.version)
    throw new Conflict('The request was changed by someone else; reload it and try again', 'version_conflict', { version: t.version });
  if (input.status) assertTransition(app, t, input.status);
  const category = await assertCategory(app.db, input.categoryId);
  await assertAssignee(app.db, input.assigneeId);
  if (input.groupId && !(await app.db.selectFrom('groups').select('id').where('id', '=', input.groupId).executeTakeFirst()))
    throw new Invalid('No such group', 'groupId');

  const now = app.clock.now().toISOString();
  const changes: Changes = {};
  const set = <K extends keyof repo.TicketRow>(k: K, v: repo.TicketRow[K] | undefined) => {
    if (v !== undefined && v !== t[k]) changes[k] = v;
  };
  set('subject', input.subject);
  set('description', input.description);
  set('type', input.type);
  set('impact', input.impact);
  set('urgency', input.urgency);
  set('priority', input.priority ?? (input.impact || input.urgency ? priorityFor(input.impact ?? t.impact, input.urgency ?? t.urgency) : undefined));
  set('category_id', input.categoryId);
  set('group_id', input.groupId);
  set('line', input.line);
  let escalation: 'hand' | 'difficulty' | undefined = changes.line ? 'hand' : undefined;
  const reason = input.reason;
  let coded: Reason | undefined;
  if (changes.line) assertMayMoveLine(actor, t, reason);
  // A harder category set later lifts the request to the line that can solve it.
  const needed = category && input.categoryId !== t.category_id ? lineForDifficulty(category.difficulty) : undefined;
  if (needed && input.line === undefined && LINE_RANK[needed] > LINE_RANK[t.line]) {
    changes.line = needed;
    escalation = 'difficulty';
    if (!reason) coded = { code: 'category_needs_line', params: { category: category!.name, categoryRu: category!.name_ru, line: needed } };
  }
  set('assignee_id', input.assigneeId);
  // Moving to another line leaves the request for that line's queue unless someone is named.
  if (changes.line && input.assigneeId === undefined && t.assignee_id) changes.assignee_id = null;
  set('status', input.status);
  const status = changes.status as Status | undefined;
  if (status) Object.assign(changes, statusTimestamps(status, now, t), isReopen(t.status, status) ? { reopened_count: t.reopened_count + 1 } : {});
  const oldTags = input.tags ? await repo.listTags(app.db, t.id) : [];
  const newTags = input.tags ? [...new Set(input.tags)].sort() : [];
  const tagsChanged = input.tags !== undefined && oldTags.join('\n') !== newTags.join('\n');
  if (!Object.keys(changes).length && !tagsChanged) return t.id;

  await inTransaction(app.db, async (trx) => {
    const meta = { reason, coded, lineBy: escalation, ...(tagsChanged && { auditBefore: { tags: oldTags }, auditAfter: { tags: newTags } }) };
    if (!(await commitChange(app, trx, actor, t, changes, now, meta))) throw new Conflict('The request was changed by someone else; reload it and try again', 'version_conflict');
    if (tagsChanged) await repo.replaceTags(trx, t.id, newTags, oldTags);
  });
  return t.id;
}

interface ChangeMeta {
  /** Why, in a person's own words: shown with a line change. */
  reason?: string;
  /** Why, when the desk decides: a coded reason, rendered in each reader's language. */
  coded?: Reason;
  lineBy?: 'hand' | 'difficulty' | 'time';
  assignedBy?: 'auto';
  /** The audit action; `updated` by default. */
  action?: string;
  auditBefore?: Record<string, unknown>;
  auditAfter?: Record<string, unknown>;
}

/**
 * Writes a change to a request if it is still at the version it was read at, with its timeline
 * entries, domain events and audit entry; false when someone changed it in between.
 */
async function commitChange(app: AppContext, trx: Db, actor: Actor, t: repo.TicketRow, changes: Changes, now: string, meta: ChangeMeta = {}) {
  if (!(await repo.updateTicket(trx, t.id, t.version, { ...changes, updated_at: now }))) return false;
  await writeChangeEvents(app, trx, actor, t, changes, now, meta);
  const before = Object.fromEntries(Object.keys(changes).map((k) => [k, t[k as keyof repo.TicketRow]]));
  await recordAudit(trx, {
    entityType: 'ticket',
    entityId: t.id,
    actorId: actor.id,
    action: meta.action ?? 'updated',
    before: { ...before, ...meta.auditBefore },
    after: { ...changes, ...meta.auditAfter },
  });
  return true;
}

/** The timeline entry and domain event for each changed field that people follow. */
const TRACKED: Partial<Record<keyof repo.TicketRow, { event: string; domain: string }>> = {
  status: { event: 'status_changed', domain: 'ticket.status_changed' },
  line: { event: 'line_changed', domain: 'ticket.line_changed' },
  assignee_id: { event: 'assignee_changed', domain: 'ticket.assigned' },
  group_id: { event: 'group_changed', domain: 'ticket.group_changed' },
  priority: { event: 'priority_changed', domain: 'ticket.priority_changed' },
  category_id: { event: 'category_changed', domain: 'ticket.category_changed' },
};

async function writeChangeEvents(app: AppContext, db: Db, actor: Actor, t: repo.TicketRow, changes: Changes, now: string, meta: ChangeMeta) {
  const { lineBy, assignedBy } = meta;
  const why = meta.coded ? reasonData(meta.coded) : meta.reason ? { reason: meta.reason } : undefined;
  for (const [field, spec] of Object.entries(TRACKED)) {
    if (!(field in changes)) continue;
    const data = {
      from: t[field as keyof repo.TicketRow],
      to: changes[field as keyof repo.TicketRow],
      ...(field === 'line' && why),
      ...(field === 'line' && lineBy && { by: lineBy }),
      ...(field === 'assignee_id' && assignedBy && { by: assignedBy, ...why }),
    };
    await repo.insertEntry(db, { ticket_id: t.id, kind: 'event', author_id: actor.id, body: '', event_type: spec.event, data: JSON.stringify(data), created_at: now });
    await app.events.append(db, { type: spec.domain, subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data });
  }
  if (changes.status === 'open' && isReopen(t.status, 'open'))
    await app.events.append(db, { type: 'ticket.reopened', subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data: {} });
}

/**
 * Moving a request to another line needs a reason; an agent moves only requests at their own line
 * or assigned to them, a manager any.
 */
function assertMayMoveLine(actor: Actor, t: repo.TicketRow, reason: string | undefined) {
  if (isManager(actor)) return;
  if (!reason?.trim()) throw new Invalid('Say why the request moves to another line', 'reason');
  if (t.line !== actor.line && t.assignee_id !== actor.id)
    throw new Forbidden(`Only ${t.line} or a manager may move a request that is at ${t.line}`);
}

/** An agent takes a request: it is assigned to them and, if new, opened. */
export async function takeTicket(app: AppContext, actor: Actor, idOrNumber: string) {
  assertMayWork(actor);
  const t = await loadTicket(app.db, actor, idOrNumber);
  return updateTicket(app, actor, t.id, { assigneeId: actor.id, ...(t.status === 'new' && { status: 'open' as const }) }, t.version);
}

/**
 * Sets the status as a client-side person may: reopen a resolved or closed request within the
 * window, or confirm a resolved one by closing it. Staff may also use this.
 */
export async function changeStatusAsRequester(app: AppContext, actor: Actor, idOrNumber: string, to: 'open' | 'closed') {
  const t = await loadTicket(app.db, actor, idOrNumber);
  if (to === 'open' && !isReopen(t.status, 'open')) throw new Conflict('Only a resolved or closed request can be reopened', 'invalid_transition');
  if (to === 'closed' && t.status !== 'resolved') throw new Conflict('Only a resolved request can be closed', 'invalid_transition');
  assertTransition(app, t, to);
  const now = app.clock.now().toISOString();
  const changes: Changes = {
    status: to,
    ...statusTimestamps(to, now, t),
    ...(to === 'open' && { reopened_count: t.reopened_count + 1 }),
  };
  await inTransaction(app.db, async (trx) => {
    if (!(await commitChange(app, trx, actor, t, changes, now))) throw new Conflict('The request was changed by someone else; reload it and try again', 'version_conflict');
  });
  return t.id;
}

export interface ListInput extends Omit<repo.TicketListQuery, 'sort' | 'direction' | 'after' | 'assigneeId' | 'sla' | 'withLineClock'> {
  assigneeId?: string;
  sla?: repo.SlaState[];
  sort: '-created' | 'created' | '-updated' | 'updated' | '-number' | 'number' | 'due';
  cursor?: string;
}

const SORT_FIELDS = { created: 'created_at', updated: 'updated_at', number: 'number', due: 'due' } as const;

/** The list's filters as the repository takes them: `me`/`none`, the SLA window, the scope. */
async function listFilters(app: AppContext, actor: Actor, input: Omit<ListInput, 'sort' | 'cursor' | 'limit'>) {
  const { sla, assigneeId: who, ...rest } = input;
  const assigneeId = who === 'me' ? actor.id : who === 'none' ? null : who;
  const scope = ticketScope(actor);
  // Most requesters watch nothing: their list then keeps to the requester index.
  if (scope.requesterId) scope.watches = await repo.watchesAny(app.db, scope.requesterId);
  const now = app.clock.now();
  return {
    scope,
    filters: {
      ...rest,
      assigneeId,
      // The internal line budget (L1 15 minutes) counts for the staff only.
      withLineClock: isStaff(actor),
      sla: sla?.length
        ? {
            states: sla,
            now: now.toISOString(),
            riskBefore: new Date(now.getTime() + app.config.slaAtRiskMinutes * 60_000).toISOString(),
            riskShare: app.config.slaAtRiskShare,
          }
        : undefined,
      // Instants are compared as stored, ISO-8601 UTC text on SQLite: bring any offset to that form.
      updatedSince: input.updatedSince && new Date(input.updatedSince).toISOString(),
    },
  };
}

function readCursor(cursor: string, field: repo.SortField): [string | number | null, string] {
  try {
    let after = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string | number | null, string];
    if (!Array.isArray(after) || after.length !== 2 || typeof after[1] !== 'string') throw new Error();
    // The sort value must be of the sort's kind too: a whole number, or an instant (which throws if it is none).
    if (field === 'number' ? !Number.isSafeInteger(after[0]) : typeof after[0] !== 'string' && !(field === 'due' && after[0] === null)) throw new Error();
    if (field !== 'number' && after[0] !== null) after = [new Date(after[0]).toISOString(), after[1]];
    return after;
  } catch {
    throw new Invalid('The cursor is not one this list gave out', 'cursor');
  }
}

/**
 * One page of the requests the actor may see, each with its SLA time left (the sla module's one
 * figure); `nextCursor` fetches the next page.
 */
export async function listTickets(app: AppContext, actor: Actor, input: ListInput) {
  const { sort, cursor, limit, ...rest } = input;
  const field = SORT_FIELDS[sort.replace('-', '') as keyof typeof SORT_FIELDS];
  const direction = sort.startsWith('-') ? 'desc' : 'asc';
  const after = cursor ? readCursor(cursor, field) : undefined;
  const { scope, filters } = await listFilters(app, actor, rest);
  const rows = await repo.listTickets(app.db, app.dialect, scope, { ...filters, sort: field, direction, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const key = (r: (typeof rows)[number]) => (field === 'due' ? (r.sla_due_at === null ? null : new Date(r.sla_due_at).toISOString()) : r[field]);
  const nextCursor = rows.length > limit && last ? Buffer.from(JSON.stringify([key(last), last.id])).toString('base64url') : null;
  const clocks = await rowClocksFor(app.db, page.map((r) => r.id), app.clock.now(), isStaff(actor));
  // The rows are this call's own: assigned, not spread (a spread of a 30-column row takes V8's slow path on Node 20).
  return { rows: page.map((r) => Object.assign(r, { sla: clocks.get(r.id)?.dueFirst ?? null, budget: clocks.get(r.id)?.budget ?? null })), nextCursor };
}

/** How many requests the actor may see match the filters (a queue's or a view's count). */
export async function countTickets(app: AppContext, actor: Actor, input: Omit<ListInput, 'sort' | 'cursor' | 'limit'>) {
  const { scope, filters } = await listFilters(app, actor, input);
  return repo.countTickets(app.db, app.dialect, scope, filters);
}

/** The actor automatic changes (escalation by time, assignment) are recorded as. */
export const SYSTEM_ACTOR: Actor = { id: SYSTEM_USER_ID, email: '', name: 'Tierdesk', role: 'admin', organizationId: null, line: null, locale: 'en' };

/**
 * Changes a request's line or assignee on the desk's own initiative (a budget used up, a free
 * agent found) or on a one-click action whose reason the desk words (`actor` then did it), with the
 * coded reason in its timeline. Skips silently if the request moved on.
 */
export async function changeAutomatically(
  app: AppContext,
  ticketId: string,
  change: { line?: Line; assigneeId?: string; reason: Reason; by: 'time' | 'auto' | 'hand' },
  actor?: Actor,
) {
  const t = await repo.findTicket(app.db, {}, ticketId);
  if (!t) return false;
  const changes: Changes = {};
  if (change.line && change.line !== t.line) Object.assign(changes, { line: change.line, assignee_id: null });
  if (change.assigneeId && change.assigneeId !== t.assignee_id) changes.assignee_id = change.assigneeId;
  if (!Object.keys(changes).length) return false;
  const now = app.clock.now().toISOString();
  return inTransaction(app.db, (trx) =>
    commitChange(app, trx, actor ?? SYSTEM_ACTOR, t, changes, now, {
      coded: change.reason,
      ...(change.by === 'auto' ? { assignedBy: 'auto', action: 'assigned' } : { lineBy: change.by, action: 'escalated' }),
      auditAfter: { reason: reasonText('en', change.reason) },
    }),
  );
}
