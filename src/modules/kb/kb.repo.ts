import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { KbTables } from './kb.tables.js';

/** Every query on the wiki's tables: spaces, pages, tags, revisions, links, attachments. */

export type SpaceRow = Selectable<KbTables['kb_spaces']>;
export type PageRow = Selectable<KbTables['kb_pages']>;
export type RevisionRow = Selectable<KbTables['kb_revisions']>;
export type AttachmentRow = Selectable<KbTables['kb_attachments']>;
export type LinkRow = Selectable<KbTables['kb_links']>;

// Spaces

export const listSpaces = (db: Db, ids?: string[]) => {
  let q = db.selectFrom('kb_spaces').selectAll().orderBy('is_default', 'desc').orderBy('name').orderBy('id');
  if (ids) q = ids.length ? q.where('id', 'in', ids) : q.where('id', '=', '');
  return q.execute();
};
export const findSpace = (db: Db, id: string) => db.selectFrom('kb_spaces').selectAll().where('id', '=', id).executeTakeFirst();
export const findSpaceByKey = (db: Db, key: string) => db.selectFrom('kb_spaces').selectAll().where('key', '=', key).executeTakeFirst();
export const findDefaultSpace = (db: Db) => db.selectFrom('kb_spaces').selectAll().where('is_default', '=', 1).orderBy('created_at').executeTakeFirstOrThrow();
export const insertSpace = (db: Db, row: Insertable<KbTables['kb_spaces']>) => db.insertInto('kb_spaces').values(row).execute();
export const updateSpace = (db: Db, id: string, patch: Updateable<KbTables['kb_spaces']>) => db.updateTable('kb_spaces').set(patch).where('id', '=', id).execute();

export const spaceOrganizations = async (db: Db, spaceId: string) =>
  (await db.selectFrom('kb_space_organizations').select('organization_id').where('space_id', '=', spaceId).orderBy('organization_id').execute()).map((r) => r.organization_id);

export async function replaceSpaceOrganizations(db: Db, spaceId: string, organizationIds: string[]) {
  await db.deleteFrom('kb_space_organizations').where('space_id', '=', spaceId).execute();
  if (organizationIds.length)
    await db.insertInto('kb_space_organizations').values(organizationIds.map((organization_id) => ({ space_id: spaceId, organization_id }))).execute();
}

// Pages

export const findPage = (db: Db, id: string) => db.selectFrom('kb_pages').selectAll().where('id', '=', id).executeTakeFirst();
export const findPageByTitleKey = (db: Db, spaceId: string, key: string) =>
  db.selectFrom('kb_pages').selectAll().where('space_id', '=', spaceId).where('title_key', '=', key).executeTakeFirst();
export const insertPage = (db: Db, row: Insertable<KbTables['kb_pages']>) => db.insertInto('kb_pages').values(row).execute();

