import { Anchor, Badge, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useTicketSla } from '../api/queries';
import { dateTime, duration } from '../ui/format';
import { slaColor } from '../ui/sla-left';
import { percent, TimeLeftBadge } from '../ui/time-left';

/** Every clock of the request: target, used, left, deadline, state; the line clock to staff only. */
export function SlaPanel({ ticketId, showLog }: { ticketId: string; showLog: boolean }) {
  const { t, i18n } = useTranslation();
  const sla = useTicketSla(ticketId);
  const clocks = sla.data?.clocks ?? [];
  return (
    <Paper withBorder p="sm" data-testid="sla-panel">
      <Title order={2} size="h5" mb="xs">
        {t('sla.title')}
      </Title>
      {!clocks.length && <Text size="sm" c="dimmed">{t('sla.none')}</Text>}
      {sla.data?.timeLeft && (
        <Group gap={6} mb="xs" wrap="wrap">
          <Text size="sm">{t('timeLeft.label')}:</Text>
          <TimeLeftBadge left={sla.data.timeLeft} />
        </Group>
      )}
      <Stack gap="sm">
        {clocks.map((c) => {
          const target = c.targetMinutes ?? 0;
          const left = c.leftMinutes ?? 0;
          const color = c.breachedAt || c.overdue ? 'red' : c.state === 'stopped' ? 'teal' : slaColor(left, target);
          const pct = target ? Math.min(100, (c.usedMinutes / target) * 100) : 0;
          return (
            <div key={`${c.metric}-${c.line ?? ''}`}>
              <Group justify="space-between" gap={4}>
                <Text size="sm" fw={600}>
                  {t(`metric.${c.metric}`)}
                  {c.metric === 'line' && c.line ? ` (${c.line})` : ''}
                </Text>
                <Badge size="sm" variant="light" color={c.state === 'stopped' ? (c.met === false ? 'red' : 'teal') : c.state === 'paused' ? 'gray' : color}>
                  {c.state === 'stopped' ? (c.met === false ? t('sla.missed') : t('sla.met')) : t(`clockState.${c.state}`)}
                </Badge>
              </Group>
              {target > 0 && <Progress value={pct} color={color} size="sm" mt={4} aria-label={t(`metric.${c.metric}`)} />}
              <Text size="xs" c="dimmed">
                {target > 0
                  ? `${t('sla.target', { time: duration(t, target) })} · ${t('sla.used', { time: duration(t, c.usedMinutes, true) })} (${percent(c.usedMinutes / target, i18n.language)})`
                  : t('sla.none')}
                {c.state === 'running' && target > 0 && (left >= 0 ? ` · ${t('sla.dueIn', { time: duration(t, left) })}` : ` · ${t('sla.overdue', { time: duration(t, -left) })}`)}
              </Text>
              {c.deadline && c.state !== 'stopped' && (
                <Text size="xs" c="dimmed">
                  {t('sla.deadline')}: {dateTime(c.deadline, i18n.language)}
                </Text>
              )}
            </div>
          );
        })}
      </Stack>
      {showLog && (
        <Anchor href={`/api/v1/tickets/${ticketId}/sla/log?format=csv&lang=${i18n.language}`} size="xs" mt="xs" display="block">
          {t('sla.log')}
        </Anchor>
      )}
    </Paper>
  );
}
