import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import { setCsrfToken } from '../api/client';
import { useMe } from '../api/queries';
import { isManagerRole, isStaffRole, type Role } from '../api/types';
import { setLanguage } from '../i18n';
import { ErrorAlert, Loading } from '../ui/feedback';

/** Where each role starts. */
export const homeOf = (role: Role) => (isManagerRole(role) ? '/dashboard' : isStaffRole(role) ? '/queues/mine' : '/requests');

/** Shows its children to a signed-in person; anyone else goes to sign-in and comes back after. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  useEffect(() => {
    if (me.data) {
      setCsrfToken(me.data.csrfToken);
      setLanguage(me.data.locale);
    }
  }, [me.data]);
  if (me.isPending) return <Loading />;
  if (me.error) return <ErrorAlert error={me.error} />;
  if (!me.data) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  // The staff policy: a second factor first, before anything else.
  if (me.data.mfaEnrolmentRequired && location.pathname !== '/enrol') return <Navigate to="/enrol" replace />;
  return children;
}

export function Home() {
  const me = useMe();
  return me.data ? <Navigate to={homeOf(me.data.role)} replace /> : null;
}

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1}>404</Title>
      <Text>{t('app.notFound')}</Text>
      <Anchor component={Link} to="/">
        {t('app.home')}
      </Anchor>
    </Stack>
  );
}
