import { Button, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InboundMessage } from '../admin/admin.api';
import { get } from '../api/client';

/** The messages a request was made from or answered by (staff): for what the timeline leaves out of them. */
export const useTicketEmails = (ticketId: string, enabled: boolean) =>
  // Under the timeline's key: live updates of the request refresh it with the timeline.
  useQuery({ queryKey: ['timeline', ticketId, 'emails'], queryFn: () => get<{ items: InboundMessage[] }>(`/tickets/${ticketId}/emails`), enabled });

/**
 * What staff see of the e-mail behind an entry beyond its text: the quoted history and signature
 * that were trimmed off (on request), the files not attached and why, and whether it was signed.
 */
export function EmailExtras({ message }: { message: InboundMessage }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const lang = (b: { en: string; ru: string } | null | undefined) => (b ? (i18n.language === 'ru' ? b.ru : b.en) : null);
  const skipped = message.skippedAttachments;
  if (!message.quotedText && !skipped.length && !message.signature) return null;
  return (
    <Stack gap={4} mt="xs" data-testid="email-extras">
      {message.signature && (
        <Text size="xs" c={message.signature.status === 'invalid' ? 'red.8' : 'dimmed'} data-testid="email-signature">
          {lang(message.signature.text)}
        </Text>
      )}
      {skipped.length > 0 && (
        <Text size="xs" c="dimmed" component="div">
          {t('ticket.emailSkipped')}
          <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
            {skipped.map((s, i) => (
              <li key={i}>
                {s.filename} — {lang(s.reasonText) ?? s.reason}
                {s.detail ? ` (${s.detail})` : ''}
              </li>
            ))}
          </ul>
        </Text>
      )}
      {message.quotedText && (
        <>
          <Button variant="subtle" size="compact-xs" onClick={() => setOpen((o) => !o)} aria-expanded={open} style={{ alignSelf: 'flex-start' }}>
            {open ? t('ticket.hideQuoted') : t('ticket.showQuoted')}
          </Button>
          {open && (
            <Paper withBorder p="xs" bg="var(--mantine-color-gray-0)">
              <Text size="xs" c="dimmed" className="prewrap" data-testid="quoted-text">
                {message.quotedText}
              </Text>
            </Paper>
          )}
        </>
      )}
    </Stack>
  );
}
