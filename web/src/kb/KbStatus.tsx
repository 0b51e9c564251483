import { Badge, Button } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../api/client';
import { notifyError, notifyOk } from '../ui/feedback';
import { mayPublish, STATUS_COLOR, type KbPage, type PageStatus } from './kb.api';

/** A page's status: draft, in review or published. */
export function StatusBadge({ status }: { status: PageStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" data-testid="kb-status" style={{ flexShrink: 0 }}>
      {t(`kbReview.status.${status}`)}
    </Badge>
  );
}

/** The moves the viewer may make: submit for review, publish, back to draft (as the server allows). */
export function StatusActions({ page, me }: { page: KbPage; me: { role: string; line?: string | null } }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const publisher = mayPublish(me);
  const move = async (status: PageStatus) => {
    setBusy(true);
    try {
      await post<KbPage>(`/kb/pages/${page.id}/status`, { status, baseRevision: page.revision });
      await qc.invalidateQueries({ queryKey: ['kb'] });
      notifyOk(t('kbReview.changed', { status: t(`kbReview.status.${status}`) }));
    } catch (err) {
      notifyError(t, err);
    } finally {
      setBusy(false);
    }
  };
  const moves: PageStatus[] = [
    ...(page.status === 'draft' ? (['review'] as const) : []),
    ...(page.status !== 'published' && publisher ? (['published'] as const) : []),
    ...(page.status === 'review' || (page.status === 'published' && publisher) ? (['draft'] as const) : []),
  ];
  const label = { review: t('kbReview.submit'), published: t('kbReview.publish'), draft: t('kbReview.toDraft') };
  const variant = { review: 'light', published: 'filled', draft: 'default' } as const;
  return moves.map((to) => (
    <Button key={to} variant={variant[to]} loading={busy} onClick={() => move(to)} data-testid={`kb-status-${to}`}>
      {label[to]}
    </Button>
  ));
}
