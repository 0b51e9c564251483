import { Anchor, Group, Paper, SegmentedControl, SimpleGrid, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { z } from 'zod';
import type * as tt from '../../../src/contracts/timetracking';
import { get } from '../api/client';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { duration } from '../ui/format';

type Totals = z.infer<typeof tt.TimeTotals>;
type Unit = Totals['unit'];
const UNITS: Unit[] = ['day', 'week', 'month', 'year'];

/**
 * The time logged over a day, week, month or year (the one holding the chosen date), per agent and
 * per organization: everyone's for a manager, one's own for an agent. Agents' names open their week.
 * Until a date is chosen it is the server's today, in the time zone the totals are counted in (the
 * browser's today may already be another date there).
 */
export function TimeTotals({ manager, week }: { manager: boolean; week: (date: string) => string }) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState<Unit>('week');
  const [chosen, setDate] = useState<string>();
  const totals = useQuery({ queryKey: ['timeTotals', unit, chosen], queryFn: () => get<Totals>(`/timesheets/totals?unit=${unit}${chosen ? `&date=${chosen}` : ''}`) });
  const date = chosen ?? totals.data?.date ?? '';
  const d = totals.data;
  const time = (m: number) => duration(t, m, true);
  return (
    <Paper withBorder p="md" data-testid="time-totals">
      <Title order={2} size="h3" mb="xs">
        {t('timeTotals.title')}
      </Title>
      <Group align="end" wrap="wrap" gap="sm" mb="sm">
        <SegmentedControl value={unit} onChange={(v) => setUnit(v as Unit)} data={UNITS.map((u) => ({ value: u, label: t(`timeTotals.unit.${u}`) }))} aria-label={t('timeTotals.period')} />
        <TextInput type="date" label={t('timeTotals.date')} value={date} onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} />
      </Group>
      <ErrorAlert error={totals.error} />
      {totals.isPending && <Loading />}
      {d && (
        <>
          <Text size="sm" c="dimmed" mb="sm" data-testid="time-totals-period">
            {d.start === d.end ? d.start : `${d.start} – ${d.end}`} ({d.timeZone}) · {t('timesheets.total')}: {time(d.total.minutes)} · {t('reports.billable')}: {time(d.total.billableMinutes)}
          </Text>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <DataTable
              testId="time-totals-agents"
              // Three short columns fit a phone: a table there too.
              minWidth={300}
              cards={false}
              rows={d.agents}
              rowKey={(r) => r.id}
              empty={t('timesheets.noEntries')}
              columns={[
                {
                  key: 'name',
                  label: t('dashboard.agent'),
                  render: (r) =>
                    manager ? (
                      <Anchor component={Link} to={`/timesheets?agent=${r.id}&week=${week(d.start)}`} size="sm">
                        {r.name}
                      </Anchor>
                    ) : (
                      r.name
                    ),
                },
                { key: 'minutes', label: t('timesheets.time'), render: (r) => time(r.minutes), nowrap: true },
                { key: 'billable', label: t('reports.billable'), render: (r) => time(r.billableMinutes), nowrap: true },
              ]}
            />
            <DataTable
              testId="time-totals-organizations"
              minWidth={300}
              cards={false}
              rows={d.organizations}
              rowKey={(r) => r.id}
              empty={t('timesheets.noEntries')}
              columns={[
                { key: 'name', label: t('ticket.organization'), render: (r) => r.name },
                { key: 'minutes', label: t('timesheets.time'), render: (r) => time(r.minutes), nowrap: true },
                { key: 'billable', label: t('reports.billable'), render: (r) => time(r.billableMinutes), nowrap: true },
              ]}
            />
          </SimpleGrid>
        </>
      )}
    </Paper>
  );
}
