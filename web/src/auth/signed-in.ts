import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { setCsrfToken } from '../api/client';
import { keys } from '../api/queries';
import type { SignedIn } from '../api/types';
import { afterSignIn } from '../app/home';
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
    return navigate(afterSignIn(params.get('next'), r.user.role), { replace: true });
  };
}
