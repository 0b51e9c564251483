import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import { Anchor, Button, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { z } from 'zod';
import type * as rc from '../../../src/contracts/reports';
import { get } from '../api/client';
import { useMe } from '../api/queries';
import { isManagerRole } from '../api/types';
import { ErrorAlert, Loading } from '../ui/feedback';
import { Staffing } from './Staffing';

type Report = z.infer<typeof rc.Report>;
const PERIODS = ['week', 'month', 'year', 'custom'] as const;
const DIMENSIONS = ['organization', 'plan', 'line', 'agent', 'category', 'channel', 'type', 'priority'] as const;
const TABLES = ['summary', 'volume', 'breakdown', 'sla', 'lines', 'organizations', 'agents', 'calls'] as const;

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Paper>
  );
}

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);
const mins = (v: number | null) => (v === null ? '—' : v < 120 ? `${Math.round(v)} min` : `${(v / 60).toFixed(1)} h`);
const secs = (v: number | null) => (v === null ? '—' : v < 120 ? `${Math.round(v)} s` : mins(v / 60));

/** The telephone figures of the period: calls in and out, answering, talk time, callbacks of missed calls. */
function Telephone({ calls }: { calls: NonNullable<Report['calls']> }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" data-testid="report-calls">
      <Title order={2} size="h4" mb="sm">
        {t('reports.telephone.title')}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }}>
        <Stat label={t('reports.telephone.inbound')} value={calls.inbound} />
        <Stat label={t('reports.telephone.answered')} value={calls.inboundAnswered} />
        <Stat label={t('reports.telephone.missed')} value={calls.inboundMissed} />
        <Stat label={t('reports.telephone.answerRate')} value={pct(calls.answerRatePct)} />
        <Stat label={t('reports.telephone.answerMedian')} value={secs(calls.answerMedianSeconds)} />
        <Stat label={t('reports.telephone.answerP90')} value={secs(calls.answerP90Seconds)} />
        <Stat label={t('reports.telephone.outbound')} value={calls.outbound} />
        <Stat label={t('reports.telephone.failed')} value={calls.inboundFailed} />
        <Stat label={t('reports.telephone.avgTalk')} value={secs(calls.avgTalkSeconds)} />
        <Stat label={t('reports.telephone.callbacksOpened')} value={calls.callbacksOpened} />
        <Stat label={t('reports.telephone.callbacksCompleted')} value={calls.callbacksCompleted} />
        <Stat label={t('reports.telephone.callbackMedian')} value={mins(calls.callbackMedianMinutes)} />
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="xs">
        {t('reports.telephone.missedHint')}
      </Text>
    </Paper>
  );
}

const isoDay = (d: Date) => new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())).toISOString().slice(0, 10);

/**
 * `/reports?period=month&date=…&by=…` (or `period=custom&from=…&to=…`): the week, month, year or any
 * span of days as charts and tables, with CSV and XLSX downloads.
 */
