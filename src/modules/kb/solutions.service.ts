import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { isUniqueViolation } from '../../core/db/dialect.js';
import { Conflict, Invalid, NotFound } from '../../core/errors.js';
import { type AppContext, within } from '../db.js';
import { STAFF_ROLES, type Actor, type Locale } from '../identity/index.js';
import { findCategory, listTimelineEntries, loadTicket, PUBLIC_EVENTS, ticketNumber } from '../tickets/index.js';
import { assertMayCaptureSolution, assertMayEdit, mayReadPage, readableSpaceIds } from './kb.policy.js';
import * as repo from './kb.repo.js';
import { titleKey } from './markdown.js';
import { createPage, loadReadablePage } from './pages.service.js';
import { findDocs } from './search.service.js';
import { solutionDraft } from './templates.js';
import { looksRussian, queryStems } from './text.js';

/**
 * Knowledge meeting requests: articles suggested while a request is written ("this solved it"
 * deflects it), related articles and similar resolved requests for the agent, articles marked as a
 * request's solution, and solution articles drafted from a resolved request.
 */

const RESOLVED = new Set(['resolved', 'closed']);
/** How many words of a request's text suggestions look for. */
const SUGGEST_TERMS = 24;

/** Marks an article as the solution of a request (staff). */
export async function linkSolution(app: AppContext, actor: Actor, ticketRef: string, pageId: string) {
  assertMayEdit(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  if (!(await repo.findPage(app.db, pageId))) throw new Invalid('No such page', 'pageId');
  try {
    await inTransaction(app.db, async (trx) => {
      await trx.insertInto('kb_solutions').values({ page_id: pageId, ticket_id: t.id, linked_by: actor.id, created_at: app.clock.now().toISOString() }).execute();
      await recordAudit(trx, { entityType: 'kb_page', entityId: pageId, actorId: actor.id, action: 'solution_linked', after: { ticketId: t.id } });
      await app.events.append(trx, { type: 'kb.solution_linked', subjectType: 'kb_page', subjectId: pageId, actorId: actor.id, data: { ticketId: t.id } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('The article is already a solution of this request', 'already_linked');
    throw err;
  }
  return t.id;
}

export async function unlinkSolution(app: AppContext, actor: Actor, ticketRef: string, pageId: string) {
  assertMayEdit(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  await inTransaction(app.db, async (trx) => {
    const r = await trx.deleteFrom('kb_solutions').where('page_id', '=', pageId).where('ticket_id', '=', t.id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new NotFound('Solution');
    await recordAudit(trx, { entityType: 'kb_page', entityId: pageId, actorId: actor.id, action: 'solution_unlinked', before: { ticketId: t.id } });
  });
  return t.id;
}

/** The articles marked as a request's solutions, as far as the actor may read them. */
export async function listSolutions(app: AppContext, actor: Actor, ticketRef: string) {
  const t = await loadTicket(app.db, actor, ticketRef);
  const readable = await readableSpaceIds(app.db, actor);
  const rows = await app.db
    .selectFrom('kb_solutions as s')
    .innerJoin('kb_pages as p', 'p.id', 's.page_id')
    .select(['p.id', 'p.title', 'p.space_id', 'p.locale', 'p.status', 's.created_at as linked_at'])
    .where('s.ticket_id', '=', t.id)
    .orderBy('s.created_at')
    .execute();
  return rows.filter((r) => mayReadPage(readable, r));
}

/** A title usable for a page: no link brackets or bars, at most 200 characters. */
const asTitle = (s: string, fallback: string) => s.replace(/[[\]|\s]+/g, ' ').trim().slice(0, 200) || fallback;

/**
 * L2/L3: drafts a solution article from a resolved request — its description as the symptoms, the
 * staff's replies and notes as the resolution — and marks it as the request's solution.
 */
export async function createSolutionArticle(app: AppContext, actor: Actor, ticketRef: string, input: { spaceId?: string; title?: string; locale?: Locale }) {
  assertMayCaptureSolution(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  if (!RESOLVED.has(t.status)) throw new Conflict('Only a resolved request can be written up as a solution', 'not_resolved');
  const text = `${t.subject}\n${t.description}`;
  const locale = input.locale ?? (looksRussian(text) ? 'ru' : /[a-z]/i.test(text) ? 'en' : actor.locale);
  const staffSaid = (await listTimelineEntries(app.db, t.id, false, PUBLIC_EVENTS))
    .filter((e) => (e.kind === 'reply' || e.kind === 'note') && (STAFF_ROLES as readonly string[]).includes(e.author_role ?? ''))
    .map((e) => `- ${e.body.trim().replace(/\s*\n\s*/g, ' ')}`);
  const category = t.category_id ? await findCategory(app.db, t.category_id) : undefined;
  const number = ticketNumber(t.number);
  const body = solutionDraft(locale, {
    symptoms: t.description,
    cause: '',
    resolution: staffSaid.join('\n'),
    appliesTo: category ? (locale === 'ru' ? category.name_ru : category.name) : '',
    source: number,
  });
  return inTransaction(app.db, async (trx) => {
    const w = within(app, trx);
    const space = input.spaceId ? await repo.findSpace(trx, input.spaceId) : await repo.findDefaultSpace(trx);
    if (!space) throw new Invalid('No such space', 'spaceId');
    let title = asTitle(input.title ?? t.subject, number);
    if (!input.title && (await repo.findPageByTitleKey(trx, space.id, titleKey(title)))) title = asTitle(`${title} (${number})`, number);
    const id = await createPage(w, actor, { title, body, spaceId: space.id, locale, template: 'solution', summary: number });
    await linkSolution(w, actor, t.id, id);
    return id;
  });
}

/** For an agent on a request: the articles marked as its solution, related articles, similar resolved requests. */
export async function relatedForTicket(app: AppContext, actor: Actor, ticketRef: string, limit = 5) {
  assertMayEdit(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  const stems = queryStems(`${t.subject} ${t.description}`, SUGGEST_TERMS);
  const solutions = await listSolutions(app, actor, t.id);
  const articles = await findDocs(app, stems, 'any', { tickets: 'none' }, limit);
  const similarRequests = await findDocs(app, stems, 'any', { spaceIds: [], tickets: 'all', excludeRefIds: [t.id] }, limit);
  return { solutions, articles, similarRequests };
}

/** For a request being written: the articles the writer may read that may answer it. */
export async function suggestArticles(app: AppContext, actor: Actor, text: string, limit: number) {
  const readable = await readableSpaceIds(app.db, actor);
  const excludeRefIds = readable === undefined ? undefined : await repo.unpublishedPageIds(app.db);
  return findDocs(app, queryStems(text, SUGGEST_TERMS), 'any', { spaceIds: readable, tickets: 'none', excludeRefIds }, limit);
}

/** "This solved it": the article answered what the person was about to ask; no request is made. */
export async function recordDeflection(app: AppContext, actor: Actor, input: { pageId: string; text?: string }) {
  const { page } = await loadReadablePage(app.db, actor, input.pageId);
  const now = app.clock.now().toISOString();
  return inTransaction(app.db, async (trx) => {
    const row = await trx
      .insertInto('kb_deflections')
      .values({ page_id: page.id, user_id: actor.id, organization_id: actor.organizationId, text: input.text ?? '', created_at: now })
      .returning(['id', 'page_id', 'created_at'])
      .executeTakeFirstOrThrow();
    await app.events.append(trx, { type: 'kb.request_deflected', subjectType: 'kb_page', subjectId: page.id, actorId: actor.id, data: { organizationId: actor.organizationId } });
    return { id: Number(row.id), pageId: row.page_id, createdAt: row.created_at };
  });
}

/** A helpful / not helpful vote; one per person and page, changed by voting again. */
export async function vote(app: AppContext, actor: Actor, pageId: string, helpful: boolean) {
  const { page } = await loadReadablePage(app.db, actor, pageId);
  const now = app.clock.now().toISOString();
  await app.db
    .insertInto('kb_votes')
    .values({ page_id: page.id, user_id: actor.id, helpful: helpful ? 1 : 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['page_id', 'user_id']).doUpdateSet({ helpful: helpful ? 1 : 0, updated_at: now }))
    .execute();
  return votesOf(app, actor, page.id);
}

export async function votesOf(app: AppContext, actor: Actor, pageId: string) {
  const rows = await app.db.selectFrom('kb_votes').select(['user_id', 'helpful']).where('page_id', '=', pageId).execute();
  const mine = rows.find((r) => r.user_id === actor.id);
  return { helpful: rows.filter((r) => r.helpful === 1).length, notHelpful: rows.filter((r) => r.helpful === 0).length, yours: mine ? mine.helpful === 1 : null };
}

