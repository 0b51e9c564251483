import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useMatches } from 'react-router';
import { setCsrfToken } from '../api/client';
import { useMe } from '../api/queries';
import { isStaffRole, type Role } from '../api/types';
import { setLanguage } from '../i18n';
import { ErrorAlert, Loading } from '../ui/feedback';
import { homeOf } from './home';


/**
 * The screens client roles may open (everything else is the service desk's own), and the staff
 * screens kept to some staff roles. A path no route knows is left to the router's 404.
 */
const CLIENT_SCREENS: [RegExp, Role[]][] = [
  [/^\/((requests|requests\/new|profile|enrol|kb)\/?)?$/, ['requester', 'client_manager']],
  [/^\/tickets\/[^/]+$/, ['requester', 'client_manager']],
  [/^\/kb\/(?!new$)[^/]+$/, ['requester', 'client_manager']],
  [/^\/requests\/company$/, ['client_manager']],
  [/^\/catalog(\/(?!orders$)[^/]+)?\/?$/, ['requester', 'client_manager']],
  [/^\/(approvals|changes\/calendar)\/?$/, ['client_manager']],
  [/^\/reports\/?$/, ['client_manager']],
];
const STAFF_ONLY: [RegExp, Role[]][] = [
  [/^\/admin(\/|$)/, ['admin']],
  [/^\/(dashboard|rosters|reports)(\/|$)/, ['manager', 'admin']],
];

/** Whether `role` may open the screen at `path`. */
export function mayOpen(role: Role, path: string): boolean {
  if (!isStaffRole(role)) return CLIENT_SCREENS.some(([re, roles]) => re.test(path) && roles.includes(role));
  const rule = STAFF_ONLY.find(([re]) => re.test(path));
  return !rule || rule[1].includes(role);
}

/** The signed-in screens, each shown only to the roles it is for; others get a plain "not for you". */
export function RequireRole({ children }: { children: ReactNode }) {
  const me = useMe().data!;
  const { pathname } = useLocation();
  const matches = useMatches();
  // An address no screen has (the top-level catch-all) is "nothing here", for everyone.
  const unknown = matches.at(-1)?.params['*'] === pathname.slice(1);
  if (unknown || mayOpen(me.role, pathname)) return children;
  return <NotForYou />;
}

function NotForYou() {
  const { t } = useTranslation();
  const me = useMe().data!;
  return (
    <Stack data-testid="not-for-you">
      <Title order={1}>{t('access.title')}</Title>
      <Text>{isStaffRole(me.role) ? t('access.staffText') : t('access.clientText')}</Text>
      <Anchor component={Link} to={homeOf(me.role)}>
        {t('access.home')}
      </Anchor>
    </Stack>
  );
}

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

/** The address at hand opened by a page load: for the light screens (sign-in, the requester's list), which live outside the full app. */
export function PageLoad() {
  useEffect(() => window.location.reload(), []);
  return <Loading />;
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
