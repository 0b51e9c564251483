import { Anchor, MultiSelect, Select, SimpleGrid, Stack, TagsInput, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get, patch } from '../api/client';
import { usePlans } from '../api/queries';
import type { Organization } from '../api/types';
import { NotFound } from '../app/guards';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';
import { DirectorySettings } from './DirectorySettings';
import { SsoSettings } from './SsoSettings';

/** The contract options the desk acts on (off-hours support: the plan's extended calendar). */
const KNOWN_OPTIONS = ['system_administration', 'off_hours_support', 'english_speaking_expert'];

function OrganizationForm({ org }: { org: Organization }) {
  const { t } = useTranslation();
  const plans = usePlans();
  const [name, setName] = useState(org.name);
  const [planId, setPlanId] = useState<string | null>(org.planId);
  const [domains, setDomains] = useState<string[]>(org.domains);
  const [startsOn, setStartsOn] = useState(org.contractStartsOn ?? '');
  const [endsOn, setEndsOn] = useState(org.contractEndsOn ?? '');
  const [options, setOptions] = useState<string[]>(org.contractOptions);
  const [policy, setPolicy] = useState(org.unknownSenderPolicy);
  return (
    <FormCard
      invalidate={['organizations', 'organization']}
      onSubmit={() =>
        patch(`/organizations/${org.id}`, {
          name,
          planId,
          domains,
          contractStartsOn: startsOn || null,
          contractEndsOn: endsOn || null,
          contractOptions: options,
          unknownSenderPolicy: policy,
        })
      }
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('ticket.organization')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select label={t('ticket.plan')} value={planId} onChange={setPlanId} data={(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} clearable />
        <TagsInput label={t('admin.domains')} description={t('admin.domainsHint')} value={domains} onChange={setDomains} />
        <MultiSelect
          label={t('admin.contractOptions')}
          value={options}
          onChange={setOptions}
          data={[...new Set([...KNOWN_OPTIONS, ...options])].map((o) => ({ value: o, label: t(`contractOption.${o}`, { defaultValue: o }) }))}
        />
        <TextInput type="date" label={t('admin.contractStarts')} value={startsOn} onChange={(e) => setStartsOn(e.currentTarget.value)} />
        <TextInput type="date" label={t('admin.contractEnds')} description={t('admin.contractEndsHint')} value={endsOn} onChange={(e) => setEndsOn(e.currentTarget.value)} />
        <Select
          label={t('admin.unknownSenders')}
          value={policy}
          allowDeselect={false}
          onChange={(v) => v && setPolicy(v as typeof policy)}
          data={[
            { value: 'create', label: t('admin.unknownSender.create') },
            { value: 'refuse', label: t('admin.unknownSender.refuse') },
          ]}
        />
      </SimpleGrid>
    </FormCard>
  );
}

/** `/admin/organizations/:id`: an organization's name, plan, domains and contract. */
export default function OrganizationEdit() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const org = useQuery({ queryKey: ['organization', id], queryFn: () => get<Organization>(`/organizations/${id}`), retry: false });
  if (org.isPending) return <Loading />;
  if (org.error) return (org.error as { status?: number }).status === 404 ? <NotFound /> : <ErrorAlert error={org.error} />;
  return (
    <Stack>
      <Anchor component={Link} to="/admin/organizations" size="sm">
        ← {t('admin.nav.organizations')}
      </Anchor>
      <Title order={2}>{org.data.name}</Title>
      <OrganizationForm key={org.data.id} org={org.data} />
      <SsoSettings organizationId={org.data.id} />
      <DirectorySettings organizationId={org.data.id} />
    </Stack>
  );
}
