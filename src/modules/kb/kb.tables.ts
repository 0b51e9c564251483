import { sql, type Generated } from 'kysely';
import type { ModuleMigration } from '../../core/db/migrate.js';
import type { Db } from '../db.js';
import type { Locale } from '../identity/index.js';
import { createSearchStorage } from './search-engine.js';

export const SPACE_VISIBILITIES = ['internal', 'public', 'organizations'] as const;
/** internal: staff only; public: every client's people too; organizations: the people of the chosen clients. */
export type SpaceVisibility = (typeof SPACE_VISIBILITIES)[number];
export const REVISION_KINDS = ['created', 'edited', 'reverted', 'imported'] as const;
export type RevisionKind = (typeof REVISION_KINDS)[number];
export type SearchKind = 'page' | 'ticket';

/** The knowledge base's tables; people, organizations and requests are referred to by id. */
export interface KbTables {
  kb_spaces: {
    id: string;
    /** Short, unique, lower case: `[[key:Title]]` links to a page of another space. */
    key: string;
    name: string;
    name_ru: string | null;
    description: string;
    visibility: SpaceVisibility;
    /** 1 for the internal space pages go to when none is named. */
    is_default: number;
    created_by: string | null;
    created_at: string;
    updated_at: string;
  };
  /** For visibility `organizations`: the client companies whose people may read the space. */
  kb_space_organizations: { space_id: string; organization_id: string };
  kb_pages: {
    id: string;
    space_id: string;
    parent_id: string | null;
    title: string;
    /** The title folded for comparison (links, uniqueness within the space). */
    title_key: string;
    /** Markdown, as of the latest revision. */
    body: string;
    /** The number of the latest revision; the base an edit must name. */
    revision: number;
    locale: Locale;
    /** Pages that translate each other share it (the id of the first of them). */
    translation_group: string;
    /** The template the page was made from (`solution` marks a solution article), or null. */
    template: string | null;
    owner_id: string | null;
    created_by: string;
    created_at: string;
    updated_by: string;
    updated_at: string;
    reviewed_by: string | null;
    reviewed_at: string | null;
    views: number;
    /** Only `published` pages reach the client side; drafts and pages in review are staff's. */
    status: Generated<PageStatus>;
  };
  kb_page_tags: { page_id: string; tag: string };
  kb_revisions: {
    id: Generated<number>;
    page_id: string;
    number: number;
    title: string;
    body: string;
    summary: string;
    kind: RevisionKind;
    /** For a revert: the revision whose text it restored. */
    restored_from: number | null;
    author_id: string;
    created_at: string;
  };
  /**
   * `[[…]]` links as the source page writes them, each resolved to a page by id once: renaming the
   * target keeps the link; null while the target does not exist (a wanted page).
   */
  kb_links: {
    source_page_id: string;
    target_space_id: string;
    target_key: string;
    target_title: string;
    target_page_id: string | null;
  };
  kb_attachments: {
    id: string;
    page_id: string;
    filename: string;
    content_type: string;
    size: number;
    file_key: string;
    uploaded_by: string;
    created_at: string;
  };
  /** An article marked as the solution of a request. */
  kb_solutions: { page_id: string; ticket_id: string; linked_by: string; created_at: string };
  kb_votes: { page_id: string; user_id: string; helpful: number; created_at: string; updated_at: string };
  /** "This solved it": a person found the answer in an article instead of making a request. */
  kb_deflections: {
    id: Generated<number>;
    page_id: string;
    user_id: string;
    organization_id: string | null;
    text: string;
    created_at: string;
  };
  /** The resolved and closed requests the knowledge base knows of: searched, suggested, reported on. */
  kb_resolved_requests: {
    ticket_id: string;
    number: number;
    organization_id: string;
    requester_id: string;
    subject: string;
    status: string;
    line: string;
    assignee_id: string | null;
    resolved_at: string;
  };
  /** What search looks in: pages and resolved requests, the original text kept for snippets. */
  kb_search_docs: {
    id: Generated<number>;
    kind: SearchKind;
    ref_id: string;
    space_id: string | null;
    organization_id: string | null;
    requester_id: string | null;
    title: string;
    body: string;
    updated_at: string;
  };
}

/** The internal space made by the migration, where pages go when no space is named. */
export const DEFAULT_SPACE_ID = '6b620000-0000-4000-8000-000000000001';

export type PageStatus = 'draft' | 'review' | 'published';

