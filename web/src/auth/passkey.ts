import { startAuthentication } from '@simplewebauthn/browser';
import { post } from '../api/client';
import type { SignedIn } from '../api/types';

/** Signs in with a passkey (the browser asks for it); with a pending sign-in, as its second step. */
export async function passkeySignIn(pendingToken?: string, rememberDevice?: boolean): Promise<SignedIn> {
  const { challengeId, options } = await post<{ challengeId: string; options: Parameters<typeof startAuthentication>[0]['optionsJSON'] }>('/auth/passkey/options', { pendingToken });
  const response = await startAuthentication({ optionsJSON: options });
  return post<SignedIn>('/auth/passkey/verify', { challengeId, response, pendingToken, rememberDevice });
}

