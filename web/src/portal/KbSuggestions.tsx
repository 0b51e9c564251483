import { Anchor, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import DOMPurify from 'dompurify';
import { ApiError, get, post } from '../api/client';

interface Suggestion {
  id: string;
  title: string;
  /** Escaped HTML with the matching words in <mark>. */
  snippet?: string;
}

/** The server's snippet keeps only its <mark> highlighting. */
const marked = (html: string) => DOMPurify.sanitize(html, { ALLOWED_TAGS: ['mark'], ALLOWED_ATTR: [] });

/**
 * Knowledge-base articles that may answer what the requester is typing (from GET /kb/suggest, when the
 * server has a knowledge base); "this solved it" ends there without a request.
 */
export function KbSuggestions({ text, onSolved }: { text: string; onSolved: (id: string) => void }) {
  const { t } = useTranslation();
  const [q] = useDebouncedValue(text.trim(), 400);
  const suggest = useQuery({
    queryKey: ['kb-suggest', q],
    queryFn: async () => {
      try {
        const r = await get<{ items: Suggestion[] }>(`/kb/suggest?limit=5&text=${encodeURIComponent(q)}`);
        return r.items ?? [];
      } catch (e) {
        // No knowledge base on this server (yet): no suggestions.
        if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return [];
        throw e;
      }
    },
    enabled: q.length >= 4,
    staleTime: 60_000,
    retry: false,
  });
  const items = suggest.data ?? [];
  if (!items.length) return null;
  return (
    <Paper withBorder p="md" bg="blue.0" aria-live="polite">
      <Title order={2} size="h5" mb="xs">
        {t('portal.suggestions')}
      </Title>
      <Stack gap="xs">
        {items.slice(0, 5).map((s) => (
          // The button keeps its whole label: on a narrow screen it goes under the article instead.
          <Group key={s.id} justify="space-between" align="start" gap="xs">
            <div style={{ flex: '1 1 16rem', minWidth: 0 }}>
              <Anchor href={`/kb/${s.id}`} target="_blank" fw={600}>
                {s.title}
              </Anchor>
              {s.snippet && <Text size="sm" lineClamp={2} dangerouslySetInnerHTML={{ __html: marked(s.snippet) }} />}
            </div>
            <Button size="xs" variant="light" style={{ flex: 'none' }} onClick={() => {
                // Counted as a request that did not need to be made; the answer itself matters less.
                void post('/kb/deflections', { pageId: s.id, text: q }).catch(() => undefined);
                onSolved(s.id);
              }}>
              {t('portal.solved')}
            </Button>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
