import { Button, Checkbox, Group, NumberInput, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, patch, post } from '../api/client';
import { useMe } from '../api/queries';
import { isManagerRole, isStaffRole } from '../api/types';
import { NotFound } from '../app/guards';
import { ErrorAlert, Loading, notifyError } from '../ui/feedback';
import { EditDelete, NameWithScope, SaveModal, SharedCheckbox } from './parts';
import { useCannedReplies, useMacros, type Macro } from './workspace.api';

type Action = Record<string, unknown> & { type: string };

/** The form's fields, each an optional step of the macro, in the order they are applied. */
interface Steps {
  reply: string | null;
  note: string;
  takeIt: boolean;
  status: string | null;
  priority: string | null;
  tags: string;
  minutes: number | string;
}

function stepsOf(actions: Action[] = []): Steps {
  const find = (type: string) => actions.find((a) => a.type === type);
  return {
    reply: (find('reply')?.cannedReplyId as string) ?? null,
    note: (find('note')?.body as string) ?? '',
    takeIt: find('assignee')?.assigneeId === 'me',
    status: (find('status')?.status as string) ?? null,
    priority: (find('priority')?.priority as string) ?? null,
    tags: ((find('tags')?.add as string[]) ?? []).join(', '),
    minutes: (find('time')?.minutes as number) ?? '',
  };
}

/** Steps the form does not show (line, group, category, KB article: set through the API) are kept as they were. */
function actionsOf(s: Steps, before: Action[] = []): Action[] {
  const shown = new Set(['reply', 'note', 'assignee', 'status', 'priority', 'tags', 'time']);
  const tags = s.tags.split(/[\s,]+/).filter(Boolean);
  return [
    ...(s.takeIt ? [{ type: 'assignee', assigneeId: 'me' }] : []),
    ...(s.reply ? [{ type: 'reply', cannedReplyId: s.reply }] : []),
    ...(s.note.trim() ? [{ type: 'note', body: s.note }] : []),
    ...(s.status ? [{ type: 'status', status: s.status }] : []),
    ...(s.priority ? [{ type: 'priority', priority: s.priority }] : []),
    ...(tags.length ? [{ type: 'tags', add: tags }] : []),
    ...(Number(s.minutes) > 0 ? [{ ...before.find((a) => a.type === 'time'), type: 'time', minutes: Number(s.minutes), activity: before.find((a) => a.type === 'time')?.activity ?? 'remote' }] : []),
    ...before.filter((a) => !shown.has(a.type)),
  ];
}

function MacroForm({ macro, onClose, mayShare }: { macro?: Macro; onClose: () => void; mayShare: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canned = useCannedReplies();
  const before = macro?.actions as Action[] | undefined;
  const [name, setName] = useState(macro?.name ?? '');
  const [shared, setShared] = useState(macro?.shared ?? false);
  const [steps, setSteps] = useState<Steps>(stepsOf(before));
  const set = <K extends keyof Steps>(k: K, v: Steps[K]) => setSteps((s) => ({ ...s, [k]: v }));
  const save = async () => {
    const body = { name, shared, actions: actionsOf(steps, before) };
    if (macro) await patch(`/macros/${macro.id}`, body);
    else await post('/macros', body);
    await qc.invalidateQueries({ queryKey: ['macros'] });
  };
  return (
    <SaveModal title={macro ? t('workspace.editMacro') : t('workspace.newMacro')} onClose={onClose} onSave={save}>
      <TextInput label={t('workspace.replyName')} required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      <Text size="sm" c="dimmed">{t('workspace.macroHelp')}</Text>
      <Checkbox label={t('workspace.stepTake')} checked={steps.takeIt} onChange={(e) => set('takeIt', e.currentTarget.checked)} />
      <Select label={t('workspace.stepReply')} clearable data={(canned.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} value={steps.reply} onChange={(v) => set('reply', v)} />
      <Textarea label={t('workspace.stepNote')} autosize minRows={2} value={steps.note} onChange={(e) => set('note', e.currentTarget.value)} />
      <Group grow wrap="wrap">
        <Select label={t('workspace.setStatus')} clearable miw={180} data={['open', 'pending_customer', 'pending_vendor', 'resolved', 'closed'].map((s) => ({ value: s, label: s.startsWith('pending') ? t(`statusStaff.${s}`) : t(`status.${s}`) }))} value={steps.status} onChange={(v) => set('status', v)} />
        <Select label={t('workspace.setPriority')} clearable miw={160} data={['P1', 'P2', 'P3', 'P4'].map((p) => ({ value: p, label: t(`priority.${p}`) }))} value={steps.priority} onChange={(v) => set('priority', v)} />
      </Group>
      <Group grow wrap="wrap">
        <TextInput label={t('workspace.stepTags')} miw={180} value={steps.tags} onChange={(e) => set('tags', e.currentTarget.value)} />
        <NumberInput label={t('workspace.stepMinutes')} miw={160} min={0} max={1440} value={steps.minutes} onChange={(v) => set('minutes', v)} />
      </Group>
      <SharedCheckbox show={mayShare} checked={shared} onChange={setShared} />
    </SaveModal>
  );
}

/** `/macros`: the agent's own macros and the shared ones; managers keep the shared. */
export default function Macros() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe().data!;
  const list = useMacros();
  const [editing, setEditing] = useState<Macro | 'new' | null>(null);
  if (!isStaffRole(me.role)) return <NotFound />;
  const manager = isManagerRole(me.role);
  const remove = async (m: Macro) => {
    try {
      await del(`/macros/${m.id}`);
      await qc.invalidateQueries({ queryKey: ['macros'] });
    } catch (e) {
      notifyError(t, e);
    }
  };
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('workspace.macros')}</Title>
        <Button onClick={() => setEditing('new')}>{t('workspace.newMacro')}</Button>
      </Group>
      <ErrorAlert error={list.error} />
      {list.isPending ? (
        <Loading />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped verticalSpacing="xs" data-testid="macro-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('workspace.replyName')}</Table.Th>
                <Table.Th>{t('workspace.steps')}</Table.Th>
                <Table.Th>{t('workspace.uses')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.items.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    <NameWithScope name={m.name} shared={m.shared} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{m.actions.map((a) => t(`workspace.action.${a.type}`)).join(' → ')}</Text>
                  </Table.Td>
                  <Table.Td>{m.usageCount}</Table.Td>
                  <Table.Td>
                    {(m.shared ? manager : true) && (
                      <EditDelete onEdit={() => setEditing(m)} question={t('workspace.deleteMacroQuestion', { name: m.name })} onDelete={() => remove(m)} />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && <MacroForm macro={editing === 'new' ? undefined : editing} mayShare={manager} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
