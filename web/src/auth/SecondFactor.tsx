import { Anchor, Button, Checkbox, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../api/client';
import type { SecondFactorNeeded, SignedIn } from '../api/types';
import { ErrorAlert } from '../ui/feedback';
import { AuthFrame } from './AuthFrame';
import { passkeySignIn } from './passkey';
import { useSignedIn } from './signed-in';

/** The second step of signing in: a code from the authenticator app, a recovery code or a passkey. */
export function SecondFactor({ pending, onRestart }: { pending: SecondFactorNeeded; onRestart: () => void }) {
  const { t } = useTranslation();
  const signedIn = useSignedIn();
  const [code, setCode] = useState('');
  const [remember, setRemember] = useState(false);
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<string | unknown>(null);
  const [busy, setBusy] = useState(false);
  const hasTotp = pending.methods.includes('totp');

  // A wrong code answers 401; said here as what it is, not as a wrong password.
  const explain = (err: unknown) => (err instanceof ApiError && err.status === 401 ? t('mfa.wrongCode') : err);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signedIn(await post<SignedIn>('/auth/login/code', { pendingToken: pending.pendingToken, code, rememberDevice: remember }));
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  const withPasskey = async () => {
    setError(null);
    try {
      await signedIn(await passkeySignIn(pending.pendingToken, remember));
    } catch (err) {
      setError(err instanceof Error && err.name === 'NotAllowedError' ? null : explain(err));
    }
  };

  return (
    <AuthFrame title={t('mfa.stepTitle')}>
      {typeof error === 'string' ? (
        <Text c="red" role="alert">
          {error}
        </Text>
      ) : (
        <ErrorAlert error={error} />
      )}
      {hasTotp && (
        <form onSubmit={submit} noValidate>
          <Text size="sm">{recovery ? t('mfa.recoveryHelp') : t('mfa.codeHelp')}</Text>
          <TextInput
            label={recovery ? t('mfa.recoveryCode') : t('mfa.code')}
            autoComplete="one-time-code"
            inputMode={recovery ? 'text' : 'numeric'}
            required
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            mt="sm"
            autoFocus
          />
          <Checkbox label={t('mfa.rememberDevice')} checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} mt="sm" />
          <Button type="submit" fullWidth mt="lg" loading={busy} disabled={code.trim().length < 6}>
            {t('mfa.verify')}
          </Button>
          <Anchor component="button" type="button" size="sm" mt="xs" onClick={() => setRecovery(!recovery)}>
            {recovery ? t('mfa.useApp') : t('mfa.useRecovery')}
          </Anchor>
        </form>
      )}
      {pending.methods.includes('passkey') && (
        <Button variant={hasTotp ? 'default' : 'filled'} fullWidth onClick={() => void withPasskey()}>
          {t('mfa.usePasskey')}
        </Button>
      )}
      <Anchor component="button" type="button" size="sm" onClick={onRestart}>
        {t('auth.backToSignIn')}
      </Anchor>
    </AuthFrame>
  );
}
