import { Anchor, Button, Group, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useMe, useNextBreaches, useOrganizations, usePlans, useTickets } from '../api/queries';
import { OPEN_STATUSES } from '../api/types';
import { TicketTable } from '../tickets/TicketTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { AtRiskTable } from './AtRiskTable';
import { BulkBar } from '../workspace/BulkBar';
import { useRowSelection } from '../workspace/useRowSelection';

const QUEUES = ['mine', 'line', 'unassigned', 'atRisk', 'pending'] as const;
type Queue = (typeof QUEUES)[number];

/** The agent's queues, each a stable address: /queues/mine, /queues/line, … */
export default function Queues() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe().data!;
  const { queue: raw = 'mine' } = useParams();
  const queue: Queue = (QUEUES as readonly string[]).includes(raw) ? (raw as Queue) : 'mine';
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [limit, setLimit] = useState(50);
  const orgs = useOrganizations();
  const plans = usePlans();
  const planOf = (orgId: string) => {
    const planId = orgs.data?.items.find((o) => o.id === orgId)?.planId;
    return plans.data?.items.find((p) => p.id === planId)?.name ?? '—';
  };

  const params = new URLSearchParams({ sort: '-updated', limit: String(limit) });
  if (queue === 'mine') {
    params.set('assigneeId', 'me');
    params.set('status', OPEN_STATUSES.join(','));
  } else if (queue === 'line') {
    if (me.line) params.set('line', me.line);
    params.set('status', 'new,open');
  } else if (queue === 'unassigned') {
    params.set('assigneeId', 'none');
    params.set('status', 'new,open');
  } else if (queue === 'pending') params.set('status', 'pending_customer,pending_vendor');
  if (q) params.set('q', q);
  const list = useTickets(params, queue !== 'atRisk');
  const breaches = useNextBreaches(100, queue === 'atRisk');
  const selection = useRowSelection(queue);
  const selected = (list.data?.items ?? []).filter((i) => selection.selected.has(i.id));

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('queues.title')}</Title>
        <Group gap="md">
          <Anchor component={Link} to="/canned-replies" size="sm">
            {t('workspace.cannedTitle')}
          </Anchor>
          <Anchor component={Link} to="/macros" size="sm">
            {t('workspace.macros')}
          </Anchor>
        </Group>
      </Group>
      <Tabs value={queue} onChange={(v) => v && navigate(`/queues/${v}`)}>
        <Tabs.List>
          {QUEUES.map((k) => (
            <Tabs.Tab key={k} value={k}>
              {t(`queues.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {queue === 'atRisk' ? (
        <>
          <ErrorAlert error={breaches.error} />
          {breaches.isPending ? <Loading /> : breaches.data?.items.length ? <AtRiskTable items={breaches.data.items} /> : <Text c="dimmed">{t('queues.empty')}</Text>}
        </>
      ) : (
        <>
          <TextInput label={t('queues.search')} type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} maw={360} />
          <ErrorAlert error={list.error} />
          <BulkBar selected={selected} meId={me.id} onDone={selection.clear} />
          {list.isPending ? (
            <Loading />
          ) : list.data?.items.length ? (
            <TicketTable items={list.data.items} staff columns={['organization', 'plan', 'line', 'assignee']} planOf={planOf} selection={selection} />
          ) : (
            <Text c="dimmed">{t('queues.empty')}</Text>
          )}
          {list.data?.nextCursor && limit < 200 && (
            <Group>
              <Button variant="default" onClick={() => setLimit(200)}>
                {t('queues.more')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
