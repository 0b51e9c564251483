import { Alert, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../ui/format';
import { useAnnouncements } from './api';

/** The banners of the open major incidents that affect the reader's organization (staff: all of them). */
export function AnnouncementBanner() {
  const { t, i18n } = useTranslation();
  const announcements = useAnnouncements();
  const items = announcements.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Stack gap="xs" mb="md" data-testid="announcements">
      {items.map((a) => (
        <Alert key={a.id} color="red" variant="light" role="status" title={`${t('problems.banner.label')}: ${a.title}`}>
          {a.message && (
            <Text size="sm" className="prewrap">
              {a.message}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {t('problems.banner.since', { at: dateTime(a.since, i18n.language) })}
          </Text>
        </Alert>
      ))}
    </Stack>
  );
}
