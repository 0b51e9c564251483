import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets at rest (gateway tokens, connector and webhook signing keys): sealed with AES-256-GCM under
 * the key of TIERDESK_SECRET_KEY, or of DATA_DIR/secret.key (made on first start, mode 0600) when the
 * variable is unset. A sealed value reads `v1:<key id>:<iv>:<ciphertext and tag>` (base64url); the key
 * id (the start of the key's SHA-256) says which key sealed it, so a wrong key is named, not guessed,
 * and a rotation can tell the old values from the new.
 */

const VERSION = 'v1';
const SEALED = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})$/;

/** Thrown when a secret cannot be opened: another key sealed it, or it was altered. */
export class SecretKeyError extends Error {}

/** A 32-byte key and its id. */
export interface SecretKey {
  id: string;
  bytes: Buffer;
}

/** Reads a key written as 64 hex digits or as base64 (standard or URL-safe) of 32 bytes. */
export function parseSecretKey(text: string, name = 'TIERDESK_SECRET_KEY'): SecretKey {
  const t = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== 32) throw new SecretKeyError(`${name} must be 32 bytes written as 64 hex digits or base64 (it is ${bytes.length} bytes)`);
  return { id: keyId(bytes), bytes };
}

/** A key's id: the first 8 hex digits of its SHA-256 (says which key, reveals nothing of it). */
export const keyId = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 8);

/** A new random key, as hex (what the operator sets TIERDESK_SECRET_KEY to). */
export const newSecretKeyText = () => crypto.randomBytes(32).toString('hex');

/** The key id a sealed value names, or null when the value is not sealed (plaintext of old). */
export const sealedKeyId = (value: string): string | null => SEALED.exec(value)?.[1] ?? null;

/** Whether a stored value is sealed. */
export const isSealed = (value: string) => SEALED.test(value);

/** Seals a secret with a key. */
export function sealSecretWith(key: SecretKey, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key.bytes, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}:${key.id}:${iv.toString('base64url')}:${data.toString('base64url')}`;
}

/** Opens a sealed secret with whichever of the keys sealed it; throws SecretKeyError otherwise. */
export function openSecretWith(keys: readonly SecretKey[], sealed: string): string {
  const m = SEALED.exec(sealed);
  if (!m) throw new SecretKeyError('The stored secret is not sealed');
  const key = keys.find((k) => k.id === m[1]);
  if (!key) throw new SecretKeyError(`The stored secret was sealed with key ${m[1]}, not with the key in use (${keys.map((k) => k.id).join(', ')})`);
  const data = Buffer.from(m[3]!, 'base64url');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(m[2]!, 'base64url'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(`The stored secret does not open with key ${key.id}: it was altered`);
  }
}

/** What the application seals and opens secrets with (see AppContext.secrets). */
export interface SecretBox {
  /** The key new values are sealed with. */
  readonly key: SecretKey;
  /** Seals a secret for storing: `sealSecret(plain) → string`. */
  seal(plain: string): string;
  /** Opens a stored secret: `openSecret(sealed) → string`; throws SecretKeyError on a wrong key. */
  open(sealed: string): string;
}

/** A box sealing with `key` and opening what `key` (or one of `older`, during a rotation) sealed. */
export function secretBox(key: SecretKey, older: readonly SecretKey[] = []): SecretBox {
  const keys = [key, ...older];
  return { key, seal: (plain) => sealSecretWith(key, plain), open: (sealed) => openSecretWith(keys, sealed) };
}

/** Where the key lives when TIERDESK_SECRET_KEY is unset. */
export const keyFilePath = (dataDir: string) => path.join(dataDir, 'secret.key');

/**
 * The key in use: TIERDESK_SECRET_KEY when set; otherwise DATA_DIR/secret.key, made (32 random bytes,
 * mode 0600) when missing. `source` tells which, for messages to the operator.
 */
export function loadSecretKey(opts: { secretKey: string | null; dataDir: string }): { key: SecretKey; source: 'env' | 'file'; file: string } {
  const file = keyFilePath(opts.dataDir);
  if (opts.secretKey) return { key: parseSecretKey(opts.secretKey), source: 'env', file };
  if (!fs.existsSync(file)) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, `${newSecretKeyText()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process of the same data folder made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { key: parseSecretKey(fs.readFileSync(file, 'utf8'), file), source: 'file', file };
}

/** Replaces the key file (write beside, then rename), mode 0600. */
export function writeKeyFile(file: string, keyText: string) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${keyText}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
