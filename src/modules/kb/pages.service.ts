import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { isUniqueViolation } from '../../core/db/dialect.js';
import { Conflict, Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext, Db } from '../db.js';
import { findUserById, type Actor, type Locale } from '../identity/index.js';
import { diffRevisions } from './diff.js';
import { assertMayDelete, assertMayEdit, assertMayPublish, mayReadPage, readableSpaceIds } from './kb.policy.js';
import * as repo from './kb.repo.js';
import type { PageStatus, RevisionKind } from './kb.tables.js';
import { saveLinks } from './links.js';
import { normalizeTitle, titleKey } from './markdown.js';
import { indexPage, unindexPage } from './search.service.js';
import { findTemplate } from './templates.js';
import { looksRussian } from './text.js';

/** Pages: create, edit (each save a revision, stale bases refused), revert, move, delete. */

export interface PageInput {
  title: string;
  /** Left out: published at once. */
  status?: 'draft' | 'review';
  body?: string;
  spaceId?: string;
  parentId?: string | null;
  tags?: string[];
  locale?: Locale;
  summary?: string;
  template?: string;
  translationOf?: string;
  ownerId?: string;
}

export interface PageUpdateInput {
  baseRevision: number;
  body?: string;
  title?: string;
  summary?: string;
  tags?: string[];
  parentId?: string | null;
  locale?: Locale;
  ownerId?: string | null;
}

/** A page the actor may read (with the spaces they may read), or NotFound. */
export async function loadReadablePage(db: Db, actor: Actor, id: string) {
  const readable = await readableSpaceIds(db, actor);
  const page = await repo.findPage(db, id);
  if (!page || !mayReadPage(readable, page)) throw new NotFound('Page');
  return { page, readable };
}

/** A page for staff work (staff read every space), or NotFound. */
async function loadForEdit(db: Db, actor: Actor, id: string) {
  assertMayEdit(actor);
  const page = await repo.findPage(db, id);
  if (!page) throw new NotFound('Page');
  return page;
}

/** The page's language: as given, else the text's (Cyrillic or Latin), else the author's. */
function localeOf(actor: Actor, text: string): Locale {
  const cyrillic = (text.match(/[\u0400-\u04ff]/g) ?? []).length;
  const latin = (text.match(/[a-z]/gi) ?? []).length;
  if (cyrillic === latin) return actor.locale;
  return looksRussian(text) ? 'ru' : 'en';
}

async function assertOwner(db: Db, ownerId: string | null | undefined) {
  if (!ownerId) return;
  const u = await findUserById(db, ownerId);
  if (!u || !u.active || !['agent', 'manager', 'admin'].includes(u.role)) throw new Invalid('No such staff member', 'ownerId');
}

async function assertTitleFree(db: Db, spaceId: string, title: string, exceptId?: string) {
  const other = await repo.findPageByTitleKey(db, spaceId, titleKey(title));
  if (other && other.id !== exceptId) throw new Conflict(`A page titled "${other.title}" already exists in this space`, 'title_taken', { pageId: other.id });
}

/** Checks a new parent: a page of the same space, neither the page itself nor below it. */
async function assertParent(db: Db, spaceId: string, parentId: string, pageId?: string) {
  let at = await repo.findPage(db, parentId);
  if (!at || at.space_id !== spaceId) throw new Invalid('No such page in this space', 'parentId');
  for (let depth = 0; at && depth < 100; depth++) {
    if (at.id === pageId) throw new Invalid('A page cannot be placed below itself', 'parentId');
    at = at.parent_id ? await repo.findPage(db, at.parent_id) : undefined;
  }
}

const mapUnique = (err: unknown): never => {
  if (isUniqueViolation(err)) throw new Conflict('A page with this title (or a translation into this language) already exists', 'title_taken');
  throw err;
};

