import type { Kysely, SelectQueryBuilder } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Pick = (q: SelectQueryBuilder<any, any, any>) => SelectQueryBuilder<any, any, any>;

/** Rows per statement of a purge: each one a short transaction of its own. */
export const PURGE_BATCH = 500;

/**
 * Deletes the rows of `table` that `pick` selects, `batch` at a time by their `key` column
 * (`delete … where key in (select key … limit batch)`), each statement committing on its own, until
 * none is left. No lock is held for long, and on SQLite other work gets the connection between batches.
 * Returns how many rows went.
 */
export async function deleteInBatches(db: AnyDb, table: string, key: string, pick: Pick, batch = PURGE_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await db
      .deleteFrom(table)
      .where(key, 'in', pick(db.selectFrom(table).select(key)).limit(batch))
      .executeTakeFirst();
    const n = Number(r.numDeletedRows);
    total += n;
    if (n < batch) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
