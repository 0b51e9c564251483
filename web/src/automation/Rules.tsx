import { ActionIcon, Anchor, Button, Group, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { patch } from '../api/client';
import { useMe, useOrganizations } from '../api/queries';
import { isManagerRole } from '../api/types';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { useSubmit } from '../ui/FormCard';
import { useRules, type Rule } from './automation.api';
import { useCodedText, useRuleSummary } from './summary';

/** `/automation`: the rules, in the order they run, per organization or for all; managers switch and reorder them. */
export default function Rules() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const manager = isManagerRole(me.role);
  const rules = useRules();
  const orgs = useOrganizations();
  const summary = useRuleSummary();
  const errorText = useCodedText();
  const change = useSubmit(['automation-rules']);
  const [scope, setScope] = useState<string>('');
  const orgName = (id: string | null) => (id ? (orgs.data?.items.find((o) => o.id === id)?.name ?? '—') : t('automation.global'));
  const shown = (rules.data?.items ?? []).filter((r) => !scope || (scope === 'global' ? r.organizationId === null : r.organizationId === scope));
  /** Swaps a rule with its neighbour in the list as shown. */
  const move = (i: number, by: number) => {
    const [a, b] = [shown[i]!, shown[i + by]!];
    void change.run(async () => {
      await patch(`/automation/rules/${a.id}`, { position: b.position });
      await patch(`/automation/rules/${b.id}`, { position: a.position });
    }, t('automation.reordered'));
  };
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('automation.title')}</Title>
        {manager && (
          <Button component={Link} to="/automation/new">
            {t('automation.newRule')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('automation.help')}
      </Text>
      <Select
        label={t('automation.showScope')}
        maw={320}
        allowDeselect={false}
        value={scope}
        onChange={(v) => setScope(v ?? '')}
        data={[{ value: '', label: t('automation.everyRule') }, { value: 'global', label: t('automation.global') }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))]}
      />
      <ErrorAlert error={rules.error ?? change.error} />
      {rules.isPending ? (
        <Loading />
      ) : (
        <DataTable<Rule>
          testId="rules"
          minWidth={900}
          // On a phone the rule's name titles its card, not its place in the order.
          cardTitle="name"
          rows={shown}
          rowKey={(r) => r.id}
          empty={t('automation.noRules')}
          columns={[
            {
              key: 'order',
              label: t('automation.order'),
              nowrap: true,
              render: (r) => {
                const i = shown.indexOf(r);
                return (
                  <Group gap={2} wrap="nowrap">
                    <Text size="sm" w={24}>
                      {i + 1}
                    </Text>
                    {manager && (
                      <>
                        <ActionIcon variant="subtle" size="sm" disabled={i === 0 || change.busy} onClick={() => move(i, -1)} aria-label={t('automation.moveRuleUp', { name: r.name })}>
                          ↑
                        </ActionIcon>
                        <ActionIcon variant="subtle" size="sm" disabled={i === shown.length - 1 || change.busy} onClick={() => move(i, 1)} aria-label={t('automation.moveRuleDown', { name: r.name })}>
                          ↓
                        </ActionIcon>
                      </>
                    )}
                  </Group>
                );
              },
            },
            {
              key: 'name',
              label: t('automation.name'),
              render: (r) => (
                <Anchor component={Link} to={`/automation/${r.id}`} fw={600} size="sm">
                  {r.name}
                </Anchor>
              ),
            },
            { key: 'scope', label: t('automation.scope'), render: (r) => <Text size="sm">{orgName(r.organizationId)}</Text> },
            { key: 'when', label: t('automation.when'), render: (r) => <Text size="sm">{summary.when(r)}</Text> },
            { key: 'then', label: t('automation.then'), render: (r) => <Text size="sm">{summary.actions(r.actions)}</Text> },
            {
              key: 'on',
              label: t('automation.enabled'),
              nowrap: true,
              render: (r) => (
                <Switch
                  checked={r.enabled}
                  disabled={!manager || change.busy}
                  aria-label={t('automation.enabledOf', { name: r.name })}
                  label={r.enabled ? t('automation.on') : t('automation.off')}
                  onChange={(e) => void change.run(() => patch(`/automation/rules/${r.id}`, { enabled: e.currentTarget.checked }))}
                />
              ),
            },
            {
              key: 'error',
              label: t('automation.lastError'),
              render: (r) =>
                r.lastError ? (
                  <Text size="xs" c="red.9" style={{ overflowWrap: 'anywhere' }} data-testid="rule-error">
                    {errorText(r.lastError)}
                  </Text>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      )}
    </Stack>
  );
}
