import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Outcome } from './phone.api';

const OUTCOME_COLOR: Record<Outcome, string> = { answered: 'teal', missed: 'red', busy: 'orange', failed: 'gray', voicemail: 'grape' };

/** How a call ended; a call still going has no outcome yet. */
export function OutcomeBadge({ outcome }: { outcome: Outcome | null }) {
  const { t } = useTranslation();
  if (!outcome)
    return (
      <Badge variant="outline" color="blue">
        {t('calls.inProgress')}
      </Badge>
    );
  return (
    <Badge variant="light" color={OUTCOME_COLOR[outcome]} data-outcome={outcome}>
      {t(`calls.outcome.${outcome}`)}
    </Badge>
  );
}
