import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';
import { Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorText } from '../ui/format';
import type { BulkOutcome } from './workspace.api';

/** Says how a bulk change went: how many were changed, and each refused request with its reason. */
export function notifyOutcome(t: TFunction, outcome: BulkOutcome, numberOf: (ticket: string) => string = (x) => x) {
  const refused = outcome.results.filter((r) => !r.ok);
  notifications.show({
    color: refused.length ? (outcome.applied ? 'orange' : 'red') : 'teal',
    title: t('workspace.applied', { count: outcome.applied }),
    // The text colour of the page, not the notice's grey: the reasons must be readable (WCAG AA).
    message: (
      <Text size="sm" c="var(--mantine-color-text)" className="prewrap">
        {refused.length ? refused.map((r) => `${numberOf(r.ticket)}: ${errorText(t, new ApiError(409, r.error ?? 'generic', r.message ?? ''))}`).join('\n') : t('workspace.allApplied')}
      </Text>
    ),
    autoClose: refused.length ? false : 4000,
  });
}