export const kbMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-10-kb-wiki',
    async up(db, t) {
      await db.schema
        .createTable('kb_spaces')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_ru', 'text')
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('visibility', 'text', (c) => c.notNull().check(sql`visibility in ('internal', 'public', 'organizations')`))
        .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'text', (c) => c.references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('kb_space_organizations')
        .addColumn('space_id', 'text', (c) => c.notNull().references('kb_spaces.id').onDelete('cascade'))
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('kb_space_organizations_pk', ['space_id', 'organization_id'])
        .execute();
      await db.schema.createIndex('kb_space_organizations_org').on('kb_space_organizations').column('organization_id').execute();
      await db.schema
        .createTable('kb_pages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('space_id', 'text', (c) => c.notNull().references('kb_spaces.id'))
        .addColumn('parent_id', 'text', (c) => c.references('kb_pages.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('title_key', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('translation_group', 'text', (c) => c.notNull())
        .addColumn('template', 'text')
        .addColumn('owner_id', 'text', (c) => c.references('users.id'))
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addColumn('reviewed_by', 'text', (c) => c.references('users.id'))
        .addColumn('reviewed_at', t.timestamp)
        .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('kb_pages_title', ['space_id', 'title_key'])
        .addUniqueConstraint('kb_pages_translation', ['translation_group', 'locale'])
        .execute();
      await db.schema.createIndex('kb_pages_parent').on('kb_pages').column('parent_id').execute();
      await db.schema.createIndex('kb_pages_reviewed').on('kb_pages').columns(['reviewed_at', 'id']).execute();
      await db.schema
        .createTable('kb_page_tags')
        .addColumn('page_id', 'text', (c) => c.notNull().references('kb_pages.id').onDelete('cascade'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('kb_page_tags_pk', ['page_id', 'tag'])
        .execute();
      await db.schema.createIndex('kb_page_tags_tag').on('kb_page_tags').column('tag').execute();
      await db.schema
        .createTable('kb_revisions')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('page_id', 'text', (c) => c.notNull().references('kb_pages.id').onDelete('cascade'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('restored_from', 'integer')
        .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('kb_revisions_number', ['page_id', 'number'])
        .execute();
      await db.schema
        .createTable('kb_links')
        .addColumn('source_page_id', 'text', (c) => c.notNull().references('kb_pages.id').onDelete('cascade'))
        .addColumn('target_space_id', 'text', (c) => c.notNull().references('kb_spaces.id').onDelete('cascade'))
        .addColumn('target_key', 'text', (c) => c.notNull())
        .addColumn('target_title', 'text', (c) => c.notNull())
        .addColumn('target_page_id', 'text', (c) => c.references('kb_pages.id').onDelete('set null'))
        .addPrimaryKeyConstraint('kb_links_pk', ['source_page_id', 'target_space_id', 'target_key'])
        .execute();
      await db.schema.createIndex('kb_links_target').on('kb_links').column('target_page_id').execute();
      await db.schema.createIndex('kb_links_wanted').on('kb_links').columns(['target_space_id', 'target_key']).execute();
      await db.schema
        .createTable('kb_attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('page_id', 'text', (c) => c.notNull().references('kb_pages.id').onDelete('cascade'))
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('file_key', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('kb_attachments_page').on('kb_attachments').columns(['page_id', 'created_at']).execute();

      const now = new Date().toISOString();
      await db
        .insertInto('kb_spaces')
        .values({ id: DEFAULT_SPACE_ID, key: 'internal', name: 'Internal knowledge base', name_ru: 'Внутренняя база знаний', description: '', visibility: 'internal', is_default: 1, created_by: null, created_at: now, updated_at: now })
        .execute();
    },
  },
  {
    name: '2026-11-26-11-kb-solutions-and-metrics',
    async up(db, t) {
      await db.schema
        .createTable('kb_solutions')
        .addColumn('page_id', 'text', (c) => c.notNull().references('kb_pages.id').onDelete('cascade'))
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('linked_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('kb_solutions_pk', ['page_id', 'ticket_id'])
        .execute();
      await db.schema.createIndex('kb_solutions_ticket').on('kb_solutions').column('ticket_id').execute();
      await db.schema
        .createTable('kb_votes')
        .addColumn('page_id', 'text', (c) => c.notNull().references('kb_pages.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('helpful', 'integer', (c) => c.notNull().check(sql`helpful in (0, 1)`))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('kb_votes_pk', ['page_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('kb_deflections')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('page_id', 'text', (c) => c.notNull().references('kb_pages.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id'))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('kb_deflections_page').on('kb_deflections').column('page_id').execute();
      await db.schema
        .createTable('kb_resolved_requests')
        .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('organization_id', 'text', (c) => c.notNull())
        .addColumn('requester_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('assignee_id', 'text')
        .addColumn('resolved_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('kb_resolved_requests_line').on('kb_resolved_requests').columns(['line', 'resolved_at']).execute();
    },
  },
  {
    name: '2026-11-26-12-kb-search',
    async up(db, t) {
      await db.schema
        .createTable('kb_search_docs')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ref_id', 'text', (c) => c.notNull())
        .addColumn('space_id', 'text')
        .addColumn('organization_id', 'text')
        .addColumn('requester_id', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('kb_search_docs_ref', ['kind', 'ref_id'])
        .execute();
      await createSearchStorage(db, t.dialect);
    },
  },
  {
    // Requests resolved before the knowledge base existed are searchable from the start.
    name: '2026-11-26-13-kb-backfill',
    async up(db, t) {
      const { rebuildSearchIndex } = await import('./search.service.js');
      await rebuildSearchIndex(db as Db, t.dialect);
    },
  },
  {
    // Draft and review: every page written before is published.
    name: '2026-12-08-7-kb-page-status',
    async up(db) {
      await db.schema
        .alterTable('kb_pages')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('published').check(sql`status in ('draft', 'review', 'published')`))
        .execute();
      await db.schema.createIndex('kb_pages_status').on('kb_pages').columns(['status', 'id']).execute();
    },
  },
];
