import { inTransaction } from '../../core/db/connect.js';
import { listAudit, recordAudit } from '../../core/audit/audit.js';
import { isUniqueViolation } from '../../core/db/dialect.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext, Db } from '../db.js';
import { ticketNumber } from './http/presenters.js';
import { findUserById, isAdmin, isStaff, type Actor } from '../identity/index.js';
import { assertMayReadAudit, assertMayWork, ticketScope } from './tickets.policy.js';
import * as repo from './tickets.repo.js';
import { loadTicket } from './tickets.service.js';
import type { LinkKind } from './tickets.tables.js';

/** A ticket with what its detail view shows: tags, watchers and (for staff) links. */
export async function getTicketDetail(app: AppContext, actor: Actor, idOrNumber: string) {
  const t = await repo.findTicketWithNames(app.db, ticketScope(actor), idOrNumber);
  if (!t) throw new NotFound('Request');
  const staff = isStaff(actor);
  const [tags, watchers, links] = await Promise.all([
    staff ? repo.listTags(app.db, t.id) : Promise.resolve([]),
    repo.listWatchers(app.db, t.id),
    staff ? repo.listLinks(app.db, t.id) : Promise.resolve([]),
  ]);
  return { ticket: t, tags, watchers, links };
}

// Watchers: staff may add anyone who may see the request; a client IT manager people of the company.

export async function addWatcher(app: AppContext, actor: Actor, idOrNumber: string, userId: string) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  if (!isStaff(actor) && actor.role !== 'client_manager') throw new Forbidden('You may not change who watches this request');
  const user = await findUserById(app.db, userId);
  const maySee = user && user.active && (user.organization_id === null || user.organization_id === t.organization_id);
  if (!maySee || (!isStaff(actor) && user.organization_id !== actor.organizationId))
    throw new Invalid('No such person who may see this request', 'userId');
  await repo.addWatcher(app.db, t.id, userId);
}

export async function removeWatcher(app: AppContext, actor: Actor, idOrNumber: string, userId: string) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  const watcher = await findUserById(app.db, userId);
  // A client IT manager may remove the company's people, not the provider's staff.
  const mayChange =
    isStaff(actor) || actor.id === userId || (actor.role === 'client_manager' && watcher?.organization_id === actor.organizationId);
  if (!mayChange) throw new Forbidden('You may not change who watches this request');
  const r = await repo.removeWatcher(app.db, t.id, userId);
  if (Number(r.numDeletedRows) === 0) throw new NotFound('Watcher');
}

// Links between requests (staff only)

export type LinkInputKind = LinkKind | 'child_of';

/** The link as seen from the ticket at `from_ticket_id`, and from the other end. */
export function linkKindFrom(kind: LinkKind, outgoing: boolean): string {
  if (outgoing || kind === 'related') return kind;
  return kind === 'duplicate_of' ? 'duplicated_by' : 'child_of';
}

/**
 * The way round that a new link `from → to` of a directed kind (parent_of, duplicate_of) would close:
 * the requests from `to` back to `from` along links of that kind, or null when there is none.
 */
async function cycleThrough(db: Db, from: string, to: string, kind: LinkKind): Promise<string[] | null> {
  if (kind === 'related') return null;
  const cameFrom = new Map<string, string | null>([[to, null]]);
  for (let layer = [to]; layer.length; ) {
    const next: string[] = [];
    for (const link of await repo.linkedFrom(db, layer, kind)) {
      if (cameFrom.has(link.to_ticket_id)) continue;
      cameFrom.set(link.to_ticket_id, link.from_ticket_id);
      if (link.to_ticket_id === from) {
        const way: string[] = [];
        for (let at: string | null = from; at; at = cameFrom.get(at) ?? null) way.unshift(at);
        return way;
      }
      next.push(link.to_ticket_id);
    }
    layer = next;
  }
  return null;
}

