import { Invalid, NotFound } from '../../core/errors.js';
import type { AppContext, Db } from '../db.js';
import { findUserById, isStaff, type Actor, type Locale } from '../identity/index.js';
import { diffRevisions } from './diff.js';
import { assertMayEdit, mayRead, mayReadPage, readableSpaceIds } from './kb.policy.js';
import * as repo from './kb.repo.js';
import { attachmentPath, linkResolver } from './links.js';
import { renderMarkdown } from './markdown.js';
import { loadReadablePage } from './pages.service.js';

/** Reading the wiki: a page as its reader sees it, history and diffs, links, lists. */

/** A page's revisions, newest first (staff: the history may hold what was taken out). */
export async function listRevisions(app: AppContext, actor: Actor, id: string) {
  await loadReadablePage(app.db, actor, id);
  assertMayEdit(actor);
  return repo.listRevisions(app.db, id);
}

export async function getRevision(app: AppContext, actor: Actor, id: string, n: number) {
  await loadReadablePage(app.db, actor, id);
  assertMayEdit(actor);
  const r = await repo.findRevision(app.db, id, n);
  if (!r) throw new NotFound('Revision');
  return r;
}

/** The difference between any two revisions of a page. */
export async function diffPage(app: AppContext, actor: Actor, id: string, from: number, to: number) {
  await loadReadablePage(app.db, actor, id);
  assertMayEdit(actor);
  const [a, b] = await Promise.all([repo.findRevision(app.db, id, from), repo.findRevision(app.db, id, to)]);
  if (!a) throw new Invalid(`The page has no revision ${from}`, 'from');
  if (!b) throw new Invalid(`The page has no revision ${to}`, 'to');
  return diffRevisions(a, b);
}

/** The pages that link to this one, as far as the actor may read them. */
export async function listBacklinks(app: AppContext, actor: Actor, id: string) {
  const { readable } = await loadReadablePage(app.db, actor, id);
  return (await repo.backlinks(app.db, id)).filter((p) => mayReadPage(readable, p));
}

/** The titles linked to in a space that no page has yet, with the pages linking to each (staff). */
export async function listWanted(app: AppContext, actor: Actor, spaceId: string) {
  const readable = await readableSpaceIds(app.db, actor);
  if (!mayRead(readable, spaceId) || !(await repo.findSpace(app.db, spaceId))) throw new NotFound('Space');
  assertMayEdit(actor);
  const out = new Map<string, { title: string; linkedFrom: { id: string; title: string; space_id: string; locale: Locale }[] }>();
  for (const r of await repo.wantedLinks(app.db, spaceId)) {
    const entry = out.get(r.target_key) ?? { title: r.target_title, linkedFrom: [] };
    entry.linkedFrom.push({ id: r.id, title: r.title, space_id: r.space_id, locale: r.locale });
    out.set(r.target_key, entry);
  }
  return [...out.values()];
}

/** Pages the actor may read, by space and tag, by title. */
export async function listPages(app: AppContext, actor: Actor, f: { spaceId?: string; tag?: string; limit: number }) {
  const readable = await readableSpaceIds(app.db, actor);
  if (f.spaceId && (!mayRead(readable, f.spaceId) || !(await repo.findSpace(app.db, f.spaceId)))) throw new NotFound('Space');
  const pages = await repo.listPages(app.db, { spaceIds: f.spaceId ? [f.spaceId] : readable, tag: f.tag, publishedOnly: readable !== undefined, limit: f.limit });
  const tags = await repo.tagsByPage(app.db, pages.map((p) => p.id));
  return pages.map((p) => ({ ...p, tags: tags.get(p.id) ?? [] }));
}

/** The chain of parents, from the top of the space down to the page's parent. */
async function breadcrumbs(db: Db, page: repo.PageRow) {
  const out: { id: string; title: string }[] = [];
  let at = page.parent_id ? await repo.findPage(db, page.parent_id) : undefined;
  for (let depth = 0; at && depth < 100; depth++) {
    out.unshift({ id: at.id, title: at.title });
    at = at.parent_id ? await repo.findPage(db, at.parent_id) : undefined;
  }
  return out;
}

/** Everything a page view shows; `countView` adds one to its views. */
export async function getPage(app: AppContext, actor: Actor, id: string, opts: { countView?: boolean } = {}) {
  const { page, readable } = await loadReadablePage(app.db, actor, id);
  if (opts.countView) await repo.countView(app.db, id);
  const staff = isStaff(actor);
  const [space, tags, translations, attachments, crumbs, owner, updatedBy] = await Promise.all([
    repo.findSpace(app.db, page.space_id),
    repo.listTags(app.db, id),
    repo.translationsOf(app.db, page.translation_group, id),
    repo.listAttachments(app.db, id),
    breadcrumbs(app.db, page),
    staff && page.owner_id ? findUserById(app.db, page.owner_id) : Promise.resolve(undefined),
    staff ? findUserById(app.db, page.updated_by) : Promise.resolve(undefined),
  ]);
  const byName = new Map(attachments.map((a) => [a.filename, a]));
  const html = renderMarkdown(page.body, {
    resolveLink: await linkResolver(app.db, page, readable),
    attachmentUrl: (name) => {
      const a = byName.get(name);
      return a && attachmentPath(page.id, a.id);
    },
    imageHosts: app.config.kbImageHosts,
  });
  return {
    page,
    html,
    space: space!,
    tags,
    translations: translations.filter((t) => mayReadPage(readable, t)),
    attachments,
    breadcrumbs: crumbs,
    owner: owner ?? null,
    updatedBy: updatedBy ?? null,
  };
}
