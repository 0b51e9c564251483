import { useState } from 'react';
import { Anchor, Button, Group, SegmentedControl, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { get, post } from '../api/client';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { useSubmit } from '../ui/FormCard';
import type { InboundMessage } from './admin.api';
import { MoreButton } from '../ui/MoreButton';

const STATUSES = ['quarantined', 'ignored', 'bounce', 'duplicate', 'all'] as const;
/** The reasons an admin most often looks for in the inbound log. */
const REASONS = ['auto_reply', 'bulk', 'loop', 'bounce', 'duplicate', 'mime_too_complex', 'unreadable', 'unknown_organization', 'rate_limited'] as const;

/**
 * `/admin/quarantine?status=…&reason=…&q=…`: the inbound log. Mail that made no request, with the
 * reason (process it again), duplicates, and with status=all every message; searched by words.
 */
export default function Quarantine() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'quarantined';
  const reason = params.get('reason') ?? '';
  const [q, setQ] = useState(params.get('q') ?? '');
  const [words] = useDebouncedValue(q.trim(), 300);
  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const filter = `${status === 'all' ? '' : `status=${status}&`}${reason ? `reason=${reason}&` : ''}${words ? `q=${encodeURIComponent(words)}&` : ''}`;
  const messages = useInfiniteQuery({
    queryKey: ['inbound', status, reason, words],
    queryFn: ({ pageParam }) => get<{ items: InboundMessage[]; nextCursor: string | null }>(`/email/messages?${filter}limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const action = useSubmit(['inbound']);
  const reprocess = (m: InboundMessage, acceptNoise: boolean, acceptUnverified = false) =>
    void action.run(async () => {
      const r = await post<{ outcome: string }>(`/email/messages/${m.id}/reprocess`, { acceptNoise, acceptUnverified });
      return r;
    }, t('admin.reprocessed'));
  const rows = messages.data?.pages.flatMap((p) => p.items);
  const phone = useMediaQuery('(max-width: 48em)');
  return (
    <>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <SegmentedControl
          aria-label={t('admin.status')}
          // Five statuses do not fit side by side on a phone: one under the other there.
          orientation={phone ? 'vertical' : 'horizontal'}
          fullWidth={phone}
          value={status}
          onChange={(v) => setParam('status', v === 'quarantined' ? '' : v)}
          data={STATUSES.map((s) => ({ value: s, label: t(`admin.inbound.${s}`) }))}
        />
        <Group gap="xs">
          <Select
            aria-label={t('admin.reason')}
            placeholder={t('admin.inboundAnyReason')}
            clearable
            value={reason || null}
            onChange={(v) => setParam('reason', v ?? '')}
            data={REASONS.map((r) => ({ value: r, label: t(`admin.inboundReasons.${r}`) }))}
            w={220}
          />
          <TextInput
            aria-label={t('admin.inboundSearch')}
            placeholder={t('admin.inboundSearch')}
            value={q}
            onChange={(e) => {
              setQ(e.currentTarget.value);
              setParam('q', e.currentTarget.value.trim());
            }}
            w={220}
          />
        </Group>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {t('admin.quarantineHelp')}
      </Text>
      <ErrorAlert error={messages.error ?? action.error} />
      {messages.isPending && <Loading />}
      <DataTable
        testId="quarantine"
        minWidth={860}
        rows={rows}
        rowKey={(m) => m.id}
        columns={[
          { key: 'at', label: t('admin.received'), render: (m) => dateTime(m.receivedAt, i18n.language), nowrap: true },
          { key: 'from', label: t('admin.from'), render: (m) => m.from.name ? `${m.from.name} <${m.from.address ?? ''}>` : (m.from.address ?? m.envelopeFrom ?? '—') },
          { key: 'subject', label: t('ticket.subject'), render: (m) => m.subject || '—' },
          {
            key: 'reason',
            label: t('admin.reason'),
            render: (m) => (
              <>
                {(m.reasonText && (i18n.language === 'ru' ? m.reasonText.ru : m.reasonText.en)) ?? m.reason ?? '—'}
                {m.detail && (
                  <Text size="xs" c="dimmed">
                    {m.detail}
                  </Text>
                )}
                {m.authentication && (
                  <Text size="xs" c={m.authentication.verdict === 'pass' ? 'teal.9' : 'red.9'} data-auth={m.authentication.verdict}>
                    {t(m.authentication.verdict === 'pass' ? 'admin.mailAuthPassed' : 'admin.mailAuthFailed')}
                    {m.reason !== 'sender_unverified' && m.authentication.summary ? `: ${m.authentication.summary}` : ''}
                  </Text>
                )}
              </>
            ),
          },
          {
            key: 'actions',
            label: t('admin.actions'),
            nowrap: true,
            render: (m) => (
              <Group gap={4} wrap="nowrap">
                {(m.status === 'quarantined' || m.status === 'ignored') && (
                  <>
                    <Button size="compact-sm" variant="light" loading={action.busy} onClick={() => reprocess(m, false)}>
                      {t('admin.reprocess')}
                    </Button>
                    <Button size="compact-sm" variant="subtle" loading={action.busy} onClick={() => reprocess(m, true)} title={t('admin.acceptNoiseHint')}>
                      {t('admin.acceptNoise')}
                    </Button>
                    {m.reason === 'sender_unverified' && (
                      <Button size="compact-sm" variant="subtle" color="red" loading={action.busy} onClick={() => reprocess(m, false, true)} title={t('admin.acceptUnverifiedHint')}>
                        {t('admin.acceptUnverified')}
                      </Button>
                    )}
                  </>
                )}
                <Anchor href={`/api/v1/email/messages/${m.id}/original`} size="sm" download>
                  .eml
                </Anchor>
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
