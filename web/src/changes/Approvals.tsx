import { Anchor, Badge, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { usePendingApprovals, type PendingApproval } from './changes.api';

/** `/approvals`: the changes waiting for my approval (my step is open), each opening its request to decide. */
export default function Approvals() {
  const { t, i18n } = useTranslation();
  const pending = usePendingApprovals();
  return (
    <Stack>
      <Title order={1}>{t('changes.approvalsTitle')}</Title>
      <Text size="sm" c="dimmed">
        {t('changes.approvalsHelp')}
      </Text>
      <ErrorAlert error={pending.error} />
      {pending.isPending ? (
        <Loading />
      ) : (
        <DataTable<PendingApproval>
          testId="approvals"
          rows={pending.data?.items}
          rowKey={(r) => r.ticketId}
          empty={t('changes.noApprovals')}
          minWidth={640}
          columns={[
            { key: 'number', label: t('ticket.number'), nowrap: true, render: (r) => <Anchor component={Link} to={`/tickets/${r.number}`}>{r.number}</Anchor> },
            { key: 'subject', label: t('ticket.subject'), render: (r) => r.subject },
            { key: 'org', label: t('ticket.organization'), render: (r) => r.organizationName },
            { key: 'risk', label: t('changes.risk'), render: (r) => <Badge variant="light">{t(`changes.riskLevel.${r.risk}`)}</Badge> },
            { key: 'window', label: t('changes.window'), render: (r) => `${dateTime(r.windowStart, i18n.language)} – ${dateTime(r.windowEnd, i18n.language)}` },
          ]}
        />
      )}
    </Stack>
  );
}
