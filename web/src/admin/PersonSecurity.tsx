import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { del, get, post } from '../api/client';
import type { MfaStatus, SessionInfo } from '../api/types';
import { SessionTable } from '../auth/Security';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorAlert, notifyError, notifyOk } from '../ui/feedback';

/** A person's second factors and sessions, as an admin sees them: reset for a lost device, end sessions. */
export function PersonSecurity({ personId, name }: { personId: string; name: string }) {
  const { t } = useTranslation();
  const mfa = useQuery({ queryKey: ['person-mfa', personId], queryFn: () => get<MfaStatus>(`/users/${personId}/mfa`) });
  const sessions = useQuery({ queryKey: ['person-sessions', personId], queryFn: () => get<{ items: SessionInfo[] }>(`/users/${personId}/sessions`) });
  const refresh = async () => {
    await mfa.refetch();
    await sessions.refetch();
  };
  const reset = async () => {
    try {
      await post(`/users/${personId}/mfa/reset`);
      notifyOk(t('mfa.resetDone'));
      await refresh();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const endAll = async () => {
    try {
      await post(`/users/${personId}/sessions/end-all`, {});
      notifyOk(t('sessions.endedAll'));
      await refresh();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const end = async (id: string) => {
    try {
      await del(`/users/${personId}/sessions/${id}`);
      await refresh();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const m = mfa.data;
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={3} size="h4">
          {t('mfa.title')}
        </Title>
        <ErrorAlert error={mfa.error ?? sessions.error} />
        {m && (
          <Stack gap={2} data-testid="person-factors">
            <Text size="sm" fw={m.totp ? 600 : undefined}>
              {m.totp ? t('mfa.appOn') : t('mfa.appOff')}
            </Text>
            <Text size="sm">{t('mfa.passkeyCount', { count: m.passkeys.length })}</Text>
            {m.totp && <Text size="sm">{t('mfa.codesLeft', { count: m.recoveryCodesLeft })}</Text>}
          </Stack>
        )}
        <Group>
          <ConfirmButton danger question={t('mfa.resetConfirm', { name })} onConfirm={reset}>
            {t('mfa.reset')}
          </ConfirmButton>
        </Group>
        <Title order={3} size="h5">
          {t('sessions.title')}
        </Title>
        {sessions.data && <SessionTable items={sessions.data.items} onEnd={(id) => void end(id)} />}
        {!!sessions.data?.items.length && (
          <Group>
            <ConfirmButton danger question={t('sessions.endAllOfConfirm', { name })} onConfirm={endAll}>
              {t('sessions.endAllOf')}
            </ConfirmButton>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
