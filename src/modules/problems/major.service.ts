import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import type { DomainEvent, FactExpression } from '../../core/events/events.js';
import { sql } from 'kysely';
import { Conflict, Invalid, NotFound } from '../../core/errors.js';
import { within, type AppContext, type Db } from '../db.js';
import { findUserById, isStaff, listActiveByRole, toActor, type Actor } from '../identity/index.js';
import { deliverNotice, sideOf, type Recipient } from '../notifications/index.js';
import {
  addComment,
  findEntry,
  findTicketById,
  insertTimelineEntry,
  listTimelineEntries,
  loadTicket,
  PUBLIC_EVENTS,
  SYSTEM_ACTOR,
  ticketNumber,
  updateTicket,
  type TicketRow,
} from '../tickets/index.js';
import { assertMayWorkProblems } from './problems.policy.js';
import * as repo from './problems.repo.js';

const ACTIVE = new Set(['new', 'open', 'pending_customer', 'pending_vendor']);

const event = (trx: Db, t: { id: string }, actorId: string, type: string, data: Record<string, unknown>, now: string) =>
  insertTimelineEntry(trx, { ticket_id: t.id, kind: 'event', author_id: actorId, body: '', event_type: type, data: JSON.stringify(data), created_at: now });

async function loadMajor(app: AppContext, actor: Actor, ref: string) {
  assertMayWorkProblems(actor);
  const t = await loadTicket(app.db, actor, ref);
  const major = await repo.findMajor(app.db, t.id);
  if (!major) throw new NotFound('Major incident');
  return { t, major };
}

/** Declares a request a major incident, with the announcement the affected organizations' portals show. */
export async function declareMajor(app: AppContext, actor: Actor, ref: string, input: { title?: string; message?: string }) {
  assertMayWorkProblems(actor);
  const t = await loadTicket(app.db, actor, ref);
  if (!ACTIVE.has(t.status)) throw new Conflict('Only an open request can be declared a major incident', 'not_open');
  if (await repo.findMajor(app.db, t.id)) throw new Conflict('The request is already a major incident', 'already_major');
  if (await repo.findChildLink(app.db, t.id)) throw new Conflict('The request is part of another major incident', 'already_linked');
  const now = app.clock.now().toISOString();
  const title = input.title ?? t.subject;
  const message = input.message ?? '';
  await inTransaction(app.db, async (trx) => {
    await repo.insertMajor(trx, { ticket_id: t.id, title, message, declared_by: actor.id, declared_at: now, resolved_at: null });
    await event(trx, t, actor.id, 'major_declared', { title }, now);
    await recordAudit(trx, { entityType: 'ticket', entityId: t.id, actorId: actor.id, action: 'major_declared', after: { title, message } });
    await app.events.append(trx, { type: 'ticket.major_declared', subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data: { title, message } });
  });
  return t.id;
}

/** Links requests to an open major incident as its children; each is checked and refused by name. */
export async function linkChildren(app: AppContext, actor: Actor, ref: string, refs: string[]) {
  const { t: parent, major } = await loadMajor(app, actor, ref);
  if (major.resolved_at) throw new Conflict('The major incident is resolved', 'invalid_transition');
  const children: TicketRow[] = [];
  for (const r of new Set(refs)) {
    const c = await loadTicket(app.db, actor, r).catch(() => {
      throw new Invalid(`No such request: ${r}`, 'tickets');
    });
    const n = ticketNumber(c.number);
    if (c.id === parent.id) throw new Invalid('A major incident cannot be its own child', 'tickets');
    if (!ACTIVE.has(c.status)) throw new Conflict(`${n} is not open`, 'not_open', { ticket: n });
    if (await repo.findMajor(app.db, c.id)) throw new Conflict(`${n} is a major incident itself`, 'already_major', { ticket: n });
    const link = await repo.findChildLink(app.db, c.id);
    if (link) throw new Conflict(`${n} is already part of a major incident`, 'already_linked', { ticket: n });
    children.push(c);
  }
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    for (const c of children) {
      await repo.insertChild(trx, { child_id: c.id, parent_id: parent.id, linked_by: actor.id, linked_at: now });
      const data = { parent: ticketNumber(parent.number), parentId: parent.id, title: major.title };
      await event(trx, c, actor.id, 'major_child_linked', data, now);
      await event(trx, parent, actor.id, 'major_child_added', { child: ticketNumber(c.number), childId: c.id }, now);
      await recordAudit(trx, { entityType: 'ticket', entityId: c.id, actorId: actor.id, action: 'major_child_linked', after: { parentId: parent.id } });
      await app.events.append(trx, { type: 'ticket.major_child_linked', subjectType: 'ticket', subjectId: c.id, actorId: actor.id, data });
    }
  });
  return children.length;
}

