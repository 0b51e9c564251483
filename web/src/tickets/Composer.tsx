import { Button, FileInput, Group, SegmentedControl, Stack, Textarea } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { forwardRef, useImperativeHandle, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import { ErrorAlert } from '../ui/feedback';
import { CannedPicker } from '../workspace/CannedPicker';
import { useCannedPicker } from '../workspace/useCannedPicker';
import { StaleWarning, staleChanges, type StaleChange } from './StaleWarning';

export interface ComposerHandle {
  focus(mode: 'reply' | 'note'): void;
}

/** Reply (and, for staff, internal note) with attachments, sent as multipart/form-data. */
export const Composer = forwardRef<ComposerHandle, { ticketId: string; staff: boolean; seenEntryId?: number }>(function Composer({ ticketId, staff, seenEntryId }, ref) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const announced = useRef(0);
  const picker = useCannedPicker({ ticketId, enabled: staff, body, setBody, area, t });
  /** Tells colleagues with the request open that a reply is being written (at most every 10 s). */
  const typing = (text: string) => {
    setBody(text);
    if (!staff || mode !== 'reply' || !text.trim() || Date.now() - announced.current < 10_000) return;
    announced.current = Date.now();
    void api('POST', `/tickets/${ticketId}/replying`).catch(() => undefined);
  };
  useImperativeHandle(ref, () => ({
    focus(m) {
      setMode(m);
      area.current?.focus();
    },
  }));

  const [stale, setStale] = useState<StaleChange[] | null>(null);
  const send = async (force = false) => {
    if (!body.trim() || busy) return;
    setBusy(true);
    setError(null);
    setStale(null);
    try {
      const form = new FormData();
      form.set('body', body);
      form.set('internal', String(mode === 'note'));
      // What the writer saw: the server warns (409) if the request changed since, unless sent anyway.
      if (seenEntryId !== undefined) form.set('seenEntryId', String(seenEntryId));
      if (force) form.set('force', 'true');
      for (const f of files) form.append('files', f, f.name);
      await api('POST', `/tickets/${ticketId}/comments`, form);
      setBody('');
      setFiles([]);
      await qc.invalidateQueries({ predicate: (q) => ['timeline', 'ticket', 'sla', 'tickets'].includes(String(q.queryKey[0])) });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'ticket_changed') setStale(staleChanges(err));
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send();
  };
  const note = mode === 'note';
  return (
    <form onSubmit={submit} data-testid="composer">
      <Stack gap="xs" className={note ? 'entry-note' : undefined} p={note ? 'xs' : 0}>
        {staff && (
          <SegmentedControl
            w="fit-content"
            value={mode}
            onChange={(v) => setMode(v as 'reply' | 'note')}
            data={[
              { value: 'reply', label: t('ticket.reply') },
              { value: 'note', label: t('ticket.note') },
            ]}
          />
        )}
        <ErrorAlert error={error} />
        <Textarea
          ref={area}
          label={note ? t('ticket.note') : t('ticket.reply')}
          placeholder={note ? t('ticket.notePlaceholder') : staff ? t('ticket.replyPlaceholder') : t('ticket.clientReplyPlaceholder')}
          autosize
          minRows={3}
          value={body}
          onChange={(e) => {
            typing(e.currentTarget.value);
            picker.track(e.currentTarget);
          }}
          onKeyDown={(e) => {
            // Ctrl+Enter (⌘+Enter on a Mac) sends, as in mail and chat programs.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void send();
            } else picker.onKeyDown(e);
          }}
          onClick={(e) => picker.track(e.currentTarget)}
        />
        <CannedPicker picker={picker} />
        {stale && <StaleWarning changes={stale} onSendAnyway={() => void send(true)} onReview={() => setStale(null)} />}
        <Group justify="space-between" align="end" wrap="wrap">
          <FileInput label={t('ticket.attach')} multiple clearable value={files} onChange={setFiles} miw={220} maw={360} />
          <Button type="submit" loading={busy} disabled={!body.trim()} color={note ? 'orange.8' : undefined} title={t('stale.shortcut')}>
            {note ? t('ticket.sendNote') : t('ticket.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
});
