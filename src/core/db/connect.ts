import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { observeQuery, trackPool } from '../observability/metrics.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Core helpers work on their own tables inside a caller's database of any wider schema; Kysely's
 * types do not narrow by themselves, so this does, for that purpose only.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const narrow = <T>(db: Kysely<any>): Kysely<T> => db as Kysely<T>;

/** An open database: the query builder, which engine is behind it, and how to close it. */
export interface DbHandle<DB> {
  db: Kysely<DB>;
  dialect: DialectName;
  close(): Promise<void>;
}

// Instants come back as ISO-8601 UTC strings and 64-bit integers (counts) as numbers, so that
// both engines return the same values to the same query code.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString());
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface OpenOptions {
  /** PostgreSQL only: the schema to work in (created if missing); tests use one schema each. */
  pgSchema?: string;
  /** PostgreSQL only: the pool size. */
  poolSize?: number;
}

/** Opens `sqlite:<file>` (or `sqlite::memory:`) or `postgres://…`. */
export function openDatabase<DB>(url: string, options: OpenOptions = {}): DbHandle<DB> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // SQLite's lower() and LIKE fold ASCII letters only; this folds every letter (Cyrillic too).
    sqlite.function('unicode_lower', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : s));
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }), log: timeQuery });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const schema = options.pgSchema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: timeQuery });
    const untrack = trackPool(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
    return {
      db,
      dialect: 'postgres',
      close: () => {
        untrack();
        return db.destroy();
      },
    };
  }
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}

/** Every query's time, for the metrics (tierdesk_db_query_duration_seconds). */
const timeQuery = (e: LogEvent) => observeQuery(e.queryDurationMillis / 1000, e.level === 'query');

/**
 * better-sqlite3 with its prepared statements kept for reuse (the most recently used `max`):
 * Kysely prepares every query anew, and preparing costs about as much as running.
 */
function reusingStatements(sqlite: SQLite.Database, max = 2000) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/** Runs `fn` in the caller's transaction if there is one, else in a new one: use cases compose. */
export function inTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
