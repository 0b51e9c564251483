import { ActionIcon, Anchor, Button, Group, Indicator, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { z } from 'zod';
import type * as nc from '../../../src/contracts/notifications';
import { get, post } from '../api/client';
import { dateTime } from '../ui/format';

type FeedPage = z.infer<typeof nc.FeedPage>;

/** The in-app notices: unread count on a bell, the latest in a popover, read on click. */
export function Bell() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const unread = useQuery({ queryKey: ['notifications', 'unread'], queryFn: () => get<{ count: number }>('/notifications/unread-count'), retry: false, refetchInterval: 60_000 });
  const feed = useQuery({ queryKey: ['notifications', 'feed'], queryFn: () => get<FeedPage>('/notifications?limit=15'), retry: false, enabled: false });
  if (unread.error) return null;
  const count = unread.data?.count ?? 0;
  const refresh = () => qc.invalidateQueries({ queryKey: ['notifications'] });
  const label = t('notices.title', { count });
  return (
    <Popover position="bottom-end" width={340} onOpen={() => void feed.refetch()}>
      <Popover.Target>
        <Indicator disabled={!count} label={count > 99 ? '99+' : count} size={16} color="red.8">
          <ActionIcon variant="subtle" size="lg" aria-label={label} title={label}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
              <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
              <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
            </svg>
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown>
        <Group justify="space-between" mb="xs">
          <Text fw={600} size="sm">
            {t('notices.heading')}
          </Text>
          {count > 0 && (
            <Button size="compact-xs" variant="subtle" onClick={() => void post('/notifications/read-all').then(refresh)}>
              {t('notices.readAll')}
            </Button>
          )}
        </Group>
        <ScrollArea.Autosize mah={360}>
          <Stack gap="xs">
            {feed.data?.items.length === 0 && <Text size="sm" c="dimmed">{t('notices.none')}</Text>}
            {feed.data?.items.map((n) => {
              const to = n.link ? new URL(n.link, window.location.origin).pathname : null;
              return (
                <div key={n.id} style={{ opacity: n.readAt ? 0.75 : 1 }}>
                  {to ? (
                    <Anchor component={Link} to={to} size="sm" fw={n.readAt ? 400 : 600} onClick={() => void post(`/notifications/${n.id}/read`).then(refresh)}>
                      {n.title}
                    </Anchor>
                  ) : (
                    <Text size="sm" fw={600}>
                      {n.title}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed">
                    {dateTime(n.createdAt, i18n.language)}
                  </Text>
                </div>
              );
            })}
          </Stack>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
