import { Anchor, Badge, Button, Checkbox, Group, List, MultiSelect, NumberInput, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { del, patch, post } from '../api/client';
import { useMe, useOrganizations } from '../api/queries';
import { isManagerRole } from '../api/types';
import { NotFound } from '../app/guards';
import { ConfirmButton } from '../ui/ConfirmButton';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading, notifyOk } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { dryRun, ticketNumber, useRule, useRuns, type Action, type ConditionGroup, type DryRun, type DryRunEvent, type Rule, type Run } from './automation.api';
import { ActionsBuilder, ConditionsBuilder, GROUPS } from './Builders';
import { useCodedText, useRuleSummary } from './summary';
import { dotless, EVENTS, FIELDS, TIME_FIELDS, useVocabulary } from './vocabulary';

/** The fields of a rule as the form holds them. */
function draftOf(r?: Rule) {
  return {
    name: r?.name ?? '',
    organizationId: r?.organizationId ?? '',
    enabled: r?.enabled ?? true,
    kind: r?.kind ?? ('event' as Rule['kind']),
    events: r?.events ?? ['ticket.created'],
    time: r?.time ?? { field: 'pending_customer', minutes: 60, business: true },
    conditions: r?.conditions ?? ({ all: [] } as ConditionGroup),
    actions: r?.actions ?? ([] as Action[]),
  };
}
type Draft = ReturnType<typeof draftOf>;

/** The body of POST or PATCH: empty groups left out, every value as the API takes it. */
function bodyOf(d: Draft) {
  const conditions: ConditionGroup = {};
  for (const g of GROUPS) if (d.conditions[g]?.length) conditions[g] = d.conditions[g];
  return {
    name: d.name.trim(),
    organizationId: d.organizationId || null,
    enabled: d.enabled,
    kind: d.kind,
    events: d.kind === 'event' ? d.events : [],
    ...(d.kind === 'time' ? { time: { ...d.time, minutes: Number(d.time.minutes) } } : {}),
    conditions,
    actions: d.actions,
  };
}

function RuleForm({ rule, readOnly }: { rule?: Rule; readOnly: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const orgs = useOrganizations();
  const vocab = useVocabulary();
  const [d, setD] = useState<Draft>(draftOf(rule));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Draft>) => setD((x) => ({ ...x, ...change }));
  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await qc.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('automation') });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const save = () =>
    act(async () => {
      if (rule) await patch(`/automation/rules/${rule.id}`, bodyOf(d));
      else navigate(`/automation/${(await post<Rule>('/automation/rules', bodyOf(d))).id}`, { replace: true });
      notifyOk(t('common.saved'));
    });
  const remove = () =>
    act(async () => {
      await del(`/automation/rules/${rule!.id}`);
      notifyOk(t('automation.deleted'));
      navigate('/automation');
    });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <Stack>
          <Paper withBorder p="sm">
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label={t('automation.name')} required value={d.name} onChange={(e) => set({ name: e.currentTarget.value })} />
                <Select
                  label={t('automation.scope')}
                  allowDeselect={false}
                  value={d.organizationId}
                  onChange={(v) => set({ organizationId: v ?? '' })}
                  data={[{ value: '', label: t('automation.global') }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))]}
                />
              </SimpleGrid>
              <Checkbox label={t('automation.enabledLabel')} checked={d.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
              <div>
                <Text size="sm" fw={500} mb={4} id="rule-kind">
                  {t('automation.kind')}
                </Text>
                <SegmentedControl
                  aria-labelledby="rule-kind"
                  value={d.kind}
                  onChange={(v) => set({ kind: v as Rule['kind'] })}
                  data={(['event', 'time'] as const).map((k) => ({ value: k, label: t(`automation.kinds.${k}`) }))}
                  fullWidth
                  maw={480}
                />
              </div>
              {d.kind === 'event' ? (
                <MultiSelect label={t('automation.events')} required value={d.events} onChange={(events) => set({ events })} data={EVENTS.map((e) => ({ value: e, label: t(`automation.event.${dotless(e)}`) }))} />
              ) : (
                <Group align="end" wrap="wrap" gap="sm">
                  <Select
                    label={t('automation.timeFieldLabel')}
                    miw={240}
                    allowDeselect={false}
                    value={d.time.field}
                    onChange={(v) => set({ time: { ...d.time, field: v! } })}
                    data={TIME_FIELDS.map((f) => ({ value: f, label: t(`automation.timeField.${f}`) }))}
                  />
                  <NumberInput label={t('automation.minutes')} miw={140} min={1} value={d.time.minutes} onChange={(v) => set({ time: { ...d.time, minutes: Number(v) || 0 } })} />
                  <Checkbox label={t('automation.business')} checked={d.time.business} onChange={(e) => set({ time: { ...d.time, business: e.currentTarget.checked } })} mb={8} />
                </Group>
              )}
            </Stack>
          </Paper>
          <ConditionsBuilder value={d.conditions} onChange={(conditions) => set({ conditions })} vocab={vocab} />
          <ActionsBuilder value={d.actions} onChange={(actions) => set({ actions })} vocab={vocab} />
          <ErrorAlert error={error} />
          {!readOnly && (
            <Group>
              <Button type="submit" loading={busy}>
                {rule ? t('common.save') : t('automation.create')}
              </Button>
              {rule && (
                <ConfirmButton danger busy={busy} question={t('automation.deleteQuestion', { name: rule.name })} onConfirm={remove}>
                  {t('workspace.delete')}
                </ConfirmButton>
              )}
            </Group>
          )}
        </Stack>
      </fieldset>
    </form>
  );
}

