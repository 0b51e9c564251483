import { Anchor, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../api/client';
import type { Person } from '../api/types';
import { dateTime } from '../ui/format';
import { OutcomeBadge } from './badges';
import { talkTime, useLookup } from './phone.api';

/** The requester's latest calls (staff only; nothing when they have no phone number or no calls). */
export function RecentCalls({ personId }: { personId: string }) {
  const { t, i18n } = useTranslation();
  const person = useQuery({ queryKey: ['people', 'one', personId], queryFn: () => get<Person>(`/users/${personId}`), retry: false, staleTime: 5 * 60_000 });
  const lookup = useLookup(person.data?.phone);
  const calls = lookup.data?.recentCalls ?? [];
  if (!calls.length) return null;
  return (
    <div data-testid="recent-calls">
      <Text size="sm" mt="xs" fw={600}>
        {t('calls.recent')}
      </Text>
      {calls.map((c) => (
        <Group key={c.id} gap={6} wrap="nowrap">
          <Anchor component={Link} to={`/calls/${c.id}`} size="sm" style={{ whiteSpace: 'nowrap' }}>
            {dateTime(c.startedAt, i18n.language)}
          </Anchor>
          <Text size="xs" c="dimmed" title={t(`calls.dir.${c.direction}`)} aria-label={t(`calls.dir.${c.direction}`)}>
            {c.direction === 'inbound' ? '↙' : '↗'}
          </Text>
          <OutcomeBadge outcome={c.outcome} />
          <Text size="xs" c="dimmed">
            {talkTime(c.talkSeconds)}
          </Text>
        </Group>
      ))}
    </div>
  );
}
