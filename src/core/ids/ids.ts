import crypto from 'node:crypto';

/** A new random identifier for a row. */
export const newId = (): string => crypto.randomUUID();

/** A new secret token (session, API token, reset link): 32 random bytes, URL-safe. */
export const newSecret = (): string => crypto.randomBytes(32).toString('base64url');

/** The SHA-256 of a secret: what the database keeps instead of the secret itself. */
export const hashSecret = (secret: string): string => crypto.createHash('sha256').update(secret).digest('hex');

/** The current instant as an ISO-8601 UTC string, the form every instant is stored in. */
export const nowIso = (): string => new Date().toISOString();