/** Creates a page with its first revision; the wanted links to its title now reach it. */
export async function createPage(app: AppContext, actor: Actor, input: PageInput, kind: RevisionKind = 'created'): Promise<string> {
  assertMayEdit(actor);
  const space = input.spaceId ? await repo.findSpace(app.db, input.spaceId) : await repo.findDefaultSpace(app.db);
  if (!space) throw new Invalid('No such space', 'spaceId');
  const title = normalizeTitle(input.title);
  const template = input.template === undefined ? undefined : findTemplate(input.template);
  if (input.template !== undefined && !template) throw new Invalid('No such template', 'template');
  const original = input.translationOf ? await repo.findPage(app.db, input.translationOf) : undefined;
  if (input.translationOf && !original) throw new Invalid('No such page to translate', 'translationOf');
  const locale = input.locale ?? (original ? (original.locale === 'en' ? 'ru' : 'en') : localeOf(actor, `${title} ${input.body ?? ''}`));
  const body = input.body ?? template?.body[locale];
  if (body === undefined) throw new Invalid('Write the page (body) or choose a template', 'body');
  if (original) {
    if (original.locale === locale) throw new Invalid('A translation is in the other language', 'locale');
    if ((await repo.translationsOf(app.db, original.translation_group, original.id)).some((p) => p.locale === locale))
      throw new Conflict('The page already has a translation into this language', 'translation_exists');
  }
  if (input.parentId) await assertParent(app.db, space.id, input.parentId);
  await assertOwner(app.db, input.ownerId);
  await assertTitleFree(app.db, space.id, title);

  const id = newId();
  const now = app.clock.now().toISOString();
  const row: repo.PageRow = {
    id,
    space_id: space.id,
    parent_id: input.parentId ?? null,
    title,
    title_key: titleKey(title),
    body,
    revision: 1,
    locale,
    translation_group: original?.translation_group ?? id,
    template: template?.key ?? null,
    owner_id: input.ownerId ?? actor.id,
    created_by: actor.id,
    created_at: now,
    updated_by: actor.id,
    updated_at: now,
    reviewed_by: actor.id,
    reviewed_at: now,
    views: 0,
    status: input.status ?? 'published',
  };
  await inTransaction(app.db, async (trx) => {
    await repo.insertPage(trx, row);
    await repo.insertRevision(trx, { page_id: id, number: 1, title, body, summary: input.summary ?? '', kind, restored_from: null, author_id: actor.id, created_at: now });
    if (input.tags?.length) await repo.replaceTags(trx, id, [...new Set(input.tags)].sort());
    await saveLinks(trx, row);
    await repo.resolveWanted(trx, space.id, row.title_key, id);
    await indexPage(trx, app.dialect, row);
    await recordAudit(trx, { entityType: 'kb_page', entityId: id, actorId: actor.id, action: 'created', after: { title, spaceId: space.id, locale, template: row.template, status: row.status } });
    await app.events.append(trx, { type: 'kb.page_created', subjectType: 'kb_page', subjectId: id, actorId: actor.id, data: { spaceId: space.id, title } });
  }).catch(mapUnique);
  return id;
}

/** The 409 for an edit made on an old revision: what was saved since, and the text as it now is. */
async function staleConflict(db: Db, pageId: string, base: number) {
  const current = (await repo.findPage(db, pageId))!;
  const [baseRevision, since] = await Promise.all([repo.findRevision(db, pageId, base), repo.revisionsAfter(db, pageId, base)]);
  const currentRevision = { number: current.revision, title: current.title, body: current.body };
  return new Conflict(
    `The page was saved by someone else after revision ${base} (it is now at ${current.revision}); merge those changes and save again`,
    'revision_conflict',
    {
      baseRevision: base,
      currentRevision: current.revision,
      title: current.title,
      body: current.body,
      changes: since.map((r) => ({ number: r.number, summary: r.summary, kind: r.kind, author: { id: r.author_id, name: r.author_name ?? '' }, createdAt: r.created_at })),
      diff: baseRevision ? diffRevisions(baseRevision, currentRevision) : null,
    },
  );
}

/**
 * Saves a change made on `baseRevision`. A new title or text makes a new revision; someone else's
 * save since the base is refused (409 with what they changed), never overwritten.
 */