/** The fields whose change an event carries, for a dry run "as set off by" a change. */
const CHANGEABLE = ['ticket.priority', 'ticket.status', 'ticket.line', 'ticket.category', 'ticket.groupId', 'ticket.assigneeId', 'ticket.type'] as const satisfies readonly DryRunChange['field'][];
type DryRunChange = NonNullable<DryRunEvent['change']>;
const CHANGE_EVENTS = new Set(['ticket.updated', 'ticket.escalated']);

/** The event a dry run is judged as set off by: none, or one of the rule events, with the change it carries. */
function DryRunEventPicker({ rule, value, onChange }: { rule: Rule; value: DryRunEvent | null; onChange: (e: DryRunEvent | null) => void }) {
  const { t } = useTranslation();
  const vocab = useVocabulary();
  const changed = [...(rule.conditions.all ?? []), ...(rule.conditions.any ?? []), ...(rule.conditions.none ?? [])].find((c) => c.op.startsWith('changed') && (CHANGEABLE as readonly string[]).includes(c.field));
  const change = value?.change;
  const kind = change ? FIELDS[change.field] : undefined;
  const setChange = (c: Partial<DryRunChange>) => onChange({ type: value!.type, change: { field: change?.field ?? 'ticket.priority', from: change?.from ?? null, to: change?.to ?? null, ...c } });
  return (
    <Group align="end" wrap="wrap" gap="sm">
      <Select
        label={t('automationMore.dryRunEvent')}
        miw={240}
        maw={420}
        style={{ flexGrow: 1 }}
        allowDeselect={false}
        value={value?.type ?? ''}
        onChange={(v) =>
          onChange(!v ? null : CHANGE_EVENTS.has(v) ? { type: v as DryRunEvent['type'], change: { field: (changed?.field as DryRunChange['field']) ?? 'ticket.priority', from: null, to: null } } : { type: v as DryRunEvent['type'] })
        }
        data={[{ value: '', label: t('automationMore.noEvent') }, ...EVENTS.map((e) => ({ value: e, label: t(`automation.event.${dotless(e)}`) }))]}
      />
      {change && kind && (
        <>
          <Select
            label={t('automationMore.changedField')}
            miw={180}
            allowDeselect={false}
            value={change.field}
            onChange={(f) => setChange({ field: f as DryRunChange['field'], from: null, to: null })}
            data={CHANGEABLE.map((f) => ({ value: f, label: t(`automation.fields.${dotless(f)}`) }))}
          />
          <Select label={t('automationMore.changedFrom')} miw={150} searchable clearable value={change.from} onChange={(v) => setChange({ from: v })} data={vocab.options[kind]} />
          <Select label={t('automationMore.changedTo')} miw={150} searchable clearable value={change.to} onChange={(v) => setChange({ to: v })} data={vocab.options[kind]} />
        </>
      )}
    </Group>
  );
}

