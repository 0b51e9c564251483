import { Anchor, Badge, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert, Loading } from '../ui/feedback';
import { useTicketAutomation } from './automation.api';
import { useRuleSummary } from './summary';

/** On a request's page, for staff: which automation rules would match it now, and what they would do. */
export function TicketAutomation({ ticketRef }: { ticketRef: string }) {
  const { t } = useTranslation();
  const [asked, setAsked] = useState(false);
  const matches = useTicketAutomation(ticketRef, asked);
  const summary = useRuleSummary();
  const items = matches.data?.items ?? [];
  const matched = items.filter((m) => m.matched);
  return (
    <Paper withBorder p="sm" data-testid="ticket-automation">
      <Title order={2} size="h5" mb={4}>
        {t('automation.panelTitle')}
      </Title>
      {!asked ? (
        <Button size="xs" variant="light" onClick={() => setAsked(true)}>
          {t('automation.panelCheck')}
        </Button>
      ) : matches.isPending ? (
        <Loading />
      ) : (
        <Stack gap="xs">
          <ErrorAlert error={matches.error} />
          {matches.data && (
            <Text size="sm" c="dimmed">
              {t('automation.panelCount', { matched: matched.length, total: items.length })}
            </Text>
          )}
          <List size="sm" spacing={6} listStyleType="none" p={0}>
            {matched.map((m) => (
              <List.Item key={m.rule.id}>
                <Group gap={6} wrap="wrap">
                  <Badge miw="max-content" size="sm" color="teal" variant="light">
                    {t('automation.matched')}
                  </Badge>
                  <Anchor component={Link} to={`/automation/${m.rule.id}`} size="sm" fw={600}>
                    {m.rule.name}
                  </Anchor>
                </Group>
                <Text size="xs">{summary.actions(m.actions)}</Text>
              </List.Item>
            ))}
          </List>
          <Button size="xs" variant="subtle" onClick={() => void matches.refetch()} loading={matches.isFetching}>
            {t('automation.panelAgain')}
          </Button>
        </Stack>
      )}
    </Paper>
  );
}
