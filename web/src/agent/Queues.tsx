import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useMe, useOrganizations, usePlans, useStaff } from '../api/queries';
import { isManagerRole, OPEN_STATUSES } from '../api/types';
import { TicketTable, type Column } from '../tickets/TicketTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { BulkBar } from '../workspace/BulkBar';
import {
  QUEUE_COLUMNS,
  SLA_STATES,
  useDeleteView,
  useGroups,
  useQueueCount,
  useQueuePage,
  useQueueViews,
  useSaveView,
} from './queue-api';

const QUEUES = ['mine', 'line', 'unassigned', 'atRisk', 'pending', 'views'] as const;
type Queue = (typeof QUEUES)[number];
const FILTERS = [
  'status',
  'priority',
  'organizationId',
  'planId',
  'line',
  'groupId',
  'assigneeId',
  'sla',
  'channel',
  'q',
  'sort',
] as const;
const STATUSES = ['new', 'open', 'pending_customer', 'pending_vendor', 'resolved', 'closed'];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];
const CHANNELS = ['web', 'email', 'sms', 'phone', 'api'];

/** What each queue shows before the person's own filters (which the address carries and which win). */
function preset(queue: Queue, line: string | null): Record<string, string> {
  switch (queue) {
    case 'mine':
      return { assigneeId: 'me', status: OPEN_STATUSES.join(','), sort: 'due' };
    case 'line':
      return { ...(line && { line }), status: 'new,open', sort: 'due' };
    case 'unassigned':
      return { assigneeId: 'none', status: 'new,open', sort: 'due' };
    case 'atRisk':
      return { sla: 'at_risk,breached', sort: 'due' };
    case 'pending':
      return { status: 'pending_customer,pending_vendor', sort: '-updated' };
    case 'views':
      return { sort: 'due' };
  }
}

