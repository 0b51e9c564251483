import { sql } from 'kysely';
import { inTransaction } from '../core/db/connect.js';
import { isSealed, sealedKeyId, SecretKeyError, type SecretBox } from '../core/crypto/secrets.js';
import type { Db } from './db.js';

/**
 * Every column that holds a secret, sealed with the application's key (see core/crypto/secrets.ts):
 * what is sealed at start when still plaintext, checked against the key, and re-sealed by
 * `tierdesk rotate-secret-key`. A module that stores a new kind of secret adds its column here.
 */
export const SECRET_COLUMNS: readonly { table: string; column: string; key?: string }[] = [
  { table: 'sms_gateways', column: 'secret' },
  { table: 'sms_gateways', column: 'kannel_password' },
  { table: 'pbx_connectors', column: 'secret' },
  { table: 'webhooks', column: 'secret' },
  { table: 'sso_providers', column: 'client_secret' },
  { table: 'directory_sources', column: 'bind_secret', key: 'organization_id' },
  { table: 'mfa_totp', column: 'secret', key: 'user_id' },
];

type Row = { id: string; value: string };
type SecretColumn = (typeof SECRET_COLUMNS)[number];

/** The stored values of one column (rows without a value are skipped). */
async function valuesOf(db: Db, { table, column, key = 'id' }: SecretColumn): Promise<Row[]> {
  const r = await sql<Row>`select ${sql.ref(key)} as id, ${sql.ref(column)} as value from ${sql.table(table)} where ${sql.ref(column)} is not null and ${sql.ref(column)} <> ''`.execute(db);
  return r.rows.map((x) => ({ id: String(x.id), value: String(x.value) }));
}

const setValue = (db: Db, { table, column, key = 'id' }: SecretColumn, id: string, value: string, was: string) =>
  sql`update ${sql.table(table)} set ${sql.ref(column)} = ${value} where ${sql.ref(key)} = ${id} and ${sql.ref(column)} = ${was}`.execute(db);

/** Thrown at start when the stored secrets were sealed with another key than the one configured. */
export class WrongSecretKeyError extends SecretKeyError {}

/**
 * At start, in one transaction: seals every secret still stored as plaintext (rows written before
 * secrets were sealed), and checks that the key opens the sealed ones; refuses to go on, naming both
 * keys, when another key sealed them (a wrong or missing TIERDESK_SECRET_KEY).
 */
export async function sealStoredSecrets(db: Db, box: SecretBox): Promise<{ sealed: number }> {
  let sealed = 0;
  await inTransaction(db, async (trx) => {
    for (const c of SECRET_COLUMNS)
      for (const row of await valuesOf(trx, c)) {
        const { table, column } = c;
        if (!isSealed(row.value)) {
          await setValue(trx, c, row.id, box.seal(row.value), row.value);
          sealed++;
          continue;
        }
        const id = sealedKeyId(row.value);
        if (id !== box.key.id)
          throw new WrongSecretKeyError(
            `The secrets in the database were sealed with key ${id}, but the key in use is ${box.key.id}. ` +
              'Set TIERDESK_SECRET_KEY to the key they were sealed with (or restore DATA_DIR/secret.key); see "Secrets at rest" in the README.',
          );
        try {
          box.open(row.value);
        } catch (err) {
          throw new WrongSecretKeyError(`${table}.${column} of ${row.id}: ${(err as Error).message}`);
        }
      }
  });
  return { sealed };
}

/**
 * Re-seals every stored secret with a new key, in one transaction: opened with `from`, sealed with
 * `to`. Nothing changes if any secret does not open. Returns how many values were re-sealed.
 */
export async function resealStoredSecrets(db: Db, from: SecretBox, to: SecretBox): Promise<number> {
  let count = 0;
  await inTransaction(db, async (trx) => {
    for (const c of SECRET_COLUMNS)
      for (const row of await valuesOf(trx, c)) {
        const plain = isSealed(row.value) ? from.open(row.value) : row.value;
        await setValue(trx, c, row.id, to.seal(plain), row.value);
        count++;
      }
  });
  return count;
}

/**
 * Re-seals every stored secret from the key in use (`from`) to `to`: first the start-up check (a
 * secret the old key does not open stops it with nothing changed), then one transaction.
 */
export async function rotateStoredSecrets(db: Db, from: SecretBox, to: SecretBox): Promise<number> {
  await sealStoredSecrets(db, from);
  return resealStoredSecrets(db, from, to);
}
