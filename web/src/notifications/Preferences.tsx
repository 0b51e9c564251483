import { Checkbox, Paper, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type * as nc from '../../../src/contracts/notifications';
import { api, ApiError, get } from '../api/client';
import { useMe } from '../api/queries';
import { notifyError } from '../ui/feedback';

type Preferences = z.infer<typeof nc.Preferences>;

type Channel = keyof Preferences['items'][number]['channels'];

/** Which notices reach the person: by e-mail, in the app, and by SMS to the mobile number of the profile. */
export function NotificationPreferences() {
  const { t } = useTranslation();
  const hasPhone = !!useMe().data?.phone;
  const prefs = useQuery({ queryKey: ['notification-preferences'], queryFn: () => get<Preferences>('/me/notification-preferences'), retry: false });
  const set = async (event: string, channel: Channel, on: boolean) => {
    try {
      await api('PUT', '/me/notification-preferences', { items: [{ event, channels: { [channel]: on } }] });
    } catch (e) {
      notifyError(t, e);
    }
    await prefs.refetch();
  };
  const missing = prefs.error instanceof ApiError && prefs.error.status === 404;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        {t('profile.notificationsTitle')}
      </Title>
      {missing || !prefs.data ? (
        <Text size="sm" c="dimmed">
          {missing ? t('profile.notificationsLater') : ''}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={300}>
          <Table data-testid="notification-preferences">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('notices.event')}</Table.Th>
                <Table.Th scope="col">{t('notices.email')}</Table.Th>
                <Table.Th scope="col">{t('notices.inApp')}</Table.Th>
                <Table.Th scope="col">{t('notices.sms')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {prefs.data.items.map((p) => (
                <Table.Tr key={p.event}>
                  <Table.Td>{t(`notices.kind.${p.event}`)}</Table.Td>
                  <Table.Td>
                    <Checkbox aria-label={`${t(`notices.kind.${p.event}`)}: ${t('notices.email')}`} checked={p.channels.email} onChange={(e) => void set(p.event, 'email', e.currentTarget.checked)} />
                  </Table.Td>
                  <Table.Td>
                    <Checkbox aria-label={`${t(`notices.kind.${p.event}`)}: ${t('notices.inApp')}`} checked={p.channels.inApp} onChange={(e) => void set(p.event, 'inApp', e.currentTarget.checked)} />
                  </Table.Td>
                  <Table.Td>
                    <Checkbox
                      aria-label={`${t(`notices.kind.${p.event}`)}: ${t('notices.sms')}`}
                      checked={p.channels.sms}
                      disabled={!hasPhone}
                      aria-describedby={hasPhone ? undefined : 'sms-no-phone'}
                      onChange={(e) => void set(p.event, 'sms', e.currentTarget.checked)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {prefs.data && !hasPhone && (
        <Text size="sm" c="dimmed" mt="xs" id="sms-no-phone" data-testid="sms-no-phone">
          {t('notices.smsNoPhone')}
        </Text>
      )}
    </Paper>
  );
}
