import { Anchor, Badge, Button, Group, NavLink, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import DOMPurify from 'dompurify';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { get } from '../api/client';
import { useMe } from '../api/queries';
import { isStaffRole } from '../api/types';
import { ErrorAlert, Loading } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { spaceName, usePages, useSpaces, type SearchResult } from './kb.api';
import { StatusBadge } from './KbStatus';

const marked = (html: string) => DOMPurify.sanitize(html, { ALLOWED_TAGS: ['mark'], ALLOWED_ATTR: [] });

/** `/kb`: the spaces the reader may see, the pages of one, and search. */
export default function KbHome() {
  const { t, i18n } = useTranslation();
  const me = useMe().data!;
  const [params, setParams] = useSearchParams();
  const spaces = useSpaces();
  const spaceId = params.get('space') ?? spaces.data?.items[0]?.id ?? null;
  const pages = usePages(spaceId);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const results = useQuery({
    queryKey: ['kb', 'search', q],
    queryFn: () => get<{ items: SearchResult[] }>(`/kb/search?kind=page&q=${encodeURIComponent(q)}`),
    enabled: q.length >= 2,
  });
  const staff = isStaffRole(me.role);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('kb.title')}</Title>
        {staff && spaceId && (
          <Button component={Link} to={`/kb/new?space=${spaceId}`}>
            {t('kb.newPage')}
          </Button>
        )}
      </Group>
      <TextInput label={t('kb.search')} type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} maw={480} />
      <ErrorAlert error={spaces.error ?? pages.error ?? results.error} />
      {q.length >= 2 ? (
        <Stack gap="xs" data-testid="kb-results">
          {results.data?.items.length === 0 && <Text c="dimmed">{t('kb.noResults')}</Text>}
          {results.data?.items.map((r) => (
            <Paper key={r.id} withBorder p="sm">
              <Anchor component={Link} to={`/kb/${r.id}`} fw={600} dangerouslySetInnerHTML={{ __html: marked(r.titleHighlight) }} />
              <Text size="sm" dangerouslySetInnerHTML={{ __html: marked(r.snippet) }} />
            </Paper>
          ))}
        </Stack>
      ) : (
        <Group align="start" wrap="wrap" gap="md">
          <Paper withBorder p="xs" w={{ base: '100%', sm: 240 }}>
            <Text size="sm" fw={600} mb={4}>
              {t('kb.spaces')}
            </Text>
            {spaces.data?.items.map((s) => (
              <NavLink key={s.id} label={spaceName(s, i18n.language)} active={s.id === spaceId} onClick={() => setParams({ space: s.id })} description={staff ? t(`kb.visibility.${s.visibility}`) : undefined} />
            ))}
          </Paper>
          <Stack gap="xs" style={{ flex: 1, minWidth: 260 }}>
            {pages.isPending && spaceId ? <Loading /> : null}
            {pages.data?.items.length === 0 && <Text c="dimmed">{t('kb.empty')}</Text>}
            {pages.data?.items.map((p) => (
              // Tags and date go under the title on a phone rather than squeezing the tags to a letter.
              <Group key={p.id} justify="space-between" gap={4}>
                <Anchor component={Link} to={`/kb/${p.id}`}>
                  {p.title}
                </Anchor>
                <Group gap={4} wrap="nowrap">
                  {p.status !== 'published' && <StatusBadge status={p.status} />}
                  {p.tags.slice(0, 3).map((tag) => (
                    <Badge key={tag} size="xs" variant="outline">
                      {tag}
                    </Badge>
                  ))}
                  <Text size="xs" c="dimmed">
                    {dateTime(p.updatedAt, i18n.language)}
                  </Text>
                </Group>
              </Group>
            ))}
          </Stack>
        </Group>
      )}
    </Stack>
  );
}
