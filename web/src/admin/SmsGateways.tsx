import { Alert, Badge, Button, Checkbox, Modal, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, patch, post } from '../api/client';
import { useOrganizations } from '../api/queries';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { FormCard, useSubmit } from '../ui/FormCard';
import { Copyable, SecretBox } from '../ui/SecretBox';
import { useSmsGateways, type CreatedSmsGateway, type SmsGateway, type SmsGatewayInput } from './admin.api';
import { ConfirmButton } from '../ui/ConfirmButton';

type Kind = SmsGateway['kind'];
type Policy = SmsGateway['unknownSenderPolicy'];

/** What the admin types, for both kinds; only the fields of the gateway's kind are sent. */
interface Draft {
  name: string;
  kind: Kind;
  fromNumber: string;
  sendsmsUrl: string;
  username: string;
  password: string;
  apiBaseUrl: string;
  accountSid: string;
  authToken: string;
  policy: Policy;
  organizationId: string;
  active: boolean;
}

const BLANK: Draft = {
  name: '',
  kind: 'kannel',
  fromNumber: '',
  sendsmsUrl: '',
  username: '',
  password: '',
  apiBaseUrl: 'https://api.twilio.com',
  accountSid: '',
  authToken: '',
  policy: 'refuse',
  organizationId: '',
  active: true,
};

const draftOf = (g: SmsGateway): Draft => ({
  ...BLANK,
  name: g.name,
  kind: g.kind,
  fromNumber: g.fromNumber ?? '',
  sendsmsUrl: g.kannel?.sendsmsUrl ?? '',
  username: g.kannel?.username ?? '',
  apiBaseUrl: g.twilio?.apiBaseUrl ?? BLANK.apiBaseUrl,
  accountSid: g.twilio?.accountSid ?? '',
  policy: g.unknownSenderPolicy,
  organizationId: g.organizationId ?? '',
  active: g.active,
});

/** The request body: outbound settings of the gateway's kind, or null when it only receives; empty secrets keep the stored ones. */
function inputOf(d: Draft): Omit<SmsGatewayInput, 'kind'> {
  const kannel = d.sendsmsUrl.trim() ? { sendsmsUrl: d.sendsmsUrl.trim(), username: d.username.trim(), ...(d.password && { password: d.password }) } : null;
  const twilio = d.accountSid.trim() ? { apiBaseUrl: d.apiBaseUrl.trim(), accountSid: d.accountSid.trim() } : null;
  return {
    name: d.name,
    fromNumber: d.fromNumber.trim() || null,
    ...(d.kind === 'kannel' ? { kannel } : { twilio }),
    ...(d.kind === 'twilio' && d.authToken && { secret: d.authToken }),
    unknownSenderPolicy: d.policy,
    organizationId: d.organizationId || null,
    active: d.active,
  };
}

