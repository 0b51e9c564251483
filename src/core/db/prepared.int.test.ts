import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgSchema, DATABASES, type DbKind } from '../../../test/support/databases.js';
import { inTransaction, openDatabase } from './connect.js';
import { prepare, prepareList, prepareRows } from './prepared.js';

interface Tables {
  notes: { id: string; body: string; author: string | null; n: number };
}
type Db = Kysely<Tables>;

const insertNote = prepare((db: Db, p: { id: string; body: string; author: string | null }) =>
  db.insertInto('notes').values({ id: p.id, body: p.body, author: p.author, n: 1 }),
);
const findNote = prepare((db: Db, p: { id: string }) => db.selectFrom('notes').selectAll().where('id', '=', p.id));
const byAuthor = prepare((db: Db, p: { author: string; min: number }) =>
  db.selectFrom('notes').select(['id', 'n']).where('author', '=', p.author).where('n', '>=', p.min).orderBy('id'),
);
const bump = prepare((db: Db, p: { id: string; by: number }) =>
  db.updateTable('notes').set({ n: sql<number>`n + ${p.by}` }).where('id', '=', p.id).returning(['id', 'n']),
);
const remove = prepare((db: Db, p: { id: string }) => db.deleteFrom('notes').where('id', '=', p.id));

const insertNotes = prepareRows((db: Db, rows: { id: string; body: string }[]) => db.insertInto('notes').values(rows.map((r) => ({ id: r.id, body: r.body, author: null, n: 0 }))), 3);
const notesIn = prepareList((db: Db, p: { min: number }, ids) => db.selectFrom('notes').select('id').where('id', 'in', ids as string[]).where('n', '>=', p.min).orderBy('id'), 3);

/** A query built once and run again with new values, on each engine, alone and in transactions. */
describe.each(DATABASES)('prepared queries (%s)', (kind: DbKind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function open() {
    let url = 'sqlite::memory:';
    let pgSchema: string | undefined;
    if (kind === 'postgres') {
      const s = await createPgSchema();
      cleanups.push(() => s.drop());
      [url, pgSchema] = [s.url, s.schema];
    }
    const h = openDatabase<Tables>(url, { pgSchema });
    cleanups.push(() => h.close());
    await h.db.schema.createTable('notes').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('body', 'text', (c) => c.notNull()).addColumn('author', 'text').addColumn('n', 'integer', (c) => c.notNull()).execute();
    return h.db;
  }

  it('runs with each call’s values, the constants of the build kept', async () => {
    const db = await open();
    await insertNote.run(db, { id: 'a', body: 'first', author: 'ann' });
    await insertNote.run(db, { id: 'b', body: 'second', author: null });
    await insertNote.run(db, { id: 'c', body: 'third', author: 'ann' });
    expect(await findNote.first(db, { id: 'b' })).toEqual({ id: 'b', body: 'second', author: null, n: 1 });
    expect(await findNote.first(db, { id: 'zz' })).toBeUndefined();
    expect(await bump.all(db, { id: 'c', by: 4 })).toEqual([{ id: 'c', n: 5 }]);
    expect(await byAuthor.all(db, { author: 'ann', min: 2 })).toEqual([{ id: 'c', n: 5 }]);
    expect(await byAuthor.all(db, { author: 'ann', min: 0 })).toEqual([{ id: 'a', n: 1 }, { id: 'c', n: 5 }]);
    expect(await remove.run(db, { id: 'a' })).toBe(1);
    expect(await remove.run(db, { id: 'a' })).toBe(0);
    // The same text as Kysely's own, the parameters bound rather than written into it.
    expect(findNote.sqlFor(db)).toBe(db.selectFrom('notes').selectAll().where('id', '=', 'x').compile().sql);
  });

  it('runs in the transaction it is given, and goes with its rollback', async () => {
    const db = await open();
    await inTransaction(db, async (trx) => {
      await insertNote.run(trx, { id: 'kept', body: 'x', author: null });
      expect(await findNote.first(trx, { id: 'kept' })).toMatchObject({ id: 'kept' });
    });
    await expect(
      inTransaction(db, async (trx) => {
        await insertNote.run(trx, { id: 'gone', body: 'x', author: null });
        expect(await findNote.first(trx, { id: 'gone' })).toMatchObject({ id: 'gone' });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await findNote.first(db, { id: 'kept' })).toMatchObject({ id: 'kept' });
    expect(await findNote.first(db, { id: 'gone' })).toBeUndefined();
  });

  it('refuses a parameter outside a value position, a missing value and a list', async () => {
    const db = await open();
    const asText = prepare((d: Db, p: { col: string }) => d.selectFrom('notes').select(sql.raw(p.col).as('x')));
    expect(() => asText.sqlFor(db)).toThrow(/value positions only/);
    const asCondition = prepare((d: Db, p: { all: boolean }) => (p.all ? d.selectFrom('notes').selectAll() : d.selectFrom('notes').select('id')));
    expect(() => asCondition.sqlFor(db)).toThrow(/all .*not in a value position/);
    await expect(findNote.first(db, {} as { id: string })).rejects.toThrow(/id .*missing/);
    await expect(findNote.first(db, { id: ['a', 'b'] as unknown as string })).rejects.toThrow(/id .*a list/);
    // A value that looks like SQL stays a value.
    await insertNote.run(db, { id: "x' or '1'='1", body: 'b', author: null });
    expect(await findNote.all(db, { id: "x' or '1'='1" })).toHaveLength(1);
    expect(await findNote.all(db, { id: 'x' })).toHaveLength(0);
  });

  it('takes lists of rows and of values of any length, each length its own text, past the longest built as usual', async () => {
    const db = await open();
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `n${from + i}`, body: `b${from + i}` }));
    expect(await insertNotes.run(db, rows(0, 1))).toBe(1);
    expect(await insertNotes.run(db, rows(1, 3))).toBe(3);
    expect(await insertNotes.run(db, rows(4, 5))).toBe(5);
    expect(await insertNotes.run(db, [])).toBe(0);
    expect(insertNotes.sqlFor(db, 2)).not.toBe(insertNotes.sqlFor(db, 3));
    // Each row's values in its own row, a missing one refused.
    expect(await db.selectFrom('notes').select(['id', 'body']).where('id', 'in', ['n1', 'n3']).orderBy('id').execute()).toEqual([{ id: 'n1', body: 'b1' }, { id: 'n3', body: 'b3' }]);
    await expect(insertNotes.run(db, [{ id: 'q1', body: 'x' }, { id: 'q2' } as { id: string; body: string }])).rejects.toThrow(/body .*missing/);
    expect((await notesIn.all(db, { min: 0 }, ['n1'])).map((r) => r.id)).toEqual(['n1']);
    expect((await notesIn.all(db, { min: 0 }, ['n8', 'n2', 'zz'])).map((r) => r.id)).toEqual(['n2', 'n8']);
    expect((await notesIn.all(db, { min: 0 }, ['n0', 'n3', 'n5', 'n7'])).map((r) => r.id)).toEqual(['n0', 'n3', 'n5', 'n7']);
    expect(await notesIn.all(db, { min: 1 }, ['n0', 'n3'])).toEqual([]);
    await expect(notesIn.all(db, { min: 0 }, [])).rejects.toThrow(/at least one/);
  });
});
