import type { z } from 'zod';
import type * as c from '../../../contracts/kb.js';
import { isStaff, type Actor, type UserRow } from '../../identity/index.js';
import { ticketNumber } from '../../tickets/index.js';
import type { AttachmentRow, PageRow, RevisionRow, SpaceRow } from '../kb.repo.js';
import { attachmentPath } from '../links.js';
import type { MetricsRow } from '../metrics.service.js';
import type { getPage } from '../page-views.service.js';
import type { Found } from '../search.service.js';
import { highlight, snippet } from '../snippet.js';

/** The knowledge base's API shapes: explicit allow-lists; the client side gets no editing fields. */

export const spaceRef = (s: SpaceRow) => ({ id: s.id, key: s.key, name: s.name, nameRu: s.name_ru, visibility: s.visibility });

export function presentSpace(s: SpaceRow, viewer: Actor, organizationIds?: string[]): z.infer<typeof c.Space> {
  return {
    id: s.id,
    key: s.key,
    name: s.name,
    nameRu: s.name_ru,
    description: s.description,
    visibility: s.visibility,
    isDefault: s.is_default === 1,
    ...(isStaff(viewer) && organizationIds && { organizationIds }),
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  };
}

export const pageRef = (p: Pick<PageRow, 'id' | 'title' | 'space_id' | 'locale'>) => ({ id: p.id, title: p.title, spaceId: p.space_id, locale: p.locale });

export const presentAttachment = (pageId: string, a: AttachmentRow) => ({
  id: a.id,
  filename: a.filename,
  contentType: a.content_type,
  size: a.size,
  url: attachmentPath(pageId, a.id),
  createdAt: a.created_at,
});

const personRef = (u: UserRow | null) => (u ? { id: u.id, name: u.name } : null);

/** A page as its reader sees it: the HTML was rendered for them (links they may not follow are plain text). */
export function presentPage(view: Awaited<ReturnType<typeof getPage>>, viewer: Actor): z.infer<typeof c.Page> {
  const { page } = view;
  const shown = {
    id: page.id,
    space: spaceRef(view.space),
    parentId: page.parent_id,
    breadcrumbs: view.breadcrumbs,
    title: page.title,
    status: page.status,
    html: view.html,
    revision: page.revision,
    locale: page.locale,
    tags: view.tags,
    template: page.template,
    translations: view.translations.map(pageRef),
    attachments: view.attachments.map((a) => presentAttachment(page.id, a)),
    createdAt: page.created_at,
    updatedAt: page.updated_at,
  };
  if (!isStaff(viewer)) return shown;
  return { ...shown, body: page.body, owner: personRef(view.owner), updatedBy: personRef(view.updatedBy), reviewedAt: page.reviewed_at };
}

export const presentListItem = (p: PageRow & { tags: string[] }) => ({
  id: p.id,
  spaceId: p.space_id,
  parentId: p.parent_id,
  title: p.title,
  locale: p.locale,
  status: p.status,
  template: p.template,
  tags: p.tags,
  updatedAt: p.updated_at,
});

export const presentRevision = (r: RevisionRow & { author_name: string | null }) => ({
  number: r.number,
  title: r.title,
  summary: r.summary,
  kind: r.kind,
  restoredFrom: r.restored_from,
  author: { id: r.author_id, name: r.author_name ?? '' },
  createdAt: r.created_at,
});

/** A search hit: highlighted title and snippet (safe HTML: only <mark> is markup), what it is, where. */
export function presentFound(f: Found): z.infer<typeof c.SearchResult> {
  const base = {
    kind: f.hit.kind,
    id: f.hit.refId,
    title: f.hit.title,
    titleHighlight: highlight(f.hit.title, f.stems),
    snippet: snippet(f.hit.body, f.stems),
    score: Math.round(f.hit.score * 10_000) / 10_000,
  };
  if (f.hit.kind === 'page') return { ...base, ...(f.space && { space: spaceRef(f.space) }), ...(f.locale && { locale: f.locale }) };
  return { ...base, ...(f.request && { number: ticketNumber(f.request.number), status: f.request.status, resolvedAt: f.request.resolved_at }) };
}

export const presentMetrics = (m: MetricsRow) => ({
  pageId: m.id,
  title: m.title,
  spaceId: m.space_id,
  views: Number(m.views),
  usedAsSolution: Number(m.used ?? 0),
  helpful: Number(m.helpful ?? 0),
  notHelpful: Number(m.not_helpful ?? 0),
  deflections: Number(m.deflections ?? 0),
  reviewedAt: m.reviewed_at,
});
