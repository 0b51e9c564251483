import { Alert, Container, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { ApiError, get, post } from '../api/client';
import { LanguageSwitch } from '../app/LanguageSwitch';
import { setLanguage } from '../i18n';
import { ErrorAlert, Loading } from '../ui/feedback';
import type { LinkView } from './changes.api';
import { ApprovalBadge, ChangeDetails } from './ChangeDetails';
import { DecisionForm, type Choice } from './DecisionForm';

/**
 * `/approve/:token`: where the approve/reject link of the e-mail leads, without sign-in (the link's
 * secret is the credential). Opening it records nothing: the choice is preselected from the link,
 * and only the button decides — so a mail scanner following the link changes nothing.
 */
export default function ApprovalLinkPage() {
  const { token = '' } = useParams();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const view = useQuery({ queryKey: ['approval-link', token], queryFn: () => get<LinkView>(`/approval-links/${token}`), retry: false });
  const [outcome, setOutcome] = useState<string | null>(null);
  const locale = view.data?.locale;
  useEffect(() => {
    if (locale) setLanguage(locale);
  }, [locale]);
  const initial: Choice | undefined = params.get('decision') === 'reject' ? 'rejected' : params.get('decision') === 'approve' ? 'approved' : undefined;

  let body;
  if (view.isPending) body = <Loading />;
  else if (view.error instanceof ApiError && view.error.status === 404) body = <Alert color="red">{t('changes.linkInvalid')}</Alert>;
  else if (!view.data) body = <ErrorAlert error={view.error} />;
  else {
    const c = view.data.change;
    body = (
      <Stack>
        <Text>{t('changes.linkHello', { name: view.data.approverName })}</Text>
        <Title order={2} size="h3">
          {c.number}: {c.subject}
        </Title>
        <ChangeDetails change={c} />
        {outcome ? (
          <Alert color="teal" data-testid="decision-done">
            {t('changes.linkDone')} <ApprovalBadge state={outcome as LinkView['change']['approvalState']} />
          </Alert>
        ) : c.mayDecide ? (
          <Paper withBorder p="md">
            <DecisionForm
              initial={initial}
              onDecide={async (decision, comment) => {
                const r = await post<{ approvalState: string }>(`/approval-links/${token}`, { decision, comment: comment || null });
                setOutcome(r.approvalState);
              }}
            />
          </Paper>
        ) : (
          <Alert color="gray">{t('changes.linkNothingToDo')}</Alert>
        )}
      </Stack>
    );
  }
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Group justify="flex-end">
          <LanguageSwitch />
        </Group>
        <Title order={1} size="h2">
          {t('changes.linkTitle')}
        </Title>
        {body}
      </Stack>
    </Container>
  );
}
