import { ActionIcon, Anchor, AppShell, Burger, Group, Menu, NavLink, SegmentedControl, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { patch, post, setCsrfToken, whenSessionEnds } from '../api/client';
import { keys, useMe } from '../api/queries';
import { isManagerRole, isStaffRole, type Me } from '../api/types';
import { setLanguage, type Lang } from '../i18n';
import { notifyError } from '../ui/feedback';
import { useLive } from './live';

/** The language switch: remembered in the browser and, when signed in, in the person's profile. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const me = qc.getQueryData<Me | null>(keys.me);
  const change = async (lang: string) => {
    setLanguage(lang as Lang);
    if (!me) return;
    try {
      const p = await patch<Me>('/me', { locale: lang });
      qc.setQueryData(keys.me, { ...me, ...p, csrfToken: me.csrfToken });
    } catch (e) {
      notifyError(t, e);
    }
  };
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('lang.label')}
      value={i18n.language === 'ru' ? 'ru' : 'en'}
      onChange={change}
      data={[
        { value: 'en', label: 'EN' },
        { value: 'ru', label: 'RU' },
      ]}
    />
  );
}

/** The frame of every signed-in screen: header, navigation by role, live updates. */
export function Layout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const me = useMe().data!;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const live = useLive();
  useEffect(close, [location.pathname, close]);
  useEffect(
    () =>
      whenSessionEnds(() => {
        qc.setQueryData(keys.me, null);
      }),
    [qc],
  );

  const staff = isStaffRole(me.role);
  const links = [
    ...(!staff ? [{ to: '/requests', label: t('nav.requests') }, { to: '/requests/new', label: t('nav.newRequest') }] : []),
    ...(staff ? [{ to: '/queues/mine', label: t('nav.queues'), match: '/queues' }] : []),
    ...(isManagerRole(me.role) ? [{ to: '/dashboard', label: t('nav.dashboard') }] : []),
    ...(me.role === 'admin' ? [{ to: '/admin', label: t('nav.admin') }] : []),
    { to: '/profile', label: t('nav.profile') },
  ];

  const signOut = async () => {
    await post('/auth/logout').catch(() => undefined);
    setCsrfToken(undefined);
    qc.clear();
    qc.setQueryData(keys.me, null);
    navigate('/sign-in');
  };

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className="skip-link">
        {t('app.skip')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('app.menu')} />
            <Anchor component={Link} to="/" fw={700} size="lg" underline="never">
              Tierdesk
            </Anchor>
            <Tooltip label={live ? t('live.connected') : t('live.offline')}>
              <span className={live ? 'live-dot on' : 'live-dot'} role="status" aria-label={live ? t('live.connected') : t('live.offline')} />
            </Tooltip>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSwitch />
            <Menu position="bottom-end">
              <Menu.Target>
                <ActionIcon variant="light" size="lg" radius="xl" aria-label={me.name} data-testid="user-menu">
                  <span aria-hidden>{me.name.slice(0, 1)}</span>
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {me.name}
                  <Text size="xs" c="dimmed">
                    {t(`role.${me.role}`)}
                  </Text>
                </Menu.Label>
                <Menu.Item component={Link} to="/profile">
                  {t('nav.profile')}
                </Menu.Item>
                <Menu.Item onClick={signOut}>{t('nav.signOut')}</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('app.menu')}>
        <VisuallyHidden>
          <h2>{t('app.menu')}</h2>
        </VisuallyHidden>
        {links.map((l) => (
          <NavLink
            key={l.to}
            component={Link}
            to={l.to}
            label={l.label}
            active={location.pathname === l.to || (!!l.match && location.pathname.startsWith(l.match))}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
