import { Alert, Anchor, Button, CloseButton, Group, Paper, Portal, Stack, Text, Textarea } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, post } from '../api/client';
import type { TicketDetail, TicketSla, TimelineEntry } from '../api/types';
import { useLiveChange, type LiveChange } from '../app/live';
import { notifyError, notifyOk } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { percent } from '../ui/time-left';

/** The share of a line's time budget at which its agent is warned (as the server's timer). */
const WARNING_SHARE = 0.75;
/** Warnings on screen at once; more are counted (each is in the notification feed too). */
const MAX_SHOWN = 3;

interface Warning {
  ticketId: string;
  number: string;
  line: string;
  deadline: string | null;
}

/** Escalate now, or keep the request past the budget with a note (which goes on its timeline). */
function Decide({ warning, onDone }: { warning: Warning; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [keeping, setKeeping] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (path: string, body: unknown, message: (r: { line: string }) => string) => {
    setBusy(true);
    try {
      const r = await post<{ line: string }>(`/tickets/${warning.ticketId}/line-budget/${path}`, body);
      notifyOk(message(r));
      onDone();
    } catch (e) {
      notifyError(t, e);
    } finally {
      setBusy(false);
      await qc.invalidateQueries({ predicate: (q) => ['ticket', 'timeline', 'sla', 'tickets', 'breaches'].includes(String(q.queryKey[0])) });
    }
  };
  return (
    <Stack gap="xs">
      <Group gap="xs" wrap="wrap">
        <Button size="xs" loading={busy && !keeping} onClick={() => void act('escalate', {}, (r) => t('lineBudget.escalated', { line: r.line }))} data-testid="budget-escalate">
          {t('lineBudget.escalateNow')}
        </Button>
        {!keeping && (
          <Button size="xs" variant="default" onClick={() => setKeeping(true)} data-testid="budget-keep">
            {t('lineBudget.keep')}
          </Button>
        )}
      </Group>
      {keeping && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act('keep', { note }, () => t('lineBudget.kept'));
          }}
        >
          <Stack gap={6}>
            <Textarea size="xs" label={t('lineBudget.note')} placeholder={t('lineBudget.notePlaceholder')} autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} data-autofocus required />
            <Button size="xs" type="submit" variant="light" loading={busy} disabled={!note.trim()} w="fit-content">
              {t('lineBudget.save')}
            </Button>
          </Stack>
        </form>
      )}
    </Stack>
  );
}

/**
 * The 75 % warning live on screen, wherever the agent is: the stream says a request's line budget is
 * running low; if it is assigned to the viewer, a panel offers to escalate now or keep it with a note.
 */
export function LineBudgetWatcher({ meId }: { meId: string }) {
  const { t, i18n } = useTranslation();
  const [warnings, setWarnings] = useState<Warning[]>([]);
  useLiveChange(
    useCallback(
      (c: LiveChange) => {
        // A request that moved on (by time or by someone) needs no decision any more.
        if (c.type === 'ticket.line_changed' || c.type === 'ticket.assigned') setWarnings((ws) => ws.filter((x) => x.ticketId !== c.subjectId));
        if (c.type !== 'sla.budget_warning') return;
        void (async () => {
          const [ticket, sla] = await Promise.all([get<TicketDetail>(`/tickets/${c.subjectId}`), get<TicketSla>(`/tickets/${c.subjectId}/sla`)]);
          if (ticket.assignee?.id !== meId) return;
          const clock = sla.clocks.find((k) => k.metric === 'line');
          const w = { ticketId: ticket.id, number: ticket.number, line: ticket.line, deadline: clock?.deadline ?? null };
          setWarnings((ws) => [...ws.filter((x) => x.ticketId !== w.ticketId), w]);
        })().catch(() => undefined);
      },
      [meId],
    ),
  );
  if (!warnings.length) return null;
  const dismiss = (id: string) => setWarnings((ws) => ws.filter((x) => x.ticketId !== id));
  return (
    <Portal>
      <Stack gap="xs" pos="fixed" bottom={16} right={16} maw="min(420px, calc(100vw - 32px))" mah="calc(100vh - 88px)" style={{ zIndex: 300, overflowY: 'auto' }} role="alert" data-testid="budget-warnings">
        {/* A burst (a plan's budget shortened for many requests at once) shows the latest few; the rest are in the bell. */}
        {warnings.length > MAX_SHOWN && (
          <Paper withBorder p={6}>
            <Text size="sm">{t('lineBudget.more', { count: warnings.length - MAX_SHOWN })}</Text>
          </Paper>
        )}
        {warnings.slice(-MAX_SHOWN).map((w) => (
          <Paper key={w.ticketId} withBorder shadow="md" p="sm" data-testid="budget-warning" data-number={w.number} style={{ borderColor: 'var(--mantine-color-orange-6)' }}>
            <Group justify="space-between" wrap="nowrap" align="start" mb={4}>
              <Text fw={600} size="sm">
                {t('lineBudget.warningTitle', { number: w.number, percent: percent(WARNING_SHARE, i18n.language), line: w.line })}
              </Text>
              <CloseButton size="sm" aria-label={t('lineBudget.dismiss')} onClick={() => dismiss(w.ticketId)} />
            </Group>
            <Text size="sm" mb="xs">
              {t('lineBudget.warningBody', { deadline: w.deadline ? dateTime(w.deadline, i18n.language) : '—' })}{' '}
              <Anchor component={Link} to={`/tickets/${w.number}`} size="sm">
                {t('lineBudget.open')}
              </Anchor>
            </Text>
            <Decide warning={w} onDone={() => dismiss(w.ticketId)} />
          </Paper>
        ))}
      </Stack>
    </Portal>
  );
}

/** On the request page: the same choice while the viewer holds the request and 75 % of its line budget is used. */
export function LineBudgetAlert({ ticket, sla, timeline, meId }: { ticket: TicketDetail; sla: TicketSla | undefined; timeline: TimelineEntry[]; meId: string }) {
  const { t, i18n } = useTranslation();
  const clock = sla?.clocks.find((k) => k.metric === 'line' && k.state === 'running');
  const target = clock?.targetMinutes ?? 0;
  // Kept already at this line: the latest budget decision comes after the latest move.
  const lastMove = timeline.findLastIndex((e) => e.event?.type === 'line_changed');
  const kept = timeline.findLastIndex((e) => e.event?.type === 'budget_kept') > lastMove;
  if (!clock || !target || kept || ticket.assignee?.id !== meId || clock.usedMinutes / target < WARNING_SHARE || ticket.line === 'L3') return null;
  const w = { ticketId: ticket.id, number: ticket.number, line: ticket.line, deadline: clock.deadline };
  return (
    <Alert color="orange" title={t('lineBudget.warningTitle', { number: ticket.number, percent: percent(Math.min(1, clock.usedMinutes / target), i18n.language), line: ticket.line })} data-testid="budget-alert">
      <Text size="sm" mb="xs">
        {t('lineBudget.warningBody', { deadline: clock.deadline ? dateTime(clock.deadline, i18n.language) : '—' })}
      </Text>
      <Decide warning={w} onDone={() => undefined} />
    </Alert>
  );
}
