import { Badge, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { ConfirmButton } from '../ui/ConfirmButton';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, notifyOk } from '../ui/feedback';

/** A modal form that saves with `onSave`, says so and closes; an error stays shown in it. */
export function SaveModal({ title, onClose, onSave, children }: { title: string; onClose: () => void; onSave: () => Promise<unknown>; children: ReactNode }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSave();
      notifyOk(t('common.saved'));
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack>
          {children}
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('workspace.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** "Shared with the whole staff", offered to managers only. */
export function SharedCheckbox({ show, checked, onChange }: { show: boolean; checked: boolean; onChange: (on: boolean) => void }) {
  const { t } = useTranslation();
  return show ? <Checkbox label={t('workspace.sharedLabel')} checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} /> : null;
}

/** A name with "shared" or "personal" under it. */
export function NameWithScope({ name, shared }: { name: string; shared: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Text size="sm" fw={600}>{name}</Text>
      <Badge size="xs" variant="light" color={shared ? 'blue' : 'gray'}>
        {shared ? t('workspace.shared') : t('workspace.personal')}
      </Badge>
    </>
  );
}

/** Edit and delete (asking first) for a row the person may change. */
export function EditDelete({ onEdit, question, onDelete }: { onEdit: () => void; question: string; onDelete: () => unknown }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Button size="xs" variant="default" onClick={onEdit}>
        {t('workspace.edit')}
      </Button>
      <ConfirmButton danger question={question} onConfirm={onDelete}>
        {t('workspace.delete')}
      </ConfirmButton>
    </Group>
  );
}
