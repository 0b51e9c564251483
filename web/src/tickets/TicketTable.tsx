import { Anchor, Badge, Checkbox, Group, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { ListedTicket, SlaLeft } from '../api/types';
import { PriorityBadge, StatusBadge } from '../ui/badges';
import { dateTime } from '../ui/format';
import { slaLeftText } from '../ui/sla-left';

export type Column =
  | 'number'
  | 'subject'
  | 'status'
  | 'priority'
  | 'sla'
  | 'l1Budget'
  | 'requester'
  | 'organization'
  | 'plan'
  | 'line'
  | 'group'
  | 'assignee'
  | 'channel'
  | 'updated'
  | 'created';

const BASE: Column[] = ['number', 'subject', 'status', 'sla', 'priority'];
/** Columns shown in one cell, the second under the first, when they come in this order. */
const PAIRS: [Column, Column][] = [
  ['status', 'priority'],
  ['requester', 'organization'],
];
/** Columns whose cells never wrap (badges, numbers, dates). */
const BADGES: Column[] = ['number', 'status', 'priority', 'sla', 'l1Budget', 'line', 'updated', 'created'];
/** The sort each sortable column's header asks for. */
const SORT_OF: Partial<Record<Column, string>> = {
  number: '-number',
  sla: 'due',
  updated: '-updated',
  created: '-created',
};

/** The time left on a request's clock due first, with the clock named under it (unless the column says it); the due instant on hover. */
export function SlaLeftBadge({ left, named = true }: { left: SlaLeft | null | undefined; named?: boolean }) {
  const { t, i18n } = useTranslation();
  if (!left) return <Text size="sm" c="dimmed">—</Text>;
  const { clock, label, color } = slaLeftText(t, left);
  return (
    <Stack gap={2} align="flex-start" title={left.dueAt ? t('queue.dueAt', { clock, at: dateTime(left.dueAt, i18n.language) }) : clock}>
      <Badge tt="none" miw="max-content" color={color} variant={color === 'green' || color === 'gray' ? 'light' : 'filled'} data-sla={color} data-metric={left.metric} data-due={left.dueAt ?? undefined}>
        {label}
      </Badge>
      {named && (
        <Text size="xs" c="dimmed" data-clock={left.metric}>
          {clock}
        </Text>
      )}
    </Stack>
  );
}

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

export interface TicketTableProps {
  items: ListedTicket[];
  /** Extra columns after the base ones (number, subject, status, SLA, priority). */
  columns?: Column[];
  /** Exactly these columns, in this order (a queue's chosen columns); overrides `columns`. */
  show?: Column[];
  staff?: boolean;
  planOf?: (orgId: string) => string;
  groupOf?: (groupId: string) => string;
  /** The list's sort; with `onSort`, the headers of sortable columns sort by them. */
  sort?: string;
  onSort?: (sort: string) => void;
  /** Row checkboxes and x to select; the selection is reported through `onSelectionChange`. */
  selectable?: boolean;
  /** The selected request ids when the parent keeps them (controlled). */
  selected?: string[];
  onSelectionChange?: (ids: string[]) => void;
  /** Shown above the table while something is selected, instead of the bare count: the bulk actions. */
  bulkBar?: ReactNode;
  /** j / k move, Enter opens, x selects. */
  keyboard?: boolean;
}

/** A list of requests with status, priority and SLA time left; chosen columns, sortable headers, selection, keys. */
export function TicketTable({
  items,
  columns = [],
  show,
  staff = false,
  planOf,
  groupOf,
  sort,
  onSort,
  selectable = false,
  selected,
  onSelectionChange,
  bulkBar,
  keyboard = false,
}: TicketTableProps) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const cols = show ?? [...BASE, ...columns, 'updated'];
  const [own, setOwn] = useState<string[]>([]);
  const chosen = selected ?? own;
  const [active, setActive] = useState(-1);
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);

  const setChosen = (ids: string[]) => {
    if (!selected) setOwn(ids);
    onSelectionChange?.(ids);
  };
  const toggle = (id: string) =>
    setChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);

  // Rows that left the list (a filter changed) leave the selection too.
  const ids = items.map((i) => i.id).join(',');
  useEffect(() => {
    const present = new Set(ids.split(','));
    if (chosen.some((id) => !present.has(id))) setChosen(chosen.filter((id) => present.has(id)));
    setActive((a) => Math.min(a, items.length - 1));
  }, [ids]);

  useEffect(() => {
    if (!keyboard) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const move = (to: number) => {
        const i = Math.max(0, Math.min(items.length - 1, to));
        setActive(i);
        rows.current[i]?.focus();
        e.preventDefault();
      };
      if (e.key === 'j') move(active + 1);
      else if (e.key === 'k') move(active < 0 ? 0 : active - 1);
      else if (
        e.key === 'Enter' &&
        items[active] &&
        (e.target === document.body || e.target === rows.current[active])
      ) {
        e.preventDefault();
        navigate(`/tickets/${items[active].number}`);
      } else if (e.key === 'x' && selectable && items[active]) {
        e.preventDefault();
        toggle(items[active].id);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const header = (c: Column) => {
    const label = t(`queue.col.${c}`);
    const by = SORT_OF[c];
    if (!by || !onSort) return label;
    return (
      <UnstyledButton onClick={() => onSort(by)} fw={700} fz="sm" data-sort={by} aria-pressed={sort === by}>
        {label}
        {sort === by ? ' ↓' : ''}
      </UnstyledButton>
    );
  };

  const cell = (c: Column, tk: ListedTicket): ReactNode => {
    switch (c) {
      case 'number':
        return (
          <Anchor component={Link} to={`/tickets/${tk.number}`} ff="monospace" size="sm" tabIndex={-1}>
            {tk.number}
          </Anchor>
        );
      case 'subject':
        return (
          <Anchor
            component={Link}
            to={`/tickets/${tk.number}`}
            c="inherit"
            size="sm"
            lineClamp={2}
            tabIndex={-1}
          >
            {tk.subject}
          </Anchor>
        );
      case 'status':
        return <StatusBadge status={tk.status} staff={staff} />;
      case 'priority':
        return <PriorityBadge priority={tk.priority} full />;
      case 'sla':
        return tk.status === 'resolved' || tk.status === 'closed' ? (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ) : (
          <SlaLeftBadge left={tk.sla} />
        );
      case 'l1Budget':
        return tk.line === 'L1' ? (
          <SlaLeftBadge left={tk.budget} named={false} />
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        );
      case 'requester':
        return tk.requester.name;
      case 'organization':
        return tk.organization.name;
      case 'plan':
        return planOf?.(tk.organizationId) ?? '—';
      case 'line':
        return tk.line;
      case 'group':
        return tk.groupId ? (groupOf?.(tk.groupId) ?? '—') : '—';
      case 'assignee':
        return (
          tk.assignee?.name ?? (
            <Text size="sm" c="dimmed">
              {t('ticket.unassigned')}
            </Text>
          )
        );
      case 'channel':
        return t(`channel.${tk.channel}`);
      case 'updated':
      case 'created':
        return (
          <Text size="sm" c="dimmed">
            {dateTime(c === 'updated' ? tk.updatedAt : tk.createdAt, i18n.language)}
          </Text>
        );
    }
  };

  // Two narrow facts share a cell (stacked) when both are shown side by side: the queue's default
  // columns then fit 1280 px with room for the subject.
  const groups: Column[][] = [];
  for (const c of cols) {
    const last = groups.at(-1);
    if (last?.length === 1 && PAIRS.some(([a, b]) => last[0] === a && c === b)) last.push(c);
    else groups.push([c]);
  }
  const stacked = (g: Column[], part: (c: Column) => ReactNode) =>
    g.length === 1 ? part(g[0]!) : (
      <div className="ticket-pair">
        {g.map((c) => (
          <div key={c} data-col={c}>
            {part(c)}
          </div>
        ))}
      </div>
    );
  /** Plain-text columns wrap and, on a phone, say what they are. */
  const text = (c: Column) => !BADGES.includes(c) && c !== 'subject';
  const allChosen = items.length > 0 && items.every((i) => chosen.includes(i.id));
  return (
    <>
      {selectable &&
        chosen.length > 0 &&
        (bulkBar ?? (
          <Group gap="sm" data-testid="bulk-bar" wrap="wrap">
            <Text size="sm" fw={600}>
              {t('queue.selected', { count: chosen.length })}
            </Text>
          </Group>
        ))}
      <Table.ScrollContainer minWidth={0}>
        <Table striped highlightOnHover verticalSpacing="xs" horizontalSpacing={6} className="ticket-table" data-testid="ticket-table">
          <Table.Thead>
            <Table.Tr>
              {selectable && (
                <Table.Th w={36}>
                  <Checkbox
                    aria-label={t('queue.selectAll')}
                    checked={allChosen}
                    indeterminate={!allChosen && chosen.length > 0}
                    onChange={() => setChosen(allChosen ? [] : items.map((i) => i.id))}
                  />
                </Table.Th>
              )}
              {groups.map((g) => (
                <Table.Th key={g.join()} scope="col" style={{ whiteSpace: 'nowrap' }} data-col={g[0]}>
                  {stacked(g, header)}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((tk, i) => (
              <Table.Tr
                key={tk.id}
                ref={(el) => {
                  rows.current[i] = el;
                }}
                data-number={tk.number}
                data-active={i === active || undefined}
                aria-selected={selectable ? chosen.includes(tk.id) : undefined}
                tabIndex={keyboard ? -1 : undefined}
                style={
                  i === active
                    ? { outline: '2px solid var(--mantine-color-blue-filled)', outlineOffset: -2 }
                    : undefined
                }
              >
                {selectable && (
                  <Table.Td>
                    <Checkbox
                      aria-label={t('queue.selectRow', { number: tk.number })}
                      checked={chosen.includes(tk.id)}
                      onChange={() => toggle(tk.id)}
                    />
                  </Table.Td>
                )}
                {groups.map((g) => (
                  <Table.Td
                    key={g.join()}
                    miw={g[0] === 'subject' ? 280 : undefined}
                    style={g.every(text) || g[0] === 'subject' ? undefined : { whiteSpace: 'nowrap' }}
                    data-col={g[0]}
                    data-label={g.every(text) ? g.map((c) => t(`queue.col.${c}`)).join(' · ') : undefined}
                  >
                    {stacked(g, (c) => cell(c, tk))}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
