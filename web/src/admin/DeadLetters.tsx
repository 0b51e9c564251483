import { Anchor, Button, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, post } from '../api/client';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { useSubmit } from '../ui/FormCard';
import type { DeadLetter } from './admin.api';
import { MoreButton } from '../ui/MoreButton';

/** `/admin/dead-letters`: outgoing mail that failed for good; send it again. */
export default function DeadLetters() {
  const { t, i18n } = useTranslation();
  const letters = useInfiniteQuery({
    queryKey: ['deadLetters'],
    queryFn: ({ pageParam }) => get<{ items: DeadLetter[]; nextCursor: number | null }>(`/admin/mail/dead-letters?limit=50${pageParam ? `&cursor=${pageParam}` : ''}`),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const retry = useSubmit(['deadLetters']);
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        {t('admin.deadLettersHelp')}
      </Text>
      <ErrorAlert error={letters.error ?? retry.error} />
      {letters.isPending && <Loading />}
      <DataTable
        testId="dead-letters"
        minWidth={760}
        rows={letters.data?.pages.flatMap((p) => p.items)}
        rowKey={(d) => String(d.id)}
        columns={[
          { key: 'failed', label: t('admin.failedAt'), render: (d) => dateTime(d.failedAt ?? d.createdAt, i18n.language), nowrap: true },
          { key: 'to', label: t('admin.to'), render: (d) => `${d.to}${d.channel === 'sms' ? ` (${t('channel.sms')})` : ''}` },
          {
            key: 'subject',
            label: t('ticket.subject'),
            render: (d) =>
              d.ticketId ? (
                <Anchor component={Link} to={`/tickets/${d.ticketId}`} size="sm">
                  {d.subject}
                </Anchor>
              ) : (
                d.subject
              ),
          },
          { key: 'attempts', label: t('admin.attempts'), render: (d) => d.attempts, nowrap: true },
          { key: 'error', label: t('admin.lastError'), render: (d) => <Text size="xs">{d.lastError ?? '—'}</Text> },
          {
            key: 'retry',
            label: t('admin.actions'),
            render: (d) => (
              <Button size="compact-sm" variant="light" loading={retry.busy} onClick={() => void retry.run(() => post(`/admin/mail/dead-letters/${d.id}/retry`), t('admin.retried'))}>
                {t('admin.retry')}
              </Button>
            ),
          },
        ]}
      />
      <MoreButton query={letters} />
    </>
  );
}
