import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Priority, Status } from '../api/types';
import { PRIORITY_COLOR, STATUS_COLOR } from './colors';

/** A request's status; staff read the pending states from their side. */
export function StatusBadge({ status, staff = false }: { status: Status; staff?: boolean }) {
  const { t } = useTranslation();
  const label = staff && (status === 'pending_customer' || status === 'pending_vendor') ? t(`statusStaff.${status}`) : t(`status.${status}`);
  return (
    // max-content: a badge never shrinks below its label (a narrow table cut "Новая" to "Н…").
    <Badge color={STATUS_COLOR[status]} variant="light" data-status={status} miw="max-content" tt="none">
      {label}
    </Badge>
  );
}

/** A request's priority: its code ("P1"), or with `full` its whole label ("P1 critical"). */
export function PriorityBadge({ priority, full = false }: { priority: Priority; full?: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge color={PRIORITY_COLOR[priority]} variant={priority === 'P1' ? 'filled' : 'light'} title={t(`priority.${priority}`)} data-priority={priority} miw="max-content" tt="none">
      {full ? t(`priority.${priority}`) : priority}
    </Badge>
  );
}