/** "What would this rule do to TD-123 now": each condition's result and the actions that would run. */
function DryRunCard({ rule }: { rule: Rule }) {
  const { t } = useTranslation();
  const summary = useRuleSummary();
  const codedText = useCodedText();
  const [ticket, setTicket] = useState('');
  const [event, setEvent] = useState<DryRunEvent | null>(null);
  const [result, setResult] = useState<DryRun | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await dryRun(rule.id, ticket.trim(), event ?? undefined));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  /** The condition a result is about: its path names the group and the place in it ("all[0]", "any.1"). */
  const conditionAt = (path: string) => {
    const m = /(all|any|none)\D*(\d+)/.exec(path);
    const c = m ? rule.conditions[m[1] as 'all' | 'any' | 'none']?.[Number(m[2])] : undefined;
    return c ? { text: summary.condition(c), group: m![1]!, field: c.field } : null;
  };
  return (
    <Paper withBorder p="sm" data-testid="dry-run">
      <Title order={2} size="h4" mb="xs">
        {t('automation.dryRun')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('automation.dryRunHelp')}
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Stack gap="xs">
          {rule.kind === 'event' && <DryRunEventPicker rule={rule} value={event} onChange={setEvent} />}
          <Group align="end" wrap="wrap" gap="sm">
            <TextInput label={t('automation.ticketNumber')} placeholder="TD-000123" required value={ticket} onChange={(e) => setTicket(e.currentTarget.value)} miw={180} />
            <Button type="submit" variant="light" loading={busy}>
              {t('automation.runDry')}
            </Button>
          </Group>
        </Stack>
      </form>
      <ErrorAlert error={error} />
      {result && (
        <Stack gap="xs" mt="sm" data-testid="dry-run-result" data-matched={result.matched}>
          <Group gap="xs">
            <Badge miw="max-content" color={result.matched ? 'teal' : 'gray'} variant="light">
              {result.matched ? t('automation.matched') : t('automation.notMatched')}
            </Badge>
            {result.skippedReason && (
              <Text size="sm" data-testid="dry-run-skipped">
                {codedText(result.skippedReason)}
              </Text>
            )}
          </Group>
          {result.conditions.length > 0 && (
            <List spacing={4} size="sm" listStyleType="none" data-testid="dry-run-conditions">
              {result.conditions.map((c, i) => {
                const at = conditionAt(c.path);
                return (
                  <List.Item key={i} data-ok={c.ok}>
                    <Text size="sm" c={c.ok ? 'teal.9' : 'red.8'} span fw={600}>
                      {c.ok ? '✓ ' + t('automation.holds') : '✗ ' + t('automation.fails')}
                    </Text>{' '}
                    <Text size="sm" span>
                      {at ? `${t(`automation.groupShort.${at.group}`)}: ${at.text}` : t('automation.conditionN', { n: i + 1 })}
                    </Text>
                    {c.needsEvent ? (
                      <Text size="xs" c="orange.9" span data-testid="needs-event">
                        {' '}
                        ({t('automationMore.needsEvent')})
                      </Text>
                    ) : (
                      c.actual !== undefined && (
                        <Text size="xs" c="dimmed" span>
                          {' '}
                          ({t('automation.actual', { value: at ? summary.value(at.field, c.actual) : String(c.actual) })})
                        </Text>
                      )
                    )}
                  </List.Item>
                );
              })}
            </List>
          )}
          <Text size="sm" fw={600}>
            {result.matched ? t('automation.wouldRun') : t('automation.wouldNotRun')}
          </Text>
          {result.matched && (
            <List size="sm" data-testid="dry-run-actions">
              {result.actions.map((a, i) => (
                <List.Item key={i}>{summary.actionText(a)}</List.Item>
              ))}
            </List>
          )}
        </Stack>
      )}
    </Paper>
  );
}

