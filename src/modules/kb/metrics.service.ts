import type { AppContext, Db } from '../db.js';
import type { Actor } from '../identity/index.js';
import { ticketNumber } from '../tickets/index.js';
import { assertMayEdit } from './kb.policy.js';
import { loadReadablePage } from './pages.service.js';

/**
 * How articles do — views, times used as a solution, votes, deflections — and what needs attention:
 * pages not reviewed for a while, L2/L3 resolutions whose knowledge is not captured in an article.
 */

export type MetricsSort = 'views' | 'usedAsSolution' | 'helpful' | 'notHelpful' | 'deflections';
const SORT_COLUMN = { views: 'p.views', usedAsSolution: 'used', helpful: 'helpful', notHelpful: 'not_helpful', deflections: 'deflections' } as const;

function metricsQuery(db: Db) {
  return db
    .selectFrom('kb_pages as p')
    .select(['p.id', 'p.title', 'p.space_id', 'p.views', 'p.reviewed_at'])
    .select((eb) => [
      eb.selectFrom('kb_solutions as s').select((e) => e.fn.countAll<number>().as('n')).whereRef('s.page_id', '=', 'p.id').as('used'),
      eb.selectFrom('kb_votes as v').select((e) => e.fn.countAll<number>().as('n')).whereRef('v.page_id', '=', 'p.id').where('v.helpful', '=', 1).as('helpful'),
      eb.selectFrom('kb_votes as v').select((e) => e.fn.countAll<number>().as('n')).whereRef('v.page_id', '=', 'p.id').where('v.helpful', '=', 0).as('not_helpful'),
      eb.selectFrom('kb_deflections as d').select((e) => e.fn.countAll<number>().as('n')).whereRef('d.page_id', '=', 'p.id').as('deflections'),
    ]);
}

export type MetricsRow = Awaited<ReturnType<ReturnType<typeof metricsQuery>['execute']>>[number];

/** One article's figures (staff). */
export async function pageMetrics(app: AppContext, actor: Actor, pageId: string) {
  await loadReadablePage(app.db, actor, pageId);
  assertMayEdit(actor);
  return (await metricsQuery(app.db).where('p.id', '=', pageId).executeTakeFirst())!;
}

/** Articles by a figure, highest first (staff). */
export async function metricsReport(app: AppContext, actor: Actor, f: { spaceId?: string; sort: MetricsSort; limit: number }) {
  assertMayEdit(actor);
  let q = metricsQuery(app.db);
  if (f.spaceId) q = q.where('p.space_id', '=', f.spaceId);
  return q.orderBy(SORT_COLUMN[f.sort], 'desc').orderBy('p.title').orderBy('p.id').limit(f.limit).execute();
}

/** Pages whose content nobody has confirmed for `days` days, the longest unreviewed first (staff). */
export async function unreviewedPages(app: AppContext, actor: Actor, f: { days: number; spaceId?: string; limit: number }) {
  assertMayEdit(actor);
  const cutoff = new Date(app.clock.now().getTime() - f.days * 86_400_000).toISOString();
  let q = app.db
    .selectFrom('kb_pages as p')
    .leftJoin('users as u', 'u.id', 'p.owner_id')
    .select(['p.id', 'p.title', 'p.space_id', 'p.locale', 'p.reviewed_at', 'p.owner_id', 'u.name as owner_name'])
    .where((eb) => eb.or([eb('p.reviewed_at', 'is', null), eb('p.reviewed_at', '<', cutoff)]));
  if (f.spaceId) q = q.where('p.space_id', '=', f.spaceId);
  return q.orderBy('p.reviewed_at').orderBy('p.id').limit(f.limit).execute();
}

/** Requests resolved at L2 or L3 that no article is marked as the solution of, newest first (staff). */
export async function uncapturedResolutions(app: AppContext, actor: Actor, f: { from?: string; to?: string; limit: number }) {
  assertMayEdit(actor);
  let q = app.db
    .selectFrom('kb_resolved_requests as r')
    .leftJoin('users as u', 'u.id', 'r.assignee_id')
    .select(['r.ticket_id', 'r.number', 'r.subject', 'r.status', 'r.line', 'r.resolved_at', 'r.assignee_id', 'u.name as assignee_name'])
    .where('r.line', 'in', ['L2', 'L3'])
    .where((eb) => eb.not(eb.exists(eb.selectFrom('kb_solutions as s').select('s.page_id').whereRef('s.ticket_id', '=', 'r.ticket_id'))));
  if (f.from) q = q.where('r.resolved_at', '>=', new Date(f.from).toISOString());
  if (f.to) q = q.where('r.resolved_at', '<', new Date(f.to).toISOString());
  const rows = await q.orderBy('r.resolved_at', 'desc').orderBy('r.ticket_id').limit(f.limit).execute();
  return rows.map((r) => ({ ...r, number: ticketNumber(r.number) }));
}
