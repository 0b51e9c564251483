import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** What a transaction has read or written, by key (see memoInTransaction). */
const memos = new WeakMap<AnyDb, Map<string, Promise<unknown>>>();

/**
 * A value read at most once per transaction: the reactions to a change (SLA clocks, reports,
 * notifications, webhooks) run in its transaction and would otherwise each read the same request,
 * organization and people again, a round trip apiece. Outside a transaction it reads every time.
 * Only for rows the transaction changes through `rememberInTransaction` or not at all.
 */
export function memoInTransaction<T>(db: AnyDb, key: string, load: () => Promise<T>): Promise<T> {
  if (!db.isTransaction) return load();
  let memo = memos.get(db);
  if (!memo) memos.set(db, (memo = new Map()));
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    memo.set(key, value);
    // A failed read is not remembered: the next one tries again.
    value.catch(() => memo.delete(key));
  }
  return value;
}

/** Whether the transaction has read or written `key` already. */
export const isRemembered = (db: AnyDb, key: string) => db.isTransaction && memos.get(db)?.has(key) === true;

/** Records what the transaction wrote under `key`: the value itself, or a change to the value read. */
export function rememberInTransaction<T>(db: AnyDb, key: string, value: T | ((old: T) => T)) {
  if (!db.isTransaction) return;
  let memo = memos.get(db);
  if (!memo) memos.set(db, (memo = new Map()));
  if (typeof value !== 'function') memo.set(key, Promise.resolve(value));
  else {
    const old = memo.get(key) as Promise<T> | undefined;
    if (old) memo.set(key, old.then(value as (old: T) => T));
  }
}

/** Forgets everything the transaction remembered: after a rollback to a savepoint, what it wrote since is gone. */
export function forgetInTransaction(db: AnyDb) {
  memos.delete(db);
}
