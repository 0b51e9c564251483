import { sql, type ColumnDefinitionBuilder, type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { DialectName } from './connect.js';

/** The SQL column types that differ between SQLite and PostgreSQL, for migrations. */
export interface SqlTypes {
  dialect: DialectName;
  /** An instant: timestamptz on PostgreSQL, ISO-8601 text on SQLite (both read back as ISO strings). */
  timestamp: 'timestamptz' | 'text';
  /** The type of an auto-incrementing 64-bit key; use with `serialKey`. */
  serial: 'bigserial' | 'integer';
  /** The column constraints of an auto-incrementing primary key. */
  serialKey(c: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
}

export function sqlTypes(dialect: DialectName): SqlTypes {
  return dialect === 'postgres'
    ? { dialect, timestamp: 'timestamptz', serial: 'bigserial', serialKey: (c) => c.primaryKey() }
    : { dialect, timestamp: 'text', serial: 'integer', serialKey: (c) => c.primaryKey().autoIncrement() };
}

/** True when the error is a unique-constraint violation on either engine. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Case-insensitive substring match, the same on both engines (`%` and `_` in the text are literal). */
export function containsText(dialect: DialectName, column: Expression<unknown>, text: string): RawBuilder<SqlBool> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return dialect === 'postgres'
    ? sql<SqlBool>`${column} ilike ${pattern} escape '\\'`
    : sql<SqlBool>`unicode_lower(${column}) like ${pattern.toLowerCase()} escape '\\'`;
}

/**
 * Row locking for a claim. PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent workers each take
 * different rows instead of waiting on (or double-taking) each other's. SQLite has no FOR UPDATE and
 * needs none: it has one writer, and Kysely runs one statement or transaction at a time on its one
 * connection, so two claims never overlap.
 */
export function lockSkippingLocked<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, dialect: DialectName) {
  return dialect === 'postgres' ? qb.forUpdate().skipLocked() : qb;
}

/**
 * The seconds from one instant to a later one, to the millisecond, the same on both engines (the
 * instants are timestamptz on PostgreSQL, ISO-8601 text on SQLite).
 */
export function secondsBetween(dialect: DialectName, from: Expression<unknown>, to: Expression<unknown>): RawBuilder<number> {
  return dialect === 'postgres'
    ? sql<number>`round(extract(epoch from (${to} - ${from})), 3)`
    : sql<number>`round((julianday(${to}) - julianday(${from})) * 86400.0, 3)`;
}
