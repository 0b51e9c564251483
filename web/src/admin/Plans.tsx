import { Anchor, MultiSelect, NumberInput, Select, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, get, post } from '../api/client';
import type { Plan } from '../api/types';
import type { PlanSla } from './admin.api';
import { usePlans } from '../api/queries';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';

export const COVERAGES = ['business_hours', 'extended_hours', 'round_the_clock'] as const;
export const CHANNELS = ['web', 'email', 'sms', 'phone', 'api'] as const;

/** A new plan's starting targets (minutes): P1 to P4, each with 15 minutes at L1 before it moves on. */
const TEMPLATE = [
  { priority: 'P1', firstResponseMinutes: 15, resolutionMinutes: 240, l1BudgetMinutes: 15 },
  { priority: 'P2', firstResponseMinutes: 30, resolutionMinutes: 480, l1BudgetMinutes: 15 },
  { priority: 'P3', firstResponseMinutes: 240, resolutionMinutes: 1440, l1BudgetMinutes: 15 },
  { priority: 'P4', firstResponseMinutes: 480, resolutionMinutes: 2400, l1BudgetMinutes: 15 },
] as const;

/**
 * The SLA a new plan starts with: a copy of another plan's, or the template with the calendars of a
 * plan of the same coverage (none for round the clock).
 */
async function startingSla(from: string, coverage: string, plans: Plan[]) {
  if (from !== 'template') {
    const { calendarId, extendedCalendarId, pauseOnVendor, policies } = await get<PlanSla>(`/plans/${from}/sla`);
    return { calendarId, extendedCalendarId, pauseOnVendor, policies: policies.map(({ ticketType, ...p }) => ({ ...p, ...(ticketType !== '*' && { ticketType }) })) };
  }
  const alike = plans.find((p) => p.coverage === coverage);
  const sla = alike && coverage !== 'round_the_clock' ? await get<PlanSla>(`/plans/${alike.id}/sla`) : null;
  return { calendarId: sla?.calendarId ?? null, extendedCalendarId: sla?.extendedCalendarId ?? null, pauseOnVendor: true, policies: TEMPLATE };
}

function AddPlan() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const plans = usePlans();
  const [from, setFrom] = useState('template');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [coverage, setCoverage] = useState<string>('business_hours');
  const [hours, setHours] = useState<number | string>(10);
  const [channels, setChannels] = useState<string[]>(['web', 'email']);
  return (
    <FormCard
      inline
      title={t('admin.addPlan')}
      submitLabel={t('admin.add')}
      okMessage={t('admin.added')}
      invalidate={['plans']}
      onSubmit={async () => {
        const plan = await post<Plan>('/plans', { code, name, coverage, includedHours: Number(hours), channels });
        await api('PUT', `/plans/${plan.id}/sla`, await startingSla(from, coverage, plans.data?.items ?? []));
        return plan;
      }}
      onDone={(plan) => navigate(`/admin/plans/${(plan as Plan).id}`)}
    >
      <Select
        label={t('planTemplate.from')}
        value={from}
        allowDeselect={false}
        onChange={(v) => v && setFrom(v)}
        data={[{ value: 'template', label: t('planTemplate.template') }, ...(plans.data?.items ?? []).map((p) => ({ value: p.id, label: t('planTemplate.copyOf', { name: p.name }) }))]}
      />
      <TextInput label={t('admin.code')} description={t('admin.codeHint')} required value={code} onChange={(e) => setCode(e.currentTarget.value)} w={150} />
      <TextInput label={t('ticket.plan')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <Select label={t('admin.coverage')} value={coverage} allowDeselect={false} onChange={(v) => v && setCoverage(v)} data={COVERAGES.map((c) => ({ value: c, label: t(`coverage.${c}`) }))} />
      <NumberInput label={t('ticket.includedHours')} min={0} max={10000} value={hours} onChange={setHours} w={170} />
      <MultiSelect label={t('admin.channels')} value={channels} onChange={setChannels} data={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))} />
    </FormCard>
  );
}

/** `/admin/plans`: the service plans; each one's page has its terms and SLA targets. */
export default function Plans() {
  const { t } = useTranslation();
  const plans = usePlans();
  return (
    <>
      <AddPlan />
      <ErrorAlert error={plans.error} />
      <DataTable
        testId="plans"
        rows={plans.data?.items}
        rowKey={(p) => p.id}
        columns={[
          {
            key: 'name',
            label: t('ticket.plan'),
            render: (p) => (
              <>
                <Anchor component={Link} to={`/admin/plans/${p.id}`}>
                  {p.name}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {p.description}
                </Text>
              </>
            ),
          },
          { key: 'coverage', label: t('admin.coverage'), render: (p) => t(`coverage.${p.coverage}`) },
          { key: 'hours', label: t('ticket.includedHours'), render: (p) => p.includedHours, nowrap: true },
          { key: 'channels', label: t('admin.channels'), render: (p) => p.channels.map((c) => t(`channel.${c}`)).join(', ') },
        ]}
      />
    </>
  );
}