export async function unlinkChild(app: AppContext, actor: Actor, ref: string, childRef: string) {
  const { t: parent } = await loadMajor(app, actor, ref);
  const c = await loadTicket(app.db, actor, childRef);
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    const r = await repo.deleteChild(trx, parent.id, c.id);
    if (!Number(r.numDeletedRows)) throw new NotFound('Child request');
    await event(trx, c, actor.id, 'major_child_unlinked', { parent: ticketNumber(parent.number), parentId: parent.id }, now);
    await recordAudit(trx, { entityType: 'ticket', entityId: c.id, actorId: actor.id, action: 'major_child_unlinked', before: { parentId: parent.id } });
  });
}

export async function getMajor(app: AppContext, actor: Actor, ref: string) {
  const { t, major } = await loadMajor(app, actor, ref);
  return { ticket: t, major, children: await repo.listChildren(app.db, t.id) };
}

/** The major incident a request is, or is part of, as staff see it on the request (null: neither). */
export async function majorOfTicket(app: AppContext, actor: Actor, ref: string) {
  assertMayWorkProblems(actor);
  const t = await loadTicket(app.db, actor, ref);
  const own = await repo.findMajor(app.db, t.id);
  if (own) return { role: 'parent' as const, ticket: t, major: own, children: await repo.listChildren(app.db, t.id) };
  const link = await repo.findChildLink(app.db, t.id);
  if (!link) return null;
  const parent = (await findTicketById(app.db, link.parent_id))!;
  return { role: 'child' as const, ticket: parent, major: (await repo.findMajor(app.db, parent.id))!, children: [] };
}

/** Open requests like this one (same category and organization) that could be linked as children. */
export async function similarRequests(app: AppContext, actor: Actor, ref: string) {
  const { t } = await loadMajor(app, actor, ref);
  return repo.listSimilar(app.db, t);
}

/** The banners for the caller: staff see every open major incident; client people those affecting their organization. */
export async function listAnnouncements(app: AppContext, actor: Actor) {
  const open = await repo.openMajorsWithOrganizations(app.db);
  return isStaff(actor) ? open : open.filter((m) => actor.organizationId && m.organizations.includes(actor.organizationId));
}

/**
 * Resolves the major incident and, with its resolution, each open child; in the caller's
 * transaction, once (a resolved one is left alone).
 */
async function resolveMajor(app: AppContext, trx: Db, actor: Actor, parent: TicketRow, resolution: string) {
  const major = await repo.findMajor(trx, parent.id);
  if (!major || major.resolved_at) return 0;
  const now = app.clock.now().toISOString();
  await repo.updateMajor(trx, parent.id, { resolved_at: now });
  const children = (await repo.listChildren(trx, parent.id)).filter((c) => ACTIVE.has(c.status));
  for (const c of children) {
    await event(trx, c, actor.id, 'major_resolved', { title: major.title, text: resolution }, now);
    await updateTicket(within(app, trx), actor, c.id, { status: 'resolved' });
  }
  await recordAudit(trx, { entityType: 'ticket', entityId: parent.id, actorId: actor.id, action: 'major_resolved', after: { resolution, children: children.map((c) => c.id) } });
  await app.events.append(trx, { type: 'ticket.major_resolved', subjectType: 'ticket', subjectId: parent.id, actorId: actor.id, data: { resolution, children: children.length } });
  return children.length;
}

/** Resolves a major incident with a resolution: a public reply on it, it and its open children resolved. */
export async function resolveWithResolution(app: AppContext, actor: Actor, ref: string, resolution: string) {
  const { t, major } = await loadMajor(app, actor, ref);
  if (major.resolved_at) throw new Conflict('The major incident is already resolved', 'invalid_transition');
  return inTransaction(app.db, async (trx) => {
    const scoped = within(app, trx);
    // Marked resolved first: the reply below is then no update to fan out, and the status change no second resolution.
    const children = await resolveMajor(app, trx, actor, t, resolution);
    await addComment(scoped, actor, t.id, { body: resolution, internal: false });
    await updateTicket(scoped, actor, t.id, { status: 'resolved' });
    return children;
  });
}

