import { Button, Checkbox, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { patch, post } from '../api/client';
import type { TicketDetail } from '../api/types';
import { notifyError, notifyOk } from '../ui/feedback';
import { articleDraft } from '../kb/ArticleFromRequest';

const refreshKeys = ['ticket', 'timeline', 'sla', 'tickets', 'breaches'];


/**
 * Resolving asks for the resolution, sent to the requester as a reply; it may become a knowledge
 * base article at once (the editor opens prefilled).
 */
export function ResolveModal({ ticket, opened, onClose }: { ticket: TicketDetail; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [note, setNote] = useState('');
  const [toKb, setToKb] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await post(`/tickets/${ticket.id}/comments`, { body: note, internal: false });
      await patch(`/tickets/${ticket.id}`, { status: 'resolved' });
      notifyOk(t('resolve.done'));
      onClose();
      setNote('');
      if (toKb) {
        navigate('/kb/new', { state: { draft: articleDraft(t, ticket, note) } });
      }
    } catch (e) {
      notifyError(t, e);
    } finally {
      setBusy(false);
      await qc.invalidateQueries({ predicate: (q) => refreshKeys.includes(String(q.queryKey[0])) });
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('resolve.title', { number: ticket.number })} size="lg">
      <Stack gap="sm" data-testid="resolve-modal">
        <Textarea label={t('resolve.note')} description={t('resolve.noteHint')} required autosize minRows={4} value={note} onChange={(e) => setNote(e.currentTarget.value)} data-autofocus />
        <Checkbox label={t('resolve.toKb')} checked={toKb} onChange={(e) => setToKb(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('ticket.cancel')}
          </Button>
          <Button onClick={() => void submit()} loading={busy} disabled={!note.trim()} color="teal">
            {t('resolve.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Closing is final for the requester: it asks first. */
export function CloseConfirm({ ticket, opened, onClose }: { ticket: TicketDetail; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await patch(`/tickets/${ticket.id}`, { status: 'closed' }, { 'if-match': `"${ticket.version}"` });
      notifyOk(t('ticket.saved'));
      onClose();
    } catch (e) {
      notifyError(t, e);
    } finally {
      setBusy(false);
      await qc.invalidateQueries({ predicate: (q) => refreshKeys.includes(String(q.queryKey[0])) });
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('closeConfirm.title', { number: ticket.number })}>
      <Stack gap="sm" data-testid="close-confirm">
        <Text size="sm">{t('closeConfirm.text')}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('ticket.cancel')}
          </Button>
          <Button color="red" onClick={() => void confirm()} loading={busy}>
            {t('closeConfirm.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
