import { BarChart } from '@mantine/charts';
import { Anchor, Group, Input, NumberInput, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
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
  const [line, setLine] = useState<Forecast['line']>('L1');
  // Empty: the handling time measured by the time tracker (or the call log).
  const [aht, setAht] = useState<number | string>('');
  const params = new URLSearchParams({ growth: String(growth), source, line: source === 'calls' ? 'L1' : line, ...(Number(aht) > 0 && { ahtMinutes: String(aht) }) });
  const forecast = useQuery({ queryKey: ['staffing', params.toString(), i18n.language], queryFn: () => get<Forecast>(`/reports/staffing?${params}`) });
  const f = forecast.data;
  const dayName = (d: number) => new Date(Date.UTC(2024, 0, 7 + d)).toLocaleDateString(i18n.language === 'ru' ? 'ru-RU' : 'en-GB', { weekday: 'short', timeZone: 'UTC' });
  const num = (v: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(v);
  const hours = (f?.hours ?? []).filter((h) => String(h.weekday) === day || (day === '7' && h.weekday === 0));
  return (
    <Stack>
      <Group align="end">
        {/* A visible label like the fields beside it ("L1 L2 L3" alone does not say what it chooses), the control under it. */}
        <Input.Wrapper label={t('ticket.line')} labelElement="div" id="staffing-line">
          <SegmentedControl
            display="flex"
            value={source === 'calls' ? 'L1' : line}
            onChange={(v) => setLine(v as Forecast['line'])}
            disabled={source === 'calls'}
            data={['L1', 'L2', 'L3']}
            aria-labelledby="staffing-line-label"
          />
        </Input.Wrapper>
        <NumberInput label={t('reports.growth')} value={growth} min={0.1} max={100} step={0.5} decimalScale={1} onChange={(v) => setGrowth(Number(v) || 1)} w={160} />
        <NumberInput
          label={t('forecast.aht')}
          description={f && f.ahtFrom !== 'given' ? (f.ahtMinutes === null ? t('forecast.ahtNone') : t('forecast.ahtMeasured', { minutes: num(f.ahtMinutes) })) : t('forecast.ahtGiven')}
          placeholder={f?.ahtMinutes && f.ahtFrom !== 'given' ? num(f.ahtMinutes) : undefined}
          value={aht}
          min={0.1}
          max={1440}
          decimalScale={1}
          onChange={setAht}
          w={220}
        />
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
