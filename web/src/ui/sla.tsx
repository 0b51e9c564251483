import { Badge, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DeadlineRow } from '../api/types';
import { duration, useNow } from './format';
import { slaColor } from './sla-left';

/** The clock of a request that matters now: the running one soonest due, else a paused or stopped one. */
export function pickClock(rows: DeadlineRow[] | undefined): DeadlineRow | undefined {
  const clocks = (rows ?? []).filter((r) => r.metric !== 'line');
  const running = clocks.filter((r) => r.state === 'running' && r.deadline).sort((a, b) => a.deadline!.localeCompare(b.deadline!));
  return running[0] ?? clocks.find((r) => r.state === 'paused') ?? clocks.find((r) => r.metric === 'resolution');
}

/**
 * The SLA countdown of a list row: time left of the running clock (wall-clock time to its deadline),
 * amber and red as the target is used up; paused, met or missed once it no longer runs.
 */
export function SlaCountdown({ clock }: { clock: DeadlineRow | undefined }) {
  const { t } = useTranslation();
  const now = useNow();
  if (!clock) return <Text size="sm" c="dimmed">—</Text>;
  if (clock.state === 'paused') return <Badge color="gray" variant="outline">{t('sla.paused')}</Badge>;
  if (clock.state === 'stopped')
    return clock.met === false || clock.breachedAt ? <Badge color="red" variant="outline">{t('sla.missed')}</Badge> : <Badge color="teal" variant="outline">{t('sla.met')}</Badge>;
  if (!clock.deadline) return <Text size="sm" c="dimmed">{t('sla.none')}</Text>;
  const left = (new Date(clock.deadline).getTime() - now) / 60_000;
  const color = clock.breachedAt ? 'red' : slaColor(left, clock.targetMinutes);
  const label = left > 0 ? t('sla.dueIn', { time: duration(t, left) }) : t('sla.overdue', { time: duration(t, -left) });
  return (
    <Badge tt="none" color={color} variant={color === 'green' ? 'light' : 'filled'} data-sla={color} title={`${t(`metric.${clock.metric}`)}: ${label}`}>
      {label}
    </Badge>
  );
}
