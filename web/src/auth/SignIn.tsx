import { Anchor, Button, PasswordInput, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { post, setCsrfToken } from '../api/client';
import { keys } from '../api/queries';
import type { Person } from '../api/types';
import { homeOf } from '../app/guards';
import { setLanguage } from '../i18n';
import { ErrorAlert } from '../ui/feedback';
import { AuthFrame } from './AuthFrame';
import { SsoPanel, useSso } from './SsoSignIn';

export default function SignIn() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const sso = useSso();
  const ssoOnly = sso.target?.passwordSignIn === false;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ user: Person; csrfToken: string }>('/auth/login', { email, password });
      setCsrfToken(r.csrfToken);
      setLanguage(r.user.locale);
      qc.setQueryData(keys.me, { ...r.user, csrfToken: r.csrfToken });
      const next = params.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeOf(r.user.role), { replace: true });
    } catch (err) {
      setError(sso.fromError(err) ? null : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={t('auth.signInTitle')}>
      <form onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <TextInput label={t('auth.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} onBlur={() => void sso.discover(email)} mt="sm" data-autofocus autoFocus />
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
    </AuthFrame>
  );
}
