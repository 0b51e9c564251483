import { Anchor, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../api/client';
import { OPEN_STATUSES, type Line } from '../api/types';
import { ErrorAlert, Loading } from '../ui/feedback';

interface Workload {
  from: string;
  to: string;
  ahtMinutes: Record<Line, number | null>;
  items: {
    id: string;
    name: string;
    line: Line | null;
    availability: string;
    open: number;
    urgent: number;
    shiftHours: number | null;
    perShiftHour: number | null;
    capacityPerHour: number | null;
    over: boolean;
  }[];
}

/** An agent's own queue: their unresolved requests, most urgent first. */
const queueOf = (id: string) => `/queues/line?${new URLSearchParams({ assigneeId: id, status: OPEN_STATUSES.join(',') })}`;

/**
 * Each agent's open requests against their capacity: per hour on shift over the next 24 hours
 * against what their line handles an hour; the ones over it stand out. Names open the agent's queue.
 */
export function Capacity() {
  const { t, i18n } = useTranslation();
  const q = useQuery({ queryKey: ['workload'], queryFn: () => get<Workload>('/reports/workload'), refetchInterval: 60_000 });
  if (q.isPending) return <Loading />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const num = (v: number | null) => (v === null ? '—' : new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(v));
  const items = [...q.data.items].sort((a, b) => Number(b.over) - Number(a.over) || (b.perShiftHour ?? -1) - (a.perShiftHour ?? -1) || b.open - a.open);
  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table data-testid="workload-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('dashboard.agent')}</Table.Th>
              <Table.Th scope="col">{t('ticket.line')}</Table.Th>
              <Table.Th scope="col">{t('profile.availability')}</Table.Th>
              <Table.Th scope="col">{t('dashboard.open')}</Table.Th>
              <Table.Th scope="col">{t('dashboard.urgent')}</Table.Th>
              <Table.Th scope="col">{t('capacity.shiftHours')}</Table.Th>
              <Table.Th scope="col">{t('capacity.perShiftHour')}</Table.Th>
              <Table.Th scope="col">{t('capacity.capacityPerHour')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((a) => (
              <Table.Tr key={a.id} data-over={a.over || undefined} bg={a.over ? 'var(--mantine-color-red-0)' : undefined}>
                <Table.Td>
                  <Anchor component={Link} to={queueOf(a.id)}>
                    {a.name}
                  </Anchor>
                  {a.over && (
                    <Text size="xs" fw={700} c="red.9">
                      {t('capacity.over')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{a.line ?? '—'}</Table.Td>
                <Table.Td>{t(`availability.${a.availability}`)}</Table.Td>
                <Table.Td>{a.open}</Table.Td>
                <Table.Td>{a.urgent}</Table.Td>
                <Table.Td>{a.shiftHours === null ? t('capacity.noRoster') : num(a.shiftHours)}</Table.Td>
                <Table.Td fw={a.over ? 700 : undefined} c={a.over ? 'red.9' : undefined}>
                  {num(a.perShiftHour)}
                </Table.Td>
                <Table.Td>{num(a.capacityPerHour)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed" mt="xs">
        {t('capacity.hint')}
      </Text>
    </>
  );
}
