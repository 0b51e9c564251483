import fs from 'node:fs';
import { openDatabase, type OpenOptions } from './core/db/connect.js';
import { migrateToLatest } from './core/db/migrate.js';
import type { Config } from './core/config/config.js';
import { loadSecretKey, newSecretKeyText, parseSecretKey, secretBox, writeKeyFile } from './core/crypto/secrets.js';
import type { DB } from './modules/db.js';
import { allMigrations } from './modules/migrations.js';
import { rotateStoredSecrets } from './modules/stored-secrets.js';

/**
 * `tierdesk rotate-secret-key`: every stored secret re-sealed with the new key (TIERDESK_NEW_SECRET_KEY,
 * or a generated one) in one transaction. With the key in DATA_DIR/secret.key, the file is replaced;
 * with TIERDESK_SECRET_KEY, the operator is told what to set it to. Returns the message for the operator.
 */
export async function rotateSecretKey(config: Config, newKeyText: string | null, db: OpenOptions = {}): Promise<string> {
  const current = loadSecretKey(config);
  const text = newKeyText?.trim() || newSecretKeyText();
  const next = parseSecretKey(text, 'TIERDESK_NEW_SECRET_KEY');
  if (next.id === current.key.id) throw new Error('The new key is the key in use; nothing to do');
  // The new key is on disk before the database changes, so that neither can be lost without the other.
  const pending = `${current.file}.new`;
  if (current.source === 'file') writeKeyFile(pending, text);
  const handle = openDatabase<DB>(config.databaseUrl, db);
  let resealed: number;
  try {
    await migrateToLatest(handle.db, handle.dialect, allMigrations);
    resealed = await rotateStoredSecrets(handle.db, secretBox(current.key), secretBox(next));
  } catch (err) {
    if (current.source === 'file') fs.rmSync(pending, { force: true });
    throw err;
  } finally {
    await handle.close();
  }
  const done = `Re-sealed ${resealed} stored secrets: key ${current.key.id} → key ${next.id}.`;
  if (current.source === 'file') {
    fs.renameSync(pending, current.file);
    return `${done}\nThe new key is in ${current.file} (mode 0600); keep a copy with your backups.`;
  }
  const what = newKeyText ? 'the value of TIERDESK_NEW_SECRET_KEY' : text;
  return `${done}\nSet TIERDESK_SECRET_KEY=${what} for every Tierdesk process before starting them again: the old key no longer opens the secrets.`;
}
