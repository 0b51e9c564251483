import { Paper, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { post } from '../api/client';
import { notifyOk } from '../ui/feedback';
import { useChange } from './changes.api';
import { ChangeDetails } from './ChangeDetails';
import { DecisionForm } from './DecisionForm';

/** On a change's page: its plan and approval steps; an approver whose step is open decides here. */
export function ChangePanel({ ticketId, isChange }: { ticketId: string; isChange: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const change = useChange(ticketId, isChange);
  if (!change.data) return null;
  const c = change.data;
  return (
    <Paper withBorder p="sm" data-testid="change-panel">
      <Title order={2} size="h5" mb="xs">
        {t('changes.title')}
      </Title>
      <ChangeDetails change={c} />
      {c.mayDecide && (
        <Paper withBorder p="sm" mt="sm" bg="var(--mantine-color-default-hover)">
          <Title order={3} size="h6" mb="xs">
            {t('changes.yourDecision')}
          </Title>
          <DecisionForm
            onDecide={async (decision, comment) => {
              await post(`/tickets/${ticketId}/change/decision`, { decision, comment: comment || null });
              notifyOk(t(`changes.decided.${decision}`));
              await qc.invalidateQueries({ predicate: (q) => ['change', 'ticket', 'timeline', 'approvals', 'sla'].includes(String(q.queryKey[0])) });
            }}
          />
        </Paper>
      )}
    </Paper>
  );
}
