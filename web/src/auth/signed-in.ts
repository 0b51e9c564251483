import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { startAuthentication } from '@simplewebauthn/browser';
import { post, setCsrfToken } from '../api/client';
import { keys } from '../api/queries';
import type { SignedIn } from '../api/types';
import { homeOf } from '../app/guards';
import { setLanguage } from '../i18n';

/** What happens once a sign-in has opened a session: to enrolment when the staff policy demands it, else where the person was going. */
export function useSignedIn() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  return (r: SignedIn) => {
    setCsrfToken(r.csrfToken);
    setLanguage(r.user.locale);
    qc.setQueryData(keys.me, { ...r.user, csrfToken: r.csrfToken, ...(r.mfaEnrolmentRequired && { mfaEnrolmentRequired: true }) });
    if (r.mfaEnrolmentRequired) return navigate('/enrol', { replace: true });
    const next = params.get('next');
    return navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeOf(r.user.role), { replace: true });
  };
}

/** Signs in with a passkey (the browser asks for it); with a pending sign-in, as its second step. */
export async function passkeySignIn(pendingToken?: string, rememberDevice?: boolean): Promise<SignedIn> {
  const { challengeId, options } = await post<{ challengeId: string; options: Parameters<typeof startAuthentication>[0]['optionsJSON'] }>('/auth/passkey/options', { pendingToken });
  const response = await startAuthentication({ optionsJSON: options });
  return post<SignedIn>('/auth/passkey/verify', { challengeId, response, pendingToken, rememberDevice });
}

