import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { ModuleMigration } from '../db/migrate.js';
import { checkFileKey, newFileKey, type MovableStore } from './files.js';

/** The size of one stored chunk: big enough for few rows, small enough never to hold a whole file. */
export const CHUNK_BYTES = 256 * 1024;

/** Files kept in the database: a row per file, written last, and its content in numbered chunks. */
export interface FileTables {
  stored_files: {
    key: string;
    size: number;
    chunks: number;
    created_at: string;
  };
  stored_file_chunks: {
    file_key: string;
    seq: number;
    data: Buffer;
  };
}

export const storageMigrations: ModuleMigration[] = [
  {
    name: '2026-12-06-50-core-stored-files',
    async up(db, t) {
      await db.schema
        .createTable('stored_files')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('chunks', 'integer', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('stored_file_chunks')
        .addColumn('file_key', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('data', t.dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addPrimaryKeyConstraint('stored_file_chunks_pk', ['file_key', 'seq'])
        .execute();
    },
  },
];

/** Cuts a stream of any-sized pieces into chunks of CHUNK_BYTES (the last one shorter). */
async function* rechunk(data: Buffer | Readable): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(data)) {
    for (let at = 0; at < data.length; at += CHUNK_BYTES) yield data.subarray(at, at + CHUNK_BYTES);
    return;
  }
  let pending: Buffer[] = [];
  let size = 0;
  for await (const piece of data as AsyncIterable<Buffer | string>) {
    let b = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
    while (size + b.length >= CHUNK_BYTES) {
      const take = CHUNK_BYTES - size;
      yield Buffer.concat([...pending, b.subarray(0, take)]);
      b = b.subarray(take);
      pending = [];
      size = 0;
    }
    if (b.length) {
      pending.push(b);
      size += b.length;
    }
  }
  if (size) yield Buffer.concat(pending);
}

/**
 * Files in the database (SQLite or PostgreSQL), so that several `serve` hosts share them without a
 * shared disk. Written and read chunk by chunk: a file is never whole in memory. The file's row is
 * written after its chunks, so a file is there only once complete; chunks left by an interrupted
 * write are replaced when the key is written again.
 */
export function databaseFileStore(db: Kysely<FileTables>, now: () => Date = () => new Date()): MovableStore {
  const store: MovableStore = {
    async put(data) {
      const key = newFileKey();
      await store.write(key, data);
      return key;
    },
    async write(key, data) {
      checkFileKey(key);
      await db.deleteFrom('stored_file_chunks').where('file_key', '=', key).execute();
      let seq = 0;
      let size = 0;
      for await (const chunk of rechunk(data)) {
        await db.insertInto('stored_file_chunks').values({ file_key: key, seq, data: chunk }).execute();
        seq++;
        size += chunk.length;
      }
      await db.insertInto('stored_files').values({ key, size, chunks: seq, created_at: now().toISOString() }).execute();
    },
    open(key) {
      const read = async function* () {
        const file = await db.selectFrom('stored_files').select(['chunks']).where('key', '=', checkFileKey(key)).executeTakeFirst();
        if (!file) throw Object.assign(new Error(`No stored file ${key}`), { code: 'ENOENT' });
        for (let seq = 0; seq < Number(file.chunks); seq++) {
          const row = await db.selectFrom('stored_file_chunks').select('data').where('file_key', '=', key).where('seq', '=', seq).executeTakeFirst();
          if (!row) throw new Error(`Stored file ${key} lacks chunk ${seq}`);
          yield Buffer.from(row.data);
        }
      };
      return Readable.from(read(), { objectMode: false });
    },
    async remove(key) {
      checkFileKey(key);
      // The row first: a file half removed is absent, not corrupt.
      await db.deleteFrom('stored_files').where('key', '=', key).execute();
      await db.deleteFrom('stored_file_chunks').where('file_key', '=', key).execute();
    },
    within: (trx) => databaseFileStore(trx as Kysely<FileTables>, now),
    async has(key) {
      return !!(await db.selectFrom('stored_files').select('key').where('key', '=', checkFileKey(key)).executeTakeFirst());
    },
    async *keys() {
      let after = '';
      for (;;) {
        const page = await db.selectFrom('stored_files').select('key').where('key', '>', after).orderBy('key').limit(200).execute();
        if (!page.length) return;
        for (const r of page) yield r.key;
        after = page[page.length - 1]!.key;
      }
    },
  };
  return store;
}
