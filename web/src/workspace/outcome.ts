import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';
import { notifications } from '@mantine/notifications';
import { errorText } from '../ui/format';
import type { BulkOutcome } from './workspace.api';

/** Says how a bulk change went: how many were changed, and each refused request with its reason. */
export function notifyOutcome(t: TFunction, outcome: BulkOutcome, numberOf: (ticket: string) => string = (x) => x) {
  const refused = outcome.results.filter((r) => !r.ok);
  notifications.show({
    color: refused.length ? (outcome.applied ? 'orange' : 'red') : 'teal',
    title: t('workspace.applied', { count: outcome.applied }),
    message: refused.length
      ? refused.map((r) => `${numberOf(r.ticket)}: ${errorText(t, new ApiError(409, r.error ?? 'generic', r.message ?? ''))}`).join('\n')
      : t('workspace.allApplied'),
    autoClose: refused.length ? false : 4000,
    style: { whiteSpace: 'pre-line' },
  });
}
