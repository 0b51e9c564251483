import { BarChart } from '@mantine/charts';
import { Anchor, Group, NumberInput, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { z } from 'zod';
import type * as rc from '../../../src/contracts/reports';
import { get } from '../api/client';
import { ErrorAlert, Loading } from '../ui/feedback';

type Forecast = z.infer<typeof rc.Staffing>;
const DAYS = [1, 2, 3, 4, 5, 6, 0];

/** The staffing forecast: L1 agents needed per hour of next week (Erlang C) against those on shift. */
export function Staffing() {
  const { t, i18n } = useTranslation();
  const [growth, setGrowth] = useState<number>(1);
  const [source, setSource] = useState<Forecast['source']>('requests');
  const [day, setDay] = useState('1');
  const forecast = useQuery({ queryKey: ['staffing', growth, source], queryFn: () => get<Forecast>(`/reports/staffing?growth=${growth}&source=${source}`) });
  const f = forecast.data;
  const dayName = (d: number) => new Date(Date.UTC(2024, 0, 7 + d)).toLocaleDateString(i18n.language === 'ru' ? 'ru-RU' : 'en-GB', { weekday: 'short', timeZone: 'UTC' });
  const hours = (f?.hours ?? []).filter((h) => String(h.weekday) === day || (day === '7' && h.weekday === 0));
  return (
    <Stack>
      <Group align="end">
        <NumberInput label={t('reports.growth')} value={growth} min={0.1} max={100} step={0.5} decimalScale={1} onChange={(v) => setGrowth(Number(v) || 1)} w={160} />
        <SegmentedControl
          value={source}
          onChange={(v) => setSource(v as Forecast['source'])}
          data={[
            { value: 'requests', label: t('reports.sourceRequests') },
            { value: 'calls', label: t('reports.sourceCalls') },
          ]}
          aria-label={t('reports.source')}
        />
        <SegmentedControl value={day} onChange={setDay} data={DAYS.map((d) => ({ value: String(d), label: dayName(d) }))} aria-label={t('reports.weekday')} />
        <Anchor component={Link} to="/rosters" size="sm">
          {t('rosters.title')}
        </Anchor>
      </Group>
      <ErrorAlert error={forecast.error} />
      {forecast.isPending && <Loading />}
      {f && (
        <Paper withBorder p="md">
          <Title order={2} size="h4">
            {t('reports.staffingWeek', { week: f.weekStart, line: f.line })}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {t('reports.staffingSummary', { peak: f.summary.peakNeeded, short: f.summary.hoursShort, gap: f.summary.largestGap })}
          </Text>
          <BarChart
            h={260}
            data={hours.map((h) => ({ hour: `${String(h.hour).padStart(2, '0')}:00`, needed: h.agentsNeeded ?? 0, onShift: h.agentsOnShift }))}
            dataKey="hour"
            withLegend
            series={[
              { name: 'needed', label: t('reports.needed'), color: 'orange.7' },
              { name: 'onShift', label: t('reports.onShift'), color: 'blue.7' },
            ]}
          />
          {f.notes.map((n) => (
            <Text key={n} size="xs" c="dimmed">
              {n}
            </Text>
          ))}
        </Paper>
      )}
    </Stack>
  );
}
