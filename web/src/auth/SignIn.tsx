import { Anchor, Button, Divider, PasswordInput, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { post } from '../api/client';
import type { SecondFactorNeeded, SignedIn } from '../api/types';
import { ErrorAlert } from '../ui/feedback';
import { AuthFrame } from './AuthFrame';
import { SsoPanel, useSso } from './SsoSignIn';
import { SecondFactor } from './SecondFactor';
import { passkeySignIn, useSignedIn } from './signed-in';

export default function SignIn() {
  const { t } = useTranslation();
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [params] = useSearchParams();
  const sso = useSso();
  const ssoOnly = sso.target?.passwordSignIn === false;
  const [pending, setPending] = useState<SecondFactorNeeded | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<SignedIn | SecondFactorNeeded>('/auth/login', { email, password });
      if ('secondFactor' in r) setPending(r);
      else await signedIn(r);
    } catch (err) {
      setError(sso.fromError(err) ? null : err);
    } finally {
      setBusy(false);
    }
  };

  const withPasskey = async () => {
    setError(null);
    try {
      await signedIn(await passkeySignIn());
    } catch (err) {
      setError(err instanceof Error && err.name === 'NotAllowedError' ? null : err);
    }
  };

  if (pending) return <SecondFactor pending={pending} onRestart={() => setPending(null)} />;

  return (
    <AuthFrame title={t('auth.signInTitle')}>
      <form onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <TextInput label={t('auth.email')} type="email" autoComplete="username webauthn" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} onBlur={() => void sso.discover(email)} mt="sm" data-autofocus autoFocus />
        <SsoPanel target={sso.target} error={params.get('sso_error')} />
        {!ssoOnly && (
          <>
            <PasswordInput label={t('auth.password')} autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} mt="sm" />
            <Button type="submit" fullWidth mt="lg" loading={busy}>
              {t('auth.signIn')}
            </Button>
          </>
        )}
      </form>
      <Anchor component={Link} to="/forgot-password" size="sm">
        {t('auth.forgot')}
      </Anchor>
      <Divider label={t('mfa.or')} labelPosition="center" />
      <Button variant="default" fullWidth onClick={() => void withPasskey()}>
        {t('mfa.signInWithPasskey')}
      </Button>
    </AuthFrame>
  );
}
