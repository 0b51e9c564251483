import { Anchor, Badge, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { post } from '../api/client';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';
import { dayName, WEEK } from '../ui/WeekHours';
import { useCalendars, type Calendar } from './admin.api';

/** Every time-zone name the browser knows, for pickers. */
export const TIME_ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Europe/Moscow'];
  }
})();

const NINE_TO_SIX: [string, string][] = [['09:00', '18:00']];

/** "Mon–Fri 09:00–18:00"-like summary of a calendar's week. */
function weekSummary(c: Calendar, lang: string) {
  return WEEK.filter((d) => (c.week[d] ?? []).length)
    .map((d) => `${dayName(d, lang, 'short')} ${(c.week[d] ?? []).map(([a, b]) => `${a}–${b}`).join(', ')}`)
    .join('; ');
}

function AddCalendar() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [timeZone, setTimeZone] = useState<string>('Europe/Moscow');
  return (
    <FormCard
      inline
      title={t('admin.addCalendar')}
      submitLabel={t('admin.add')}
      okMessage={t('admin.added')}
      invalidate={['calendars']}
      onSubmit={() => post<Calendar>('/calendars', { name, timeZone, week: { mon: NINE_TO_SIX, tue: NINE_TO_SIX, wed: NINE_TO_SIX, thu: NINE_TO_SIX, fri: NINE_TO_SIX } })}
      onDone={(c) => navigate(`/admin/calendars/${(c as Calendar).id}`)}
    >
      <TextInput label={t('admin.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <Select label={t('profile.timeZone')} searchable value={timeZone} allowDeselect={false} onChange={(v) => v && setTimeZone(v)} data={TIME_ZONES} />
    </FormCard>
  );
}

/** `/admin/calendars`: the business calendars SLA clocks run on. */
export default function Calendars() {
  const { t, i18n } = useTranslation();
  const calendars = useCalendars();
  return (
    <>
      <AddCalendar />
      <ErrorAlert error={calendars.error} />
      <DataTable
        testId="calendars"
        rows={calendars.data?.items}
        rowKey={(c) => c.id}
        columns={[
          {
            key: 'name',
            label: t('admin.name'),
            render: (c) => (
              <Anchor component={Link} to={`/admin/calendars/${c.id}`}>
                {c.name}
              </Anchor>
            ),
          },
          { key: 'tz', label: t('profile.timeZone'), render: (c) => c.timeZone, nowrap: true },
          { key: 'week', label: t('admin.workingHours'), render: (c) => (c.alwaysOpen ? <Badge variant="light">{t('admin.alwaysOpen')}</Badge> : weekSummary(c, i18n.language) || '—') },
          { key: 'holidays', label: t('admin.holidays'), render: (c) => c.holidays.length, nowrap: true },
        ]}
      />
    </>
  );
}
