import { Anchor, Button, Checkbox, Code, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { del, patch, post } from '../api/client';
import { NotFound } from '../app/guards';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard, useSubmit } from '../ui/FormCard';
import { dateTime } from '../ui/format';
import { SecretBox } from '../ui/SecretBox';
import { useDeliveries, useWebhook, type Webhook, type WebhookDelivery } from './admin.api';
import { bodyOf, DeliveryBadge, draftOf, WebhookFields } from './Webhooks';
import { ConfirmButton } from '../ui/ConfirmButton';

function WebhookForm({ webhook, onSecret }: { webhook: Webhook; onSecret: (s: string) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(draftOf(webhook));
  const action = useSubmit(['webhooks']);
  return (
    <FormCard
      invalidate={['webhooks']}
      testId="webhook-form"
      onSubmit={() => patch(`/webhooks/${webhook.id}`, bodyOf(draft))}
      actions={
        <>
          <Button variant="light" loading={action.busy} onClick={() => void action.run(() => post(`/webhooks/${webhook.id}/ping`), t('webhooks.pinged'))}>
            {t('webhooks.ping')}
          </Button>
          <ConfirmButton
            question={t('webhooks.rotateConfirm', { name: webhook.name })}
            busy={action.busy}
            onConfirm={() => action.run(() => patch<Webhook>(`/webhooks/${webhook.id}`, { rotateSecret: true }), t('phoneAdmin.rotated')).then((r) => r.ok && r.value.secret && onSecret(r.value.secret))}
          >
            {t('phoneAdmin.rotate')}
          </ConfirmButton>
          <ConfirmButton
            danger
            question={t('webhooks.deleteConfirm', { name: webhook.name })}
            busy={action.busy}
            onConfirm={() => action.run(() => del(`/webhooks/${webhook.id}`), t('admin.deleted')).then((r) => r.ok && navigate('/admin/webhooks'))}
          >
            {t('admin.delete')}
          </ConfirmButton>
        </>
      }
    >
      <ErrorAlert error={action.error} />
      <WebhookFields value={draft} onChange={setDraft} />
      <Checkbox mt="sm" label={t('admin.active')} checked={draft.active} onChange={(e) => setDraft({ ...draft, active: e.currentTarget.checked })} />
    </FormCard>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const { t, i18n } = useTranslation();
  const deliveries = useDeliveries(webhookId);
  const again = useSubmit(['webhooks']);
  if (deliveries.isPending) return <Loading />;
  return (
    <>
      <ErrorAlert error={deliveries.error ?? again.error} />
      <DataTable<WebhookDelivery>
        testId="deliveries"
        rows={deliveries.data?.items}
        rowKey={(d) => String(d.id)}
        minWidth={900}
        empty={t('webhooks.noDeliveries')}
        columns={[
          { key: 'at', label: t('webhooks.time'), render: (d) => dateTime(d.deliveredAt ?? d.createdAt, i18n.language), nowrap: true },
          { key: 'event', label: t('webhooks.event.label'), render: (d) => <Text size="sm" ff="monospace">{d.event}</Text>, nowrap: true },
          { key: 'status', label: t('admin.status'), render: (d) => <DeliveryBadge status={d.status} />, nowrap: true },
          { key: 'attempts', label: t('admin.attempts'), render: (d) => d.attempts, nowrap: true },
          { key: 'code', label: t('webhooks.answer'), render: (d) => d.responseStatus ?? '—', nowrap: true },
          {
            key: 'error',
            label: t('webhooks.details'),
            render: (d) => (
              <Stack gap={4}>
                {d.lastError && (
                  <Text size="xs" c="red.8" style={{ overflowWrap: 'anywhere' }}>
                    {d.lastError}
                  </Text>
                )}
                <details>
                  <summary style={{ cursor: 'pointer', fontSize: 'var(--mantine-font-size-xs)' }}>{t('webhooks.payload')}</summary>
                  <Code block style={{ maxWidth: 480, maxHeight: 320, overflow: 'auto' }}>
                    {JSON.stringify(d.payload, null, 2)}
                  </Code>
                </details>
              </Stack>
            ),
          },
          {
            key: 'again',
            label: t('admin.actions'),
            render: (d) => (
              <Button size="xs" variant="light" loading={again.busy} onClick={() => void again.run(() => post(`/webhooks/${webhookId}/deliveries/${d.id}/redeliver`), t('webhooks.redelivered'))}>
                {t('webhooks.redeliver')}
              </Button>
            ),
            nowrap: true,
          },
        ]}
      />
    </>
  );
}

/** `/admin/webhooks/:id`: change, test, rotate or delete a webhook, and see how its deliveries went. */
export default function WebhookEdit() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const webhook = useWebhook(id);
  const [secret, setSecret] = useState<string | null>(null);
  if (webhook.isPending) return <Loading />;
  if (webhook.error) return (webhook.error as { status?: number }).status === 404 ? <NotFound /> : <ErrorAlert error={webhook.error} />;
  const w = webhook.data;
  return (
    <Stack>
      <Anchor component={Link} to="/admin/webhooks" size="sm">
        ← {t('admin.nav.webhooks')}
      </Anchor>
      <Title order={2}>{w.name}</Title>
      {secret && <SecretBox secret={secret} onClose={() => setSecret(null)} />}
      <WebhookForm key={w.id} webhook={w} onSecret={setSecret} />
      <Title order={3} size="h4">
        {t('webhooks.deliveries')}
      </Title>
      <Deliveries webhookId={w.id} />
    </Stack>
  );
}
