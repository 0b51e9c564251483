import { Badge, Button, Checkbox, NumberInput, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, del, post } from '../api/client';
import { ConfirmButton } from '../ui/ConfirmButton';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard, useSubmit } from '../ui/FormCard';
import { dateTime } from '../ui/format';
import { useDirectoryConfig, useSyncRuns, type DirectoryConfig, type SyncRun } from './sso.api';

function draftOf(c: DirectoryConfig | null) {
  return {
    url: c?.url ?? 'ldaps://',
    bindDn: c?.bindDn ?? '',
    bindPassword: '',
    baseDn: c?.baseDn ?? '',
    filter: c?.filter ?? '(objectClass=inetOrgPerson)',
    name: c?.attributes.name ?? 'cn',
    email: c?.attributes.email ?? 'mail',
    phone: c?.attributes.phone ?? 'telephoneNumber',
    locale: c?.attributes.locale ?? 'preferredLanguage',
    managerGroupDn: c?.managerGroupDn ?? '',
    intervalMinutes: c?.intervalMinutes ?? 60,
    ldapSignIn: c?.ldapSignIn ?? false,
    enabled: c?.enabled ?? true,
  };
}

function DirectoryForm({ organizationId, config }: { organizationId: string; config: DirectoryConfig | null }) {
  const { t, i18n } = useTranslation();
  const [d, setD] = useState(draftOf(config));
  const action = useSubmit(['directory']);
  const path = `/organizations/${organizationId}/directory`;
  const text = (key: keyof typeof d, label: string, extra: { description?: string; required?: boolean } = {}) => (
    <TextInput label={label} {...extra} value={String(d[key])} onChange={(e) => setD({ ...d, [key]: e.currentTarget.value })} />
  );
  return (
    <FormCard
      title={t('directory.title')}
      invalidate={['directory']}
      testId="directory-form"
      onSubmit={() =>
        api('PUT', path, {
          url: d.url,
          bindDn: d.bindDn,
          bindPassword: d.bindPassword || undefined,
          baseDn: d.baseDn,
          filter: d.filter,
          attributes: { name: d.name, email: d.email, phone: d.phone || null, locale: d.locale || null },
          managerGroupDn: d.managerGroupDn || null,
          intervalMinutes: d.intervalMinutes,
          ldapSignIn: d.ldapSignIn,
          enabled: d.enabled,
        })
      }
      actions={
        config && (
          <>
            <Button variant="light" loading={action.busy} onClick={() => void action.run(() => post(`${path}/sync`, { dryRun: true }), t('directory.dryRunDone'))}>
              {t('directory.dryRun')}
            </Button>
            <Button variant="light" loading={action.busy} onClick={() => void action.run(() => post(`${path}/sync`, { dryRun: false }), t('directory.syncDone'))}>
              {t('directory.syncNow')}
            </Button>
            <ConfirmButton danger question={t('directory.deleteConfirm')} busy={action.busy} onConfirm={() => action.run(() => del(path), t('admin.deleted'))}>
              {t('admin.delete')}
            </ConfirmButton>
          </>
        )
      }
    >
      <ErrorAlert error={action.error} />
      <Text size="sm" c="dimmed" mb="xs">
        {config ? (config.nextSyncAt ? t('directory.nextSync', { at: dateTime(config.nextSyncAt, i18n.language) }) : t('directory.paused')) : t('directory.notConfigured')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {text('url', t('directory.url'), { required: true, description: t('directory.urlHint') })}
        {text('bindDn', t('directory.bindDn'), { required: true })}
        <PasswordInput
          label={t('directory.bindPassword')}
          description={config?.hasBindPassword ? t('sso.secretKept') : undefined}
          required={!config}
          autoComplete="new-password"
          value={d.bindPassword}
          onChange={(e) => setD({ ...d, bindPassword: e.currentTarget.value })}
        />
        {text('baseDn', t('directory.baseDn'), { required: true })}
        {text('filter', t('directory.filter'))}
        {text('managerGroupDn', t('directory.managerGroup'), { description: t('directory.managerGroupHint') })}
        {text('name', t('directory.attrName'))}
        {text('email', t('directory.attrEmail'))}
        {text('phone', t('directory.attrPhone'))}
        {text('locale', t('directory.attrLocale'))}
        <NumberInput label={t('directory.interval')} min={5} max={10080} value={d.intervalMinutes} onChange={(v) => setD({ ...d, intervalMinutes: Number(v) || 60 })} />
      </SimpleGrid>
      <Checkbox mt="md" label={t('directory.ldapSignIn')} description={t('directory.ldapSignInHint')} checked={d.ldapSignIn} onChange={(e) => setD({ ...d, ldapSignIn: e.currentTarget.checked })} />
      <Checkbox mt="sm" label={t('directory.enabled')} checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.currentTarget.checked })} />
    </FormCard>
  );
}

