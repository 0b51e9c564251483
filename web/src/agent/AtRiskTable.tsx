import { Anchor, Select, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useOrganizations, useStaff } from '../api/queries';
import type { NextBreach, Priority } from '../api/types';
import { PriorityBadge } from '../ui/badges';
import { TimeLeftBadge } from '../ui/time-left';

/** Requests whose clocks run out soonest (or have run out), from GET /sla/next-breaches. */
export function AtRiskTable({ items, onReassign }: { items: NextBreach[]; onReassign?: (ticketId: string, assigneeId: string | null) => void }) {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  const staff = useStaff();
  const orgName = (id: string) => orgs.data?.items.find((o) => o.id === id)?.name ?? '';
  const people = (staff.data?.items ?? []).filter((p) => p.active);
  const personName = (id: string | null) => (id ? (people.find((p) => p.id === id)?.name ?? '') : '');
  // One row per request: the clock that runs out first (the list is soonest first).
  const rows = items.filter((b, i) => items.findIndex((x) => x.ticketId === b.ticketId) === i);
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped verticalSpacing="xs" data-testid="at-risk-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('ticket.number')}</Table.Th>
            <Table.Th scope="col">{t('ticket.subject')}</Table.Th>
            <Table.Th scope="col">{t('ticket.priority')}</Table.Th>
            <Table.Th scope="col">{t('ticket.organization')}</Table.Th>
            <Table.Th scope="col">{t('ticket.line')}</Table.Th>
            <Table.Th scope="col">{t('ticket.assignee')}</Table.Th>
            <Table.Th scope="col">{t('ticket.sla')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((b) => (
            <Table.Tr key={`${b.ticketId}-${b.metric}`} data-number={b.number}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Anchor component={Link} to={`/tickets/${b.number}`} ff="monospace" size="sm">
                  {b.number}
                </Anchor>
              </Table.Td>
              <Table.Td maw={320}>
                <Text size="sm" lineClamp={2}>
                  {b.subject}
                </Text>
              </Table.Td>
              <Table.Td>
                <PriorityBadge priority={b.priority as Priority} />
              </Table.Td>
              <Table.Td>{orgName(b.organizationId)}</Table.Td>
              <Table.Td>{b.line}</Table.Td>
              <Table.Td miw={180}>
                {onReassign ? (
                  <Select
                    size="xs"
                    aria-label={`${t('dashboard.reassign')} ${b.number}`}
                    value={b.assigneeId}
                    placeholder={t('ticket.unassigned')}
                    clearable
                    searchable
                    data={people.map((p) => ({ value: p.id, label: p.line ? `${p.name} (${p.line})` : p.name }))}
                    onChange={(v) => v !== b.assigneeId && onReassign(b.ticketId, v)}
                  />
                ) : (
                  personName(b.assigneeId) || <Text size="sm" c="dimmed">{t('ticket.unassigned')}</Text>
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 150 }}>
                {/* The request's one time left (business time, the clock due first), as in the queue and on its page. */}
                <TimeLeftBadge left={b.timeLeft} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
