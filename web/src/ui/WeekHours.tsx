import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type Interval = [string, string];
export const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof WEEK)[number];
export type WeekHoursValue = Partial<Record<Day, Interval[]>>;

/** The working intervals of one day ("09:00"–"18:00", "24:00" is the end of the day), added and removed one by one. */
export function DayIntervals({ label, value, onChange }: { label: string; value: Interval[]; onChange: (v: Interval[]) => void }) {
  const { t } = useTranslation();
  const set = (i: number, k: 0 | 1, v: string) => onChange(value.map((iv, j) => (j === i ? ((k === 0 ? [v, iv[1]] : [iv[0], v]) as Interval) : iv)));
  return (
    <Group gap="xs" wrap="wrap" align="center">
      {value.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('hours.closed')}
        </Text>
      )}
      {value.map(([from, to], i) => (
        <Group key={i} gap={4} wrap="nowrap">
          <TextInput aria-label={t('hours.from', { day: label, n: i + 1 })} value={from} onChange={(e) => set(i, 0, e.currentTarget.value)} w={72} placeholder="09:00" size="xs" />
          <Text size="sm" aria-hidden>
            –
          </Text>
          <TextInput aria-label={t('hours.to', { day: label, n: i + 1 })} value={to} onChange={(e) => set(i, 1, e.currentTarget.value)} w={72} placeholder="18:00" size="xs" />
          <ActionIcon variant="subtle" color="gray" aria-label={t('hours.remove', { day: label, n: i + 1 })} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            ×
          </ActionIcon>
        </Group>
      ))}
      <Button
        size="compact-xs"
        variant="light"
        aria-label={t('hours.addTo', { day: label })}
        onClick={() => onChange([...value, value.length ? [value[value.length - 1]![1], '24:00'] : ['09:00', '18:00']])}
      >
        {t('hours.add')}
      </Button>
    </Group>
  );
}

/** The name of a weekday in the interface language ("Mon" / "пн"). */
export const dayName = (d: Day, lang: string, width: 'short' | 'long' = 'long') =>
  // 2024-01-01 was a Monday.
  new Date(Date.UTC(2024, 0, 1 + WEEK.indexOf(d))).toLocaleDateString(lang === 'ru' ? 'ru-RU' : 'en-GB', { weekday: width, timeZone: 'UTC' });

/** Working hours for each weekday of a week: a calendar's, or an agent's roster. */
export function WeekHours({ value, onChange }: { value: WeekHoursValue; onChange: (v: WeekHoursValue) => void }) {
  const { i18n } = useTranslation();
  return (
    <Stack gap="xs">
      {WEEK.map((d) => (
        <Group key={d} gap="sm" wrap="wrap" align="center">
          <Text size="sm" w={110} fw={500} style={{ flexShrink: 0 }}>
            {dayName(d, i18n.language)}
          </Text>
          <DayIntervals label={dayName(d, i18n.language)} value={value[d] ?? []} onChange={(v) => onChange({ ...value, [d]: v })} />
        </Group>
      ))}
    </Stack>
  );
}
