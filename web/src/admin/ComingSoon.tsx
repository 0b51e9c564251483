import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';

/** The place kept for a channel's settings whose API is still being written (SMS gateways). */
export default function ComingSoon() {
  const { t } = useTranslation();
  const section = useLocation().pathname.split('/')[2] ?? '';
  return (
    <Alert color="blue" variant="light" title={t(`admin.nav.${section}`, { defaultValue: '' })}>
      {t('admin.soonText')}
    </Alert>
  );
}
