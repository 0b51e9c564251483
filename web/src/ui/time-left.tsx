import { Badge, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { NextBreach } from '../api/types';
import { dateTime, duration } from './format';
import { slaColor } from './sla-left';

export type TimeLeft = NonNullable<NextBreach['timeLeft']>;

/** A share as the reader writes it: "75%" or "71,4 %". */
export const percent = (share: number, lang: string) =>
  new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(share);

/**
 * The one "time left" of a request, as the server computes it for the queue, the request page and
 * the dashboard alike: business time left on the clock due first, which clock, the due instant on hover.
 */
export function TimeLeftBadge({ left }: { left: TimeLeft | null | undefined }) {
  const { t, i18n } = useTranslation();
  if (!left) return <Text size="sm" c="dimmed">—</Text>;
  const clock = t(`timeLeft.clock.${left.metric}`, { line: left.line ?? '' });
  const label =
    left.state === 'paused'
      ? t('timeLeft.paused', { clock })
      : left.leftMinutes >= 0
        ? t('timeLeft.left', { time: duration(t, left.leftMinutes), clock })
        : t('timeLeft.overdue', { time: duration(t, -left.leftMinutes), clock });
  const color = left.state === 'paused' ? 'gray' : left.breached ? 'red' : slaColor(left.leftMinutes, left.targetMinutes);
  return (
    <Badge
      tt="none"
      color={color}
      variant={color === 'green' || color === 'gray' ? 'light' : 'filled'}
      data-testid="time-left"
      data-sla={color}
      title={left.dueAt ? t('timeLeft.due', { when: dateTime(left.dueAt, i18n.language) }) : undefined}
      style={{ maxWidth: '100%' }}
    >
      {label}
    </Badge>
  );
}
