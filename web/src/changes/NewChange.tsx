import { Checkbox, Select, SimpleGrid, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { get, post } from '../api/client';
import type { Person } from '../api/types';
import { FormCard } from '../ui/FormCard';
import type { Change } from './changes.api';

const RISKS = ['low', 'medium', 'high'] as const;

/** `/changes/new` (staff): a change the desk proposes for a client, with its plan, window and approval. */
export default function NewChange() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const people = useQuery({ queryKey: ['client-people'], queryFn: () => get<{ items: Person[] }>('/users?role=requester,client_manager&limit=500') });
  const [d, setD] = useState({ requesterId: '', subject: '', description: '', risk: 'medium', plan: '', rollbackPlan: '', windowStart: '', windowEnd: '', needsApproval: true });
  const set = (change: Partial<typeof d>) => setD({ ...d, ...change });
  return (
    <Stack maw={760}>
      <Title order={1}>{t('changes.newTitle')}</Title>
      <FormCard
        submitLabel={t('changes.create')}
        invalidate={['change-calendar', 'tickets']}
        onSubmit={() =>
          post<Change>('/changes', {
            ...d,
            windowStart: d.windowStart && new Date(d.windowStart).toISOString(),
            windowEnd: d.windowEnd && new Date(d.windowEnd).toISOString(),
          })
        }
        onDone={(c) => navigate(`/tickets/${(c as Change).number}`)}
        testId="new-change"
      >
        <Stack gap="sm">
          <Select
            label={t('ticket.requester')}
            required
            searchable
            value={d.requesterId || null}
            onChange={(v) => set({ requesterId: v ?? '' })}
            data={(people.data?.items ?? []).filter((p) => p.active).map((p) => ({ value: p.id, label: `${p.name} — ${p.email}` }))}
          />
          <TextInput label={t('ticket.subject')} required value={d.subject} onChange={(e) => set({ subject: e.currentTarget.value })} />
          <Textarea label={t('ticket.description')} required autosize minRows={2} value={d.description} onChange={(e) => set({ description: e.currentTarget.value })} />
          <Select label={t('changes.risk')} required allowDeselect={false} value={d.risk} onChange={(v) => set({ risk: v ?? 'medium' })} data={RISKS.map((r) => ({ value: r, label: t(`changes.riskLevel.${r}`) }))} />
          <Textarea label={t('changes.plan')} required autosize minRows={2} value={d.plan} onChange={(e) => set({ plan: e.currentTarget.value })} />
          <Textarea label={t('changes.rollbackPlan')} required autosize minRows={2} value={d.rollbackPlan} onChange={(e) => set({ rollbackPlan: e.currentTarget.value })} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput type="datetime-local" label={t('changes.windowStart')} required value={d.windowStart} onChange={(e) => set({ windowStart: e.currentTarget.value })} />
            <TextInput type="datetime-local" label={t('changes.windowEnd')} required value={d.windowEnd} onChange={(e) => set({ windowEnd: e.currentTarget.value })} />
          </SimpleGrid>
          <Checkbox label={t('changes.needsApproval')} checked={d.needsApproval} onChange={(e) => set({ needsApproval: e.currentTarget.checked })} />
        </Stack>
      </FormCard>
    </Stack>
  );
}
