import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';

/**
 * Stored files (attachments, raw e-mail), addressed by opaque keys. Every reader and writer of
 * attachments goes through this one interface, whichever store holds the bytes.
 */
export interface FileStore {
  /** Stores new content under a new key. */
  put(data: Buffer | Readable): Promise<string>;
  /** The content, streamed; the stream fails if the key holds nothing. */
  open(key: string): Readable;
  remove(key: string): Promise<void>;
  /** The same store writing through a transaction (a database store must not bypass it). */
  within(db: Kysely<any>): FileStore; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A store that `tierdesk attachments move` can copy to and from, key by key. */
export interface MovableStore extends FileStore {
  /** True when the key's content is complete in this store. */
  has(key: string): Promise<boolean>;
  /** Writes content under a given key, all or nothing (a half-written file is never seen). */
  write(key: string, data: Buffer | Readable): Promise<void>;
  /** Every key this store holds, in pages, while files may be removed meanwhile. */
  keys(): AsyncIterable<string>;
}

/** A new random key: 32 hex digits. */
export const newFileKey = () => crypto.randomBytes(16).toString('hex');

const KEY = /^[0-9a-f]{32}$/;

/** Refuses anything but a key this module made (keys become paths on disk). */
export function checkFileKey(key: string) {
  if (!KEY.test(key)) throw new Error(`Invalid file key ${key}`);
  return key;
}

/** Files under `root`, spread over sub-folders by the key's first characters. */
export function diskFileStore(root: string): MovableStore {
  const where = (key: string) => path.join(root, checkFileKey(key).slice(0, 2), key);
  // Beside the root, on the same file system, so the rename into place is atomic.
  const incoming = `${path.resolve(root)}.incoming`;
  const store: MovableStore = {
    async put(data) {
      const key = newFileKey();
      await store.write(key, data);
      return key;
    },
    open: (key) => fs.createReadStream(where(key)),
    remove: (key) => fsp.rm(where(key), { force: true }),
    within: () => store,
    has: (key) => fsp.access(where(key)).then(() => true, () => false),
    async write(key, data) {
      const file = where(key);
      // Written on the side and renamed into place: an interrupted write leaves no partial file under
      // the key, and the folder holds only whole files (a backup packing it meanwhile finds no file
      // that is gone by the time it reads it).
      const partial = path.join(incoming, `${key}.partial-${crypto.randomBytes(4).toString('hex')}`);
      try {
        await fsp.mkdir(path.dirname(file), { recursive: true });
        await fsp.mkdir(incoming, { recursive: true });
        // A buffer (a message's original, most attachments) in one write, without a stream's machinery.
        if (Buffer.isBuffer(data)) await fsp.writeFile(partial, data, { flag: 'wx' });
        else await pipeline(data, fs.createWriteStream(partial, { flags: 'wx' }));
        await fsp.rename(partial, file);
      } catch (err) {
        await fsp.rm(partial, { force: true });
        throw err;
      }
    },
    async *keys() {
      const dirs = await fsp.readdir(root).catch(() => [] as string[]);
      for (const dir of dirs.filter((d) => /^[0-9a-f]{2}$/.test(d)).sort()) {
        const names = await fsp.readdir(path.join(root, dir)).catch(() => [] as string[]);
        yield* names.filter((n) => KEY.test(n) && n.startsWith(dir)).sort();
      }
    },
  };
  return store;
}

/**
 * The configured store for new files, reading through to the other one: files not yet moved (or
 * moved meanwhile by `tierdesk attachments move`) stay readable, and removal reaches both.
 */
export function tieredFileStore(primary: MovableStore, secondary: MovableStore): FileStore {
  return {
    put: (data) => primary.put(data),
    open(key) {
      const read = async function* () {
        let started = false;
        try {
          for await (const chunk of primary.open(key)) {
            started = true;
            yield chunk as Buffer;
          }
        } catch (err) {
          // Not (or no longer) in this store: moved meanwhile, or not yet.
          if (started || (err as { code?: string }).code !== 'ENOENT') throw err;
          yield* secondary.open(key);
        }
      };
      return Readable.from(read(), { objectMode: false });
    },
    async remove(key) {
      await primary.remove(key);
      await secondary.remove(key);
    },
    within: (db) => tieredFileStore(primary.within(db) as MovableStore, secondary.within(db) as MovableStore),
  };
}

/** What a move did. */
export interface MoveResult {
  moved: number;
  bytes: number;
  /** Already complete in the target (an earlier, interrupted run copied them): only removed from the source. */
  alreadyThere: number;
}

/**
 * Moves every file from one store to the other, streaming, key by key: copied whole, then removed
 * from the source. Idempotent and resumable: an interrupted run leaves each file complete in at least
 * one store, and running it again carries on.
 */
export async function moveFiles(from: MovableStore, to: MovableStore, progress?: (r: MoveResult) => void): Promise<MoveResult> {
  const r: MoveResult = { moved: 0, bytes: 0, alreadyThere: 0 };
  for await (const key of from.keys()) {
    if (await to.has(key)) r.alreadyThere++;
    else {
      let bytes = 0;
      const source = from.open(key);
      const counted = async function* () {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          yield chunk;
        }
      };
      await to.write(key, Readable.from(counted(), { objectMode: false }));
      r.moved++;
      r.bytes += bytes;
    }
    await from.remove(key);
    if ((r.moved + r.alreadyThere) % 100 === 0) progress?.(r);
  }
  return r;
}
