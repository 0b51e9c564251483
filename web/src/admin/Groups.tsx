import { MultiSelect, SimpleGrid, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, del, patch, post } from '../api/client';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard, useSubmit } from '../ui/FormCard';
import { useGroups, usePeople, type Group } from './admin.api';
import { ConfirmButton } from '../ui/ConfirmButton';

type Option = { value: string; label: string };

/** One group: its name, description and members, saved together; deleted unless requests are routed to it. */
function GroupMembers({ group, staff }: { group: Group; staff: Option[] }) {
  const { t } = useTranslation();
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description);
  const [members, setMembers] = useState(group.memberIds);
  const removal = useSubmit(['groups']);
  const save = async () => {
    if (name !== group.name || description !== group.description) await patch(`/groups/${group.id}`, { name, description });
    await api('PUT', `/groups/${group.id}/members`, { memberIds: members });
  };
  return (
    <FormCard
      title={group.name}
      testId={`group-${group.name}`}
      invalidate={['groups']}
      onSubmit={save}
      actions={
        <ConfirmButton danger question={t('admin.deleteGroupConfirm', { name: group.name })} busy={removal.busy} onConfirm={() => removal.run(() => del(`/groups/${group.id}`), t('admin.deleted'))}>
          {t('admin.delete')}
        </ConfirmButton>
      }
    >
      <ErrorAlert error={removal.error} />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label={t('admin.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput label={t('admin.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
        <MultiSelect label={t('admin.members')} searchable value={members} onChange={setMembers} data={staff} />
      </SimpleGrid>
    </FormCard>
  );
}

/** `/admin/groups`: groups of staff (teams a request can be routed to) and their members. */
export default function Groups() {
  const { t } = useTranslation();
  const groups = useGroups();
  const people = usePeople({ role: 'agent,manager,admin' });
  const staff = (people.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name}${p.line ? ` (${p.line})` : ''}${p.active ? '' : ` — ${t('admin.inactive')}`}` }));
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  return (
    <>
      <FormCard
        title={t('admin.addGroup')}
        submitLabel={t('admin.add')}
        okMessage={t('admin.added')}
        invalidate={['groups']}
        onSubmit={() => post('/groups', { name, ...(description && { description }), memberIds: members })}
        onDone={() => {
          setName('');
          setDescription('');
          setMembers([]);
        }}
      >
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t('admin.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput label={t('admin.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <MultiSelect label={t('admin.members')} searchable value={members} onChange={setMembers} data={staff} />
        </SimpleGrid>
      </FormCard>
      <ErrorAlert error={groups.error ?? people.error} />
      {(groups.isPending || people.isPending) && <Loading />}
      {groups.data?.items.length === 0 && <Text c="dimmed">{t('common.empty')}</Text>}
      {people.data && groups.data?.items.map((g) => <GroupMembers key={g.id} group={g} staff={staff} />)}
    </>
  );
}
