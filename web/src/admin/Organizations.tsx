import { Anchor, Badge, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { post } from '../api/client';
import { useOrganizations, usePlans } from '../api/queries';
import type { Organization } from '../api/types';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';
import { splitList } from './admin.api';

/** Whether the contract runs today (no end date, or an end date not yet past). */
export const contractActive = (o: Organization, today = new Date().toISOString().slice(0, 10)) =>
  (!o.contractStartsOn || o.contractStartsOn <= today) && (!o.contractEndsOn || o.contractEndsOn >= today);

function AddOrganization() {
  const { t } = useTranslation();
  const plans = usePlans();
  const [name, setName] = useState('');
  const [planId, setPlanId] = useState<string | null>(null);
  const [domains, setDomains] = useState('');
  return (
    <FormCard
      inline
      title={t('admin.addOrganization')}
      submitLabel={t('admin.add')}
      okMessage={t('admin.added')}
      invalidate={['organizations']}
      onSubmit={() => post('/organizations', { name, planId, domains: splitList(domains) })}
      onDone={() => {
        setName('');
        setDomains('');
      }}
    >
      <TextInput label={t('ticket.organization')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <Select label={t('ticket.plan')} value={planId} onChange={setPlanId} data={(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} clearable />
      <TextInput label={t('admin.domains')} placeholder="example.com" value={domains} onChange={(e) => setDomains(e.currentTarget.value)} />
    </FormCard>
  );
}

/** `/admin/organizations`: the client organizations with plan, domains and contract; add one. */
export default function Organizations() {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  const plans = usePlans();
  const planName = (planId: string | null) => plans.data?.items.find((p) => p.id === planId)?.name ?? '—';
  return (
    <>
      <AddOrganization />
      <ErrorAlert error={orgs.error} />
      <DataTable
        testId="organizations"
        rows={orgs.data?.items}
        rowKey={(o) => o.id}
        columns={[
          {
            key: 'name',
            label: t('ticket.organization'),
            render: (o) => (
              <Anchor component={Link} to={`/admin/organizations/${o.id}`}>
                {o.name}
              </Anchor>
            ),
          },
          { key: 'plan', label: t('ticket.plan'), render: (o) => planName(o.planId) },
          { key: 'domains', label: t('admin.domains'), render: (o) => o.domains.join(', ') || '—' },
          {
            key: 'contract',
            label: t('ticket.contract'),
            render: (o) => (
              <>
                {o.contractStartsOn ?? '…'} – {o.contractEndsOn ?? '…'}{' '}
                {o.contractOptions.map((x) => (
                  <Badge key={x} size="xs" variant="outline" ml={4} tt="none">
                    {t(`contractOption.${x}`, { defaultValue: x })}
                  </Badge>
                ))}
              </>
            ),
          },
          {
            key: 'active',
            label: t('admin.status'),
            render: (o) => (contractActive(o) ? <Badge color="teal" variant="light">{t('admin.contractActive')}</Badge> : <Badge color="gray">{t('admin.contractInactive')}</Badge>),
          },
        ]}
      />
    </>
  );
}
