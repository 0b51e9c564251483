import type { Insertable } from 'kysely';
import type { Db } from '../db.js';
import type { KbTables } from './kb.tables.js';
import * as repo from './kb.repo.js';
import { extractLinks, titleKey, type LinkTarget, type WikiLink } from './markdown.js';
import { mayReadPage } from './kb.policy.js';

/** Where a page's attachment is downloaded. */
export const attachmentPath = (pageId: string, attachmentId: string) => `/api/v1/kb/pages/${pageId}/attachments/${attachmentId}`;

/**
 * Stores the `[[…]]` links a page writes. A link resolved before keeps its target page (so a
 * renamed target stays linked); a new one is resolved by title in its space, or waits as wanted.
 */
export async function saveLinks(db: Db, page: { id: string; space_id: string; body: string }) {
  const existing = new Map((await repo.linksFrom(db, page.id)).map((l) => [`${l.target_space_id}\n${l.target_key}`, l.target_page_id]));
  const spaceIds = new Map<string, string | undefined>();
  const rows = new Map<string, Insertable<KbTables['kb_links']>>();
  for (const link of extractLinks(page.body)) {
    let spaceId: string | undefined = page.space_id;
    if (link.spaceKey) {
      if (!spaceIds.has(link.spaceKey)) spaceIds.set(link.spaceKey, (await repo.findSpaceByKey(db, link.spaceKey))?.id);
      spaceId = spaceIds.get(link.spaceKey);
    }
    if (!spaceId) continue;
    const key = titleKey(link.title);
    const id = `${spaceId}\n${key}`;
    if (rows.has(id)) continue;
    const target = existing.get(id) ?? (await repo.findPageByTitleKey(db, spaceId, key))?.id ?? null;
    rows.set(id, { source_page_id: page.id, target_space_id: spaceId, target_key: key, target_title: link.title, target_page_id: target });
  }
  await repo.replaceLinks(db, page.id, [...rows.values()]);
}

/**
 * How a page's links render for one reader: to the target's current title (renames show at once),
 * as plain text where the reader may not see the target, or as wanted (staff only) where there is none.
 */
export async function linkResolver(db: Db, page: { id: string; space_id: string }, readable: string[] | undefined) {
  const [links, spaces] = await Promise.all([repo.linksFrom(db, page.id), repo.listSpaces(db)]);
  const spaceByKey = new Map(spaces.map((s) => [s.key, s.id]));
  const byKey = new Map(links.map((l) => [`${l.target_space_id}\n${l.target_key}`, l]));
  const staff = readable === undefined;
  return (link: WikiLink): LinkTarget => {
    const spaceId = link.spaceKey ? spaceByKey.get(link.spaceKey) : page.space_id;
    const row = spaceId ? byKey.get(`${spaceId}\n${titleKey(link.title)}`) : undefined;
    if (row?.target_page_id && row.target_page_title !== null && row.target_page_space_id !== null && row.target_page_status !== null)
      return mayReadPage(readable, { space_id: row.target_page_space_id, status: row.target_page_status }) ? { kind: 'page', id: row.target_page_id, title: row.target_page_title } : { kind: 'hidden' };
    // Only those who can write the missing page are shown the way to it.
    return staff ? { kind: 'wanted', spaceId: spaceId ?? null } : { kind: 'hidden' };
  };
}
