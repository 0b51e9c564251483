import { Anchor, Button, Group, Modal, Paper, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, get, patch, post } from '../api/client';
import { useCategories, useMe, useOrganizations, usePlans, useStaff, useTickets } from '../api/queries';
import { OPEN_STATUSES, type DeveloperItem, type Line, type Priority, type Status, type TicketDetail, type TicketPatch } from '../api/types';
import { RecentCalls } from '../phone/RecentCalls';
import { notifyError, notifyOk } from '../ui/feedback';
import { CloseConfirm, ResolveModal } from './StatusDialogs';

const STATUSES: Status[] = ['new', 'open', 'pending_customer', 'pending_vendor', 'resolved', 'closed'];
const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];
const LINES: Line[] = ['L1', 'L2', 'L3'];

/** Re-reads the request after a change (or a refused stale one). */
function useRefresh() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ predicate: (q) => ['ticket', 'timeline', 'sla', 'tickets', 'handoff', 'deadlines'].includes(String(q.queryKey[0])) });
}

/** Saves a change to the request against the version on screen; a stale one is reloaded and said so. */
export function useTicketChange(ticket: TicketDetail) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  return async (changes: TicketPatch) => {
    try {
      await patch(`/tickets/${ticket.id}`, changes, { 'if-match': `"${ticket.version}"` });
      notifyOk(t('ticket.saved'));
    } catch (e) {
      notifyError(t, e);
    } finally {
      await refresh();
    }
  };
}

