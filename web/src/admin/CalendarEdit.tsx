import { Anchor, Badge, Button, Checkbox, CloseButton, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { NotFound } from '../app/guards';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';
import { DayIntervals, WeekHours, type Interval, type WeekHoursValue } from '../ui/WeekHours';
import { useCalendar, type Calendar } from './admin.api';
import { TIME_ZONES } from './Calendars';

/** A sorted list of dates: pick one and add it, remove any. */
function DateList({ label, value, onChange, testId }: { label: string; value: string[]; onChange: (v: string[]) => void; testId: string }) {
  const { t } = useTranslation();
  const [date, setDate] = useState('');
  const add = () => {
    if (date && !value.includes(date)) onChange([...value, date].sort());
    setDate('');
  };
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Title order={3} size="h6" mb="xs">
        {label}
      </Title>
      <Group align="end" gap="xs" mb="xs">
        <TextInput type="date" label={t('admin.date')} value={date} onChange={(e) => setDate(e.currentTarget.value)} />
        <Button variant="light" onClick={add} disabled={!date} aria-label={`${t('admin.addDate')}: ${label}`}>
          {t('admin.addDate')}
        </Button>
      </Group>
      <Group gap={6}>
        {value.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('common.empty')}
          </Text>
        )}
        {value.map((d) => (
          <Badge
            key={d}
            variant="light"
            data-date={d}
            rightSection={<CloseButton size="xs" aria-label={`${t('admin.remove')}: ${d}`} onClick={() => onChange(value.filter((x) => x !== d))} />}
          >
            {d}
          </Badge>
        ))}
      </Group>
    </Paper>
  );
}

/** Dates with their own hours (a shortened day before a holiday). */
function SpecialDays({ value, onChange }: { value: Record<string, Interval[]>; onChange: (v: Record<string, Interval[]>) => void }) {
  const { t } = useTranslation();
  const [date, setDate] = useState('');
  return (
    <Paper withBorder p="sm">
      <Title order={3} size="h6" mb={4}>
        {t('admin.specialDays')}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('admin.specialDaysHint')}
      </Text>
      <Stack gap="xs">
        {Object.keys(value)
          .sort()
          .map((d) => (
            <Group key={d} gap="sm" wrap="wrap">
              <Text size="sm" w={100} fw={500}>
                {d}
              </Text>
              <DayIntervals label={d} value={value[d] ?? []} onChange={(v) => onChange({ ...value, [d]: v })} />
              <CloseButton
                aria-label={`${t('admin.remove')}: ${d}`}
                onClick={() => {
                  const { [d]: _gone, ...rest } = value;
                  onChange(rest);
                }}
              />
            </Group>
          ))}
        <Group align="end" gap="xs">
          <TextInput type="date" label={t('admin.specialDate')} value={date} onChange={(e) => setDate(e.currentTarget.value)} />
          <Button
            variant="light"
            disabled={!date}
            onClick={() => {
              if (date && !value[date]) onChange({ ...value, [date]: [['09:00', '17:00']] });
              setDate('');
            }}
          >
            {t('admin.addDate')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function CalendarForm({ calendar }: { calendar: Calendar }) {
  const { t } = useTranslation();
  const [name, setName] = useState(calendar.name);
  const [timeZone, setTimeZone] = useState(calendar.timeZone);
  const [alwaysOpen, setAlwaysOpen] = useState(calendar.alwaysOpen);
  const [week, setWeek] = useState<WeekHoursValue>(calendar.week as WeekHoursValue);
  const [holidays, setHolidays] = useState(calendar.holidays);
  const [workingDays, setWorkingDays] = useState(calendar.workingDays);
  const [specialDays, setSpecialDays] = useState<Record<string, Interval[]>>(calendar.specialDays as Record<string, Interval[]>);
  return (
    <FormCard
      testId="calendar-form"
      invalidate={['calendars']}
      onSubmit={() => api('PUT', `/calendars/${calendar.id}`, { name, timeZone, alwaysOpen, week, holidays, workingDays, specialDays })}
    >
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('admin.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Select label={t('profile.timeZone')} searchable value={timeZone} allowDeselect={false} onChange={(v) => v && setTimeZone(v)} data={TIME_ZONES} />
        </SimpleGrid>
        <Checkbox label={t('admin.alwaysOpenLong')} checked={alwaysOpen} onChange={(e) => setAlwaysOpen(e.currentTarget.checked)} />
        <Paper withBorder p="sm">
          <Title order={3} size="h6" mb="xs">
            {t('admin.workingHours')}
          </Title>
          <WeekHours value={week} onChange={setWeek} />
        </Paper>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <DateList label={t('admin.holidays')} value={holidays} onChange={setHolidays} testId="holidays" />
          <DateList label={t('admin.workingDays')} value={workingDays} onChange={setWorkingDays} testId="working-days" />
        </SimpleGrid>
        <SpecialDays value={specialDays} onChange={setSpecialDays} />
      </Stack>
    </FormCard>
  );
}

/** `/admin/calendars/:id`: a calendar's time zone, weekly hours, holidays and special days. */
export default function CalendarEdit() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const calendar = useCalendar(id);
  if (calendar.isPending) return <Loading />;
  if (calendar.error) return (calendar.error as { status?: number }).status === 404 ? <NotFound /> : <ErrorAlert error={calendar.error} />;
  return (
    <Stack>
      <Anchor component={Link} to="/admin/calendars" size="sm">
        ← {t('admin.nav.calendars')}
      </Anchor>
      <Title order={2}>{calendar.data.name}</Title>
      <CalendarForm key={calendar.data.id} calendar={calendar.data} />
    </Stack>
  );
}
