import { Alert, Anchor, Button, PasswordInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { post } from '../api/client';
import { ErrorAlert } from '../ui/feedback';
import { AuthFrame } from './AuthFrame';

export default function ResetPassword() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tooShort = password.length < 10;
  const mismatch = password !== repeat;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (tooShort || mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await post('/auth/password/reset', { token, password });
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame title={t('auth.resetTitle')}>
      {!token ? (
        <Alert color="yellow">{t('auth.noToken')}</Alert>
      ) : done ? (
        <Alert color="teal" role="status">
          {t('auth.resetDone')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorAlert error={error} />
          <PasswordInput
            label={t('auth.newPassword')}
            description={t('auth.passwordHint')}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={touched && tooShort ? t('auth.tooShort') : undefined}
            autoFocus
          />
          <PasswordInput
            label={t('auth.repeatPassword')}
            autoComplete="new-password"
            required
            mt="sm"
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={touched && mismatch ? t('auth.mismatch') : undefined}
          />
          <Button type="submit" fullWidth mt="lg" loading={busy}>
            {t('auth.save')}
          </Button>
        </form>
      )}
      <Anchor component={Link} to="/sign-in" size="sm">
        {t('auth.backToSignIn')}
      </Anchor>
    </AuthFrame>
  );
}
