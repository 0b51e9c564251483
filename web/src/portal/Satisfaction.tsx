import { Button, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type * as nt from '../../../src/contracts/notifications';
import { api, get } from '../api/client';
import { ErrorAlert } from '../ui/feedback';
import { useSubmit } from '../ui/FormCard';

type Rating = z.infer<typeof nt.Satisfaction>;
const SCORES = ['1', '2', '3', '4', '5'];

function RatingForm({ ticketId, saved }: { ticketId: string; saved: Rating | null }) {
  const { t } = useTranslation();
  const [rating, setRating] = useState(saved ? String(saved.rating) : '');
  const [comment, setComment] = useState(saved?.comment ?? '');
  const [editing, setEditing] = useState(!saved);
  const { run, error, busy } = useSubmit(['satisfaction']);
  if (saved && !editing)
    return (
      <Stack gap={4} data-testid="satisfaction-saved">
        <Text size="sm">{t('rating.yours', { rating: saved.rating })}</Text>
        {saved.comment && (
          <Text size="sm" c="dimmed" className="prewrap">
            {saved.comment}
          </Text>
        )}
        <Button size="compact-sm" variant="subtle" w="fit-content" onClick={() => setEditing(true)}>
          {t('rating.change')}
        </Button>
      </Stack>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => api('PUT', `/tickets/${ticketId}/satisfaction`, { rating: Number(rating), comment: comment.trim() || null }), t('rating.thanks')).then((r) => r.ok && setEditing(false));
      }}
    >
      <Stack gap="xs">
        <ErrorAlert error={error} />
        <Text size="sm" id="rating-label">
          {t('rating.question')}
        </Text>
        <SegmentedControl aria-labelledby="rating-label" value={rating} onChange={setRating} data={SCORES.map((s) => ({ value: s, label: s }))} />
        <Text size="xs" c="dimmed">
          {t('rating.scale')}
        </Text>
        <Textarea label={t('rating.comment')} value={comment} onChange={(e) => setComment(e.currentTarget.value)} autosize minRows={2} maxLength={4000} />
        <Button type="submit" loading={busy} disabled={!rating} w="fit-content">
          {t('rating.send')}
        </Button>
      </Stack>
    </form>
  );
}

/** The requester rates the solution of their resolved request, 1 to 5 with a comment, and may change it. */
export function SatisfactionPanel({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const current = useQuery({ queryKey: ['satisfaction', ticketId], queryFn: () => get<{ satisfaction: Rating | null }>(`/tickets/${ticketId}/satisfaction`) });
  return (
    <Paper withBorder p="sm" data-testid="satisfaction">
      <Title order={2} size="h5" mb="xs">
        {t('rating.title')}
      </Title>
      <ErrorAlert error={current.error} />
      {current.data && <RatingForm key={current.data.satisfaction?.updatedAt ?? 'new'} ticketId={ticketId} saved={current.data.satisfaction} />}
    </Paper>
  );
}
