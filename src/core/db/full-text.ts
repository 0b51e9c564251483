import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DialectName } from './connect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works inside any wider schema
type AnyDb = Kysely<any>;

/**
 * A full-text index over one text column of a table whose rows have a stable integer key (not
 * SQLite's rowid, which VACUUM may renumber): a table named `name` of each row's words by key, kept
 * by triggers. SQLite: an FTS5 table. PostgreSQL: a tsvector per key ('simple' configuration: any
 * language, no stemming) in a GIN index; a table of its own rather than an index on the column's
 * words, so that PostgreSQL has statistics of the words and never works them out again per row.
 */
export interface FullTextIndex {
  name: string;
  table: string;
  column: string;
  key: string;
}

/** At most this many words of a search count (the rest would only narrow it further). */
const MAX_WORDS = 8;

/**
 * The words of a search as both engines index them: runs of letters and digits (any script),
 * everything else separates. The same on SQLite (FTS5 unicode61) and on PostgreSQL (where ASCII
 * punctuation becomes a space first, so `Wi-Fi` or `shop.example.com` are words as on SQLite).
 */
export const searchWords = (text: string): string[] => (text.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);

/** PostgreSQL: the words of a text, ASCII punctuation first made a space (so that `Wi-Fi` or `a.example.com` are words as on SQLite). */
const pgWords = (column: RawBuilder<unknown>) => sql`to_tsvector('simple'::regconfig, regexp_replace(${column}, '[!-/:-@[-\`{-~]+', ' ', 'g'))`;

/** SQLite: the lengths (in characters) of the word starts kept in prefix indexes of their own. */
const SQLITE_PREFIXES = '2 3 4 5 6 7 8';

/**
 * Makes the index again from the rows there are, as `createFullTextIndex` makes it now (for a
 * migration that changes how it is made). PostgreSQL's has nothing of the kind to change.
 */
export async function rebuildFullTextIndex(db: AnyDb, dialect: DialectName, ix: FullTextIndex) {
  if (dialect === 'postgres') return;
  for (const what of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.raw(`${ix.name}_${what}`)}`.execute(db);
  await sql`drop table if exists ${sql.raw(ix.name)}`.execute(db);
  await createFullTextIndex(db, dialect, ix);
}

/** Creates the index and fills it from the rows there are (for a migration). */
export async function createFullTextIndex(db: AnyDb, dialect: DialectName, ix: FullTextIndex) {
  const [name, table, column, key] = [ix.name, ix.table, ix.column, ix.key].map((s) => sql.raw(s)) as RawBuilder<unknown>[];
  const trigger = (what: string) => sql.raw(`${ix.name}_${what}`);
  if (dialect === 'postgres') {
    await sql`create table ${name} (ref bigint primary key, words tsvector not null)`.execute(db);
    await sql`create index ${trigger('words')} on ${name} using gin (words)`.execute(db);
    await sql`insert into ${name} (ref, words) select ${key}, ${pgWords(sql`${column}`)} from ${table}`.execute(db);
    await sql`create function ${trigger('keep')}() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'INSERT' then delete from ${name} where ref = old.${key}; end if;
        if tg_op <> 'DELETE' then insert into ${name} (ref, words) values (new.${key}, ${pgWords(sql`new.${column}`)}); end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger ${trigger('keep')} after insert or update of ${column}, ${key} or delete on ${table}
      for each row execute function ${trigger('keep')}()`.execute(db);
    await sql`analyze ${name}`.execute(db);
    return;
  }
  // Lower-cased words, diacritics kept (й is not и) as on PostgreSQL. A prefix index of a length
  // holds every word's start of that length: a search word of 2 to 8 letters is then one list of
  // rows, not a merge of the lists of every word it starts (over 100 000 subjects: 0.6 ms instead
  // of 0.9 for a common word's 16 000 matches, 0.85 instead of 1.8 for two words; more the more
  // words share the start). It costs 60 % more space (5 MB per 100 000 subjects) and ~30 µs more
  // per subject written.
  await sql`create virtual table ${name} using fts5(${column}, content = '', contentless_delete = 1, prefix = '${sql.raw(SQLITE_PREFIXES)}', tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
  await sql`insert into ${name} (rowid, ${column}) select ${key}, ${column} from ${table}`.execute(db);
  await sql`create trigger ${trigger('insert')} after insert on ${table} begin
    insert into ${name} (rowid, ${column}) values (new.${key}, new.${column}); end`.execute(db);
  await sql`create trigger ${trigger('update')} after update of ${column}, ${key} on ${table} begin
    delete from ${name} where rowid = old.${key};
    insert into ${name} (rowid, ${column}) values (new.${key}, new.${column}); end`.execute(db);
  await sql`create trigger ${trigger('delete')} after delete on ${table} begin
    delete from ${name} where rowid = old.${key}; end`.execute(db);
}

/** The words as a query of PostgreSQL's `to_tsquery`: each the start of a word, all of them. */
const pgQuery = (words: string[]) => words.map((w) => `'${w.replaceAll("'", "''").replaceAll('\\', '\\\\')}':*`).join(' & ');

/** The words as a query of SQLite's FTS5: each the start of a word, all of them. */
const sqliteQuery = (words: string[]) => words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' AND ');

