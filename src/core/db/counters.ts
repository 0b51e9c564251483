import type { Kysely } from 'kysely';
import { narrow } from './connect.js';
import type { ModuleMigration } from './migrate.js';

export interface CounterTables {
  counters: { name: string; value: number };
}

export const counterMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-00-core-counters',
    async up(db) {
      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];

/**
 * The next value of a named counter, gap-free within committed transactions: the row lock taken by
 * the update serialises concurrent callers on PostgreSQL, the single writer does on SQLite.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function nextCounterValue(anyTrx: Kysely<any>, name: string): Promise<number> {
  const trx = narrow<CounterTables>(anyTrx);
  const row = await trx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirst();
  if (row) return Number(row.value);
  await trx
    .insertInto('counters')
    .values({ name, value: 0 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return nextCounterValue(trx, name);
}