export async function updatePage(
  app: AppContext,
  actor: Actor,
  id: string,
  input: PageUpdateInput,
  revision: { kind: RevisionKind; restoredFrom?: number; always?: boolean } = { kind: 'edited' },
) {
  const page = await loadForEdit(app.db, actor, id);
  if (input.baseRevision !== page.revision) throw await staleConflict(app.db, id, input.baseRevision);
  const title = input.title === undefined ? page.title : normalizeTitle(input.title);
  const body = input.body ?? page.body;
  const key = titleKey(title);
  if (key !== page.title_key) await assertTitleFree(app.db, page.space_id, title, id);
  const parentId = input.parentId === undefined ? page.parent_id : input.parentId;
  if (parentId && parentId !== page.parent_id) await assertParent(app.db, page.space_id, parentId, id);
  const locale = input.locale ?? page.locale;
  if (locale !== page.locale && (await repo.translationsOf(app.db, page.translation_group, id)).some((p) => p.locale === locale))
    throw new Conflict('A translation of this page is already in that language', 'translation_exists');
  await assertOwner(app.db, input.ownerId);
  const ownerId = input.ownerId === undefined ? page.owner_id : input.ownerId;
  const oldTags = await repo.listTags(app.db, id);
  const tags = input.tags ? [...new Set(input.tags)].sort() : oldTags;
  const tagsChanged = tags.join('\n') !== oldTags.join('\n');
  const textChanged = title !== page.title || body !== page.body;
  const metaChanged = parentId !== page.parent_id || locale !== page.locale || ownerId !== page.owner_id || tagsChanged;
  if (!textChanged && !metaChanged && !revision.always) return id;

  const number = textChanged || revision.always ? page.revision + 1 : page.revision;
  const now = app.clock.now().toISOString();
  const patch = { title, title_key: key, body, revision: number, parent_id: parentId, locale, owner_id: ownerId, updated_by: actor.id, updated_at: now };
  await inTransaction(app.db, async (trx) => {
    if (!(await repo.updatePageAt(trx, id, page.revision, patch))) throw await staleConflict(trx, id, input.baseRevision);
    if (number !== page.revision)
      await repo.insertRevision(trx, { page_id: id, number, title, body, summary: input.summary ?? '', kind: revision.kind, restored_from: revision.restoredFrom ?? null, author_id: actor.id, created_at: now });
    if (tagsChanged) await repo.replaceTags(trx, id, tags);
    if (body !== page.body) await saveLinks(trx, { id, space_id: page.space_id, body });
    if (key !== page.title_key) await repo.resolveWanted(trx, page.space_id, key, id);
    if (textChanged) await indexPage(trx, app.dialect, { ...page, ...patch });
    const changed = {
      ...(title !== page.title && { title }),
      ...(parentId !== page.parent_id && { parentId }),
      ...(locale !== page.locale && { locale }),
      ...(ownerId !== page.owner_id && { ownerId }),
    };
    await recordAudit(trx, {
      entityType: 'kb_page',
      entityId: id,
      actorId: actor.id,
      action: revision.kind === 'reverted' ? 'reverted' : 'updated',
      before: { revision: page.revision, title: page.title, ...(tagsChanged && { tags: oldTags }) },
      after: { revision: number, ...changed, ...(tagsChanged && { tags }), ...(revision.restoredFrom && { restoredFrom: revision.restoredFrom }) },
    });
    await app.events.append(trx, { type: 'kb.page_updated', subjectType: 'kb_page', subjectId: id, actorId: actor.id, data: { revision: number, renamed: key !== page.title_key } });
  }).catch(mapUnique);
  return id;
}

/** Restores an earlier revision's title and text, as a new revision. */
export async function revertPage(app: AppContext, actor: Actor, id: string, input: { revision: number; baseRevision?: number; summary?: string }) {
  const page = await loadForEdit(app.db, actor, id);
  const old = await repo.findRevision(app.db, id, input.revision);
  if (!old) throw new Invalid(`The page has no revision ${input.revision}`, 'revision');
  return updatePage(
    app,
    actor,
    id,
    { baseRevision: input.baseRevision ?? page.revision, title: old.title, body: old.body, summary: input.summary },
    { kind: 'reverted', restoredFrom: old.number, always: true },
  );
}

/** Deletes a page without sub-pages; links to it become wanted again. */
export async function deletePage(app: AppContext, actor: Actor, id: string) {
  const page = await loadForEdit(app.db, actor, id);
  assertMayDelete(actor, page.owner_id);
  if (await repo.hasChildren(app.db, id)) throw new Conflict('Move or delete the pages below this one first', 'has_children');
  const files = await repo.listAttachments(app.db, id);
  await inTransaction(app.db, async (trx) => {
    await unindexPage(trx, app.dialect, id);
    await repo.deletePage(trx, id);
    await recordAudit(trx, { entityType: 'kb_page', entityId: id, actorId: actor.id, action: 'deleted', before: { title: page.title, spaceId: page.space_id, revision: page.revision } });
    await app.events.append(trx, { type: 'kb.page_deleted', subjectType: 'kb_page', subjectId: id, actorId: actor.id, data: { spaceId: page.space_id, title: page.title } });
  });
  await Promise.all(files.map((f) => app.files.remove(f.file_key)));
}

