import { Anchor, Badge, Button, Checkbox, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, get } from '../api/client';
import { usePlans } from '../api/queries';
import { inLang, useCatalog } from '../catalog/catalog.api';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading, notifyError, notifyOk } from '../ui/feedback';

interface Settings {
  clientApproval: 'any' | 'all';
  providerApproval: boolean;
  pauseSla: boolean;
}

/** One plan's approval settings, saved as each is changed. */
function PlanSettingsRow({ planId }: { planId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const s = useQuery({ queryKey: ['change-settings', planId], queryFn: () => get<Settings>(`/plans/${planId}/change-settings`) });
  if (!s.data) return <Loading />;
  const save = async (change: Partial<Settings>) => {
    try {
      const next = await api<Settings>('PUT', `/plans/${planId}/change-settings`, { ...s.data, ...change });
      qc.setQueryData(['change-settings', planId], next);
      notifyOk(t('common.saved'));
    } catch (e) {
      notifyError(t, e);
    }
  };
  return (
    <Group gap="md" wrap="wrap">
      <Select
        aria-label={t('catalogAdmin.clientApproval')}
        w={260}
        allowDeselect={false}
        value={s.data.clientApproval}
        onChange={(v) => v && void save({ clientApproval: v as Settings['clientApproval'] })}
        data={[
          { value: 'any', label: t('catalogAdmin.clientAny') },
          { value: 'all', label: t('catalogAdmin.clientAll') },
        ]}
      />
      <Checkbox label={t('catalogAdmin.providerApproval')} checked={s.data.providerApproval} onChange={(e) => void save({ providerApproval: e.currentTarget.checked })} />
      <Checkbox label={t('catalogAdmin.pauseSla')} checked={s.data.pauseSla} onChange={(e) => void save({ pauseSla: e.currentTarget.checked })} />
    </Group>
  );
}

/** `/admin/catalog`: the service catalog's items (each with its form and plans), and who approves changes under each plan. */
export default function CatalogAdmin() {
  const { t, i18n } = useTranslation();
  const items = useCatalog();
  const plans = usePlans();
  const planName = (id: string) => plans.data?.items.find((p) => p.id === id)?.name ?? id;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={560}>
          {t('catalogAdmin.help')}
        </Text>
        <Button component={Link} to="/admin/catalog/new">
          {t('catalogAdmin.add')}
        </Button>
      </Group>
      <ErrorAlert error={items.error} />
      <DataTable
        testId="catalog-admin"
        rows={items.data?.items}
        rowKey={(r) => r.id}
        minWidth={640}
        columns={[
          { key: 'name', label: t('admin.name'), render: (r) => <Anchor component={Link} to={`/admin/catalog/${r.id}`}>{inLang(i18n.language, r.name, r.nameRu)}</Anchor> },
          { key: 'type', label: t('ticket.type'), render: (r) => t(`type.${r.type}`) },
          { key: 'fields', label: t('catalogAdmin.fields'), nowrap: true, render: (r) => r.fields.length },
          { key: 'plans', label: t('catalogAdmin.plans'), render: (r) => r.planIds.map(planName).join(', ') || '—' },
          { key: 'state', label: '', nowrap: true, render: (r) => (r.active ? null : <Badge color="gray">{t('catalogAdmin.inactive')}</Badge>) },
        ]}
      />
      <Title order={2} size="h4" mt="md">
        {t('catalogAdmin.approvalTitle')}
      </Title>
      <Stack gap="sm" data-testid="plan-approval-settings">
        {plans.data?.items.map((p) => (
          <div key={p.id}>
            <Text fw={600} size="sm" mb={4}>
              {p.name}
            </Text>
            <PlanSettingsRow planId={p.id} />
          </div>
        ))}
      </Stack>
    </Stack>
  );
}
