import { Button, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMe, useTickets } from '../api/queries';
import { TicketTable } from '../tickets/TicketTable';
import { PageLoad } from '../app/guards';
import { ErrorAlert, Loading } from '../ui/feedback';

/** The portal's list: my requests (/requests), or for the client's IT manager all of the company's (/requests/company). */
export default function Requests() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const navigate = useNavigate();
  const scope = useLocation().pathname === '/requests/company' ? 'company' : 'mine';
  const params = new URLSearchParams({ sort: '-updated', limit: '50' });
  if (scope === 'mine') params.set('requesterId', me.id);
  const list = useTickets(params, !(me.role === 'requester' && scope === 'mine'));
  // The requester's own list is the light one (src/light/Requests.tsx).
  if (me.role === 'requester' && scope === 'mine') return <PageLoad />;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{scope === 'mine' ? t('portal.myRequests') : t('portal.companyRequests')}</Title>
        <Button component={Link} to="/requests/new">
          {t('portal.newRequest')}
        </Button>
      </Group>
      {me.role === 'client_manager' && (
        <SegmentedControl
          value={scope}
          onChange={(v) => navigate(v === 'company' ? '/requests/company' : '/requests')}
          data={[
            { value: 'mine', label: t('portal.myRequests') },
            { value: 'company', label: t('portal.companyRequests') },
          ]}
          w="fit-content"
        />
      )}
      <ErrorAlert error={list.error} />
      {list.isPending ? <Loading /> : list.data?.items.length ? <TicketTable items={list.data.items} columns={scope === 'company' ? ['requester'] : []} /> : <Text c="dimmed">{t('portal.empty')}</Text>}
    </Stack>
  );
}
