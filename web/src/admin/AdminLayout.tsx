import { Grid, NavLink, Select, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { useMe } from '../api/queries';
import { NotFound } from '../app/guards';

/** The sections of the administration, in the order of the navigation. */
export const SECTIONS = [
  { path: 'organizations', group: 'clients' },
  { path: 'plans', group: 'clients' },
  { path: 'calendars', group: 'clients' },
  { path: 'categories', group: 'clients' },
  { path: 'catalog', group: 'clients' },
  { path: 'import', group: 'clients', label: 'importData.nav' },
  { path: 'people', group: 'team' },
  { path: 'groups', group: 'team' },
  { path: 'sso', group: 'team' },
  { path: 'security', group: 'team' },
  { path: 'mailboxes', group: 'channels' },
  { path: 'quarantine', group: 'channels' },
  { path: 'dead-letters', group: 'channels' },
  { path: 'sms-gateways', group: 'channels' },
  { path: 'sms-messages', group: 'channels' },
  { path: 'telephony', group: 'channels' },
  { path: 'webhooks', group: 'channels' },
] as const;

/** `/admin/...`: the administrator's sections, a side list on wide screens and a picker on phones. */
export default function AdminLayout() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const location = useLocation();
  const navigate = useNavigate();
  const sectionLabel = (s: (typeof SECTIONS)[number]) => ('label' in s ? t(s.label) : t(`admin.nav.${s.path}`));
  if (me.role !== 'admin') return <NotFound />;
  const current = SECTIONS.find((s) => location.pathname.startsWith(`/admin/${s.path}`));
  if (!current) return <Navigate to="/admin/organizations" replace />;
  return (
    <Stack>
      {/* Long Russian words: a smaller heading on a phone, so that it is not cut short. */}
      <Title order={1} fz={{ base: 26, sm: 34 }}>
        {t('admin.title')}
      </Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, sm: 3 }}>
          <Select
            hiddenFrom="sm"
            label={t('admin.section')}
            value={current.path}
            allowDeselect={false}
            onChange={(v) => v && navigate(`/admin/${v}`)}
            data={SECTIONS.map((s) => ({ value: s.path, label: sectionLabel(s) }))}
          />
          <nav aria-label={t('admin.title')}>
            <Stack gap={0} visibleFrom="sm">
              {SECTIONS.map((s) => (
                <NavLink
                  key={s.path}
                  component={Link}
                  to={`/admin/${s.path}`}
                  label={sectionLabel(s)}
                  active={s === current}
                />
              ))}
            </Stack>
          </nav>
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 9 }}>
          <Outlet />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