/** The fields of a gateway; `existing` when editing (the kind is fixed, stored secrets may be kept). */
function GatewayFields({ draft, set, existing }: { draft: Draft; set: (d: Partial<Draft>) => void; existing?: SmsGateway }) {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('admin.name')} required value={draft.name} onChange={(e) => set({ name: e.currentTarget.value })} placeholder="Kannel, MTS" />
        <Select
          label={t('smsAdmin.kind')}
          value={draft.kind}
          allowDeselect={false}
          disabled={!!existing}
          description={existing ? t('smsAdmin.kindFixed') : undefined}
          onChange={(v) => v && set({ kind: v as Kind })}
          data={(['kannel', 'twilio'] as const).map((k) => ({ value: k, label: t(`smsAdmin.kinds.${k}`) }))}
        />
      </SimpleGrid>
      <Title order={3} size="h6" mt="xs">
        {t(draft.kind === 'kannel' ? 'smsAdmin.kannelSection' : 'smsAdmin.twilioSection')}
      </Title>
      {draft.kind === 'kannel' ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('smsAdmin.sendsmsUrl')}
            description={t('smsAdmin.receiveOnlyHint')}
            value={draft.sendsmsUrl}
            onChange={(e) => set({ sendsmsUrl: e.currentTarget.value })}
            placeholder="http://127.0.0.1:13013/cgi-bin/sendsms"
            type="url"
          />
          <TextInput label={t('smsAdmin.username')} required={!!draft.sendsmsUrl.trim()} value={draft.username} onChange={(e) => set({ username: e.currentTarget.value })} />
          <PasswordInput
            label={t('smsAdmin.password')}
            description={existing?.kannel?.hasPassword ? t('smsAdmin.keepStored') : undefined}
            required={!!draft.sendsmsUrl.trim() && !existing?.kannel?.hasPassword}
            value={draft.password}
            onChange={(e) => set({ password: e.currentTarget.value })}
            autoComplete="new-password"
          />
        </SimpleGrid>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('smsAdmin.apiBaseUrl')} value={draft.apiBaseUrl} onChange={(e) => set({ apiBaseUrl: e.currentTarget.value })} type="url" />
          <TextInput label={t('smsAdmin.accountSid')} description={t('smsAdmin.receiveOnlyHint')} value={draft.accountSid} onChange={(e) => set({ accountSid: e.currentTarget.value })} />
          <PasswordInput
            label={t('smsAdmin.authToken')}
            description={existing ? t('smsAdmin.keepStored') : t('smsAdmin.authTokenHint')}
            required={!existing}
            value={draft.authToken}
            onChange={(e) => set({ authToken: e.currentTarget.value })}
            autoComplete="new-password"
          />
        </SimpleGrid>
      )}
      <TextInput label={t('smsAdmin.fromNumber')} description={t('smsAdmin.fromNumberHint')} value={draft.fromNumber} onChange={(e) => set({ fromNumber: e.currentTarget.value })} placeholder="+74950000000" />
      <Title order={3} size="h6" mt="xs">
        {t('smsAdmin.unknownSection')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label={t('smsAdmin.policy')}
          value={draft.policy}
          allowDeselect={false}
          onChange={(v) => v && set({ policy: v as Policy })}
          data={(['refuse', 'create'] as const).map((p) => ({ value: p, label: t(`smsAdmin.policies.${p}`) }))}
        />
        <Select
          label={t('smsAdmin.organization')}
          description={t('smsAdmin.organizationHint')}
          required={draft.policy === 'create'}
          value={draft.organizationId}
          allowDeselect={false}
          searchable
          onChange={(v) => set({ organizationId: v ?? '' })}
          data={[{ value: '', label: t('smsAdmin.noOrganization') }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))]}
        />
      </SimpleGrid>
      <Checkbox label={t('admin.active')} description={t('smsAdmin.activeHint')} checked={draft.active} onChange={(e) => set({ active: e.currentTarget.checked })} />
    </Stack>
  );
}

/** The URLs of a gateway with a Kannel secret put in place of its `<secret>` placeholder. */
const withSecret = (url: string, secret: string) => url.replace(/%3Csecret%3E|<secret>/g, encodeURIComponent(secret));

/** What to copy into the gateway after it is made (or a Kannel secret renewed). */
function Created({ gateway, onClose }: { gateway: CreatedSmsGateway; onClose: () => void }) {
  const { t } = useTranslation();
  if (gateway.secret)
    return (
      <SecretBox secret={gateway.secret} onClose={onClose}>
        <Copyable label={t('smsAdmin.kannelGetUrl')} value={withSecret(gateway.urls.incoming, gateway.secret)} testId="incoming-url" />
      </SecretBox>
    );
  return (
    <Alert color="blue" variant="light" title={t('smsAdmin.urlsTitle')} mb="md" data-testid="gateway-urls" withCloseButton onClose={onClose} closeButtonLabel={t('secret.done')}>
      <Stack gap="sm">
        <Text size="sm">{t('smsAdmin.twilioUrlsHint')}</Text>
        <Copyable label={t('smsAdmin.incomingUrl')} value={gateway.urls.incoming} testId="incoming-url" />
      </Stack>
    </Alert>
  );
}