function Runs({ organizationId }: { organizationId: string }) {
  const { t, i18n } = useTranslation();
  const runs = useSyncRuns(organizationId);
  const [open, setOpen] = useState<string | null>(null);
  if (runs.isPending) return <Loading />;
  if (runs.error) return <ErrorAlert error={runs.error} />;
  const shown = runs.data.items.find((r) => r.id === open);
  return (
    <Stack gap="xs">
      <Text fw={500}>{t('directory.runs')}</Text>
      <DataTable<SyncRun>
        testId="sync-runs"
        rows={runs.data.items}
        rowKey={(r) => r.id}
        minWidth={640}
        columns={[
          { key: 'at', label: t('directory.startedAt'), nowrap: true, render: (r) => dateTime(r.startedAt, i18n.language) },
          { key: 'kind', label: t('directory.kind'), render: (r) => `${t(`directory.trigger.${r.trigger}`)}${r.dryRun ? ` · ${t('directory.dryRunShort')}` : ''}` },
          { key: 'status', label: t('directory.status'), nowrap: true, render: (r) => (
              <Text size="sm" fw={600} c={r.status === 'ok' ? 'teal.9' : 'red.9'}>
                {t(`directory.result.${r.status}`)}
              </Text>
            ),
          },
          { key: 'counts', label: t('directory.counts'), render: (r) => t('directory.countsValue', { created: r.created, updated: r.updated, deactivated: r.deactivated, skipped: r.skipped }) },
          {
            key: 'more',
            label: '',
            nowrap: true,
            render: (r) => (
              <Button size="compact-xs" variant="subtle" onClick={() => setOpen(open === r.id ? null : r.id)}>
                {open === r.id ? t('directory.hide') : t('directory.details')}
              </Button>
            ),
          },
        ]}
      />
      {shown && (
        <Stack gap={4} data-testid="sync-changes">
          {shown.error && <Text size="sm" c="red">{shown.error}</Text>}
          {shown.changes.length === 0 && <Text size="sm" c="dimmed">{t('directory.noChanges')}</Text>}
          {shown.changes.map((c, i) => (
            <Text size="sm" key={i}>
              <Badge variant="light" mr="xs">{t(`directory.action.${c.action}`)}</Badge>
              {c.name} &lt;{c.email || '—'}&gt;
              {c.fields?.length ? ` — ${c.fields.map((f) => t(`directory.field.${f}`)).join(', ')}` : ''}
              {c.reason ? ` — ${t(`directory.reason.${c.reason}`)}` : ''}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

/** An organization's LDAP / Active Directory: settings, sync now or dry run, and the reports. */
export function DirectorySettings({ organizationId }: { organizationId: string }) {
  const config = useDirectoryConfig(organizationId);
  if (config.isPending) return <Loading />;
  if (config.error) return <ErrorAlert error={config.error} />;
  return (
    <Stack gap="xs">
      <DirectoryForm key={config.data?.updatedAt ?? 'new'} organizationId={organizationId} config={config.data} />
      {config.data && <Runs organizationId={organizationId} />}
    </Stack>
  );
}
