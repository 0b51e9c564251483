import { Alert, Center, Loader } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { errorText } from './format';

export function Loading() {
  const { t } = useTranslation();
  return (
    <Center p="xl" aria-busy="true">
      <Loader aria-label={t('app.loading')} />
    </Center>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" role="alert" variant="light">
      {errorText(t, error)}
    </Alert>
  );
}

export const notifyError = (t: TFunction, e: unknown) => notifications.show({ color: 'red', message: errorText(t, e) });
export const notifyOk = (message: string) => notifications.show({ color: 'teal', message });