export function EscalateModal({ ticket, opened, onClose }: { ticket: TicketDetail; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  const [line, setLine] = useState<Line>(ticket.line === 'L3' ? 'L2' : ticket.line === 'L1' ? 'L2' : 'L3');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await post(`/tickets/${ticket.id}/escalate`, { line, reason });
      notifyOk(t('ticket.saved'));
      setReason('');
      onClose();
    } catch (e) {
      notifyError(t, e);
    } finally {
      setBusy(false);
      await refresh();
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('ticket.escalate')}>
      <Stack>
        <Select label={t('ticket.escalateTo')} value={line} allowDeselect={false} onChange={(v) => v && setLine(v as Line)} data={LINES.filter((l) => l !== ticket.line)} />
        <Textarea label={t('ticket.escalateReason')} required autosize minRows={3} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
        <Group justify="end">
          <Button variant="default" onClick={onClose}>
            {t('ticket.cancel')}
          </Button>
          <Button onClick={submit} loading={busy} disabled={!reason.trim()}>
            {t('ticket.escalate')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function HandOff({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [summary, setSummary] = useState('');
  const items = useQuery({ queryKey: ['handoff', ticket.id], queryFn: () => get<{ items: DeveloperItem[] }>(`/tickets/${ticket.id}/handoff`), retry: false });
  const submit = async () => {
    try {
      await post(`/tickets/${ticket.id}/handoff`, { summary });
      notifyOk(t('ticket.handoffSent'));
      setOpened(false);
      void items.refetch();
    } catch (e) {
      notifyError(t, e);
    }
  };
  const open = items.data?.items ?? [];
  return (
    <>
      {open.map((i) => (
        <Text key={i.id} size="sm">
          {t('ticket.developers')}: {i.url ? <Anchor href={i.url} target="_blank" rel="noreferrer">{i.externalId ?? i.status}</Anchor> : i.status}
          {i.trackerStatus ? ` · ${i.trackerStatus}` : ''}
        </Text>
      ))}
      {!(items.error instanceof ApiError && items.error.status === 403) && (
        <Button variant="default" size="xs" onClick={() => setOpened(true)}>
          {t('ticket.handoff')}
        </Button>
      )}
      <Modal opened={opened} onClose={() => setOpened(false)} title={t('ticket.handoff')}>
        <Stack>
          <Textarea label={t('ticket.handoffSummary')} autosize minRows={4} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} data-autofocus />
          <Group justify="end">
            <Button variant="default" onClick={() => setOpened(false)}>
              {t('ticket.cancel')}
            </Button>
            <Button onClick={submit} disabled={!summary.trim()}>
              {t('ticket.handoff')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** The handling of a request: status, priority, category, line, assignee; take, escalate, hand off. */
export function StaffPanel({ ticket, onEscalate }: { ticket: TicketDetail; onEscalate: () => void }) {
  const { t, i18n } = useTranslation();
  const me = useMe().data!;
  const change = useTicketChange(ticket);
  const staff = useStaff();
  const categories = useCategories();
  const refresh = useRefresh();
  const take = async () => {
    try {
      await post(`/tickets/${ticket.id}/take`);
    } catch (e) {
      notifyError(t, e);
    }
    await refresh();
  };
  const [dialog, setDialog] = useState<'resolve' | 'close' | null>(null);
  const catName = (c: { name: string; nameRu: string }) => (i18n.language === 'ru' && c.nameRu ? c.nameRu : c.name);
  return (
    <Paper withBorder p="sm" data-testid="staff-panel">
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('ticket.details')}
        </Title>
        <Select
          label={t('ticket.status')}
          value={ticket.status}
          allowDeselect={false}
          data={STATUSES.map((s) => ({ value: s, label: s === 'pending_customer' || s === 'pending_vendor' ? t(`statusStaff.${s}`) : t(`status.${s}`) }))}
          onChange={(v) => {
            if (!v || v === ticket.status) return;
            // Resolving asks for the resolution; closing asks to confirm.
            if (v === 'resolved') setDialog('resolve');
            else if (v === 'closed') setDialog('close');
            else void change({ status: v as Status });
          }}
        />
        <ResolveModal ticket={ticket} opened={dialog === 'resolve'} onClose={() => setDialog(null)} />
        <CloseConfirm ticket={ticket} opened={dialog === 'close'} onClose={() => setDialog(null)} />
        <Select
          label={t('ticket.priority')}
          value={ticket.priority}
          allowDeselect={false}
          data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
          onChange={(v) => v && v !== ticket.priority && void change({ priority: v as Priority })}
        />
        <Select
          label={t('ticket.category')}
          value={ticket.categoryId}
          placeholder={t('ticket.noCategory')}
          clearable
          searchable
          data={(categories.data?.items ?? []).map((c) => ({ value: c.id, label: `${catName(c)} (${c.difficulty})` }))}
          onChange={(v) => v !== ticket.categoryId && void change({ categoryId: v })}
        />
        <Select
          label={t('ticket.assignee')}
          value={ticket.assigneeId ?? null}
          placeholder={t('ticket.unassigned')}
          clearable
          searchable
          data={(staff.data?.items ?? []).filter((p) => p.active).map((p) => ({ value: p.id, label: p.line ? `${p.name} (${p.line})` : p.name }))}
          onChange={(v) => v !== (ticket.assigneeId ?? null) && void change({ assigneeId: v })}
        />
        <Group justify="space-between">
          <Text size="sm">
            {t('ticket.line')}: <b data-testid="ticket-line">{ticket.line}</b>
          </Text>
          <Button size="xs" variant="light" onClick={onEscalate}>
            {t('ticket.escalate')}
          </Button>
        </Group>
        {ticket.assigneeId !== me.id && OPEN_STATUSES.includes(ticket.status) && (
          <Button size="xs" onClick={take}>
            {t('ticket.take')}
          </Button>
        )}
        <HandOff ticket={ticket} />
      </Stack>
    </Paper>
  );
}

/** Who is asking: organization, plan, contract hours, the requester's other open requests. */
export function ContextPanel({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  const plans = usePlans();
  const org = orgs.data?.items.find((o) => o.id === ticket.organizationId);
  const plan = plans.data?.items.find((p) => p.id === org?.planId);
  const params = new URLSearchParams({ requesterId: ticket.requester.id, status: OPEN_STATUSES.join(','), limit: '10', sort: '-updated' });
  const open = useTickets(params).data?.items.filter((x) => x.id !== ticket.id) ?? [];
  return (
    <Paper withBorder p="sm" data-testid="context-panel">
      <Title order={2} size="h5" mb="xs">
        {t('ticket.context')}
      </Title>
      <Text size="sm">
        <b>{ticket.requester.name}</b> · {ticket.requester.email}
      </Text>
      <Text size="sm">
        {t('ticket.organization')}: {ticket.organization.name}
      </Text>
      {plan && (
        <Text size="sm">
          {t('ticket.plan')}: {plan.name} · {t('ticket.includedHours')}: {plan.includedHours}
        </Text>
      )}
      {org?.contractEndsOn && (
        <Text size="sm">
          {t('ticket.contract')}: {org.contractStartsOn ?? '…'} – {org.contractEndsOn}
        </Text>
      )}
      {open.length > 0 && (
        <>
          <Text size="sm" mt="xs" fw={600}>
            {t('ticket.openRequests')}
          </Text>
          {open.map((o) => (
            <Anchor key={o.id} component={Link} to={`/tickets/${o.number}`} size="sm" display="block" lineClamp={1}>
              {o.number} {o.subject}
            </Anchor>
          ))}
        </>
      )}
      <RecentCalls personId={ticket.requester.id} />
    </Paper>
  );
}
