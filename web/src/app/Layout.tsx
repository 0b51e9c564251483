import { ActionIcon, Anchor, AppShell, Burger, Group, Menu, NavLink, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDisclosure, useReducedMotion } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { post, setCsrfToken, whenSessionEnds } from '../api/client';
import { keys, useMe } from '../api/queries';
import { isManagerRole, isStaffRole } from '../api/types';
import { Bell } from '../notifications/Bell';
import { AnnouncementBanner } from '../problems/AnnouncementBanner';
import { LineBudgetWatcher } from '../tickets/LineBudget';
import { RequireRole } from './guards';
import { LanguageSwitch } from './LanguageSwitch';
import { useLive, useLiveChange, type LiveChange } from './live';

/** The frame of every signed-in screen: header, navigation by role, live updates. */
export default function Layout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const me = useMe().data!;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const live = useLive();
  // No sliding navigation for people who asked their system for less motion.
  const still = useReducedMotion();
  useEffect(close, [location.pathname, close]);
  useEffect(
    () =>
      whenSessionEnds(() => {
        qc.setQueryData(keys.me, null);
      }),
    [qc],
  );

  const staff = isStaffRole(me.role);
  // The screen pop: an inbound call ringing at the PBX, with a link to who is calling.
  useLiveChange(
    useCallback(
      (c: LiveChange) => {
        if (!staff || c.type !== 'call.ringing') return;
        notifications.show({
          id: `call-${c.subjectId}`,
          color: 'blue',
          title: t('calls.ringing'),
          // Notifications render outside the router: the link navigates by hand.
          message: (
            <Anchor
              href={`/calls/${c.subjectId}`}
              size="sm"
              onClick={(e) => {
                e.preventDefault();
                notifications.hide(`call-${c.subjectId}`);
                navigate(`/calls/${c.subjectId}`);
              }}
            >
              {t('calls.ringingOpen')}
            </Anchor>
          ),
          autoClose: 30_000,
        });
      },
      [staff, t, navigate],
    ),
  );
  const links = [
    ...(me.role === 'client_manager' ? [{ to: '/requests/company', label: t('portal.companyRequests') }] : []),
    ...(!staff ? [{ to: '/requests', label: t('nav.requests') }, { to: '/requests/new', label: t('nav.newRequest') }] : []),
    ...(!staff ? [{ to: '/catalog', label: t('nav.catalog'), match: '/catalog' }] : [{ to: '/catalog/orders', label: t('nav.catalogOrders') }]),
    ...(me.role !== 'requester' ? [{ to: '/approvals', label: t('nav.approvals') }, { to: '/changes/calendar', label: t('nav.changeCalendar') }] : []),
    ...(staff ? [{ to: '/queues/mine', label: t('nav.queues'), match: '/queues' }] : []),
    ...(staff ? [{ to: '/calls', label: t('nav.calls'), match: '/calls' }] : []),
    ...(staff ? [{ to: '/problems', label: t('problems.nav'), match: '/problems' }] : []),
    ...(isManagerRole(me.role) ? [{ to: '/dashboard', label: t('nav.dashboard') }] : []),
    { to: '/kb', label: t('nav.kb'), match: '/kb' },
    ...(isManagerRole(me.role) || me.role === 'client_manager' ? [{ to: '/reports', label: t('nav.reports') }] : []),
    ...(staff ? [{ to: '/timesheets', label: t('nav.timesheets') }] : []),
    ...(isManagerRole(me.role) ? [{ to: '/rosters', label: t('nav.rosters') }] : []),
    ...(isManagerRole(me.role) ? [{ to: '/automation', label: t('automation.nav'), match: '/automation' }] : []),
    ...(me.role === 'admin' ? [{ to: '/admin', label: t('nav.admin'), match: '/admin' }] : []),
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
    <AppShell transitionDuration={still ? 0 : 200} header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
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
            <Bell />
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
        {!staff && <AnnouncementBanner />}
        <RequireRole>
          <Outlet />
        </RequireRole>
      </AppShell.Main>
      {staff && <LineBudgetWatcher meId={me.id} />}
    </AppShell>
  );
}
