import { Badge, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../ui/format';
import type { Change } from './changes.api';

const STATE_COLOR = { pending: 'yellow', approved: 'teal', rejected: 'red', not_required: 'gray' } as const;
const RISK_COLOR = { low: 'teal', medium: 'yellow', high: 'red' } as const;

export function ApprovalBadge({ state }: { state: Change['approvalState'] }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={STATE_COLOR[state]} data-approval={state}>
      {t(`changes.state.${state}`)}
    </Badge>
  );
}

/** What a change is: risk, window, plan, rollback plan, and each approval step with who decided what. */
export function ChangeDetails({ change }: { change: Change }) {
  const { t, i18n } = useTranslation();
  const steps = [...new Set(change.approvals.map((a) => a.step))];
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <ApprovalBadge state={change.approvalState} />
        <Badge variant="outline" color={RISK_COLOR[change.risk]}>
          {t('changes.riskIs', { risk: t(`changes.riskLevel.${change.risk}`) })}
        </Badge>
      </Group>
      <Text size="sm">
        <b>{t('changes.window')}:</b> {dateTime(change.windowStart, i18n.language)} – {dateTime(change.windowEnd, i18n.language)}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <div>
          <Text size="sm" fw={600}>
            {t('changes.plan')}
          </Text>
          <Text size="sm" className="prewrap">
            {change.plan}
          </Text>
        </div>
        <div>
          <Text size="sm" fw={600}>
            {t('changes.rollbackPlan')}
          </Text>
          <Text size="sm" className="prewrap">
            {change.rollbackPlan}
          </Text>
        </div>
      </SimpleGrid>
      {steps.length > 0 && (
        <div>
          <Title order={3} size="h6">
            {t('changes.steps')}
          </Title>
          <List size="sm" spacing={4} type="ordered">
            {steps.map((step) => {
              const rows = change.approvals.filter((a) => a.step === step);
              const first = rows[0]!;
              return (
                <List.Item key={step} data-step={step}>
                  {t(`changes.kind.${first.kind}`)} ({t(`changes.mode.${first.mode}`)}){change.currentStep === step ? ` — ${t('changes.waiting')}` : ''}
                  <List size="sm" withPadding>
                    {rows.map((a) => (
                      <List.Item key={a.id}>
                        {a.userName}: {a.decision ? t(`changes.decision.${a.decision}`) : '—'}
                        {a.via && ` (${t(`changes.via.${a.via}`)}, ${dateTime(a.decidedAt!, i18n.language)})`}
                        {a.comment && <Text size="xs" c="dimmed" className="prewrap">«{a.comment}»</Text>}
                      </List.Item>
                    ))}
                  </List>
                </List.Item>
              );
            })}
          </List>
        </div>
      )}
    </Stack>
  );
}
