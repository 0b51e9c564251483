import { Anchor, Badge, Button, Checkbox, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { get } from '../api/client';
import { useMe } from '../api/queries';
import { isStaffRole } from '../api/types';
import { ErrorAlert, Loading } from '../ui/feedback';
import type { CalendarEntry } from './changes.api';
import { ApprovalBadge } from './ChangeDetails';

const DAY = 86_400_000;
/** Monday 00:00 local of the week holding `d`. */
function weekStart(d: Date) {
  const x = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  x.setDate(x.getDate() - ((x.getDay() + 6) % 7));
  return x;
}
const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * `/changes/calendar`: the change windows of four weeks, day by day — approved ones, and pending
 * ones on request. Staff see every client's; a client's IT manager their own organization's.
 */
export default function ChangeCalendar() {
  const { t, i18n } = useTranslation();
  const staff = isStaffRole(useMe().data!.role);
  const [params, setParams] = useSearchParams();
  const start = params.get('week') ? weekStart(new Date(`${params.get('week')}T00:00:00`)) : weekStart(new Date());
  const end = new Date(start.getTime() + 28 * DAY + 2 * 3_600_000);
  end.setHours(0, 0, 0, 0);
  const includePending = params.get('pending') === '1';
  const q = `from=${start.toISOString()}&to=${end.toISOString()}${includePending ? '&includePending=true' : ''}`;
  const entries = useQuery({ queryKey: ['change-calendar', q], queryFn: () => get<{ items: CalendarEntry[] }>(`/changes/calendar?${q}`), placeholderData: keepPreviousData });
  const move = (weeks: number) => {
    const next = new Date(start.getTime() + weeks * 7 * DAY + 2 * 3_600_000);
    setParams({ week: isoDay(weekStart(next)), ...(includePending && { pending: '1' }) });
  };
  const locale = i18n.language === 'ru' ? 'ru-RU' : 'en-GB';
  const dayLabel = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const days: Date[] = [];
  for (let d = new Date(start); d < end; d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1)) days.push(d);
  const items = entries.data?.items ?? [];
  const onDay = (d: Date) => {
    const from = d.getTime();
    const to = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    return items.filter((e) => Date.parse(e.windowStart) < to && Date.parse(e.windowEnd) > from);
  };
  const busyDays = days.filter((d) => onDay(d).length > 0);
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('changes.calendarTitle')}</Title>
        {staff && (
          <Button component={Link} to="/changes/new">
            {t('changes.newTitle')}
          </Button>
        )}
      </Group>
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Button variant="default" onClick={() => move(-4)} aria-label={t('changes.earlier')}>
            ←
          </Button>
          <Button variant="default" onClick={() => setParams(includePending ? { pending: '1' } : {})}>
            {t('changes.today')}
          </Button>
          <Button variant="default" onClick={() => move(4)} aria-label={t('changes.later')}>
            →
          </Button>
          <Text fw={500}>
            {dayLabel.format(start)} – {dayLabel.format(new Date(end.getTime() - DAY))}
          </Text>
        </Group>
        <Checkbox label={t('changes.showPending')} checked={includePending} onChange={(e) => setParams({ week: isoDay(start), ...(e.currentTarget.checked && { pending: '1' }) })} />
      </Group>
      <ErrorAlert error={entries.error} />
      {entries.isPending ? (
        <Loading />
      ) : busyDays.length === 0 ? (
        <Text c="dimmed">{t('changes.calendarEmpty')}</Text>
      ) : (
        <Stack gap="sm" data-testid="change-calendar">
          {busyDays.map((d) => (
            <Paper key={d.toISOString()} withBorder p="sm">
              <Title order={2} size="h5" mb={6}>
                {dayLabel.format(d)}
              </Title>
              <Stack gap={6}>
                {onDay(d).map((e) => (
                  <Group key={e.ticketId} gap="xs" wrap="wrap" data-testid="calendar-entry">
                    <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                      {time.format(new Date(e.windowStart))}–{time.format(new Date(e.windowEnd))}
                    </Text>
                    <Anchor component={Link} to={`/tickets/${e.number}`} size="sm">
                      {e.number}
                    </Anchor>
                    <Text size="sm" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                      {e.subject}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {e.organizationName}
                    </Text>
                    <Badge variant="outline" size="sm">
                      {t('changes.riskIs', { risk: t(`changes.riskLevel.${e.risk}`) })}
                    </Badge>
                    {e.approvalState !== 'approved' && <ApprovalBadge state={e.approvalState} />}
                  </Group>
                ))}
              </Stack>
            </Paper>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
