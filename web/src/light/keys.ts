/**
 * The strings of the light portal (sign-in and the requester's list), picked out of en.ts and ru.ts
 * at build time (vite.config.ts) so that those screens load one small table instead of both whole ones.
 * A key names a string or a whole block; an error without its own string here reads as the generic one.
 */
export const LIGHT_KEYS = [
  'app.skip',
  'app.loading',
  'app.menu',
  'lang.label',
  'nav',
  'auth.signInTitle',
  'auth.email',
  'auth.password',
  'auth.signIn',
  'auth.forgot',
  'mfa.or',
  'mfa.signInWithPasskey',
  'sso.ssoOnly',
  'sso.signInWithSso',
  'sso.error',
  'errors.generic',
  'errors.network',
  'errors.invalid',
  'errors.unauthorized',
  'errors.too_many_requests',
  'errors.forbidden',
  'errors.sso_required',
  'errors.sso_unavailable',
  'errors.mfa_required',
  'errors.validation_failed',
  'errors.bad_request',
  'errors.internal_error',
  'status',
  'priority',
  'portal.myRequests',
  'portal.newRequest',
  'portal.empty',
  'queue.col',
  'queue.left',
  'queue.overdue',
  'queue.pausedClock',
  'queue.dueAt',
  'queue.clock',
  'time',
  'problems.banner',
];

/** `table`'s strings under `keys`, flattened to dotted keys. */
export function pickStrings(table: object, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const flatten = (v: unknown, at: string) => {
    if (typeof v === 'string') out[at] = v;
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) flatten(x, `${at}.${k}`);
  };
  for (const key of keys) {
    const v = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], table);
    if (v === undefined) throw new Error(`The light portal's string ${key} is not in the table`);
    flatten(v, key);
  }
  return out;
}
