import { PageTitle } from '../../contracts/kb.js';
import { inTransaction } from '../../core/db/connect.js';
import { Invalid, NotFound } from '../../core/errors.js';
import { type AppContext, within } from '../db.js';
import type { Actor, Locale } from '../identity/index.js';
import { readPageFile, slug, writePageFile, type PageFile } from './front-matter.js';
import { assertMayEdit } from './kb.policy.js';
import * as repo from './kb.repo.js';
import { titleKey } from './markdown.js';
import { createPage, updatePage } from './pages.service.js';
import { findTemplate } from './templates.js';

/** A space as Markdown files and back: one `.md` file per page, its place in the tree as folders. */

const TAG = /^[\p{L}\p{N}_.:-]{1,40}$/u;

/** Every page of a space as a Markdown file with front matter (staff). */
export async function exportSpace(app: AppContext, actor: Actor, spaceId: string) {
  assertMayEdit(actor);
  const space = await repo.findSpace(app.db, spaceId);
  if (!space) throw new NotFound('Space');
  const pages = await repo.listPages(app.db, { spaceIds: [spaceId], limit: 1_000_000 });
  const tags = await repo.tagsByPage(app.db, pages.map((p) => p.id));
  const byId = new Map(pages.map((p) => [p.id, p]));
  const names = new Map<string, string>();
  const taken = new Set<string>();
  // Each page's folder path is its parent's; names are made unique within the export.
  const pathOf = (id: string, depth = 0): string => {
    const known = names.get(id);
    if (known) return known;
    const p = byId.get(id)!;
    const dir = p.parent_id && byId.has(p.parent_id) && depth < 100 ? `${pathOf(p.parent_id, depth + 1).replace(/\.md$/, '')}/` : '';
    let name = `${dir}${slug(p.title)}`;
    for (let n = 2; taken.has(name); n++) name = `${dir}${slug(p.title)}-${n}`;
    taken.add(name);
    names.set(id, `${name}.md`);
    return `${name}.md`;
  };
  const files = pages.map((p) => ({
    path: pathOf(p.id),
    content: writePageFile({
      title: p.title,
      locale: p.locale,
      tags: tags.get(p.id) ?? [],
      parent: p.parent_id ? byId.get(p.parent_id)?.title : undefined,
      template: p.template ?? undefined,
      body: p.body,
    }),
  }));
  return { space: { key: space.key, name: space.name }, files: files.sort((a, b) => a.path.localeCompare(b.path)) };
}

/** Checks one file as read; the error names the file (`files.<i>`). */
function checkFile(f: PageFile, i: number): PageFile & { title: string } {
  const field = `files.${i}`;
  const title = PageTitle.safeParse(f.title ?? '');
  if (!title.success) throw new Invalid(`File ${i + 1}: the title ${title.error.issues[0]?.message ?? 'is not valid'}`, field);
  if (f.locale !== undefined && f.locale !== 'en' && f.locale !== 'ru') throw new Invalid(`File ${i + 1}: locale must be en or ru`, field);
  const tags = (f.tags ?? []).map((t) => t.trim().toLowerCase());
  if (tags.some((t) => !TAG.test(t)) || tags.length > 30) throw new Invalid(`File ${i + 1}: tags are letters, digits and _ . : - (up to 30 of 40 characters)`, field);
  if (f.template !== undefined && !findTemplate(f.template)) throw new Invalid(`File ${i + 1}: no such template ${f.template}`, field);
  return { ...f, title: title.data, tags };
}

/**
 * Imports Markdown files into a space, all or nothing: a file whose title a page of the space has
 * becomes a new revision of it (if it differs), any other a new page; then parents are set.
 */
export async function importSpace(app: AppContext, actor: Actor, spaceId: string, files: { path: string; content: string }[]) {
  assertMayEdit(actor);
  const space = await repo.findSpace(app.db, spaceId);
  if (!space) throw new NotFound('Space');
  const read = files.map((f, i) => checkFile(readPageFile(f.content, f.path), i));
  const keys = new Set<string>();
  read.forEach((f, i) => {
    if (keys.has(titleKey(f.title))) throw new Invalid(`File ${i + 1}: another file has the title "${f.title}"`, `files.${i}`);
    keys.add(titleKey(f.title));
  });
  for (const [i, f] of read.entries())
    if (f.parent && !keys.has(titleKey(f.parent)) && !(await repo.findPageByTitleKey(app.db, spaceId, titleKey(f.parent))))
      throw new Invalid(`File ${i + 1}: no page titled "${f.parent}" for its parent`, `files.${i}`);

  return inTransaction(app.db, async (trx) => {
    const w = within(app, trx);
    const results: { id: string; title: string; action: 'created' | 'updated' | 'unchanged' }[] = [];
    for (const f of read) {
      const existing = await repo.findPageByTitleKey(trx, spaceId, titleKey(f.title));
      const locale = f.locale as Locale | undefined;
      if (!existing) {
        const id = await createPage(w, actor, { title: f.title, body: f.body, spaceId, tags: f.tags, locale, template: f.template }, 'imported');
        results.push({ id, title: f.title, action: 'created' });
        continue;
      }
      await updatePage(w, actor, existing.id, { baseRevision: existing.revision, body: f.body, tags: f.tags, locale }, { kind: 'imported' });
      const after = (await repo.findPage(trx, existing.id))!;
      results.push({ id: existing.id, title: after.title, action: after.revision !== existing.revision ? 'updated' : 'unchanged' });
    }
    for (const [i, f] of read.entries()) {
      if (!f.parent) continue;
      const [page, parent] = [await repo.findPageByTitleKey(trx, spaceId, titleKey(f.title)), await repo.findPageByTitleKey(trx, spaceId, titleKey(f.parent))];
      if (page!.parent_id === parent!.id) continue;
      try {
        await updatePage(w, actor, page!.id, { baseRevision: page!.revision, parentId: parent!.id });
      } catch (err) {
        if (err instanceof Invalid) throw new Invalid(`File ${i + 1}: ${err.message}`, `files.${i}`);
        throw err;
      }
    }
    const count = (a: string) => results.filter((r) => r.action === a).length;
    return { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), pages: results };
  });
}
