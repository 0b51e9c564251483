import { AsyncLocalStorage } from 'node:async_hooks';

/** Runs of every scoped value under way. */
let everywhere = 0;

/** Whether some scoped value is set anywhere now: code that defers others' work keeps their context only then. */
export const scopesRunning = (): boolean => everywhere > 0;

/**
 * A value that follows the asynchronous calls of one piece of work (AsyncLocalStorage), costing
 * nothing while no work holds one. On Node 20 a storage that has run once keeps a hook on every
 * promise of the process for good (a twentieth of the CPU of a request's creation, though the value
 * is set only while loading history or an inbound SMS): it is disabled again when its last run ends.
 * Work that a run started without awaiting it no longer sees the value once the run has ended.
 */
export function scopedValue<T>() {
  const storage = new AsyncLocalStorage<T>();
  let running = 0;
  const end = () => {
    everywhere--;
    if (--running === 0) storage.disable();
  };
  return {
    /** Runs `fn` with the value set for it and every call it awaits. */
    run<R>(value: T, fn: () => Promise<R>): Promise<R> {
      running++;
      everywhere++;
      let result: Promise<R>;
      try {
        result = storage.run(value, fn);
      } catch (err) {
        end();
        throw err;
      }
      return result.finally(end);
    },
    /** The value of the run this code is part of; undefined outside any. */
    get: (): T | undefined => (running ? storage.getStore() : undefined),
  };
}
