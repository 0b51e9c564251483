import { Button } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { TicketDetail, TimelineEntry } from '../api/types';

/** A draft for the knowledge base made from a resolved request: its problem and the resolution. */
export interface KbDraft {
  title: string;
  body: string;
  /** The request's language: the article's, until the author says otherwise. */
  locale?: 'ru' | 'en';
}

/** The draft of an article from a request and its resolution, in the request's language. */
export function articleDraft(t: TFunction, ticket: Pick<TicketDetail, 'subject' | 'description'>, resolution: string): KbDraft {
  const locale = /[\u0400-\u04FF]/.test(`${ticket.subject} ${ticket.description}`) ? 'ru' : 'en';
  const lt = (key: string) => t(key, { lng: locale });
  return { title: ticket.subject, body: `## ${lt('resolve.kbProblem')}\n\n${ticket.description}\n\n## ${lt('resolve.kbSolution')}\n\n${resolution}\n`, locale };
}

/**
 * "Make an article from this request" on a resolved (or closed) request: the editor opens with the
 * problem and the resolution — the last public reply from the desk before it was resolved.
 */
export function ArticleFromRequest({ ticket, timeline }: { ticket: TicketDetail; timeline: TimelineEntry[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  if (ticket.status !== 'resolved' && ticket.status !== 'closed') return null;
  const resolvedAt = timeline.findLastIndex((e) => e.event?.type === 'status_changed' && e.event.data.to === 'resolved');
  const before = resolvedAt >= 0 ? timeline.slice(0, resolvedAt + 1) : timeline;
  const resolution = before.findLast((e) => e.kind === 'reply' && !e.internal && e.author?.id !== ticket.requester.id)?.body ?? '';
  return (
    <Button variant="light" onClick={() => navigate('/kb/new', { state: { draft: articleDraft(t, ticket, resolution) } })}>
      {t('resolve.toKb')}
    </Button>
  );
}
