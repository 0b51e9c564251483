import { useLocation } from 'react-router';
import type { SecondFactorNeeded } from '../api/types';
import { PageLoad } from '../app/guards';
import { SecondFactor } from './SecondFactor';

/**
 * /sign-in in the full app: the second step of a sign-in begun on the light sign-in screen
 * (src/light/SignIn.tsx), which leaves the pending sign-in in the history state; otherwise that
 * light screen itself, by a page load.
 */
export default function SignInStep() {
  const pending = (useLocation().state as { pending?: SecondFactorNeeded } | null)?.pending;
  if (!pending) return <PageLoad />;
  return <SecondFactor pending={pending} onRestart={() => window.location.assign('/sign-in')} />;
}
