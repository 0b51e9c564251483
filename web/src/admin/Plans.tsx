import { Anchor, MultiSelect, NumberInput, Select, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { post } from '../api/client';
import { usePlans } from '../api/queries';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';

export const COVERAGES = ['business_hours', 'extended_hours', 'round_the_clock'] as const;
export const CHANNELS = ['web', 'email', 'sms', 'phone', 'api'] as const;

function AddPlan() {
  const { t } = useTranslation();
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
      onSubmit={() => post('/plans', { code, name, coverage, includedHours: Number(hours), channels })}
      onDone={() => {
        setCode('');
        setName('');
      }}
    >
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
