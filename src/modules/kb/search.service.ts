import type { DialectName } from '../../core/db/connect.js';
import type { DomainEvent } from '../../core/events/events.js';
import { NotFound } from '../../core/errors.js';
import type { AppContext, Db } from '../db.js';
import { isStaff, type Actor, type Locale } from '../identity/index.js';
import { findTicketById, listResolvedTicketIds, listTimelineEntries, PUBLIC_EVENTS } from '../tickets/index.js';
import * as repo from './kb.repo.js';
import { mayRead, readableSpaceIds } from './kb.policy.js';
import { plainText } from './markdown.js';
import { searchEngine, type SearchHit, type SearchScope } from './search-engine.js';
import { queryStems, stemText } from './text.js';

/**
 * Keeps the search index in step with pages (in the transaction of each save) and with resolved
 * requests (on their status changes), and answers searches with only what the searcher may see.
 */

const RESOLVED = new Set(['resolved', 'closed']);

/** Indexes a page as it now is. */
export async function indexPage(db: Db, dialect: DialectName, page: repo.PageRow) {
  const body = plainText(page.body);
  await searchEngine(dialect).upsert(db, {
    kind: 'page',
    refId: page.id,
    spaceId: page.space_id,
    organizationId: null,
    requesterId: null,
    title: page.title,
    body,
    titleStems: stemText(page.title),
    bodyStems: stemText(body),
    updatedAt: page.updated_at,
  });
}

export const unindexPage = (db: Db, dialect: DialectName, pageId: string) => searchEngine(dialect).remove(db, 'page', pageId);

/**
 * Indexes a request if it is resolved or closed (its subject, description and public replies, never
 * internal notes: its requester may find it too), and forgets it otherwise.
 */
export async function indexTicket(db: Db, dialect: DialectName, ticketId: string) {
  const t = await findTicketById(db, ticketId);
  if (!t || !RESOLVED.has(t.status)) {
    await searchEngine(dialect).remove(db, 'ticket', ticketId);
    await db.deleteFrom('kb_resolved_requests').where('ticket_id', '=', ticketId).execute();
    return;
  }
  const replies = (await listTimelineEntries(db, t.id, true, PUBLIC_EVENTS)).filter((e) => e.kind === 'reply').map((e) => e.body);
  const body = [t.description, ...replies].join('\n\n');
  const row = {
    number: t.number,
    organization_id: t.organization_id,
    requester_id: t.requester_id,
    subject: t.subject,
    status: t.status,
    line: t.line,
    assignee_id: t.assignee_id,
    resolved_at: t.resolved_at ?? t.updated_at,
  };
  await db
    .insertInto('kb_resolved_requests')
    .values({ ticket_id: t.id, ...row })
    .onConflict((oc) => oc.column('ticket_id').doUpdateSet(row))
    .execute();
  await searchEngine(dialect).upsert(db, {
    kind: 'ticket',
    refId: t.id,
    spaceId: null,
    organizationId: t.organization_id,
    requesterId: t.requester_id,
    title: t.subject,
    body,
    titleStems: stemText(t.subject),
    bodyStems: stemText(body),
    updatedAt: t.updated_at,
  });
}

/** Subscriber: a request resolved or closed is indexed; one reopened is taken out. */
export async function onTicketStatusChanged(app: AppContext, e: DomainEvent) {
  const { from, to } = (e.data ?? {}) as { from?: string; to?: string };
  if (RESOLVED.has(to ?? '') || RESOLVED.has(from ?? '')) await indexTicket(app.db, app.dialect, e.subjectId);
}

/** Indexes every page and every resolved request afresh (after a restore, or for data from before the index). */
export async function rebuildSearchIndex(db: Db, dialect: DialectName) {
  let pages = 0;
  for (const page of await db.selectFrom('kb_pages').selectAll().orderBy('id').execute()) {
    await indexPage(db, dialect, page);
    pages++;
  }
  const tickets = await listResolvedTicketIds(db);
  for (const id of tickets) await indexTicket(db, dialect, id);
  return { pages, tickets: tickets.length };
}

/** The requests a person may find: staff all, a client IT manager the company's, a requester their own. */
export function ticketScopeOf(actor: Actor): SearchScope['tickets'] {
  if (isStaff(actor)) return 'all';
  if (!actor.organizationId) return 'none';
  return actor.role === 'client_manager' ? { organizationId: actor.organizationId } : { organizationId: actor.organizationId, requesterId: actor.id };
}

/** A hit with what its result shows: the page's space and language, or the request's number and status. */
export interface Found {
  hit: SearchHit;
  stems: string[];
  space?: repo.SpaceRow;
  locale?: Locale;
  request?: { number: number; status: string; resolved_at: string };
}

/** Runs a query and fetches what the results show, keeping the engine's order. */
export async function findDocs(app: AppContext, stems: string[], mode: 'all' | 'any', scope: SearchScope, limit: number): Promise<Found[]> {
  const hits = await searchEngine(app.dialect).query(app.db, { stems, mode, scope, limit });
  const pageIds = hits.filter((h) => h.kind === 'page').map((h) => h.refId);
  const ticketIds = hits.filter((h) => h.kind === 'ticket').map((h) => h.refId);
  const [locales, spaces, requests] = await Promise.all([
    repo.localesOf(app.db, pageIds),
    pageIds.length ? repo.listSpaces(app.db) : Promise.resolve([]),
    ticketIds.length
      ? app.db.selectFrom('kb_resolved_requests').select(['ticket_id', 'number', 'status', 'resolved_at']).where('ticket_id', 'in', ticketIds).execute()
      : Promise.resolve([]),
  ]);
  const spaceById = new Map(spaces.map((s) => [s.id, s]));
  const requestById = new Map(requests.map((r) => [r.ticket_id, r]));
  return hits.map((hit) => ({
    hit,
    stems,
    locale: locales.get(hit.refId),
    space: hit.spaceId ? spaceById.get(hit.spaceId) : undefined,
    request: requestById.get(hit.refId),
  }));
}

export interface SearchInput {
  q: string;
  kind?: 'page' | 'ticket';
  spaceId?: string;
  limit: number;
}

/**
 * Full-text search over the pages and resolved requests the actor may see, best first: every word
 * must occur; when no document has them all, those with the most of them.
 */
export async function searchKb(app: AppContext, actor: Actor, input: SearchInput): Promise<Found[]> {
  const readable = await readableSpaceIds(app.db, actor);
  if (input.spaceId && (!mayRead(readable, input.spaceId) || !(await repo.findSpace(app.db, input.spaceId)))) throw new NotFound('Space');
  const scope: SearchScope = {
    spaceIds: input.kind === 'ticket' ? [] : input.spaceId ? [input.spaceId] : readable,
    tickets: input.kind === 'page' || input.spaceId ? 'none' : ticketScopeOf(actor),
    // Drafts and pages in review are staff's.
    excludeRefIds: readable === undefined ? undefined : await repo.unpublishedPageIds(app.db),
  };
  const stems = queryStems(input.q);
  const found = await findDocs(app, stems, 'all', scope, input.limit);
  if (found.length || stems.length < 2) return found;
  return findDocs(app, stems, 'any', scope, input.limit);
}
