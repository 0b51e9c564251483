import { sql, type Kysely, type RawBuilder } from 'kysely';
import { narrow, type DialectName } from './connect.js';
import type { ModuleMigration } from './migrate.js';
import { prepare } from './prepared.js';

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
  const row = await bumpCounter.first(trx, { name });
  if (row) return Number(row.value);
  await trx
    .insertInto('counters')
    .values({ name, value: 0 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return nextCounterValue(trx, name);
}

const bumpCounter = prepare((db: Kysely<CounterTables>, p: { name: string }) =>
  db.updateTable('counters').set((eb) => ({ value: eb('value', '+', 1) })).where('name', '=', p.name).returning('value'),
);

const SEQUENCE = /^[a-z_][a-z0-9_]*$/;

/**
 * The next number of a named sequence. On PostgreSQL a real sequence, which takes no lock that
 * lasts until commit, so concurrent creators do not queue behind each other (a rolled-back
 * transaction leaves a gap); on SQLite, with its single writer, the gap-free counter row.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function nextSequenceValue(trx: Kysely<any>, dialect: DialectName, name: string): Promise<number> {
  if (!SEQUENCE.test(name)) throw new Error(`Invalid sequence name ${name}`);
  if (dialect === 'sqlite') return nextCounterValue(trx, name);
  const r = await sql<{ v: number }>`select nextval(${`${name}_seq`}) as v`.execute(trx);
  return Number(r.rows[0]!.v);
}

/**
 * The next number of a named sequence, for a value of an insert: on PostgreSQL the `nextval`
 * expression itself, which saves the round trip of asking first (read the number from the insert's
 * returning); on SQLite the number.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function nextSequenceValueFor(trx: Kysely<any>, dialect: DialectName, name: string): Promise<number | RawBuilder<number>> {
  if (!SEQUENCE.test(name)) throw new Error(`Invalid sequence name ${name}`);
  return dialect === 'sqlite' ? nextCounterValue(trx, name) : sql<number>`nextval(${`${name}_seq`})`;
}

/** Creates a sequence for `nextSequenceValue` (PostgreSQL; SQLite needs none), starting after `after`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function createSequence(db: Kysely<any>, dialect: DialectName, name: string, after = 0) {
  if (!SEQUENCE.test(name)) throw new Error(`Invalid sequence name ${name}`);
  if (dialect === 'postgres') await sql.raw(`create sequence if not exists ${name}_seq start with ${Math.floor(after) + 1}`).execute(db);
}

/** Moves a sequence on so that its next value is `after + 1` (bulk loads, imports). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function advanceSequence(db: Kysely<any>, dialect: DialectName, name: string, after: number) {
  if (!SEQUENCE.test(name)) throw new Error(`Invalid sequence name ${name}`);
  if (dialect === 'postgres') await sql`select setval(${`${name}_seq`}, ${after})`.execute(db);
  else
    await narrow<CounterTables>(db)
      .insertInto('counters')
      .values({ name, value: after })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: after }))
      .execute();
}