/** Updates a page if it is still at `revision`; false when someone saved in between. */
export async function updatePageAt(db: Db, id: string, revision: number, patch: Updateable<KbTables['kb_pages']>) {
  const r = await db.updateTable('kb_pages').set(patch).where('id', '=', id).where('revision', '=', revision).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const updatePage = (db: Db, id: string, patch: Updateable<KbTables['kb_pages']>) => db.updateTable('kb_pages').set(patch).where('id', '=', id).execute();
export const deletePage = (db: Db, id: string) => db.deleteFrom('kb_pages').where('id', '=', id).execute();
export const countView = (db: Db, id: string) => db.updateTable('kb_pages').set((eb) => ({ views: eb('views', '+', 1) })).where('id', '=', id).execute();

export interface PageFilter {
  /** Only these spaces (undefined: all). */
  spaceIds?: string[];
  tag?: string;
  /** Only published pages (the client side). */
  publishedOnly?: boolean;
  limit: number;
}

export function listPages(db: Db, f: PageFilter) {
  let q = db.selectFrom('kb_pages as p').selectAll('p').orderBy('p.title').orderBy('p.id').limit(f.limit);
  if (f.spaceIds) q = f.spaceIds.length ? q.where('p.space_id', 'in', f.spaceIds) : q.where('p.id', '=', '');
  if (f.publishedOnly) q = q.where('p.status', '=', 'published');
  if (f.tag) {
    const tag = f.tag;
    q = q.where((eb) => eb.exists(eb.selectFrom('kb_page_tags as t').select('t.tag').whereRef('t.page_id', '=', 'p.id').where('t.tag', '=', tag)));
  }
  return q.execute();
}

/** The pages not yet published: what a client's search must leave out. */
export const unpublishedPageIds = async (db: Db) => (await db.selectFrom('kb_pages').select('id').where('status', '!=', 'published').execute()).map((r) => r.id);

export const hasChildren = async (db: Db, id: string) => Boolean(await db.selectFrom('kb_pages').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst());

/** The language of each of some pages (what a search result shows besides the indexed text). */
export const localesOf = async (db: Db, ids: string[]) =>
  new Map(ids.length ? (await db.selectFrom('kb_pages').select(['id', 'locale']).where('id', 'in', ids).execute()).map((p) => [p.id, p.locale]) : []);

export const translationsOf = (db: Db, group: string, exceptId: string) =>
  db.selectFrom('kb_pages').selectAll().where('translation_group', '=', group).where('id', '!=', exceptId).orderBy('locale').execute();

// Tags

export const listTags = async (db: Db, pageId: string) =>
  (await db.selectFrom('kb_page_tags').select('tag').where('page_id', '=', pageId).orderBy('tag').execute()).map((r) => r.tag);

export async function tagsByPage(db: Db, pageIds: string[]) {
  const out = new Map<string, string[]>();
  if (!pageIds.length) return out;
  for (const r of await db.selectFrom('kb_page_tags').selectAll().where('page_id', 'in', pageIds).orderBy('tag').execute())
    out.set(r.page_id, [...(out.get(r.page_id) ?? []), r.tag]);
  return out;
}

export async function replaceTags(db: Db, pageId: string, tags: string[]) {
  await db.deleteFrom('kb_page_tags').where('page_id', '=', pageId).execute();
  if (tags.length) await db.insertInto('kb_page_tags').values(tags.map((tag) => ({ page_id: pageId, tag }))).execute();
}

// Revisions

export const insertRevision = (db: Db, row: Insertable<KbTables['kb_revisions']>) => db.insertInto('kb_revisions').values(row).execute();

const revisionWithAuthor = (db: Db) =>
  db.selectFrom('kb_revisions as r').leftJoin('users as u', 'u.id', 'r.author_id').selectAll('r').select('u.name as author_name');

export const listRevisions = (db: Db, pageId: string) => revisionWithAuthor(db).where('r.page_id', '=', pageId).orderBy('r.number', 'desc').execute();
export const revisionsAfter = (db: Db, pageId: string, after: number) =>
  revisionWithAuthor(db).where('r.page_id', '=', pageId).where('r.number', '>', after).orderBy('r.number').execute();
export const findRevision = (db: Db, pageId: string, n: number) => revisionWithAuthor(db).where('r.page_id', '=', pageId).where('r.number', '=', n).executeTakeFirst();

// Links

/** The links a page writes, each with its target page (if any). */
export const linksFrom = (db: Db, pageId: string) =>
  db
    .selectFrom('kb_links as l')
    .leftJoin('kb_pages as t', 't.id', 'l.target_page_id')
    .selectAll('l')
    .select(['t.title as target_page_title', 't.space_id as target_page_space_id', 't.status as target_page_status'])
    .where('l.source_page_id', '=', pageId)
    .execute();

export async function replaceLinks(db: Db, pageId: string, rows: Insertable<KbTables['kb_links']>[]) {
  await db.deleteFrom('kb_links').where('source_page_id', '=', pageId).execute();
  if (rows.length) await db.insertInto('kb_links').values(rows).execute();
}

/** Points the wanted links to a title in a space at the page that now has it. */
export const resolveWanted = (db: Db, spaceId: string, key: string, pageId: string) =>
  db.updateTable('kb_links').set({ target_page_id: pageId }).where('target_space_id', '=', spaceId).where('target_key', '=', key).where('target_page_id', 'is', null).execute();

/** The pages that link to a page. */
export const backlinks = (db: Db, pageId: string) =>
  db
    .selectFrom('kb_links as l')
    .innerJoin('kb_pages as p', 'p.id', 'l.source_page_id')
    .select(['p.id', 'p.title', 'p.space_id', 'p.locale', 'p.status'])
    .distinct()
    .where('l.target_page_id', '=', pageId)
    .orderBy('p.title')
    .execute();

/** Links into a space to titles no page there has, with the pages that write them. */
export const wantedLinks = (db: Db, spaceId: string) =>
  db
    .selectFrom('kb_links as l')
    .innerJoin('kb_pages as p', 'p.id', 'l.source_page_id')
    .select(['l.target_key', 'l.target_title', 'p.id', 'p.title', 'p.space_id', 'p.locale'])
    .where('l.target_space_id', '=', spaceId)
    .where('l.target_page_id', 'is', null)
    .orderBy('l.target_key')
    .orderBy('p.title')
    .execute();

// Attachments

export const insertAttachment = (db: Db, row: Insertable<KbTables['kb_attachments']>) => db.insertInto('kb_attachments').values(row).execute();
export const listAttachments = (db: Db, pageId: string) => db.selectFrom('kb_attachments').selectAll().where('page_id', '=', pageId).orderBy('created_at').orderBy('filename').orderBy('id').execute();
export const findAttachment = (db: Db, pageId: string, id: string) =>
  db.selectFrom('kb_attachments').selectAll().where('page_id', '=', pageId).where('id', '=', id).executeTakeFirst();
export const deleteAttachment = (db: Db, id: string) => db.deleteFrom('kb_attachments').where('id', '=', id).execute();
