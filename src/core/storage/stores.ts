import path from 'node:path';
import type { Kysely } from 'kysely';
import { databaseFileStore, type FileTables } from './database-files.js';
import { diskFileStore, tieredFileStore, type FileStore, type MovableStore } from './files.js';

/** Where new attachments go: a folder under DATA_DIR, or the database (shared by every host). */
export type AttachmentStoreKind = 'disk' | 'database';

/** The folder under DATA_DIR that the disk store keeps files in (a thread may write there through its own diskFileStore). */
export const diskStoreRoot = (dataDir: string) => path.join(dataDir, 'attachments');

/** Both stores, and the one the application uses: the configured one, reading through to the other. */
export function openFileStores<DB extends FileTables>(kind: AttachmentStoreKind, dataDir: string, db: Kysely<DB>, now?: () => Date) {
  const stores: Record<AttachmentStoreKind, MovableStore> = {
    disk: diskFileStore(diskStoreRoot(dataDir)),
    database: databaseFileStore(db as unknown as Kysely<FileTables>, now),
  };
  const files: FileStore = kind === 'database' ? tieredFileStore(stores.database, stores.disk) : tieredFileStore(stores.disk, stores.database);
  return { stores, files };
}
