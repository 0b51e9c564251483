import { Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useTicketSla } from '../api/queries';
import type { SlaClock } from '../api/types';
import { dateTime } from '../ui/format';

/** Working time in words: whole hours as hours, anything else as minutes ("4 working hours"). */
const workingTime = (t: TFunction, minutes: number) =>
  minutes === 60 ? t('clientSla.hour') : minutes % 60 === 0 ? t('clientSla.hours', { count: minutes / 60 }) : t('clientSla.minutes', { count: minutes });

/** What the requester reads about one clock: the promise while it runs, the outcome when it stopped. */
function promise(t: TFunction, c: SlaClock): string | null {
  const target = c.targetMinutes;
  if (c.state === 'stopped') return c.met === false ? null : t(`clientSla.done.${c.metric}`);
  if (c.breachedAt || c.overdue) return t('clientSla.late');
  if (c.state === 'paused') return t('clientSla.paused');
  return target ? t(`clientSla.within.${c.metric}`, { time: workingTime(t, target) }) : null;
}

/**
 * The service levels as the client's people read them: "we answer within 4 working hours", and by
 * when. The IT manager also gets the clocks' log, in their language (`showLog`).
 */
export function ClientSla({ ticketId, showLog = false }: { ticketId: string; showLog?: boolean }) {
  const { t, i18n } = useTranslation();
  const sla = useTicketSla(ticketId);
  // The line's own clock is the desk's internal business.
  const lines = (sla.data?.clocks ?? []).filter((c) => c.metric !== 'line').map((c) => ({ c, text: promise(t, c) }));
  // Two clocks paused (or late) read the same: said once.
  const shown = lines.filter((l, i) => l.text && lines.findIndex((m) => m.text === l.text) === i);
  if (!shown.length) return null;
  return (
    <Paper withBorder p="sm" data-testid="client-sla">
      <Title order={2} size="h5" mb="xs">
        {t('clientSla.title')}
      </Title>
      <Stack gap={6}>
        {shown.map(({ c, text }) => (
          <div key={c.metric}>
            <Text size="sm">{text}</Text>
            {c.deadline && c.state === 'running' && !c.overdue && (
              <Text size="xs" c="dimmed">
                {t('clientSla.by', { when: dateTime(c.deadline, i18n.language) })}
              </Text>
            )}
          </div>
        ))}
      </Stack>
      {showLog && (
        <Anchor href={`/api/v1/tickets/${ticketId}/sla/log?format=csv&lang=${i18n.language}`} size="xs" mt="xs" display="block">
          {t('sla.log')}
        </Anchor>
      )}
    </Paper>
  );
}
