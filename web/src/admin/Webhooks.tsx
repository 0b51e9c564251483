import { Anchor, Badge, MultiSelect, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { post } from '../api/client';
import { useOrganizations } from '../api/queries';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';
import { dateTime } from '../ui/format';
import { SecretBox } from '../ui/SecretBox';
import { useWebhooks, type Webhook } from './admin.api';
import { eventKey, WEBHOOK_EVENTS } from './webhook-events';

/** The fields of a webhook, as the form holds them. */
export function draftOf(w?: Webhook) {
  return { name: w?.name ?? '', url: w?.url ?? '', events: w?.events ?? ['ticket.created'], organizationId: w?.organizationId ?? '', active: w?.active ?? true };
}
export type WebhookDraft = ReturnType<typeof draftOf>;

export function WebhookFields({ value: d, onChange }: { value: WebhookDraft; onChange: (d: WebhookDraft) => void }) {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  const set = (change: Partial<WebhookDraft>) => onChange({ ...d, ...change });
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('admin.name')} required value={d.name} onChange={(e) => set({ name: e.currentTarget.value })} />
        <TextInput label={t('webhooks.url')} type="url" required placeholder="https://" value={d.url} onChange={(e) => set({ url: e.currentTarget.value })} />
      </SimpleGrid>
      <MultiSelect
        label={t('webhooks.events')}
        required
        searchable
        value={d.events}
        onChange={(events) => set({ events })}
        data={WEBHOOK_EVENTS.map((e) => ({ value: e, label: `${e} — ${t(eventKey(e))}` }))}
      />
      <Select
        label={t('webhooks.organization')}
        value={d.organizationId}
        allowDeselect={false}
        onChange={(v) => set({ organizationId: v ?? '' })}
        data={[{ value: '', label: t('webhooks.allOrganizations') }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))]}
      />
    </Stack>
  );
}

/** The body of POST or PATCH. */
export const bodyOf = (d: WebhookDraft) => ({ name: d.name, url: d.url.trim(), events: d.events, organizationId: d.organizationId || null, active: d.active });

/** How the last delivery went: delivered, pending or failed, with the receiver's answer code. */
export function DeliveryBadge({ status, code }: { status: string; code?: number | null }) {
  const { t } = useTranslation();
  const color = status === 'delivered' ? 'teal' : status === 'failed' ? 'red' : 'blue';
  return (
    <Badge variant="light" color={color} data-delivery={status}>
      {t(`webhooks.status.${status}`, { defaultValue: status })}
      {code ? ` · ${code}` : ''}
    </Badge>
  );
}

/** `/admin/webhooks`: where request events are posted, with each webhook's last delivery; add one. */
export default function Webhooks() {
  const { t, i18n } = useTranslation();
  const webhooks = useWebhooks();
  const orgs = useOrganizations();
  const [draft, setDraft] = useState(draftOf());
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        {t('webhooks.help')}
      </Text>
      {secret && <SecretBox secret={secret} onClose={() => setSecret(null)} />}
      <FormCard
        title={t('webhooks.add')}
        submitLabel={t('admin.add')}
        okMessage={t('admin.added')}
        invalidate={['webhooks']}
        testId="webhook-add"
        onSubmit={() => post<Webhook>('/webhooks', bodyOf(draft))}
        onDone={(w) => {
          setSecret((w as Webhook).secret ?? null);
          setDraft(draftOf());
        }}
      >
        <WebhookFields value={draft} onChange={setDraft} />
      </FormCard>
      <ErrorAlert error={webhooks.error} />
      <DataTable
        testId="webhooks"
        minWidth={960}
        rows={webhooks.data?.items}
        rowKey={(w) => w.id}
        columns={[
          {
            key: 'name',
            label: t('admin.name'),
            render: (w) => (
              <Anchor component={Link} to={`/admin/webhooks/${w.id}`}>
                {w.name}
              </Anchor>
            ),
          },
          { key: 'url', label: t('webhooks.url'), render: (w) => <Text size="xs" ff="monospace" miw={200} style={{ overflowWrap: 'anywhere' }}>{w.url}</Text> },
          { key: 'events', label: t('webhooks.events'), render: (w) => <Text size="xs">{w.events.join(', ')}</Text> },
          { key: 'org', label: t('webhooks.organization'), render: (w) => (w.organizationId ? (orgs.data?.items.find((o) => o.id === w.organizationId)?.name ?? '') : t('webhooks.allOrganizations')) },
          {
            key: 'state',
            label: t('admin.status'),
            render: (w) => (w.active ? <Badge color="teal" variant="light">{t('admin.active')}</Badge> : <Badge color="gray">{t('admin.inactive')}</Badge>),
            nowrap: true,
          },
          {
            key: 'last',
            label: t('webhooks.lastDelivery'),
            render: (w) =>
              w.lastDelivery ? (
                <Stack gap={2}>
                  <DeliveryBadge status={w.lastDelivery.status} code={w.lastDelivery.responseStatus} />
                  <Text size="xs" c="dimmed">
                    {dateTime(w.lastDelivery.at, i18n.language)}
                  </Text>
                </Stack>
              ) : (
                '—'
              ),
            nowrap: true,
          },
        ]}
      />
    </>
  );
}
