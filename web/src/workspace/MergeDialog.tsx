import { Button, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ErrorAlert, notifyOk } from '../ui/feedback';
import { mergeInto, refreshTickets } from './workspace.api';

interface Candidate {
  id: string;
  number: string;
  subject: string;
}

/**
 * Merging duplicates. From the queue: the selected requests, one chosen as the target. From a
 * request's page: that request is the target, the duplicates typed as numbers.
 */
export function MergeDialog({ opened, onClose, candidates, target }: { opened: boolean; onClose: () => void; candidates?: Candidate[]; target?: Candidate }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [chosen, setChosen] = useState<string>('');
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const into = target ?? candidates?.find((c) => c.id === chosen);
  const sources = target
    ? typed.split(/[\s,;]+/).filter(Boolean)
    : (candidates ?? []).filter((c) => c.id !== chosen).map((c) => c.id);
  const merge = async () => {
    if (!into) return;
    setBusy(true);
    setError(null);
    try {
      const r = await mergeInto(into.id, sources);
      notifyOk(t('workspace.merged', { count: r.merged.length, number: into.number }));
      await refreshTickets(qc);
      onClose();
      navigate(`/tickets/${into.number}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('workspace.mergeTitle')} size="lg">
      <Stack>
        <Text size="sm">{t('workspace.mergeHelp')}</Text>
        {candidates && (
          <Radio.Group label={t('workspace.mergeTarget')} value={chosen} onChange={setChosen}>
            <Stack gap="xs" mt="xs">
              {candidates.map((c) => (
                <Radio key={c.id} value={c.id} label={`${c.number} · ${c.subject}`} />
              ))}
            </Stack>
          </Radio.Group>
        )}
        {target && (
          <TextInput
            label={t('workspace.mergeSources', { number: target.number })}
            placeholder="TD-000123, TD-000124"
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            data-autofocus
          />
        )}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('workspace.cancel')}
          </Button>
          <Button onClick={() => void merge()} loading={busy} disabled={!into || !sources.length} data-testid="merge-confirm">
            {t('workspace.mergeConfirm', { count: sources.length })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
