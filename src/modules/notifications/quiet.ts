import { scopedValue } from '../../core/scoped.js';

const quiet = scopedValue<true>();

/**
 * Runs `fn` without notifying anyone of what it does: for loading history (the demo data set, an
 * import), where the people concerned did not just act and must not get a flood of old news.
 */
export function withoutNotifications<T>(fn: () => Promise<T>): Promise<T> {
  return quiet.run(true, fn);
}

/** True inside `withoutNotifications`. */
export const notificationsPaused = (): boolean => quiet.get() === true;
