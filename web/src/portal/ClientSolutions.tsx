import { Anchor, Paper, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../api/client';

/** The articles staff linked to the request as its solution, as far as the requester may read them (the server filters). */
export function ClientSolutions({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const solutions = useQuery({
    queryKey: ['kb-solutions', ticketId],
    queryFn: () => get<{ items: { id: string; title: string }[] }>(`/kb/requests/${ticketId}/solutions`),
  });
  const items = solutions.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Paper withBorder p="sm" data-testid="client-solutions">
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('portalArticles.title')}
        </Title>
        {items.map((s) => (
          <Anchor key={s.id} component={Link} to={`/kb/${s.id}`} size="sm">
            {s.title}
          </Anchor>
        ))}
      </Stack>
    </Paper>
  );
}
