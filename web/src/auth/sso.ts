import { useState } from 'react';
import { ApiError, post } from '../api/client';

export interface SsoTarget {
  url: string;
  /** Whether the organization still lets its people sign in with a password. */
  passwordSignIn: boolean;
}

/**
 * Single sign-on on the sign-in screen: the address typed is looked up (`discover`) and, when its
 * organization has an IdP, a button sends the person there; a password sign-in refused with
 * `sso_required` does the same.
 */
export function useSso() {
  const [target, setTarget] = useState<SsoTarget | null>(null);
  const discover = async (email: string) => {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim())) return setTarget(null);
    try {
      const r = await post<{ sso: boolean; url?: string; passwordSignIn?: boolean }>('/auth/sso/discover', { email: email.trim() });
      setTarget(r.sso && r.url ? { url: r.url, passwordSignIn: r.passwordSignIn ?? true } : null);
    } catch {
      setTarget(null);
    }
  };
  /** True when a sign-in error means "use SSO": the screen then offers it. */
  const fromError = (err: unknown) => {
    if (!(err instanceof ApiError) || err.code !== 'sso_required') return false;
    const url = (err.details as { url?: string } | undefined)?.url;
    if (url) setTarget({ url, passwordSignIn: false });
    return true;
  };
  return { target, discover, fromError };
}
