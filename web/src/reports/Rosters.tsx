import { Anchor, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type * as rc from '../../../src/contracts/reports';
import { api, get } from '../api/client';
import { useMe } from '../api/queries';
import { isManagerRole } from '../api/types';
import { NotFound } from '../app/guards';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { FormCard } from '../ui/FormCard';
import { dayName, WEEK, WeekHours, type WeekHoursValue } from '../ui/WeekHours';

type Roster = z.infer<typeof rc.Roster>;

const summary = (week: WeekHoursValue, lang: string) =>
  WEEK.filter((d) => (week[d] ?? []).length)
    .map((d) => `${dayName(d, lang, 'short')} ${(week[d] ?? []).map(([a, b]) => `${a}–${b}`).join(', ')}`)
    .join('; ');

function RosterForm({ roster, onDone }: { roster: Roster; onDone: () => void }) {
  const { t } = useTranslation();
  const [week, setWeek] = useState<WeekHoursValue>(roster.week as WeekHoursValue);
  return (
    <FormCard
      title={t('rosters.editOf', { name: roster.name, tz: roster.timeZone })}
      testId="roster-form"
      invalidate={['rosters', 'staffing']}
      onSubmit={() => api('PUT', `/staffing/rosters/${roster.userId}`, { week })}
      onDone={onDone}
      actions={
        <Button variant="default" onClick={onDone}>
          {t('ticket.cancel')}
        </Button>
      }
    >
      <WeekHours value={week} onChange={setWeek} />
    </FormCard>
  );
}

/** `/rosters?agent=…`: each agent's weekly shifts, which the staffing forecast counts as "on shift". */
export default function Rosters() {
  const { t, i18n } = useTranslation();
  const me = useMe().data!;
  const [params, setParams] = useSearchParams();
  const manager = isManagerRole(me.role);
  const rosters = useQuery({ queryKey: ['rosters'], queryFn: () => get<{ items: Roster[] }>('/staffing/rosters'), enabled: manager });
  if (!manager) return <NotFound />;
  const editing = rosters.data?.items.find((r) => r.userId === params.get('agent'));
  const edit = (id: string) => setParams(id ? { agent: id } : {}, { replace: true });
  return (
    <Stack>
      <Title order={1}>{t('rosters.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('rosters.help')}{' '}
        <Anchor component={Link} to="/reports?view=staffing" size="sm">
          {t('reports.staffing')}
        </Anchor>
      </Text>
      <ErrorAlert error={rosters.error} />
      {rosters.isPending && <Loading />}
      {editing && <RosterForm key={editing.userId} roster={editing} onDone={() => edit('')} />}
      <Paper withBorder p="sm">
        <DataTable
          testId="rosters"
          rows={rosters.data?.items}
          rowKey={(r) => r.userId}
          columns={[
            { key: 'name', label: t('dashboard.agent'), render: (r) => r.name },
            { key: 'line', label: t('ticket.line'), render: (r) => r.line ?? '—', nowrap: true },
            { key: 'week', label: t('rosters.shifts'), render: (r) => summary(r.week as WeekHoursValue, i18n.language) || t('rosters.none') },
            { key: 'updated', label: t('ticket.updated'), render: (r) => (r.updatedAt ? dateTime(r.updatedAt, i18n.language) : '—'), nowrap: true },
            {
              key: 'edit',
              label: t('admin.actions'),
              render: (r) => (
                <Group gap={4}>
                  <Button size="compact-sm" variant="subtle" aria-label={`${t('admin.edit')}: ${r.name}`} onClick={() => edit(r.userId)}>
                    {t('admin.edit')}
                  </Button>
                </Group>
              ),
            },
          ]}
        />
      </Paper>
    </Stack>
  );
}