export async function addLink(app: AppContext, actor: Actor, idOrNumber: string, input: { ticket: string; kind: LinkInputKind }) {
  assertMayWork(actor);
  const t = await loadTicket(app.db, actor, idOrNumber);
  const other = await repo.findTicket(app.db, {}, input.ticket);
  if (!other) throw new Invalid('No such request to link to', 'ticket');
  if (other.id === t.id) throw new Invalid('A request cannot be linked to itself', 'ticket');
  // `related` has no direction: it is stored one way round whichever end states it, so that the
  // same link stated from the other end is refused as a duplicate.
  const [from, to, kind] =
    input.kind === 'child_of' ? [other.id, t.id, 'parent_of' as const]
    : input.kind === 'related' && other.id < t.id ? [other.id, t.id, input.kind]
    : [t.id, other.id, input.kind];
  const id = newId();
  try {
    await inTransaction(app.db, async (trx) => {
      // Parent and duplicate links go one way: none may lead back to where it started.
      const cycle = await cycleThrough(trx, from, to, kind);
      if (cycle) {
        const numbers = await Promise.all([from, ...cycle].map(async (x) => ticketNumber((await repo.findTicket(trx, {}, x))!.number)));
        throw new Conflict(`This ${kind === 'parent_of' ? 'parent' : 'duplicate'} link would make a loop: ${numbers.join(' → ')}`, 'link_cycle', { cycle: numbers });
      }
      await repo.insertLink(trx, { id, from_ticket_id: from, to_ticket_id: to, kind, created_by: actor.id, created_at: app.clock.now().toISOString() });
      await recordAudit(trx, { entityType: 'ticket', entityId: t.id, actorId: actor.id, action: 'linked', after: { kind: input.kind, ticketId: other.id } });
      await app.events.append(trx, { type: 'ticket.linked', subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data: { kind: input.kind, ticketId: other.id } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('These requests are already linked so', 'already_exists');
    throw err;
  }
  return id;
}

export async function removeLink(app: AppContext, actor: Actor, idOrNumber: string, linkId: string) {
  assertMayWork(actor);
  const t = await loadTicket(app.db, actor, idOrNumber);
  const link = await repo.findLink(app.db, t.id, linkId);
  if (!link) throw new NotFound('Link');
  await inTransaction(app.db, async (trx) => {
    await repo.deleteLink(trx, linkId);
    await recordAudit(trx, { entityType: 'ticket', entityId: t.id, actorId: actor.id, action: 'unlinked', before: { ...link } });
  });
}

// Audit log (managers)

export async function ticketAudit(app: AppContext, actor: Actor, idOrNumber: string) {
  assertMayReadAudit(actor);
  const t = await loadTicket(app.db, actor, idOrNumber);
  return listAudit(app.db, 'ticket', t.id);
}

// Categories: everyone signed in reads the tree; admins change it.

export const listCategories = (app: AppContext) => repo.listCategories(app.db);

export async function createCategory(
  app: AppContext,
  actor: Actor,
  input: { name: string; nameRu?: string; parentId?: string | null; difficulty: number },
) {
  if (!isAdmin(actor)) throw new Forbidden('Only an administrator may do this');
  if (input.parentId && !(await repo.findCategory(app.db, input.parentId))) throw new Invalid('No such parent category', 'parentId');
  const id = newId();
  await repo.insertCategory(app.db, {
    id,
    parent_id: input.parentId ?? null,
    name: input.name,
    name_ru: input.nameRu ?? input.name,
    difficulty: input.difficulty,
    created_at: app.clock.now().toISOString(),
  });
  return (await repo.findCategory(app.db, id))!;
}

/** Renames a category, moves it under another parent or changes its difficulty (admins). */
export async function updateCategory(
  app: AppContext,
  actor: Actor,
  id: string,
  patch: { name?: string; nameRu?: string; parentId?: string | null; difficulty?: number },
) {
  if (!isAdmin(actor)) throw new Forbidden('Only an administrator may do this');
  if (!(await repo.findCategory(app.db, id))) throw new NotFound('Category');
  if (patch.parentId) {
    // Walking up from the new parent must not reach this category: no cycles in the tree.
    for (let at: string | null = patch.parentId; at; ) {
      if (at === id) throw new Invalid('A category cannot be under itself', 'parentId');
      const parent = await repo.findCategory(app.db, at);
      if (!parent) throw new Invalid('No such parent category', 'parentId');
      at = parent.parent_id;
    }
  }
  await repo.updateCategory(app.db, id, {
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.nameRu !== undefined && { name_ru: patch.nameRu }),
    ...(patch.parentId !== undefined && { parent_id: patch.parentId }),
    ...(patch.difficulty !== undefined && { difficulty: patch.difficulty }),
  });
  return (await repo.findCategory(app.db, id))!;
}
