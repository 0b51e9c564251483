import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProblemSummary } from './api';

const COLOR: Record<ProblemSummary['status'], string> = { open: 'orange', known_error: 'grape', resolved: 'teal' };

export function ProblemStatusBadge({ status }: { status: ProblemSummary['status'] }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLOR[status]} variant="light" data-status={status}>
      {t(`problems.status.${status}`)}
    </Badge>
  );
}
