import { Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, patch } from '../api/client';
import type { SecuritySettings } from '../api/types';
import { ErrorAlert, Loading, notifyError, notifyOk } from '../ui/feedback';

/** `/admin/security`: the desk-wide security settings — whether staff must have a second factor. */
export default function Security() {
  const { t } = useTranslation();
  const settings = useQuery({ queryKey: ['security-settings'], queryFn: () => get<SecuritySettings>('/security/settings') });
  if (settings.isPending) return <Loading />;
  if (settings.error) return <ErrorAlert error={settings.error} />;
  const change = async (staffMfaRequired: boolean) => {
    try {
      await patch('/security/settings', { staffMfaRequired });
      await settings.refetch();
      notifyOk(t('profile.saved'));
    } catch (err) {
      notifyError(t, err);
    }
  };
  return (
    <Stack>
      <Title order={2}>{t('admin.nav.security')}</Title>
      <Paper withBorder p="md">
        <Stack>
          <Switch
            label={t('mfa.policyLabel')}
            description={t('mfa.policyHelp')}
            checked={settings.data.staffMfaRequired}
            onChange={(e) => void change(e.currentTarget.checked)}
          />
          <Text size="sm" c="dimmed">
            {t('mfa.policyResetHint')}
          </Text>
        </Stack>
      </Paper>
    </Stack>
  );
}
