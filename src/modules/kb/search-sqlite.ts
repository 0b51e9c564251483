import { sql, type Kysely } from 'kysely';
import type { IndexedDoc, SearchEngine, SearchHit, SearchQuery, SearchScope } from './search-engine.js';
import { docColumns } from './search-scope.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works inside any wider schema
type AnyDb = Kysely<any>;

/** Title matches weigh ten times body matches; the scope column does not count. */
const BM25 = sql`bm25(kb_search_fts, 10.0, 1.0, 0.0)`;

/**
 * At most this many matches are ranked: those most recently indexed. A word found in nearly every
 * document would otherwise cost a bm25 score for each (over 100 ms at 200 000 documents).
 */
export const MAX_RANKED = 10_000;

/** A term of an FTS5 query: quoted, so that it is never read as an operator or a column. */
const term = (stem: string) => `"${stem.replaceAll('"', '""')}"`;

/** A word standing for who may see a document: k (kind), s (space), o (organization), r (requester). */
const token = (prefix: string, id: string) => `${prefix}${id.toLowerCase().replace(/[^0-9a-z]/g, '')}`;

/** The scope words of a document, indexed with it so that FTS5 filters as it matches. */
function scopeWords(doc: IndexedDoc): string {
  const words = [token('k', doc.kind)];
  if (doc.spaceId) words.push(token('s', doc.spaceId));
  if (doc.organizationId) words.push(token('o', doc.organizationId));
  if (doc.requesterId) words.push(token('r', doc.requesterId));
  return words.join(' ');
}

/**
 * The part of the MATCH expression that keeps what the scope may see; '' for everything, null for
 * nothing. Filtering inside the full-text index spares a lookup of every match in another table.
 */
function scopeMatch(scope: SearchScope): string | null {
  const pages = scope.spaceIds === undefined ? [token('k', 'page')] : scope.spaceIds.map((id) => token('s', id));
  const t = scope.tickets;
  const tickets = t === 'all' ? [token('k', 'ticket')] : t === 'none' ? [] : [t.requesterId ? token('r', t.requesterId) : token('o', t.organizationId)];
  if (scope.spaceIds === undefined && t === 'all') return '';
  const any = [...pages, ...tickets];
  return any.length ? `scope : (${any.map(term).join(' OR ')})` : null;
}

async function docId(db: AnyDb, kind: string, refId: string): Promise<number | undefined> {
  const row = await db.selectFrom('kb_search_docs').select('id').where('kind', '=', kind).where('ref_id', '=', refId).executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/**
 * SQLite: an FTS5 table of the stems (title, body) whose rowid is the document's id in
 * `kb_search_docs`, ranked by bm25.
 */
export const sqliteSearch: SearchEngine & { createStorage(db: AnyDb): Promise<void> } = {
  async createStorage(db) {
    // The stems are lower-case words already; diacritics stay (й is not и).
    await sql`create virtual table kb_search_fts using fts5(title, body, scope, tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
  },

  async upsert(db, doc: IndexedDoc) {
    const { kind: _k, ref_id: _r, ...columns } = docColumns(doc);
    let id = await docId(db, doc.kind, doc.refId);
    if (id === undefined) {
      const row = await db.insertInto('kb_search_docs').values(docColumns(doc)).returning('id').executeTakeFirstOrThrow();
      id = Number(row.id);
    } else {
      await db.updateTable('kb_search_docs').set(columns).where('id', '=', id).execute();
      await sql`delete from kb_search_fts where rowid = ${id}`.execute(db);
    }
    await sql`insert into kb_search_fts (rowid, title, body, scope) values (${id}, ${doc.titleStems}, ${doc.bodyStems}, ${scopeWords(doc)})`.execute(db);
  },

  async insertMany(db, docs: IndexedDoc[]) {
    // 8 columns a row: 500 rows keep a statement well under SQLite's parameter limit.
    for (let i = 0; i < docs.length; i += 500) {
      const chunk = docs.slice(i, i + 500);
      const rows = await db.insertInto('kb_search_docs').values(chunk.map(docColumns)).returning(['id', 'kind', 'ref_id']).execute();
      const ids = new Map(rows.map((r) => [`${r.kind}:${r.ref_id}`, Number(r.id)]));
      const values = chunk.map((d) => sql`(${ids.get(`${d.kind}:${d.refId}`)}, ${d.titleStems}, ${d.bodyStems}, ${scopeWords(d)})`);
      await sql`insert into kb_search_fts (rowid, title, body, scope) values ${sql.join(values)}`.execute(db);
    }
  },

  async remove(db, kind, refId) {
    const id = await docId(db, kind, refId);
    if (id === undefined) return;
    await sql`delete from kb_search_fts where rowid = ${id}`.execute(db);
    await db.deleteFrom('kb_search_docs').where('id', '=', id).execute();
  },

  async query(db, q: SearchQuery): Promise<SearchHit[]> {
    const visible = scopeMatch(q.scope);
    if (visible === null || !q.stems.length) return [];
    const words = `{title body} : (${q.stems.map(term).join(q.mode === 'all' ? ' AND ' : ' OR ')})`;
    const match = visible ? `${words} AND ${visible}` : words;
    const excluded = q.scope.excludeRefIds?.length
      ? sql`and kb_search_fts.rowid not in (select id from kb_search_docs where kind in ('page', 'ticket') and ref_id in (${sql.join(q.scope.excludeRefIds)}))`
      : sql``;
    // Rank within the index alone, the newest MAX_RANKED matches at most; read the (long) texts of the best few only.
    const newest = sql`coalesce((select rowid from kb_search_fts where kb_search_fts match ${match} order by rowid desc limit 1 offset ${MAX_RANKED - 1}), 0)`;
    const { rows } = await sql<{ kind: 'page' | 'ticket'; ref_id: string; space_id: string | null; title: string; body: string; rank: number }>`
      select d.kind, d.ref_id, d.space_id, d.title, d.body, m.rank
      from (
        select kb_search_fts.rowid as id, ${BM25} as rank
        from kb_search_fts
        where kb_search_fts match ${match} and kb_search_fts.rowid >= ${newest} ${excluded}
        order by rank limit ${q.limit}
      ) m join kb_search_docs d on d.id = m.id
      order by m.rank, d.id`.execute(db);
    return rows.map((r) => ({ kind: r.kind, refId: r.ref_id, spaceId: r.space_id, title: r.title, body: r.body, score: -Number(r.rank) }));
  },
};