/** Marks a page as reviewed now: its content is still right. */
export async function reviewPage(app: AppContext, actor: Actor, id: string) {
  await loadForEdit(app.db, actor, id);
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    await repo.updatePage(trx, id, { reviewed_at: now, reviewed_by: actor.id });
    await recordAudit(trx, { entityType: 'kb_page', entityId: id, actorId: actor.id, action: 'reviewed', after: { reviewedAt: now } });
  });
}

/** Links two pages as translations of each other (one English, one Russian). */
export async function linkTranslation(app: AppContext, actor: Actor, id: string, otherId: string) {
  const page = await loadForEdit(app.db, actor, id);
  const other = await repo.findPage(app.db, otherId);
  if (!other || other.id === id) throw new Invalid('No such other page', 'pageId');
  if (other.locale === page.locale) throw new Invalid('A translation is in the other language', 'pageId');
  const [mine, theirs] = await Promise.all([repo.translationsOf(app.db, page.translation_group, id), repo.translationsOf(app.db, other.translation_group, other.id)]);
  if (other.translation_group === page.translation_group) return;
  if (mine.length || theirs.length) throw new Conflict('One of the pages is already linked to a translation', 'translation_exists');
  await inTransaction(app.db, async (trx) => {
    await repo.updatePage(trx, other.id, { translation_group: page.translation_group });
    await recordAudit(trx, { entityType: 'kb_page', entityId: id, actorId: actor.id, action: 'translation_linked', after: { pageId: other.id } });
  }).catch(mapUnique);
}

/** Unlinks a page from its translations. */
export async function unlinkTranslation(app: AppContext, actor: Actor, id: string) {
  const page = await loadForEdit(app.db, actor, id);
  if (!(await repo.translationsOf(app.db, page.translation_group, id)).length) throw new NotFound('Translation');
  await inTransaction(app.db, async (trx) => {
    await repo.updatePage(trx, id, { translation_group: newId() });
    await recordAudit(trx, { entityType: 'kb_page', entityId: id, actorId: actor.id, action: 'translation_unlinked' });
  });
}

/**
 * The moves a page's status may make: staff send a draft for review or back to draft; an L3
 * specialist or a manager publishes (from review or straight from draft) and takes a page back.
 */
const TRANSITIONS: Record<PageStatus, Partial<Record<PageStatus, 'staff' | 'publisher'>>> = {
  draft: { review: 'staff', published: 'publisher' },
  review: { draft: 'staff', published: 'publisher' },
  published: { draft: 'publisher' },
};

/** Moves a page to another status (see TRANSITIONS); 409 for a move that is not one. */
export async function setPageStatus(app: AppContext, actor: Actor, id: string, input: { status: PageStatus; baseRevision?: number }) {
  const page = await loadForEdit(app.db, actor, id);
  if (input.baseRevision !== undefined && input.baseRevision !== page.revision) throw await staleConflict(app.db, id, input.baseRevision);
  if (page.status === input.status) throw new Conflict(`The page is already ${input.status}`, 'status_unchanged', { status: page.status });
  const who = TRANSITIONS[page.status][input.status];
  if (!who) throw new Conflict(`A page that is ${page.status} cannot become ${input.status}`, 'invalid_transition', { from: page.status, to: input.status });
  if (who === 'publisher') assertMayPublish(actor);
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    const r = await trx.updateTable('kb_pages').set({ status: input.status, updated_by: actor.id, updated_at: now }).where('id', '=', id).where('status', '=', page.status).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new Conflict('Someone changed the status of the page at the same time; reload it', 'status_changed');
    await recordAudit(trx, { entityType: 'kb_page', entityId: id, actorId: actor.id, action: 'status_changed', before: { status: page.status }, after: { status: input.status } });
    await app.events.append(trx, { type: 'kb.page_status_changed', subjectType: 'kb_page', subjectId: id, actorId: actor.id, data: { from: page.status, to: input.status } });
  });
}