/** The agent's queues, each a stable address (/queues/line?priority=P1&sort=due): filters, columns, views, keys. */
export default function Queues() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe().data!;
  const { queue: raw = 'mine' } = useParams();
  const queue: Queue = (QUEUES as readonly string[]).includes(raw) ? (raw as Queue) : 'mine';
  const [url, setUrl] = useSearchParams();
  const [search, setSearch] = useState(url.get('q') ?? '');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [limit, setLimit] = useState(50);
  const [selected, setSelected] = useState<string[]>([]);
  const [filtersOpen, setFiltersOpen] = useState(
    FILTERS.some((f) => f !== 'sort' && f !== 'q' && url.has(f)),
  );
  const [viewName, setViewName] = useState('');
  const [share, setShare] = useState(false);
  const orgs = useOrganizations();
  const plans = usePlans();
  const staff = useStaff();
  const groups = useGroups();
  const views = useQueueViews();
  const saveView = useSaveView();
  const deleteView = useDeleteView();

  const set = (key: string, value: string | null) =>
    setUrl(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  // The search joins the address once typing pauses.
  useEffect(() => {
    if ((url.get('q') ?? '') !== q) set('q', q || null);
  }, [q]);

  const params = new URLSearchParams({ ...preset(queue, me.line), limit: String(limit) });
  for (const f of FILTERS) if (url.get(f)) params.set(f, url.get(f)!);
  const sort = params.get('sort')!;
  const list = useQueuePage(params);
  const count = useQueueCount(params);
  const activeView = views.data?.items.find((v) => v.id === url.get('view'));
  const defaultCols: Column[] = [
    'number',
    'subject',
    'status',
    'priority',
    'sla',
    ...(me.line === 'L1' || queue === 'atRisk' ? (['l1Budget'] as Column[]) : []),
    'requester',
    'organization',
    'assignee',
  ];
  const cols = (url
    .get('cols')
    ?.split(',')
    .filter((c): c is Column => (QUEUE_COLUMNS as readonly string[]).includes(c)) ??
    activeView?.columns ??
    defaultCols) as Column[];
  const planOf = (orgId: string) => {
    const planId = orgs.data?.items.find((o) => o.id === orgId)?.planId;
    return plans.data?.items.find((p) => p.id === planId)?.name ?? '—';
  };
  const groupOf = (id: string) => groups.data?.items.find((g) => g.id === id)?.name ?? '—';
  const many = (key: string) => url.get(key)?.split(',').filter(Boolean) ?? [];
  const setMany = (key: string) => (v: string[]) => set(key, v.join(',') || null);
  const ownQuery = () => {
    const p = new URLSearchParams();
    for (const [k, v] of params) if (k !== 'limit') p.set(k, v);
    return p.toString();
  };

  const openView = (id: string, query: string) => navigate(`/queues/views?${query}&view=${id}`);

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('queues.title')}</Title>
        <Group gap="md">
          <Text size="sm" c="dimmed" visibleFrom="sm">
            {t('queue.keys')}
          </Text>
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
          {QUEUES.filter((k) => k !== 'views').map((k) => (
            <Tabs.Tab key={k} value={k}>
              {t(`queues.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {!!views.data?.items.length && (
        <Group gap="xs" aria-label={t('queue.views')} role="group">
          <Text size="sm" fw={600}>
            {t('queue.views')}:
          </Text>
          {views.data.items.map((v) => (
            <Button
              key={v.id}
              size="compact-sm"
              variant={activeView?.id === v.id ? 'filled' : 'light'}
              onClick={() => openView(v.id, v.query)}
              rightSection={
                <Badge size="sm" variant="white" tt="none" miw="max-content">
                  {v.count}
                </Badge>
              }
              data-view={v.name}
            >
              {v.name}
              {v.shared ? ` · ${t('queue.shared')}` : ''}
            </Button>
          ))}
        </Group>
      )}
      <Group align="end" wrap="wrap">
        <TextInput
          label={t('queues.search')}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={300}
          maw="100%"
        />
        <Select
          label={t('queue.sortedBy')}
          value={sort}
          onChange={(v) => set('sort', v)}
          data={Object.keys(t('queue.sorts', { returnObjects: true }) as object).map((s) => ({
            value: s,
            label: t(`queue.sorts.${s}`),
          }))}
          allowDeselect={false}
          w={260}
          maw="100%"
        />
        <Button variant="default" onClick={() => setFiltersOpen((o) => !o)} aria-expanded={filtersOpen}>
          {t('queue.filters')}
        </Button>
        <Text size="sm" fw={600} data-testid="queue-count">
          {count.data ? t('queue.count', { count: count.data.count }) : ''}
        </Text>
      </Group>
      {filtersOpen && (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} data-testid="queue-filters">
            <MultiSelect
              label={t('ticket.status')}
              data={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
              value={many('status')}
              onChange={setMany('status')}
              clearable
            />
            <MultiSelect
              label={t('ticket.priority')}
              data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
              value={many('priority')}
              onChange={setMany('priority')}
              clearable
            />
            <MultiSelect
              label={t('queue.slaState')}
              data={SLA_STATES.map((s) => ({ value: s, label: t(`queue.slaStates.${s}`) }))}
              value={many('sla')}
              onChange={setMany('sla')}
              clearable
            />
            <MultiSelect
              label={t('queue.channel')}
              data={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
              value={many('channel')}
              onChange={setMany('channel')}
              clearable
            />
            <Select
              label={t('ticket.organization')}
              data={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
              value={url.get('organizationId')}
              onChange={(v) => set('organizationId', v)}
              clearable
              searchable
            />
            <Select
              label={t('ticket.plan')}
              data={(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
              value={url.get('planId')}
              onChange={(v) => set('planId', v)}
              clearable
            />
            <Select
              label={t('ticket.line')}
              data={['L1', 'L2', 'L3']}
              value={url.get('line')}
              onChange={(v) => set('line', v)}
              clearable
            />
            <Select
              label={t('queue.group')}
              data={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))}
              value={url.get('groupId')}
              onChange={(v) => set('groupId', v)}
              clearable
            />
            <Select
              label={t('ticket.assignee')}
              data={[
                { value: 'me', label: me.name },
                { value: 'none', label: t('ticket.unassigned') },
                ...(staff.data?.items ?? [])
                  .filter((p) => p.id !== me.id)
                  .map((p) => ({ value: p.id, label: p.name })),
              ]}
              value={url.get('assigneeId')}
              onChange={(v) => set('assigneeId', v)}
              clearable
              searchable
            />
            <MultiSelect
              label={t('queue.columns')}
              data={QUEUE_COLUMNS.map((c) => ({ value: c, label: t(`queue.col.${c}`) }))}
              value={cols}
              onChange={(v) => set('cols', v.join(',') || null)}
            />
            <Group align="end">
              <Button variant="subtle" onClick={() => setUrl(new URLSearchParams(), { replace: true })}>
                {t('queue.clear')}
              </Button>
            </Group>
          </SimpleGrid>
          <Group align="end" mt="sm" wrap="wrap">
            <TextInput
              label={t('queue.viewName')}
              value={viewName}
              onChange={(e) => setViewName(e.currentTarget.value)}
              w={260}
              maw="100%"
            />
            {isManagerRole(me.role) && (
              <Checkbox
                label={t('queue.shareView')}
                checked={share}
                onChange={(e) => setShare(e.currentTarget.checked)}
                mb={8}
              />
            )}
            <Button
              disabled={!viewName.trim()}
              loading={saveView.isPending}
              onClick={() =>
                saveView.mutate(
                  { name: viewName.trim(), query: ownQuery(), columns: cols, shared: share },
                  { onSuccess: (v) => (setViewName(''), openView(v.id, v.query)) },
                )
              }
            >
              {t('queue.saveView')}
            </Button>
            {activeView?.mine && (
              <Button
                variant="subtle"
                color="red"
                onClick={() =>
                  deleteView.mutate(activeView.id, { onSuccess: () => navigate('/queues/mine') })
                }
              >
                {t('queue.deleteView')}
              </Button>
            )}
          </Group>
          <ErrorAlert error={saveView.error ?? deleteView.error} />
        </Stack>
      )}
      <ErrorAlert error={list.error ?? count.error} />
      {list.isPending ? (
        <Loading />
      ) : list.data?.items.length ? (
        <TicketTable
          items={list.data.items}
          staff
          show={cols}
          planOf={planOf}
          groupOf={groupOf}
          sort={sort}
          onSort={(s) => set('sort', s)}
          selectable
          selected={selected}
          onSelectionChange={setSelected}
          bulkBar={<BulkBar selected={list.data.items.filter((i) => selected.includes(i.id))} meId={me.id} onDone={() => setSelected([])} />}
          keyboard
        />
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
    </Stack>
  );
}
