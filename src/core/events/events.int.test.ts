import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgSchema, DATABASES, type DbKind } from '../../../test/support/databases.js';
import { inTransaction, openDatabase } from '../db/connect.js';
import { EventBus, type DomainEvent } from './events.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** A subscriber's facts come with the event, read by the statement that appended it, as the transaction sees it. */
describe.each(DATABASES)('event facts (%s)', (kind: DbKind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function open(): Promise<AnyDb> {
    let url: string;
    let pgSchema: string | undefined;
    if (kind === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-events-'));
      cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
      url = `sqlite:${path.join(dir, 'db.sqlite')}`;
    } else {
      const s = await createPgSchema();
      cleanups.push(() => s.drop());
      [url, pgSchema] = [s.url, s.schema];
    }
    const h = openDatabase(url, { pgSchema });
    cleanups.push(() => h.close());
    return h.db as AnyDb;
  }

  it('hands each handler the facts asked of its event type, and none to other types', async () => {
    const db = await open();
    const serial = kind === 'postgres' ? sql`serial primary key` : sql`integer primary key autoincrement`;
    await sql`create table events (id ${serial}, type text not null, subject_type text not null, subject_id text not null, actor_id text, data text not null, created_at text not null)`.execute(db);
    await sql`create table flags (subject_id text primary key, colour text not null)`.execute(db);
    await db.insertInto('flags').values({ subject_id: 'a', colour: 'red' }).execute();

    const bus = new EventBus();
    bus.fact('thing.', 'colour', (eb) => eb.selectFrom('flags').select('colour').whereRef('flags.subject_id', '=', 'events.subject_id'));
    bus.fact('thing.painted', 'flagged', (eb) => eb.exists(eb.selectFrom('flags').select(sql`1`.as('one')).whereRef('flags.subject_id', '=', 'events.subject_id')));
    const seen: DomainEvent[] = [];
    bus.on('thing.', async (_trx, e) => void seen.push(e));
    bus.on('other.', async (_trx, e) => void seen.push(e));

    await inTransaction(db, async (trx) => {
      await bus.append(trx, { type: 'thing.painted', subjectType: 'thing', subjectId: 'a', actorId: null });
      // What the transaction changed before the event is what the fact reads.
      await trx.updateTable('flags').set({ colour: 'blue' }).where('subject_id', '=', 'a').execute();
      await bus.append(trx, { type: 'thing.moved', subjectType: 'thing', subjectId: 'a', actorId: null });
      await bus.append(trx, { type: 'thing.painted', subjectType: 'thing', subjectId: 'b', actorId: null });
      await bus.append(trx, { type: 'other.happened', subjectType: 'thing', subjectId: 'a', actorId: null });
    });
    expect(seen.map((e) => e.facts && { ...e.facts, flagged: e.facts.flagged === undefined ? undefined : Boolean(e.facts.flagged) })).toEqual([
      { colour: 'red', flagged: true },
      { colour: 'blue', flagged: undefined },
      { colour: null, flagged: false },
      undefined,
    ]);
    // The events themselves are written as before.
    expect((await db.selectFrom('events').select(['type', 'subject_id']).orderBy('id').execute()).map((e) => `${e.type}:${e.subject_id}`)).toEqual([
      'thing.painted:a',
      'thing.moved:a',
      'thing.painted:b',
      'other.happened:a',
    ]);
  });
});