/** PostgreSQL: up to this many matches are handed over as a list of keys. */
const MANY = 1000;

/**
 * SQLite: past this many matches it walks the list's own order and checks each row against the
 * matches. Walking costs about (page size × rows ÷ matches) rows, more with other filters; looking
 * the matches up costs one row each: about even at two or three thousand matches in 100 000 rows,
 * and far worse for walking when another filter is rare too (two common words and a priority).
 */
const SQLITE_MANY = 4000;

/**
 * The rows (of the table under `alias`) whose column holds every word, each as the start of a word
 * there: `prin` finds "printer", `принтер` finds "принтера". Words from `searchWords`; none finds nothing.
 *
 * SQLite cannot tell how many rows match a word and may look up every match and sort them all (a
 * common word: thousands): it is told first, and when the matches are many, the key is hidden
 * from its index (`+key`) so that the list's order is walked, each row checked, until the page is
 * full. PostgreSQL guesses the matches of a prefix: a few are handed to it as a list of keys.
 */
export async function fullTextMatch(db: AnyDb, dialect: DialectName, ix: FullTextIndex, alias: string, words: string[]): Promise<RawBuilder<SqlBool>> {
  if (!words.length) return sql<SqlBool>`1 = 0`;
  if (dialect === 'postgres') {
    const query = pgQuery(words);
    // Its estimate of a prefix's matches is a guess: a few are handed over as they are, so that it looks them up.
    const matches = sql`select ref from ${sql.raw(ix.name)} where words @@ to_tsquery('simple'::regconfig, ${query})`;
    const { rows } = await sql<{ ref: number }>`${matches} limit ${MANY}`.execute(db);
    if (rows.length < MANY) return rows.length ? sql<SqlBool>`${sql.ref(`${alias}.${ix.key}`)} = any(${rows.map((r) => Number(r.ref))})` : sql<SqlBool>`1 = 0`;
    return sql<SqlBool>`${sql.ref(`${alias}.${ix.key}`)} in (${matches})`;
  }
  const query = sqliteQuery(words);
  const matches = sql`select rowid from ${sql.raw(ix.name)} where ${sql.raw(ix.name)} match ${query}`;
  const key = sql.ref(`${alias}.${ix.key}`);
  return (await manyMatches(db, ix, query, matches)) ? sql<SqlBool>`+${key} in (${matches})` : sql<SqlBool>`${key} in (${matches})`;
}

/**
 * SQLite: whether a search has many matches (`SQLITE_MANY` or more), as counted at most a minute
 * ago on this database. The answer only chooses how the rows are read, never which: one a minute
 * old does as well, and spares each page of a common word a second pass over its matches (a
 * tenth of the page's database time). A transaction's handle is new each time: it counts anew.
 */
async function manyMatches(db: AnyDb, ix: FullTextIndex, query: string, matches: RawBuilder<unknown>) {
  let seen = probed.get(db);
  if (!seen) probed.set(db, (seen = new Map()));
  const key = `${ix.name}\u0000${query}`;
  const now = Date.now();
  const known = seen.get(key);
  if (known && known.until > now) return known.many;
  const { rows } = await sql<{ n: number }>`select count(*) as n from (${matches} limit ${SQLITE_MANY})`.execute(db);
  const many = Number(rows[0]?.n) >= SQLITE_MANY;
  // Oldest first out: a Map iterates in insertion order, and a counted search is put back at the end.
  seen.delete(key);
  if (seen.size >= PROBES_KEPT) seen.delete(seen.keys().next().value!);
  seen.set(key, { many, until: now + PROBE_MS });
  return many;
}

const probed = new WeakMap<AnyDb, Map<string, { many: boolean; until: number }>>();
const PROBE_MS = 60_000;
const PROBES_KEPT = 1000;

/** How many rows hold every word (as `fullTextMatch` finds them), counted in the index alone. */
export async function fullTextCount(db: AnyDb, dialect: DialectName, ix: FullTextIndex, words: string[]): Promise<number> {
  if (!words.length) return 0;
  const { rows } =
    dialect === 'postgres'
      ? await sql<{ n: string }>`select count(*) as n from ${sql.raw(ix.name)} where words @@ to_tsquery('simple'::regconfig, ${pgQuery(words)})`.execute(db)
      : await sql<{ n: number }>`select count(*) as n from ${sql.raw(ix.name)} where ${sql.raw(ix.name)} match ${sqliteQuery(words)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