export default function Reports() {
  const { t, i18n } = useTranslation();
  const me = useMe().data!;
  const [params, setParams] = useSearchParams();
  const period = (params.get('period') as (typeof PERIODS)[number]) ?? 'month';
  const date = params.get('date') ?? '';
  const by = params.get('by') ?? '';
  const view = params.get('view') ?? 'report';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const set = (k: string, v: string) => setMany({ [k]: v });
  const setMany = (change: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  /** Custom starts as the last 30 days, so that the address always names both ends. */
  const choosePeriod = (p: string) => {
    if (p !== 'custom') return setMany({ period: p, from: '', to: '' });
    const end = new Date();
    const start = new Date(end.getFullYear(), end.getMonth(), end.getDate() - 29);
    setMany({ period: p, date: '', from: from || isoDay(start), to: to || isoDay(end) });
  };
  const custom = period === 'custom';
  const query = new URLSearchParams({ period, lang: i18n.language === 'ru' ? 'ru' : 'en' });
  if (custom) {
    if (from) query.set('from', from);
    if (to) query.set('to', to);
  } else if (date) query.set('date', date);
  if (by) query.set('by', by);
  const report = useQuery({ queryKey: ['report', query.toString()], queryFn: () => get<Report>(`/reports?${query}`) });
  const manager = isManagerRole(me.role);
  const r = report.data;
  const download = (format: 'csv' | 'xlsx', table?: string) => {
    const q = new URLSearchParams(query);
    q.set('format', format);
    if (table) q.set('table', table);
    return `/api/v1/reports?${q}`;
  };
  return (
    <Stack>
      <Title order={1}>{t('reports.title')}</Title>
      {manager && (
        <SegmentedControl
          w="fit-content"
          value={view}
          onChange={(v) => set('view', v === 'report' ? '' : v)}
          data={[
            { value: 'report', label: t('reports.title') },
            { value: 'staffing', label: t('reports.staffing') },
          ]}
        />
      )}
      {view === 'staffing' && manager ? (
        <Staffing />
      ) : (
        <>
          <Group align="end" wrap="wrap">
            <SegmentedControl value={period} onChange={choosePeriod} data={PERIODS.map((p) => ({ value: p, label: t(`reports.period.${p}`) }))} aria-label={t('reports.periodLabel')} />
            {custom ? (
              <>
                <TextInput type="date" label={t('reports.from')} value={from} max={to || undefined} onChange={(e) => set('from', e.currentTarget.value)} />
                <TextInput type="date" label={t('reports.to')} value={to} min={from || undefined} onChange={(e) => set('to', e.currentTarget.value)} />
              </>
            ) : (
              <TextInput type="date" label={t('reports.date')} value={date} onChange={(e) => set('date', e.currentTarget.value)} />
            )}
            <Select
              label={t('reports.by')}
              clearable
              value={by || null}
              onChange={(v) => set('by', v ?? '')}
              data={DIMENSIONS.filter((d) => manager || d !== 'agent').map((d) => ({ value: d, label: t(`reports.dimension.${d}`) }))}
            />
            <Button component="a" href={download('xlsx')} download variant="light" data-testid="download-xlsx">
              {t('reports.xlsx')}
            </Button>
          </Group>
          <ErrorAlert error={report.error} />
          {report.isPending && <Loading />}
          {r && (
            <>
              <Text size="sm" c="dimmed" data-testid="report-period">
                {r.period.start} – {r.period.end} ({r.period.timeZone})
              </Text>
              <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }}>
                <Stat label={t('reports.received')} value={r.volume.received} />
                <Stat label={t('reports.resolved')} value={r.volume.resolved} />
                <Stat label={t('reports.reopened')} value={r.volume.reopened} />
                <Stat label={t('reports.backlog')} value={r.volume.backlogAtEnd} />
                <Stat label={t('reports.firstResponseMedian')} value={mins(r.times.firstResponse.medianMinutes)} />
                <Stat label={t('reports.resolvedAtL1')} value={pct(r.escalations.resolvedAtL1Pct)} />
              </SimpleGrid>
              <Paper withBorder p="md">
                <Title order={2} size="h4" mb="sm">
                  {t('reports.volume')}
                </Title>
                <LineChart
                  h={240}
                  data={r.volume.series.map((s) => ({ ...s, label: s.start.slice(0, 10) }))}
                  dataKey="label"
                  withLegend
                  series={[
                    { name: 'received', label: t('reports.received'), color: 'blue.7' },
                    { name: 'resolved', label: t('reports.resolved'), color: 'teal.7' },
                    { name: 'backlog', label: t('reports.backlog'), color: 'orange.7' },
                  ]}
                />
              </Paper>
              {r.volume.breakdown && (
                <Paper withBorder p="md">
                  <Title order={2} size="h4" mb="sm">
                    {t('reports.breakdown', { by: t(`reports.dimension.${r.volume.breakdown.by}`) })}
                  </Title>
                  <BarChart
                    h={Math.max(160, r.volume.breakdown.rows.length * 32)}
                    orientation="vertical"
                    data={r.volume.breakdown.rows}
                    dataKey="label"
                    series={[
                      { name: 'received', label: t('reports.received'), color: 'blue.7' },
                      { name: 'resolved', label: t('reports.resolved'), color: 'teal.7' },
                    ]}
                  />
                </Paper>
              )}
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <Paper withBorder p="md">
                  <Title order={2} size="h4" mb="sm">
                    {t('reports.sla')}
                  </Title>
                  <Table.ScrollContainer minWidth={360}>
                    <Table>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th scope="col">{t('reports.metric')}</Table.Th>
                          <Table.Th scope="col">{t('ticket.priority')}</Table.Th>
                          <Table.Th scope="col">{t('reports.met')}</Table.Th>
                          <Table.Th scope="col">{t('reports.missed')}</Table.Th>
                          <Table.Th scope="col">{t('reports.compliance')}</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {r.sla.targets.map((s) => (
                          <Table.Tr key={`${s.metric}-${s.priority}`}>
                            <Table.Td>{t(`metric.${s.metric}`)}</Table.Td>
                            <Table.Td>{s.priority ?? '—'}</Table.Td>
                            <Table.Td>{s.met}</Table.Td>
                            <Table.Td>{s.missed}</Table.Td>
                            <Table.Td>{pct(s.compliancePct)}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                </Paper>
                <Paper withBorder p="md">
                  <Title order={2} size="h4" mb="sm">
                    {t('reports.lines')}
                  </Title>
                  <Table>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">{t('ticket.line')}</Table.Th>
                        <Table.Th scope="col">{t('reports.requests')}</Table.Th>
                        <Table.Th scope="col">{t('reports.avgTime')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {r.lines.map((l) => (
                        <Table.Tr key={l.line}>
                          <Table.Td>{l.line}</Table.Td>
                          <Table.Td>{l.requests}</Table.Td>
                          <Table.Td>{mins(l.avgMinutesPerRequest)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                  <Text size="sm" mt="xs">
                    {t('reports.escalations', { time: r.escalations.byTime, difficulty: r.escalations.byDifficulty, hand: r.escalations.byHand, dev: r.escalations.handedToDevelopers })}
                  </Text>
                </Paper>
              </SimpleGrid>
              {r.calls && <Telephone calls={r.calls} />}
              <Paper withBorder p="md">
                <Title order={2} size="h4" mb="sm">
                  {t('reports.hours')}
                </Title>
                <Table.ScrollContainer minWidth={480}>
                  <Table>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">{t('ticket.organization')}</Table.Th>
                        <Table.Th scope="col">{t('ticket.plan')}</Table.Th>
                        <Table.Th scope="col">{t('ticket.includedHours')}</Table.Th>
                        <Table.Th scope="col">{t('reports.billable')}</Table.Th>
                        <Table.Th scope="col">{t('reports.overage')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {r.time.organizations.map((o) => (
                        <Table.Tr key={o.organizationId}>
                          <Table.Td>{o.name}</Table.Td>
                          <Table.Td>{o.planName ?? '—'}</Table.Td>
                          <Table.Td>{o.includedHours}</Table.Td>
                          <Table.Td>{o.billableHours}</Table.Td>
                          <Table.Td c={o.overageHours > 0 ? 'red.8' : undefined} fw={o.overageHours > 0 ? 700 : undefined}>
                            {o.overageHours}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Paper>
              <Group gap="xs">
                <Text size="sm">{t('reports.csv')}:</Text>
                {TABLES.filter((x) => manager || x !== 'agents').map((x) => (
                  <Anchor key={x} href={download('csv', x)} size="sm" download>
                    {t(`reports.table.${x}`)}
                  </Anchor>
                ))}
              </Group>
              {r.notes.map((n) => (
                <Text key={n} size="xs" c="dimmed">
                  {n}
                </Text>
              ))}
            </>
          )}
        </>
      )}
    </Stack>
  );
}