/** Changing a gateway; a new Kannel secret; deleting it. */
function GatewayEdit({ gateway, onClose, onSecret }: { gateway: SmsGateway; onClose: () => void; onSecret: (g: CreatedSmsGateway) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(() => draftOf(gateway));
  const action = useSubmit(['smsGateways']);
  const rotate = () =>
    action.run(() => post<CreatedSmsGateway>(`/sms/gateways/${gateway.id}/secret`), t('smsAdmin.rotated')).then((r) => {
      if (r.ok) {
        onSecret(r.value);
        onClose();
      }
    });
  return (
    <FormCard
      invalidate={['smsGateways']}
      onSubmit={() => patch(`/sms/gateways/${gateway.id}`, inputOf(draft))}
      onDone={onClose}
      actions={
        <>
          {gateway.kind === 'kannel' && (
            <ConfirmButton question={t('smsAdmin.rotateConfirm', { name: gateway.name })} busy={action.busy} onConfirm={rotate}>
              {t('smsAdmin.rotate')}
            </ConfirmButton>
          )}
          <ConfirmButton
            danger
            question={t('smsAdmin.deleteConfirm', { name: gateway.name })}
            busy={action.busy}
            onConfirm={() => action.run(() => del(`/sms/gateways/${gateway.id}`), t('admin.deleted')).then((r) => r.ok && onClose())}
          >
            {t('admin.delete')}
          </ConfirmButton>
        </>
      }
    >
      <ErrorAlert error={action.error} />
      <GatewayFields draft={draft} set={(d) => setDraft((x) => ({ ...x, ...d }))} existing={gateway} />
    </FormCard>
  );
}

/** `/admin/sms-gateways`: the Kannel and Twilio-style gateways, the addresses they call, their secrets (shown once). */
export default function SmsGateways() {
  const { t } = useTranslation();
  const gateways = useSmsGateways();
  const orgs = useOrganizations();
  const [draft, setDraft] = useState(BLANK);
  const [shown, setShown] = useState<CreatedSmsGateway | null>(null);
  const [editing, setEditing] = useState<SmsGateway | null>(null);
  const orgName = (id: string | null) => orgs.data?.items.find((o) => o.id === id)?.name;
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        {t('smsAdmin.help')}
      </Text>
      {shown && <Created gateway={shown} onClose={() => setShown(null)} />}
      <FormCard
        title={t('smsAdmin.add')}
        submitLabel={t('admin.add')}
        okMessage={t('admin.added')}
        invalidate={['smsGateways']}
        testId="sms-gateway-add"
        onSubmit={() => post<CreatedSmsGateway>('/sms/gateways', { ...inputOf(draft), kind: draft.kind })}
        onDone={(g) => {
          setShown(g as CreatedSmsGateway);
          setDraft(BLANK);
        }}
      >
        <GatewayFields draft={draft} set={(d) => setDraft((x) => ({ ...x, ...d }))} />
      </FormCard>
      <ErrorAlert error={gateways.error} />
      <DataTable
        testId="sms-gateways"
        minWidth={760}
        rows={gateways.data?.items}
        rowKey={(g) => g.id}
        columns={[
          {
            key: 'name',
            label: t('admin.name'),
            render: (g) => (
              <>
                <Text size="sm" fw={600}>
                  {g.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {t(`smsAdmin.kinds.${g.kind}`)} · {g.kannel ?? g.twilio ? t('smsAdmin.sends') : t('smsAdmin.receivesOnly')}
                  {g.fromNumber && ` · ${g.fromNumber}`}
                </Text>
              </>
            ),
          },
          {
            key: 'urls',
            label: t('smsAdmin.urls'),
            render: (g) => (
              <Stack gap={2} miw={220}>
                <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                  {g.urls.incoming}
                </Text>
                <Text size="xs" c="dimmed">
                  {t(g.kind === 'kannel' ? 'smsAdmin.kannelUrlNote' : 'smsAdmin.twilioUrlNote')}
                </Text>
              </Stack>
            ),
          },
          {
            key: 'unknown',
            label: t('smsAdmin.unknownShort'),
            render: (g) => (
              <>
                {t(`smsAdmin.policiesShort.${g.unknownSenderPolicy}`)}
                {g.organizationId && (
                  <Text size="xs" c="dimmed">
                    {orgName(g.organizationId) ?? '—'}
                  </Text>
                )}
              </>
            ),
          },
          {
            key: 'state',
            label: t('admin.status'),
            render: (g) => (g.active ? <Badge color="teal" variant="light" miw="max-content">{t('admin.active')}</Badge> : <Badge color="gray" miw="max-content">{t('admin.inactive')}</Badge>),
            nowrap: true,
          },
          {
            key: 'edit',
            label: t('admin.actions'),
            render: (g) => (
              <Button size="xs" variant="light" onClick={() => setEditing(g)} aria-label={`${t('admin.edit')}: ${g.name}`}>
                {t('admin.edit')}
              </Button>
            ),
            nowrap: true,
          },
        ]}
      />
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={editing?.name} size="lg">
        {editing && <GatewayEdit key={editing.id} gateway={editing} onClose={() => setEditing(null)} onSecret={setShown} />}
      </Modal>
    </>
  );
}
