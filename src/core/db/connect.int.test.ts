import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgSchema, DATABASES, type DbKind } from '../../../test/support/databases.js';
import { inTransaction, openDatabase, type DbHandle } from './connect.js';

interface Tables {
  notes: { id: number; body: string; extra?: string | null };
}

/**
 * The statements go to PostgreSQL prepared once per connection, and SQLite checkpoints from a thread
 * of its own: neither may change what a query answers, also across a schema change.
 */
describe.each(DATABASES)('the database connection (%s)', (kind: DbKind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function open(): Promise<{ h: DbHandle<Tables>; alterElsewhere: (statement: string) => Promise<void>; file?: string }> {
    if (kind === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-connect-'));
      cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'db.sqlite');
      const h = openDatabase<Tables>(`sqlite:${file}`);
      cleanups.push(() => h.close());
      const alterElsewhere = async (statement: string) => {
        const other = new SQLite(file);
        other.exec(statement);
        other.close();
      };
      return { h, alterElsewhere, file };
    }
    const s = await createPgSchema();
    cleanups.push(() => s.drop());
    const h = openDatabase<Tables>(s.url, { pgSchema: s.schema, poolSize: 1 });
    cleanups.push(() => h.close());
    const alterElsewhere = async (statement: string) => {
      const c = new pg.Client({ connectionString: s.url, options: `-c search_path=${s.schema}` });
      await c.connect();
      await c.query(statement).finally(() => c.end());
    };
    return { h, alterElsewhere };
  }

  const all = (db: Kysely<Tables>) => db.selectFrom('notes').selectAll().orderBy('id').execute();

  it('answers the same query again after the table changed, here and in another process', async () => {
    const { h, alterElsewhere } = await open();
    await sql`create table notes (id integer primary key, body text not null)`.execute(h.db);
    await h.db.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    expect(await all(h.db)).toEqual([{ id: 1, body: 'one' }]);
    expect(await all(h.db)).toEqual([{ id: 1, body: 'one' }]);

    // A migration through this connection: the next query sees the new column at once.
    await sql`alter table notes add column extra text`.execute(h.db);
    expect(await all(h.db)).toEqual([{ id: 1, body: 'one', extra: null }]);

    // A change made by another process: PostgreSQL refuses a prepared `select *` once, then it is prepared afresh.
    await alterElsewhere('alter table notes add column later text');
    const after = await all(h.db).catch((err: { code?: string }) => err);
    if (kind === 'postgres') expect(after).toMatchObject({ code: '0A000' });
    expect(await all(h.db)).toEqual([{ id: 1, body: 'one', extra: null, later: null }]);

    // A column renamed elsewhere: as many columns as before, one of them by another name.
    await alterElsewhere('alter table notes rename column later to afterwards');
    const renamed = await all(h.db).catch((err: { code?: string }) => err);
    if (kind === 'postgres') expect(renamed).toMatchObject({ code: '0A000' });
    expect(await all(h.db)).toEqual([{ id: 1, body: 'one', extra: null, afterwards: null }]);
  });

  it('gives rows as objects with the columns in their order, a repeated name taking the last value', async () => {
    const { h } = await open();
    await sql`create table notes (id integer primary key, body text not null)`.execute(h.db);
    await h.db.insertInto('notes').values([{ id: 1, body: 'one' }, { id: 2, body: 'two' }]).execute();
    for (let i = 0; i < 2; i++) {
      const { rows } = await sql<Record<string, unknown>>`select id as a, body as b, id * 10 as a, null as c from notes order by id`.execute(h.db);
      expect(rows).toEqual([{ a: 10, b: 'one', c: null }, { a: 20, b: 'two', c: null }]);
      expect(rows.map((r) => Object.keys(r))).toEqual([['a', 'b', 'c'], ['a', 'b', 'c']]);
    }
    expect((await sql`select id from notes where id > 5`.execute(h.db)).rows).toEqual([]);
    if (kind !== 'sqlite') return; // streaming is SQLite's here (PostgreSQL's would need a cursor)
    const streamed: unknown[] = [];
    for await (const r of h.db.selectFrom('notes').selectAll().orderBy('id').stream()) streamed.push(r);
    expect(streamed).toEqual([{ id: 1, body: 'one' }, { id: 2, body: 'two' }]);
  });

  it('keeps a transaction whole whose begin waits for its first statement and whose statements go out together', async () => {
    const { h } = await open();
    await sql`create table notes (id integer primary key, body text not null)`.execute(h.db);
    // Statements issued together in a transaction answer each their own, in order.
    const answers = await inTransaction(h.db, (trx) =>
      Promise.all([trx.insertInto('notes').values({ id: 1, body: 'one' }).execute(), all(trx), trx.insertInto('notes').values({ id: 2, body: 'two' }).execute(), all(trx)]),
    );
    expect(answers[1]).toEqual([{ id: 1, body: 'one' }]);
    expect(answers[3]).toEqual([{ id: 1, body: 'one' }, { id: 2, body: 'two' }]);
    // A first statement that fails (it went out with the begin): the caller hears it and nothing stays.
    const first = await inTransaction(h.db, (trx) => trx.insertInto('notes').values({ id: 1, body: 'again' }).execute()).catch((err: Error) => err);
    expect(first).toBeInstanceOf(Error);
    // A later one that fails takes the earlier ones of its transaction with it.
    const later = await inTransaction(h.db, async (trx) => {
      await trx.insertInto('notes').values({ id: 3, body: 'three' }).execute();
      await trx.insertInto('notes').values({ id: 2, body: 'dup' }).execute();
    }).catch((err: Error) => err);
    expect(later).toBeInstanceOf(Error);
    expect(await all(h.db)).toEqual([{ id: 1, body: 'one' }, { id: 2, body: 'two' }]);
    // The connection is whole afterwards (the pool here has one): a transaction and a plain query work.
    await inTransaction(h.db, (trx) => trx.insertInto('notes').values({ id: 4, body: 'four' }).execute());
    expect((await all(h.db)).map((n) => n.id)).toEqual([1, 2, 4]);
  });

  it('keeps each of transactions begun at once whole or undone on its own, alone or together (SQLite: one shared commit)', async () => {
    const { h } = await open();
    await sql`create table notes (id integer primary key, body text not null)`.execute(h.db);
    const write = (ids: number[]) =>
      inTransaction(h.db, async (trx) => {
        for (const id of ids) await trx.insertInto('notes').values({ id, body: `note ${id}` }).execute();
        return ids.length;
      }).catch((err: Error) => err);
    // Alone: the one that fails (its second note is taken) leaves nothing.
    expect(await write([1])).toBe(1);
    expect(await write([2, 1])).toBeInstanceOf(Error);
    expect((await all(h.db)).map((n) => n.id)).toEqual([1]);
    // Together: the one that fails midway loses its own notes only, before and after it.
    const outcomes = await Promise.all([write([3, 4]), write([5, 3]), write([6])]);
    expect(outcomes[0]).toBe(2);
    expect(outcomes[1]).toBeInstanceOf(Error);
    expect(outcomes[2]).toBe(1);
    expect((await all(h.db)).map((n) => n.id)).toEqual([1, 3, 4, 6]);
  });
});
