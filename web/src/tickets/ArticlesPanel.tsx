import { Anchor, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, del, get, post } from '../api/client';
import { notifyError } from '../ui/feedback';

interface PageRef {
  id: string;
  title: string;
}
interface Related {
  solutions: (PageRef & { linkedAt: string })[];
  articles: PageRef[];
  similarRequests: { id: string; title: string; number?: string }[];
}

/** Knowledge-base articles linked to the request as its solution, and ones that may fit, to link. */
export function ArticlesPanel({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const related = useQuery({ queryKey: ['kb-related', ticketId], queryFn: () => get<Related>(`/kb/requests/${ticketId}/related`), retry: false });
  const [pick, setPick] = useState<string | null>(null);
  if (related.error instanceof ApiError && (related.error.status === 404 || related.error.status === 403)) return null;
  const refresh = () => qc.invalidateQueries({ queryKey: ['kb-related', ticketId] });
  const link = async (pageId: string) => {
    try {
      await post(`/kb/requests/${ticketId}/solutions`, { pageId });
      setPick(null);
    } catch (e) {
      notifyError(t, e);
    }
    await refresh();
  };
  const unlink = async (pageId: string) => {
    try {
      await del(`/kb/requests/${ticketId}/solutions/${pageId}`);
    } catch (e) {
      notifyError(t, e);
    }
    await refresh();
  };
  const r = related.data;
  const linked = new Set(r?.solutions.map((s) => s.id));
  return (
    <Paper withBorder p="sm" data-testid="articles-panel">
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('kb.articles')}
        </Title>
        {r?.solutions.map((s) => (
          <Group key={s.id} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/kb/${s.id}`} size="sm">
              {s.title}
            </Anchor>
            <Button size="compact-xs" variant="subtle" onClick={() => void unlink(s.id)}>
              {t('kb.unlink')}
            </Button>
          </Group>
        ))}
        {!r?.solutions.length && (
          <Text size="sm" c="dimmed">
            {t('kb.noArticles')}
          </Text>
        )}
        {!!r?.articles.length && (
          <Group align="end" gap="xs" wrap="nowrap">
            <Select
              size="xs"
              label={t('kb.suggested')}
              placeholder={t('kb.pick')}
              value={pick}
              onChange={setPick}
              data={r.articles.filter((a) => !linked.has(a.id)).map((a) => ({ value: a.id, label: a.title }))}
              style={{ flex: 1 }}
            />
            <Button size="xs" variant="light" disabled={!pick} onClick={() => pick && void link(pick)}>
              {t('kb.link')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
