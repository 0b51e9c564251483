import { Button, Code, Group, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, patch, post } from '../api/client';
import { useMe } from '../api/queries';
import { isManagerRole, isStaffRole } from '../api/types';
import { NotFound } from '../app/guards';
import { ErrorAlert, Loading, notifyError } from '../ui/feedback';
import { EditDelete, NameWithScope, SaveModal, SharedCheckbox } from './parts';
import { useCannedReplies, type CannedReply } from './workspace.api';

const PLACEHOLDERS = ['requester.firstName', 'requester.name', 'ticket.number', 'ticket.subject', 'agent.name', 'agent.firstName', 'organization.name'];

/** Create or change a canned reply: a name, the text in both languages, shared or personal. */
function CannedForm({ reply, onClose, mayShare }: { reply?: CannedReply; onClose: () => void; mayShare: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form, setForm] = useState({ name: reply?.name ?? '', bodyEn: reply?.bodyEn ?? '', bodyRu: reply?.bodyRu ?? '', shared: reply?.shared ?? false });
  const save = async () => {
    if (reply) await patch(`/canned-replies/${reply.id}`, form);
    else await post('/canned-replies', form);
    await qc.invalidateQueries({ queryKey: ['canned-replies'] });
  };
  return (
    <SaveModal title={reply ? t('workspace.editReply') : t('workspace.newReply')} onClose={onClose} onSave={save}>
      <TextInput label={t('workspace.replyName')} required value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} data-autofocus />
      <Textarea label={t('workspace.bodyRu')} autosize minRows={3} value={form.bodyRu} onChange={(e) => setForm({ ...form, bodyRu: e.currentTarget.value })} />
      <Textarea label={t('workspace.bodyEn')} autosize minRows={3} value={form.bodyEn} onChange={(e) => setForm({ ...form, bodyEn: e.currentTarget.value })} />
      <Text size="xs" c="dimmed">
        {t('workspace.placeholdersHelp')}{' '}
        {PLACEHOLDERS.map((p) => (
          <Code key={p} mr={4}>{`{{${p}}}`}</Code>
        ))}
      </Text>
      <SharedCheckbox show={mayShare} checked={form.shared} onChange={(shared) => setForm({ ...form, shared })} />
    </SaveModal>
  );
}

/** `/canned-replies`: the agent's own canned replies and the shared ones; managers keep the shared. */
export default function CannedReplies() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe().data!;
  const [search, setSearch] = useState('');
  const list = useCannedReplies(search.trim(), isStaffRole(me.role));
  const [editing, setEditing] = useState<CannedReply | 'new' | null>(null);
  if (!isStaffRole(me.role)) return <NotFound />;
  const manager = isManagerRole(me.role);
  const remove = async (r: CannedReply) => {
    try {
      await del(`/canned-replies/${r.id}`);
      await qc.invalidateQueries({ queryKey: ['canned-replies'] });
    } catch (e) {
      notifyError(t, e);
    }
  };
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('workspace.cannedTitle')}</Title>
        <Button onClick={() => setEditing('new')}>{t('workspace.newReply')}</Button>
      </Group>
      <Text size="sm" c="dimmed">{t('workspace.cannedHelp')}</Text>
      <TextInput label={t('queues.search')} type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} maw={360} />
      <ErrorAlert error={list.error} />
      {list.isPending ? (
        <Loading />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped verticalSpacing="xs" data-testid="canned-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('workspace.replyName')}</Table.Th>
                <Table.Th>{t('workspace.text')}</Table.Th>
                <Table.Th>{t('workspace.uses')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.items.map((r) => {
                const mayChange = r.shared ? manager : true;
                return (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <NameWithScope name={r.name} shared={r.shared} />
                    </Table.Td>
                    <Table.Td maw={420}>
                      <Text size="sm" lineClamp={2}>{r.bodyRu || r.bodyEn}</Text>
                    </Table.Td>
                    <Table.Td>{r.usageCount}</Table.Td>
                    <Table.Td>
                      {mayChange && (
                        <EditDelete onEdit={() => setEditing(r)} question={t('workspace.deleteQuestion', { name: r.name })} onDelete={() => remove(r)} />
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && <CannedForm reply={editing === 'new' ? undefined : editing} mayShare={manager} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
