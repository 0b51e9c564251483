import { Anchor, Checkbox, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDeadlines } from '../api/queries';
import type { Ticket } from '../api/types';
import { PriorityBadge, StatusBadge } from '../ui/badges';
import { dateTime } from '../ui/format';
import { pickClock, SlaCountdown } from '../ui/sla';

type Column = 'organization' | 'plan' | 'assignee' | 'line' | 'requester';

/** Rows chosen for bulk work: a checkbox per row and one for all shown. */
export interface RowSelection {
  selected: ReadonlySet<string>;
  toggle(id: string): void;
  setAll(ids: string[], on: boolean): void;
}

/** A list of requests with status, priority and the SLA countdown of each; extra columns for staff. */
export function TicketTable({ items, columns = [], staff = false, planOf, selection }: { items: Ticket[]; columns?: Column[]; staff?: boolean; planOf?: (orgId: string) => string; selection?: RowSelection }) {
  const { t, i18n } = useTranslation();
  const deadlines = useDeadlines(items.map((i) => i.id));
  const byTicket = new Map<string, NonNullable<typeof deadlines.data>['items']>();
  for (const d of deadlines.data?.items ?? []) byTicket.set(d.ticketId, [...(byTicket.get(d.ticketId) ?? []), d]);
  const has = (c: Column) => columns.includes(c);
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="ticket-table">
        <Table.Thead>
          <Table.Tr>
            {selection && (
              <Table.Th w={36}>
                <Checkbox
                  aria-label={t('workspace.selectAll')}
                  checked={items.length > 0 && items.every((i) => selection.selected.has(i.id))}
                  indeterminate={items.some((i) => selection.selected.has(i.id)) && !items.every((i) => selection.selected.has(i.id))}
                  onChange={(e) => selection.setAll(items.map((i) => i.id), e.currentTarget.checked)}
                />
              </Table.Th>
            )}
            <Table.Th scope="col">{t('ticket.number')}</Table.Th>
            <Table.Th scope="col">{t('ticket.subject')}</Table.Th>
            <Table.Th scope="col">{t('ticket.status')}</Table.Th>
            <Table.Th scope="col">{t('ticket.sla')}</Table.Th>
            <Table.Th scope="col">{t('ticket.priority')}</Table.Th>
            {has('organization') && <Table.Th scope="col">{t('ticket.organization')}</Table.Th>}
            {has('plan') && <Table.Th scope="col">{t('ticket.plan')}</Table.Th>}
            {has('requester') && <Table.Th scope="col">{t('ticket.requester')}</Table.Th>}
            {has('line') && <Table.Th scope="col">{t('ticket.line')}</Table.Th>}
            {has('assignee') && <Table.Th scope="col">{t('ticket.assignee')}</Table.Th>}
            <Table.Th scope="col">{t('ticket.updated')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((tk) => (
            <Table.Tr key={tk.id} data-number={tk.number}>
              {selection && (
                <Table.Td>
                  <Checkbox aria-label={t('workspace.selectRow', { number: tk.number })} checked={selection.selected.has(tk.id)} onChange={() => selection.toggle(tk.id)} />
                </Table.Td>
              )}
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Anchor component={Link} to={`/tickets/${tk.number}`} ff="monospace" size="sm">
                  {tk.number}
                </Anchor>
              </Table.Td>
              <Table.Td maw={360}>
                <Anchor component={Link} to={`/tickets/${tk.number}`} c="inherit" size="sm" lineClamp={2}>
                  {tk.subject}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={tk.status} staff={staff} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 150 }}>
                {tk.status === 'resolved' || tk.status === 'closed' ? <Text size="sm" c="dimmed">—</Text> : <SlaCountdown clock={pickClock(byTicket.get(tk.id))} />}
              </Table.Td>
              <Table.Td>
                <PriorityBadge priority={tk.priority} />
              </Table.Td>
              {has('organization') && <Table.Td>{tk.organization.name}</Table.Td>}
              {has('plan') && <Table.Td>{planOf?.(tk.organizationId) ?? '—'}</Table.Td>}
              {has('requester') && <Table.Td>{tk.requester.name}</Table.Td>}
              {has('line') && <Table.Td>{tk.line}</Table.Td>}
              {has('assignee') && <Table.Td>{tk.assignee?.name ?? <Text size="sm" c="dimmed">{t('ticket.unassigned')}</Text>}</Table.Td>}
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {dateTime(tk.updatedAt, i18n.language)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
