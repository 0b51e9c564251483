import { Anchor, Paper, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../api/client';
import { ErrorAlert } from '../ui/feedback';
import { dateTime, duration, useNow } from '../ui/format';

interface Kept {
  ticket: { id: string; number: string; subject: string };
  organizationName: string;
  line: string;
  agent: { id: string; name: string };
  note: string;
  keptAt: string;
  deadline: string;
}

/** For the manager: who keeps requests at their line past the time budget, and why. */
export function KeptPastBudget() {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const kept = useQuery({
    queryKey: ['breaches', 'kept-past-budget'],
    queryFn: () => get<{ items: Kept[] }>('/escalation/kept-past-budget'),
    // A budget running out changes nothing else that the live stream would announce: look again each minute.
    refetchInterval: 60_000,
  });
  const items = kept.data?.items ?? [];
  return (
    <Paper withBorder p="md" data-testid="kept-past-budget">
      <Title order={2} size="h4" mb="sm">
        {t('lineBudget.dashboardTitle')} ({items.length})
      </Title>
      <ErrorAlert error={kept.error} />
      {kept.isSuccess && !items.length && <Text c="dimmed">{t('lineBudget.dashboardEmpty')}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('lineBudget.request')}</Table.Th>
                <Table.Th scope="col">{t('lineBudget.agent')}</Table.Th>
                <Table.Th scope="col">{t('lineBudget.why')}</Table.Th>
                <Table.Th scope="col">{t('lineBudget.over')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((k) => (
                <Table.Tr key={k.ticket.id} data-number={k.ticket.number}>
                  <Table.Td maw={280}>
                    <Anchor component={Link} to={`/tickets/${k.ticket.number}`} ff="monospace" size="sm">
                      {k.ticket.number}
                    </Anchor>{' '}
                    <Text span size="sm">
                      {k.ticket.subject}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {k.organizationName} · {k.line}
                    </Text>
                  </Table.Td>
                  <Table.Td>{k.agent.name}</Table.Td>
                  <Table.Td maw={320}>
                    <Text size="sm" className="prewrap">
                      {k.note}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {dateTime(k.keptAt, i18n.language)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }} title={dateTime(k.deadline, i18n.language)}>
                    {duration(t, (now - new Date(k.deadline).getTime()) / 60_000)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
