import { Button, Group, SegmentedControl, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../ui/feedback';

export type Choice = 'approved' | 'rejected';

/** The approver's choice with an optional comment; nothing is recorded until the button is pressed. */
export function DecisionForm({ initial, onDecide }: { initial?: Choice; onDecide: (decision: Choice, comment: string) => Promise<unknown> }) {
  const { t } = useTranslation();
  const [decision, setDecision] = useState<Choice>(initial ?? 'approved');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await onDecide(decision, comment);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="sm" data-testid="decision-form">
      <ErrorAlert error={error} />
      <SegmentedControl
        fullWidth
        value={decision}
        onChange={(v) => setDecision(v as Choice)}
        data={[
          { value: 'approved', label: t('changes.approve') },
          { value: 'rejected', label: t('changes.reject') },
        ]}
      />
      <Textarea label={t('changes.comment')} autosize minRows={2} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
      <Group>
        <Button color={decision === 'approved' ? 'teal.9' : 'red.9'} loading={busy} onClick={() => void send()} data-testid="decide">
          {decision === 'approved' ? t('changes.confirmApprove') : t('changes.confirmReject')}
        </Button>
      </Group>
    </Stack>
  );
}
