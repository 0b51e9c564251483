import { Alert, Anchor, Button, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { post } from '../api/client';
import { ErrorAlert } from '../ui/feedback';
import { AuthFrame } from './AuthFrame';

export default function ForgotPassword() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/auth/password/forgot', { email });
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame title={t('auth.forgotTitle')}>
      {sent ? (
        <Alert color="teal" role="status">
          {t('auth.linkSent')}
        </Alert>
      ) : (
        <form onSubmit={submit}>
          <Text size="sm" mb="sm">
            {t('auth.forgotHelp')}
          </Text>
          <ErrorAlert error={error} />
          <TextInput label={t('auth.email')} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} autoFocus />
          <Button type="submit" fullWidth mt="lg" loading={busy}>
            {t('auth.sendLink')}
          </Button>
        </form>
      )}
      <Anchor component={Link} to="/sign-in" size="sm">
        {t('auth.backToSignIn')}
      </Anchor>
    </AuthFrame>
  );
}
