import path from 'node:path';
import type { Kysely } from 'kysely';
import { databaseFileStore, type FileTables } from './database-files.js';
import { diskFileStore, tieredFileStore, type FileStore, type MovableStore } from './files.js';

/** Where new attachments go: a folder under DATA_DIR, or the database (shared by every host). */
export type AttachmentStoreKind = 'disk' | 'database';

/** Both stores, and the one the application uses: the configured one, reading through to the other. */
export function openFileStores<DB extends FileTables>(kind: AttachmentStoreKind, dataDir: string, db: Kysely<DB>, now?: () => Date) {
  const stores: Record<AttachmentStoreKind, MovableStore> = {
    disk: diskFileStore(path.join(dataDir, 'attachments')),
    database: databaseFileStore(db as unknown as Kysely<FileTables>, now),
  };
  const files: FileStore = kind === 'database' ? tieredFileStore(stores.database, stores.disk) : tieredFileStore(stores.disk, stores.database);
  return { stores, files };
}
