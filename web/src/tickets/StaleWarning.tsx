import { Alert, Button, Group, List, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import { dateTime } from '../ui/format';

/** A timeline entry that arrived after the writer's view, as the server names it in a 409 `ticket_changed`. */
export interface StaleChange {
  id: number;
  kind: 'reply' | 'note' | 'event';
  event: string | null;
  author: string | null;
  createdAt: string;
}

export const staleChanges = (e: ApiError) => ((e.details ?? {}) as { changes?: StaleChange[] }).changes ?? [];

/** The request changed while the reply was written: say what, and let the agent read first or send anyway. */
export function StaleWarning({ changes, onSendAnyway, onReview }: { changes: StaleChange[]; onSendAnyway: () => void; onReview: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const what = (c: StaleChange) => (c.kind === 'event' ? t('stale.event') : t(`stale.${c.kind}`));
  return (
    <Alert color="yellow" title={t('stale.title')} data-testid="stale-warning" role="alert">
      <List size="sm" mb="xs">
        {changes.map((c) => (
          <List.Item key={c.id}>
            <Text span size="sm" fw={600}>
              {c.author ?? t('ticket.system')}
            </Text>{' '}
            {what(c)} · {dateTime(c.createdAt, i18n.language)}
          </List.Item>
        ))}
      </List>
      <Group gap="xs">
        <Button
          size="xs"
          variant="default"
          onClick={() => {
            onReview();
            void qc.invalidateQueries({ predicate: (q) => ['timeline', 'ticket', 'sla'].includes(String(q.queryKey[0])) });
          }}
        >
          {t('stale.review')}
        </Button>
        <Button size="xs" color="yellow.8" onClick={onSendAnyway} data-testid="send-anyway">
          {t('stale.sendAnyway')}
        </Button>
      </Group>
    </Alert>
  );
}