/** The rule's last runs: which request, on what, matched or not, what it did, what failed. */
function Runs({ rule }: { rule: Rule }) {
  const { t, i18n } = useTranslation();
  const runs = useRuns(rule.id);
  const summary = useRuleSummary();
  const codedText = useCodedText();
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('automation.runs')}
      </Title>
      <ErrorAlert error={runs.error} />
      {runs.isPending ? (
        <Loading />
      ) : (
        <DataTable<Run>
          testId="runs"
          minWidth={800}
          rows={runs.data?.items}
          rowKey={(r) => r.id}
          empty={t('automation.noRuns')}
          columns={[
            { key: 'at', label: t('automation.at'), render: (r) => dateTime(r.at, i18n.language), nowrap: true },
            {
              key: 'ticket',
              label: t('automation.ticket'),
              nowrap: true,
              render: (r) => (r.ticketNumber !== null ? <Anchor component={Link} to={`/tickets/${ticketNumber(r.ticketNumber)}`} size="sm">{ticketNumber(r.ticketNumber)}</Anchor> : '—'),
            },
            { key: 'event', label: t('automation.onEvent'), render: (r) => <Text size="sm">{t(`automation.event.${dotless(r.event)}`, { defaultValue: t('automation.timeRun') })}</Text> },
            {
              key: 'matched',
              label: t('automation.result'),
              nowrap: true,
              render: (r) => (
                <Badge miw="max-content" color={r.error ? 'red' : r.matched ? 'teal' : 'gray'} variant="light" data-matched={r.matched}>
                  {r.error ? t('automation.failed') : r.matched ? t('automation.matched') : t('automation.notMatched')}
                </Badge>
              ),
            },
            { key: 'actions', label: t('automation.actions'), render: (r) => <Text size="sm">{r.matched ? summary.actions(r.actions) || '—' : '—'}</Text> },
            { key: 'error', label: t('automation.error'), render: (r) => (r.error ? <Text size="xs" c="red.9" style={{ overflowWrap: 'anywhere' }} data-testid="run-error">{codedText(r.error)}</Text> : '—') },
          ]}
        />
      )}
    </Stack>
  );
}

/** `/automation/:id` (and `/automation/new`): a rule's form, its dry run and its last runs; agents read it only. */
export default function RuleEdit() {
  const { t } = useTranslation();
  const { id = 'new' } = useParams();
  const me = useMe().data!;
  const manager = isManagerRole(me.role);
  const rule = useRule(id);
  const codedText = useCodedText();
  const creating = id === 'new';
  if (creating && !manager) return <NotFound />;
  if (!creating && rule.isPending) return <Loading />;
  if (!creating && rule.error) return (rule.error as { status?: number }).status === 404 ? <NotFound /> : <ErrorAlert error={rule.error} />;
  const r = creating ? undefined : rule.data;
  return (
    <Stack>
      <Anchor component={Link} to="/automation" size="sm">
        ← {t('automation.title')}
      </Anchor>
      <Title order={1} size="h2">
        {r ? r.name : t('automation.newRule')}
      </Title>
      {r?.lastError && (
        <Text size="sm" c="red.9" data-testid="rule-error">
          {t('automation.lastError')}: {codedText(r.lastError)}
        </Text>
      )}
      <RuleForm key={r?.id ?? 'new'} rule={r} readOnly={!manager} />
      {r && <DryRunCard rule={r} />}
      {r && <Runs rule={r} />}
    </Stack>
  );
}
