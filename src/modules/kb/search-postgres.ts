import { sql, type Kysely } from 'kysely';
import type { IndexedDoc, SearchEngine, SearchHit, SearchQuery } from './search-engine.js';
import { docColumns, scopeCondition } from './search-scope.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works inside any wider schema
type AnyDb = Kysely<any>;

/** A lexeme of a tsquery: quoted, so that it is never read as an operator. */
const lexeme = (stem: string) => `'${stem.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;

/** The stems as a tsvector: the title weighted A, the body B. */
const tsvector = (doc: IndexedDoc) =>
  sql`setweight(to_tsvector('simple', ${doc.titleStems}), 'A') || setweight(to_tsvector('simple', ${doc.bodyStems}), 'B')`;

/**
 * PostgreSQL: a tsvector column over the stems with the `simple` configuration (the stemming is
 * done already), the title weighted A and the body B, in a GIN index; ranked by ts_rank.
 */
export const postgresSearch: SearchEngine & { createStorage(db: AnyDb): Promise<void> } = {
  async createStorage(db) {
    await sql`alter table kb_search_docs add column tsv tsvector not null default ''::tsvector`.execute(db);
    await sql`create index kb_search_docs_tsv on kb_search_docs using gin (tsv)`.execute(db);
  },

  async upsert(db, doc: IndexedDoc) {
    const { kind: _k, ref_id: _r, ...columns } = docColumns(doc);
    const tsv = tsvector(doc);
    await db
      .insertInto('kb_search_docs')
      .values({ ...docColumns(doc), tsv })
      .onConflict((oc) => oc.columns(['kind', 'ref_id']).doUpdateSet({ ...columns, tsv }))
      .execute();
  },

  async insertMany(db, docs: IndexedDoc[]) {
    for (let i = 0; i < docs.length; i += 500)
      await db.insertInto('kb_search_docs').values(docs.slice(i, i + 500).map((d) => ({ ...docColumns(d), tsv: tsvector(d) }))).execute();
  },

  async remove(db, kind, refId) {
    await db.deleteFrom('kb_search_docs').where('kind', '=', kind).where('ref_id', '=', refId).execute();
  },

  async query(db, q: SearchQuery): Promise<SearchHit[]> {
    const visible = scopeCondition('d', q.scope);
    if (!visible || !q.stems.length) return [];
    const tsquery = q.stems.map(lexeme).join(q.mode === 'all' ? ' & ' : ' | ');
    const { rows } = await sql<{ kind: 'page' | 'ticket'; ref_id: string; space_id: string | null; title: string; body: string; rank: number }>`
      select d.kind, d.ref_id, d.space_id, d.title, d.body, ts_rank(d.tsv, q.q) as rank
      from kb_search_docs d, to_tsquery('simple', ${tsquery}) as q(q)
      where d.tsv @@ q.q and ${visible}
      order by rank desc, d.id
      limit ${q.limit}`.execute(db);
    return rows.map((r) => ({ kind: r.kind, refId: r.ref_id, spaceId: r.space_id, title: r.title, body: r.body, score: Number(r.rank) }));
  },
};
