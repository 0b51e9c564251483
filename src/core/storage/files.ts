import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/** Stored files (attachments) on disk, addressed by opaque keys. */
export interface FileStore {
  put(data: Buffer): Promise<string>;
  open(key: string): fs.ReadStream;
  remove(key: string): Promise<void>;
}

/** Files under `root`, spread over sub-folders by the key's first characters. */
export function diskFileStore(root: string): FileStore {
  const where = (key: string) => {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error(`Invalid file key ${key}`);
    return path.join(root, key.slice(0, 2), key);
  };
  return {
    async put(data) {
      const key = crypto.randomBytes(16).toString('hex');
      const file = where(key);
      // The sub-folder exists but for the first files of each: one system call per file, not two.
      try {
        await fsp.writeFile(file, data, { flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await fsp.mkdir(path.dirname(file), { recursive: true });
        await fsp.writeFile(file, data, { flag: 'wx' });
      }
      return key;
    },
    open: (key) => fs.createReadStream(where(key)),
    remove: (key) => fsp.rm(where(key), { force: true }),
  };
}
