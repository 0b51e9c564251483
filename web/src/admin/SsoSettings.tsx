import { ActionIcon, Button, Checkbox, Group, PasswordInput, Select, SimpleGrid, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, del } from '../api/client';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard, useSubmit } from '../ui/FormCard';
import { ssoPath, useSsoConfig, type RoleRule, type SsoConfig } from './sso.api';

const CLIENT_ROLES = ['requester', 'client_manager'] as const;
const STAFF_ROLES = ['agent', 'manager', 'admin'] as const;
const LINES = ['L1', 'L2', 'L3'] as const;

function draftOf(c: SsoConfig | null, staff: boolean) {
  return {
    issuerUrl: c?.issuerUrl ?? '',
    clientId: c?.clientId ?? '',
    clientSecret: '',
    scopes: c?.scopes ?? 'openid email profile',
    groupClaim: c?.groupClaim ?? 'groups',
    roleMapping: (c?.roleMapping ?? []) as RoleRule[],
    // A new organization IdP lets everyone in as a requester; the staff IdP only those in a mapped group.
    defaultRole: (c ? c.defaultRole : staff ? null : 'requester') as string | null,
    emailDomains: c?.emailDomains ?? [],
    passwordSignIn: c?.passwordSignIn ?? true,
    enabled: c?.enabled ?? true,
  };
}

function SsoForm({ organizationId, config }: { organizationId: string | null; config: SsoConfig | null }) {
  const { t } = useTranslation();
  const staff = organizationId === null;
  const [d, setD] = useState(draftOf(config, staff));
  const remove = useSubmit(['sso']);
  const roles = (staff ? STAFF_ROLES : CLIENT_ROLES).map((r) => ({ value: r, label: t(`role.${r}`) }));
  const setRule = (i: number, rule: Partial<RoleRule>) => setD({ ...d, roleMapping: d.roleMapping.map((r, j) => (j === i ? { ...r, ...rule } : r)) });
  return (
    <FormCard
      title={staff ? t('sso.staffTitle') : t('sso.title')}
      invalidate={['sso']}
      testId="sso-form"
      onSubmit={() =>
        api('PUT', ssoPath(organizationId), {
          ...d,
          clientSecret: d.clientSecret || undefined,
          emailDomains: staff ? d.emailDomains : undefined,
          roleMapping: d.roleMapping.map((r) => ({ group: r.group, role: r.role, ...(staff && r.line ? { line: r.line } : {}) })),
        })
      }
      actions={
        config && (
          <ConfirmButton danger question={t('sso.deleteConfirm')} busy={remove.busy} onConfirm={() => remove.run(() => del(ssoPath(organizationId)), t('admin.deleted'))}>
            {t('admin.delete')}
          </ConfirmButton>
        )
      }
    >
      <ErrorAlert error={remove.error} />
      <Text size="sm" c="dimmed" mb="xs">
        {config ? t('sso.redirectUri', { uri: config.redirectUri }) : t('sso.notConfigured')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('sso.issuerUrl')} description={t('sso.issuerHint')} required value={d.issuerUrl} onChange={(e) => setD({ ...d, issuerUrl: e.currentTarget.value })} />
        <TextInput label={t('sso.clientId')} required value={d.clientId} onChange={(e) => setD({ ...d, clientId: e.currentTarget.value })} />
        <PasswordInput
          label={t('sso.clientSecret')}
          description={config?.hasClientSecret ? t('sso.secretKept') : undefined}
          required={!config}
          autoComplete="new-password"
          value={d.clientSecret}
          onChange={(e) => setD({ ...d, clientSecret: e.currentTarget.value })}
        />
        <TextInput label={t('sso.scopes')} value={d.scopes} onChange={(e) => setD({ ...d, scopes: e.currentTarget.value })} />
        <TextInput label={t('sso.groupClaim')} value={d.groupClaim} onChange={(e) => setD({ ...d, groupClaim: e.currentTarget.value })} />
        <Select label={t('sso.defaultRole')} description={t('sso.defaultRoleHint')} clearable value={d.defaultRole} onChange={(v) => setD({ ...d, defaultRole: v })} data={roles} />
        {staff && <TagsInput label={t('sso.emailDomains')} description={t('sso.emailDomainsHint')} value={d.emailDomains} onChange={(v) => setD({ ...d, emailDomains: v })} />}
      </SimpleGrid>
      <Stack gap="xs" mt="md">
        <Text fw={500} size="sm">
          {t('sso.mapping')}
        </Text>
        {d.roleMapping.map((r, i) => (
          <Group key={i} align="end" gap="xs" wrap="wrap">
            <TextInput label={t('sso.group')} required value={r.group} onChange={(e) => setRule(i, { group: e.currentTarget.value })} style={{ flex: '1 1 12rem' }} />
            <Select label={t('admin.role')} allowDeselect={false} value={r.role} onChange={(v) => v && setRule(i, { role: v as RoleRule['role'] })} data={roles} style={{ flex: '1 1 12rem' }} />
            {staff && (
              <Select label={t('sso.line')} clearable value={r.line ?? null} onChange={(v) => setRule(i, { line: v as RoleRule['line'] })} data={[...LINES]} style={{ flex: '0 1 7rem' }} />
            )}
            <ActionIcon variant="light" color="red" size="lg" aria-label={t('sso.removeRule')} onClick={() => setD({ ...d, roleMapping: d.roleMapping.filter((_, j) => j !== i) })}>
              ×
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button variant="light" size="xs" onClick={() => setD({ ...d, roleMapping: [...d.roleMapping, { group: '', role: staff ? 'agent' : 'requester' }] })}>
            {t('sso.addRule')}
          </Button>
        </Group>
      </Stack>
      <Checkbox mt="md" label={t('sso.passwordSignIn')} description={t('sso.passwordSignInHint')} checked={d.passwordSignIn} onChange={(e) => setD({ ...d, passwordSignIn: e.currentTarget.checked })} />
      <Checkbox mt="sm" label={t('sso.enabled')} checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.currentTarget.checked })} />
    </FormCard>
  );
}

/** The single sign-on (OpenID Connect) settings of an organization, or of the staff (organizationId null). */
export function SsoSettings({ organizationId }: { organizationId: string | null }) {
  const config = useSsoConfig(organizationId);
  if (config.isPending) return <Loading />;
  if (config.error) return <ErrorAlert error={config.error} />;
  return <SsoForm key={config.data?.updatedAt ?? 'new'} organizationId={organizationId} config={config.data} />;
}

/** `/admin/sso`: the IdP of the provider's own staff. */
export default function StaffSso() {
  return <SsoSettings organizationId={null} />;
}