const actorFor = async (db: Db, id: string | null) => {
  const u = id ? await findUserById(db, id) : undefined;
  return u ? toActor(u) : SYSTEM_ACTOR;
};

/** A major incident resolved by an ordinary status change resolves its children with its last public reply. */
export async function onStatusChanged(app: AppContext, trx: Db, e: DomainEvent) {
  const to = (e.data as { to?: string } | undefined)?.to;
  if (to !== 'resolved' && to !== 'closed') return;
  const major = await repo.findMajor(trx, e.subjectId);
  if (!major || major.resolved_at) return;
  const parent = (await findTicketById(trx, e.subjectId))!;
  const replies = (await listTimelineEntries(trx, parent.id, true, PUBLIC_EVENTS)).filter((x) => x.kind === 'reply');
  await resolveMajor(app, trx, await actorFor(trx, e.actorId), parent, replies.at(-1)?.body ?? major.message);
}

/** Whether the event's request is an open major incident, read with the event's row. */
export const OPEN_MAJOR_FACT = 'problems.open_major';
export const openMajorFact: FactExpression = (eb) =>
  eb.exists(eb.selectFrom('major_incidents').select(sql`1`.as('one')).whereRef('ticket_id', '=', 'events.subject_id').where('resolved_at', 'is', null));

/**
 * A public staff reply on an open major incident is an update for everyone it affects: on each open
 * child's timeline, to each child's requester (in their language, threaded with their own request)
 * and once to each IT manager of an affected organization other than the parent's (whose managers
 * watch the parent and hear of the reply itself). All in the reply's transaction: the update and
 * every notice commit together or not at all, and the update's row makes a replay a no-op.
 */
export async function onReplied(app: AppContext, trx: Db, e: DomainEvent) {
  const data = (e.data ?? {}) as { entryId?: number; byStaff?: boolean };
  if (!data.byStaff) return;
  // Nearly every reply is on an ordinary request: the reply's event row said whether it is a major one.
  if (e.facts && !e.facts[OPEN_MAJOR_FACT]) return;
  const major = await repo.findMajor(trx, e.subjectId);
  if (!major || major.resolved_at) return;
  const entry = await findEntry(trx, e.subjectId, Number(data.entryId));
  if (!entry || entry.kind !== 'reply') return;
  const parent = (await findTicketById(trx, e.subjectId))!;
  const children = (await repo.listChildren(trx, parent.id)).filter((c) => ACTIVE.has(c.status));
  const now = app.clock.now().toISOString();
  if (!(await repo.claimUpdate(trx, { parent_id: parent.id, entry_id: Number(entry.id), children: children.length, created_at: now }))) return;
  await recordAudit(trx, { entityType: 'ticket', entityId: parent.id, actorId: e.actorId, action: 'major_update_sent', after: { entryId: entry.id, children: children.length } });
  const notice = { kind: 'major_incident_update' as const, title: major.title, body: entry.body };
  // Each child's requester hears of it on that request; an IT manager who heard so is not told again.
  const told = new Set<string>();
  const firstOfOrganization = new Map<string, TicketRow>();
  for (const c of children) {
    const child = (await findTicketById(trx, c.id))!;
    if (!firstOfOrganization.has(child.organization_id)) firstOfOrganization.set(child.organization_id, child);
    await event(trx, child, e.actorId ?? SYSTEM_ACTOR.id, 'major_update', { title: major.title, text: entry.body }, now);
    await app.events.append(trx, { type: 'ticket.major_updated', subjectType: 'ticket', subjectId: child.id, actorId: e.actorId, data: { parentId: parent.id, entryId: entry.id, text: entry.body } });
    const requester = await findUserById(trx, child.requester_id);
    if (!requester?.active) continue;
    told.add(requester.id);
    await deliverNotice(app, trx, child, notice, [{ user: requester, side: sideOf(requester) }]);
  }
  firstOfOrganization.delete(parent.organization_id);
  const managers = await listActiveByRole(trx, 'client_manager');
  for (const [organizationId, child] of firstOfOrganization) {
    const recipients: Recipient[] = managers
      .filter((m) => m.organization_id === organizationId && !told.has(m.id))
      .map((m) => ({ user: m, side: sideOf(m) }));
    for (const r of recipients) told.add(r.user.id);
    if (recipients.length) await deliverNotice(app, trx, child, notice, recipients);
  }
}
