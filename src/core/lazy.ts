import { createRequire } from 'node:module';

/**
 * A module imported on first use, then kept. Heavy libraries that most processes never touch (mail
 * parsing, XLSX, passkeys, SSO, LDAP, backups…) are loaded this way, so that a `serve` or `worker`
 * process does not carry them in memory from its start.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

const require = createRequire(import.meta.url);

/** A CommonJS library required on first use, then kept: for code that must stay synchronous. */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
