import { Button, Group, Paper, Select, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../api/types';
import { notifyError } from '../ui/feedback';
import { MacroMenu } from './MacroMenu';
import { MergeDialog } from './MergeDialog';
import { notifyOutcome } from './outcome';
import { applyBulk, refreshTickets, type BulkAction } from './workspace.api';

const STATUS_CHOICES = ['open', 'pending_customer', 'pending_vendor', 'resolved', 'closed'] as const;
const PRIORITY_CHOICES = ['P1', 'P2', 'P3', 'P4'] as const;

/** What to do with the requests selected in a queue: assign, status, priority, tags, a macro, merge. */
export function BulkBar({ selected, onDone, meId }: { selected: Ticket[]; onDone: () => void; meId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [merging, setMerging] = useState(false);
  const ids = selected.map((s) => s.id);
  const numberOf = (id: string) => selected.find((s) => s.id === id)?.number ?? id;
  const run = async (action: BulkAction) => {
    setBusy(true);
    try {
      notifyOutcome(t, await applyBulk(ids, { actions: [action] }), numberOf);
      onDone();
    } catch (e) {
      notifyError(t, e);
    } finally {
      setBusy(false);
      await refreshTickets(qc);
    }
  };
  if (!selected.length) return null;
  return (
    <Paper withBorder p="xs" data-testid="bulk-bar" pos="sticky" top={0} style={{ zIndex: 3 }}>
      <Group gap="xs" wrap="wrap" align="end">
        <Text size="sm" fw={600} role="status">
          {t('workspace.selected', { count: selected.length })}
        </Text>
        <Button size="xs" variant="light" disabled={busy} onClick={() => void run({ type: 'assignee', assigneeId: meId })}>
          {t('workspace.assignToMe')}
        </Button>
        <Select
          size="xs"
          w={190}
          aria-label={t('workspace.setStatus')}
          placeholder={t('workspace.setStatus')}
          data={STATUS_CHOICES.map((s) => ({ value: s, label: s.startsWith('pending') ? t(`statusStaff.${s}`) : t(`status.${s}`) }))}
          value={null}
          onChange={(v) => v && void run({ type: 'status', status: v })}
          disabled={busy}
          comboboxProps={{ withinPortal: true }}
        />
        <Select
          size="xs"
          w={160}
          aria-label={t('workspace.setPriority')}
          placeholder={t('workspace.setPriority')}
          data={PRIORITY_CHOICES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
          value={null}
          onChange={(v) => v && void run({ type: 'priority', priority: v })}
          disabled={busy}
          comboboxProps={{ withinPortal: true }}
        />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (tag.trim()) void run({ type: 'tags', add: [tag.trim()] }).then(() => setTag(''));
          }}
        >
          <Group gap={4} wrap="nowrap">
            <TextInput size="xs" w={130} aria-label={t('workspace.addTag')} placeholder={t('workspace.addTag')} value={tag} onChange={(e) => setTag(e.currentTarget.value)} />
            <Button size="xs" variant="default" type="submit" disabled={busy || !tag.trim()}>
              +
            </Button>
          </Group>
        </form>
        <MacroMenu size="xs" tickets={ids} numberOf={numberOf} onDone={onDone} />
        <Button size="xs" variant="light" color="orange" disabled={busy || selected.length < 2} onClick={() => setMerging(true)} data-testid="bulk-merge">
          {t('workspace.merge')}
        </Button>
        <Button size="xs" variant="subtle" onClick={onDone}>
          {t('workspace.clearSelection')}
        </Button>
      </Group>
      {merging && <MergeDialog opened onClose={() => setMerging(false)} candidates={selected.map((s) => ({ id: s.id, number: s.number, subject: s.subject }))} />}
    </Paper>
  );
}
