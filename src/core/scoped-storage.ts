import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A value that the code run by `run` (and what it awaits) sees, as AsyncLocalStorage gives it, but
 * enabled only while a run is under way. On Node 20 an enabled AsyncLocalStorage turns on promise
 * hooks for the whole process, which make every promise about three times dearer, and it stays
 * enabled after its run ends: one demo load or one inbound SMS would tax every request after it.
 * Work a run starts without awaiting it sees the value only until the last run ends.
 */
export function scopedStorage<T>() {
  const storage = new AsyncLocalStorage<T>();
  let running = 0;
  return {
    async run<R>(value: T, fn: () => Promise<R>): Promise<R> {
      running++;
      try {
        return await storage.run(value, fn);
      } finally {
        // The last run over: the hooks go with it (the next run turns them on again).
        if (--running === 0) storage.disable();
      }
    },
    /** The value of the run this code is in, if any. */
    get: (): T | undefined => storage.getStore(),
  };
}
