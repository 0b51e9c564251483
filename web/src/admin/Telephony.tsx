import { Badge, Button, Checkbox, Modal, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, patch, post } from '../api/client';
import { useOrganizations } from '../api/queries';
import { useConnectors, type Connector, type ConnectorWithSecret } from '../phone/phone.api';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { FormCard, useSubmit } from '../ui/FormCard';
import { dateTime } from '../ui/format';
import { Copyable, SecretBox } from '../ui/SecretBox';
import { ConfirmButton } from '../ui/ConfirmButton';

/** The organization picker of a connector: none, or the client whose hotline it is. */
function DefaultOrganization({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  return (
    <Select
      label={t('phoneAdmin.defaultOrganization')}
      description={t('phoneAdmin.defaultOrganizationHint')}
      value={value}
      allowDeselect={false}
      onChange={(v) => onChange(v ?? '')}
      data={[{ value: '', label: t('phoneAdmin.noDefault') }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))]}
    />
  );
}

/** Changing a connector: name, on or off, default organization; a new secret; deleting it. */
function ConnectorEdit({ connector, onClose, onSecret }: { connector: Connector; onClose: () => void; onSecret: (c: ConnectorWithSecret) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(connector.name);
  const [active, setActive] = useState(connector.active);
  const [org, setOrg] = useState(connector.defaultOrganizationId ?? '');
  const action = useSubmit(['connectors']);
  return (
    <FormCard
      invalidate={['connectors']}
      onSubmit={() => patch(`/phone/connectors/${connector.id}`, { name, active, defaultOrganizationId: org || null })}
      onDone={onClose}
      actions={
        <>
          <ConfirmButton
            question={t('phoneAdmin.rotateConfirm', { name: connector.name })}
            busy={action.busy}
            onConfirm={() =>
              action.run(() => post<ConnectorWithSecret>(`/phone/connectors/${connector.id}/secret`), t('phoneAdmin.rotated')).then((r) => {
                if (r.ok) {
                  onSecret(r.value);
                  onClose();
                }
              })
            }
          >
            {t('phoneAdmin.rotate')}
          </ConfirmButton>
          <ConfirmButton
            danger
            question={t('phoneAdmin.deleteConfirm', { name: connector.name })}
            busy={action.busy}
            onConfirm={() => action.run(() => del(`/phone/connectors/${connector.id}`), t('admin.deleted')).then((r) => r.ok && onClose())}
          >
            {t('admin.delete')}
          </ConfirmButton>
        </>
      }
    >
      <Stack gap="sm">
        <ErrorAlert error={action.error} />
        <TextInput label={t('admin.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <DefaultOrganization value={org} onChange={setOrg} />
        <Checkbox label={t('admin.active')} description={t('phoneAdmin.activeHint')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
      </Stack>
    </FormCard>
  );
}

/** `/admin/telephony`: the PBX connectors, their events addresses, and their secrets (shown once). */
export default function Telephony() {
  const { t, i18n } = useTranslation();
  const connectors = useConnectors();
  const orgs = useOrganizations();
  const [name, setName] = useState('');
  const [org, setOrg] = useState('');
  const [shown, setShown] = useState<ConnectorWithSecret | null>(null);
  const [editing, setEditing] = useState<Connector | null>(null);
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        {t('phoneAdmin.help')}
      </Text>
      {shown && (
        <SecretBox secret={shown.secret} onClose={() => setShown(null)}>
          <Copyable label={t('phoneAdmin.eventsUrl')} value={shown.eventsUrl} testId="events-url" />
        </SecretBox>
      )}
      <FormCard
        title={t('phoneAdmin.add')}
        submitLabel={t('admin.add')}
        okMessage={t('admin.added')}
        invalidate={['connectors']}
        onSubmit={() => post<ConnectorWithSecret>('/phone/connectors', { name, ...(org && { defaultOrganizationId: org }) })}
        onDone={(c) => {
          setShown(c as ConnectorWithSecret);
          setName('');
          setOrg('');
        }}
      >
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('admin.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} placeholder="Office Asterisk" />
          <DefaultOrganization value={org} onChange={setOrg} />
        </SimpleGrid>
      </FormCard>
      <ErrorAlert error={connectors.error} />
      <DataTable
        testId="connectors"
        minWidth={900}
        rows={connectors.data?.items}
        rowKey={(c) => c.id}
        columns={[
          { key: 'name', label: t('admin.name'), render: (c) => c.name },
          { key: 'url', label: t('phoneAdmin.eventsUrl'), render: (c) => <Text size="xs" ff="monospace" miw={220} style={{ overflowWrap: 'anywhere' }}>{c.eventsUrl}</Text> },
          { key: 'org', label: t('phoneAdmin.defaultOrgShort'), render: (c) => orgs.data?.items.find((o) => o.id === c.defaultOrganizationId)?.name ?? '—' },
          {
            key: 'state',
            label: t('admin.status'),
            render: (c) => (c.active ? <Badge color="teal" variant="light">{t('admin.active')}</Badge> : <Badge color="gray">{t('admin.inactive')}</Badge>),
            nowrap: true,
          },
          { key: 'created', label: t('phoneAdmin.created'), render: (c) => dateTime(c.createdAt, i18n.language), nowrap: true },
          {
            key: 'edit',
            label: t('admin.actions'),
            render: (c) => (
              <Button size="xs" variant="light" onClick={() => setEditing(c)} aria-label={`${t('admin.edit')}: ${c.name}`}>
                {t('admin.edit')}
              </Button>
            ),
            nowrap: true,
          },
        ]}
      />
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={editing?.name} size="lg">
        {editing && <ConnectorEdit key={editing.id} connector={editing} onClose={() => setEditing(null)} onSecret={setShown} />}
      </Modal>
    </>
  );
}
