import { Anchor, Badge, Button, Group, Select, Stack, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { get, post } from '../api/client';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { useSubmit } from '../ui/FormCard';
import { useSmsGateways, type SmsMessage, type SmsStatus } from './admin.api';
import { MoreButton } from '../ui/MoreButton';

const STATUSES: SmsStatus[] = ['quarantined', 'created', 'appended', 'opted_out', 'opted_in', 'queued', 'sent', 'delivered', 'failed'];
const STATUS_COLOR: Record<SmsStatus, string> = {
  quarantined: 'orange',
  created: 'teal',
  appended: 'teal',
  opted_out: 'gray',
  opted_in: 'gray',
  queued: 'blue',
  sent: 'blue',
  delivered: 'teal',
  failed: 'red',
};

/** `/admin/sms-messages?status=…&direction=…`: the SMS log; quarantined ones with the reason, to process again. */
export default function SmsMessages() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'quarantined';
  const direction = params.get('direction') ?? '';
  const q = new URLSearchParams({ limit: '50' });
  if (status !== 'all') q.set('status', status);
  if (direction) q.set('direction', direction);
  const messages = useInfiniteQuery({
    queryKey: ['smsMessages', q.toString()],
    queryFn: ({ pageParam }) => get<{ items: SmsMessage[]; nextCursor: string | null }>(`/sms/messages?${q}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const gateways = useSmsGateways();
  const action = useSubmit(['smsMessages']);
  /** Keeps the filters in the address; the defaults (quarantine, both directions) leave it clean. */
  const filter = (changes: { status?: string; direction?: string }) => {
    const next = { status, direction, ...changes };
    setParams({ ...(next.status !== 'quarantined' && { status: next.status }), ...(next.direction && { direction: next.direction }) }, { replace: true });
  };
  const rows = messages.data?.pages.flatMap((p) => p.items);
  return (
    <>
      <Group mb="sm" wrap="wrap" align="end">
        <Select
          label={t('smsLog.status')}
          value={status}
          allowDeselect={false}
          onChange={(v) => v && filter({ status: v })}
          data={[...STATUSES.map((s) => ({ value: s, label: t(`smsLog.statuses.${s}`) })), { value: 'all', label: t('admin.all') }]}
        />
        <Select
          label={t('smsLog.direction')}
          value={direction}
          allowDeselect={false}
          onChange={(v) => filter({ direction: v ?? '' })}
          data={[
            { value: '', label: t('smsLog.directions.both') },
            { value: 'in', label: t('smsLog.directions.in') },
            { value: 'out', label: t('smsLog.directions.out') },
          ]}
        />
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {t('smsLog.help')}
      </Text>
      <ErrorAlert error={messages.error ?? action.error} />
      {messages.isPending && <Loading />}
      <DataTable
        testId="sms-messages"
        minWidth={760}
        rows={rows}
        rowKey={(m) => m.id}
        columns={[
          { key: 'at', label: t('admin.received'), render: (m) => dateTime(m.receivedAt, i18n.language), nowrap: true },
          {
            key: 'who',
            label: t('smsLog.fromTo'),
            nowrap: true,
            render: (m) => (
              <>
                <Text size="sm">
                  {m.direction === 'in' ? '← ' : '→ '}
                  {m.direction === 'in' ? m.from : m.to}
                </Text>
                <Text size="xs" c="dimmed">
                  {gateways.data?.items.find((g) => g.id === m.gatewayId)?.name ?? t(`smsLog.directions.${m.direction}`)}
                </Text>
              </>
            ),
          },
          {
            key: 'text',
            label: t('smsLog.text'),
            render: (m) => (
              <Text size="sm" lineClamp={3} style={{ overflowWrap: 'anywhere' }} title={m.text}>
                {m.text || '—'}
              </Text>
            ),
          },
          {
            key: 'status',
            label: t('smsLog.status'),
            render: (m) => (
              <Stack gap={2} miw={190} align="flex-start">
                <Badge color={STATUS_COLOR[m.status]} variant="light" data-sms-status={m.status}>
                  {t(`smsLog.statuses.${m.status}`)}
                </Badge>
                {m.reasonText && (
                  <Text size="sm">
                    {i18n.language === 'ru' ? m.reasonText.ru : m.reasonText.en}
                  </Text>
                )}
                {!m.reasonText && m.reason && <Text size="sm">{m.reason}</Text>}
                {m.detail && (
                  <Text size="xs" c="dimmed">
                    {m.detail}
                  </Text>
                )}
                {m.deliveryReport && (
                  <Text size="xs" c="dimmed">
                    {t('smsLog.report', { status: m.deliveryReport.status })}
                  </Text>
                )}
              </Stack>
            ),
          },
          {
            key: 'actions',
            label: t('admin.actions'),
            nowrap: true,
            render: (m) => (
              <Group gap={4} wrap="nowrap">
                {m.direction === 'in' && m.status === 'quarantined' && (
                  <Button
                    size="compact-sm"
                    variant="light"
                    loading={action.busy}
                    onClick={() => void action.run(() => post(`/sms/messages/${m.id}/reprocess`), t('admin.reprocessed'))}
                    aria-label={`${t('admin.reprocess')}: ${m.from}`}
                  >
                    {t('admin.reprocess')}
                  </Button>
                )}
                {m.ticketId && (
                  <Anchor component={Link} to={`/tickets/${m.ticketId}`} size="sm">
                    {t('admin.request')}
                  </Anchor>
                )}
              </Group>
            ),
          },
        ]}
      />
      <MoreButton query={messages} />
    </>
  );
}
