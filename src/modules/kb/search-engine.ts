import type { Kysely } from 'kysely';
import type { DialectName } from '../../core/db/connect.js';
import type { SearchKind } from './kb.tables.js';
import { postgresSearch } from './search-postgres.js';
import { sqliteSearch } from './search-sqlite.js';

/**
 * Full-text search behind one interface: SQLite FTS5 ranked by bm25 in the embedded default,
 * PostgreSQL tsvector ranked by ts_rank when scaled out. Both index and match the same stems,
 * computed in JavaScript (text.ts), so Russian and English stemming behave alike on both.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works inside any wider schema
type AnyDb = Kysely<any>;

/** A document as indexed: the original text (for snippets) and its stems (for matching). */
export interface IndexedDoc {
  kind: SearchKind;
  refId: string;
  spaceId: string | null;
  organizationId: string | null;
  requesterId: string | null;
  title: string;
  body: string;
  titleStems: string;
  bodyStems: string;
  updatedAt: string;
}

/** What a searcher may find; every field narrows. */
export interface SearchScope {
  /** Pages only in these spaces; undefined: every space; empty: no pages. */
  spaceIds?: string[];
  /** Requests: all of them, those of one organization (and requester), or none. */
  tickets: 'all' | 'none' | { organizationId: string; requesterId?: string };
  /** Documents to leave out (e.g. the request being worked on). */
  excludeRefIds?: string[];
}

/** A match, best first: its document with the engine's score (higher is better). */
export interface SearchHit {
  kind: SearchKind;
  refId: string;
  spaceId: string | null;
  title: string;
  body: string;
  score: number;
}

export interface SearchQuery {
  stems: string[];
  /** all: every stem must occur; any: at least one (ranked by how well). */
  mode: 'all' | 'any';
  scope: SearchScope;
  limit: number;
}

export interface SearchEngine {
  /** Adds or replaces a document, in the caller's transaction. */
  upsert(db: AnyDb, doc: IndexedDoc): Promise<void>;
  remove(db: AnyDb, kind: SearchKind, refId: string): Promise<void>;
  /** Adds documents not indexed yet, many per statement (bulk loads). */
  insertMany(db: AnyDb, docs: IndexedDoc[]): Promise<void>;
  query(db: AnyDb, q: SearchQuery): Promise<SearchHit[]>;
}

/** The engine of a database. */
export const searchEngine = (dialect: DialectName): SearchEngine => (dialect === 'postgres' ? postgresSearch : sqliteSearch);

/** Creates the engine's own index storage beside `kb_search_docs` (in the search migration). */
export async function createSearchStorage(db: AnyDb, dialect: DialectName) {
  if (dialect === 'postgres') await postgresSearch.createStorage(db);
  else await sqliteSearch.createStorage(db);
}
