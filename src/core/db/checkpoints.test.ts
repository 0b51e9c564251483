import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction, openDatabase } from './connect.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('SQLite checkpoints in a thread of their own', () => {
  it('copy a long write-ahead log into the database without the writing connection doing it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-checkpoints-'));
    dirs.push(dir);
    const file = path.join(dir, 'desk.sqlite');
    const h = openDatabase(`sqlite:${file}`);
    try {
      await sql`create table blobs (id integer primary key, data blob not null)`.execute(h.db);
      // About 8 MB: past the size that starts the thread, short of the connection's own backstop (40 MB).
      for (let batch = 0; batch < 8; batch++)
        await inTransaction(h.db, async (trx) => {
          for (let i = 0; i < 250; i++) await sql`insert into blobs (data) values (randomblob(4000))`.execute(trx);
        });
      // The connection itself would not checkpoint before 10 000 pages.
      expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(h.db)).rows[0]).toEqual({ wal_autocheckpoint: 10_000 });
      const deadline = Date.now() + 20_000;
      while (fs.statSync(file).size < 7 * 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(fs.statSync(file).size).toBeGreaterThanOrEqual(7 * 1024 * 1024);
      expect(Number((await sql<{ n: number }>`select count(*) as n from blobs`.execute(h.db)).rows[0]!.n)).toBe(2000);
    } finally {
      await h.close();
    }
  });
});
