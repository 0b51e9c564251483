import { ActionIcon, Button, Group, MultiSelect, Paper, Select, Stack, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { KbArticlePicker } from '../kb/KbArticlePicker';
import type { Action, Condition, ConditionGroup } from './automation.api';
import { dotless, FIELDS, OPS, valueShape, type Option, type ValueKind, type Vocabulary } from './vocabulary';

export const GROUPS = ['all', 'any', 'none'] as const;
type GroupName = (typeof GROUPS)[number];

/** One condition as a row: field, operator and value, each picked by its name. */
function ConditionRow({ value: c, onChange, onRemove, vocab, n }: { value: Condition; onChange: (c: Condition) => void; onRemove: () => void; vocab: Vocabulary; n: number }) {
  const { t } = useTranslation();
  const kind = FIELDS[c.field] ?? 'text';
  const shape = valueShape(kind, c.op);
  const options = vocab.options[kind];
  const many = Array.isArray(c.value) ? (c.value as string[]) : c.value ? [String(c.value)] : [];
  return (
    <Group align="end" gap="xs" wrap="wrap" data-testid="condition">
      <Select
        label={t('automation.field')}
        miw={200}
        searchable
        allowDeselect={false}
        value={c.field}
        data={vocab.fields.map((f) => ({ value: f, label: t(`automation.fields.${dotless(f)}`) }))}
        onChange={(f) => {
          const k = FIELDS[f!]!;
          onChange({ field: f!, op: OPS[k][0]!, value: undefined });
        }}
      />
      <Select
        label={t('automation.op')}
        miw={170}
        allowDeselect={false}
        value={c.op}
        data={OPS[kind].map((o) => ({ value: o, label: t(`automation.ops.${o}`) }))}
        onChange={(op) => onChange({ field: c.field, op: op!, value: valueShape(kind, op!) === 'many' ? many : valueShape(kind, op!) === 'none' ? undefined : many[0] })}
      />
      {shape === 'one' && <Select label={t('automation.value')} miw={180} searchable value={many[0] ?? null} data={options} onChange={(v) => onChange({ ...c, value: v ?? undefined })} />}
      {shape === 'many' && <MultiSelect label={t('automation.value')} miw={200} searchable value={many} data={options} onChange={(v) => onChange({ ...c, value: v })} />}
      {shape === 'text' && (
        <TextInput
          label={kind === 'tags' ? t('automation.tag') : c.op === 'matches' ? t('automation.pattern') : t('automation.text')}
          miw={180}
          value={String(c.value ?? '')}
          onChange={(e) => onChange({ ...c, value: e.currentTarget.value })}
        />
      )}
      <Button variant="subtle" color="red" size="sm" onClick={onRemove} aria-label={t('automation.removeCondition', { n })}>
        {t('automation.remove')}
      </Button>
    </Group>
  );
}

/** The conditions of a rule: all of one group, at least one of another, none of the third. */
export function ConditionsBuilder({ value, onChange, vocab }: { value: ConditionGroup; onChange: (g: ConditionGroup) => void; vocab: Vocabulary }) {
  const { t } = useTranslation();
  const setGroup = (g: GroupName, list: Condition[]) => onChange({ ...value, [g]: list });
  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        {t('automation.conditions')}
      </Title>
      {GROUPS.map((g) => {
        const list = value[g] ?? [];
        return (
          <Paper key={g} withBorder p="sm" data-testid={`conditions-${g}`}>
            <Text fw={600} size="sm" mb="xs">
              {t(`automation.group.${g}`)}
            </Text>
            <Stack gap="xs">
              {list.map((c, i) => (
                <ConditionRow
                  key={i}
                  n={i + 1}
                  value={c}
                  vocab={vocab}
                  onChange={(next) => setGroup(g, list.map((x, j) => (j === i ? next : x)))}
                  onRemove={() => setGroup(g, list.filter((_, j) => j !== i))}
                />
              ))}
              <Group>
                <Button size="xs" variant="light" onClick={() => setGroup(g, [...list, { field: 'ticket.priority', op: 'is', value: undefined }])}>
                  {t('automation.addCondition')}
                </Button>
              </Group>
            </Stack>
          </Paper>
        );
      })}
    </Stack>
  );
}

/** A parameter of an action: which key of the action it fills, and how it is picked. */
type Param = { key: string; kind: ValueKind | 'longtext' | 'canned' | 'recipient' | 'notifyChannel' | 'timer' | 'reason' | 'kb'; optional?: boolean };

/** The actions a rule can take, in the order offered, with their parameters. */
export const ACTIONS: Record<string, Param[]> = {
  priority: [{ key: 'priority', kind: 'priority' }],
  status: [{ key: 'status', kind: 'status' }],
  line: [
    { key: 'line', kind: 'line' },
    { key: 'reason', kind: 'reason' },
  ],
  group: [{ key: 'groupId', kind: 'group' }],
  assignee: [{ key: 'assigneeId', kind: 'staff' }],
  category: [{ key: 'categoryId', kind: 'category' }],
  type: [{ key: 'ticketType', kind: 'type' }],
  tags: [{ key: 'add', kind: 'tags' }],
  note: [{ key: 'body', kind: 'longtext' }],
  reply: [{ key: 'cannedReplyId', kind: 'canned' }],
  notify: [
    { key: 'to', kind: 'recipient' },
    { key: 'channel', kind: 'notifyChannel' },
    { key: 'text', kind: 'longtext', optional: true },
    { key: 'cannedReplyId', kind: 'canned', optional: true },
  ],
  escalate: [{ key: 'reason', kind: 'reason' }],
  handoff: [{ key: 'note', kind: 'longtext', optional: true }],
  webhook: [{ key: 'webhookId', kind: 'webhook' }],
  timer: [{ key: 'timer', kind: 'timer' }],
  kb: [{ key: 'pageId', kind: 'kb' }],
};

const RECIPIENTS = ['requester', 'assignee', 'it_managers', 'group', 'role:l1_oncall', 'role:l2_oncall', 'role:l3_oncall', 'role:manager'];

/** One action as a row: its kind and its parameters, each by its name. */
function ActionRow({ value: a, onChange, onRemove, vocab, n }: { value: Action; onChange: (a: Action) => void; onRemove: () => void; vocab: Vocabulary; n: number }) {
  const { t } = useTranslation();
  const params = ACTIONS[a.type] ?? [];
  const set = (key: string, v: unknown) => onChange({ ...a, [key]: v });
  const pick = (label: string, p: Param, data: Option[]) => (
    <Select key={p.key} label={label} miw={180} searchable value={(a[p.key] as string | undefined) ?? null} data={data} onChange={(v) => set(p.key, v ?? undefined)} />
  );
  const field = (p: Param) => {
    const label = p.kind === 'kb' ? t('automationMore.kbArticle') : t(`automation.param.${p.kind}`);
    switch (p.kind) {
      case 'kb':
        return <KbArticlePicker key={p.key} label={label} value={(a[p.key] as string | undefined) ?? null} onChange={(v) => set(p.key, v ?? undefined)} />;
      case 'longtext':
        return <Textarea key={p.key} label={label} miw={260} style={{ flexGrow: 1 }} autosize minRows={2} value={String(a[p.key] ?? '')} onChange={(e) => set(p.key, e.currentTarget.value)} />;
      case 'reason':
        return <TextInput key={p.key} label={label} miw={220} style={{ flexGrow: 1 }} value={String(a[p.key] ?? '')} onChange={(e) => set(p.key, e.currentTarget.value)} />;
      case 'tags':
        return <TagsInput key={p.key} label={label} miw={220} value={(a[p.key] as string[] | undefined) ?? []} onChange={(v) => set(p.key, v)} splitChars={[',', ' ']} />;
      case 'canned':
        return pick(label, p, vocab.cannedOptions);
      case 'recipient':
        return pick(label, p, [...RECIPIENTS.map((r) => ({ value: r, label: t(`automation.recipient.${dotless(r.replace(':', '_'))}`) })), ...vocab.options.staff]);
      case 'notifyChannel':
        return pick(label, p, ['email', 'sms', 'in_app'].map((c) => ({ value: c, label: t(`automation.notifyChannel.${c}`) })));
      case 'timer':
        return pick(label, p, ['start', 'stop'].map((c) => ({ value: c, label: t(`automation.timer.${c}`) })));
      default:
        return pick(label, p, vocab.options[p.kind]);
    }
  };
  return (
    <Group align="end" gap="xs" wrap="wrap" data-testid="action" style={{ flex: 1 }}>
      <Select
        label={t('automation.actionKind')}
        // Wide enough for the longest kind in Russian ("Привязать статью базы знаний").
        miw={300}
        allowDeselect={false}
        value={a.type}
        data={Object.keys(ACTIONS)
          .filter((k) => vocab.mayUse(k) || k === a.type)
          .map((k) => ({ value: k, label: t(`automation.action.${k}`) }))}
        onChange={(type) => onChange({ type: type! })}
      />
      {params.map(field)}
      <Button variant="subtle" color="red" size="sm" onClick={onRemove} aria-label={t('automation.removeAction', { n })}>
        {t('automation.remove')}
      </Button>
    </Group>
  );
}

/** The actions of a rule, in the order they run. */
export function ActionsBuilder({ value, onChange, vocab }: { value: Action[]; onChange: (a: Action[]) => void; vocab: Vocabulary }) {
  const { t } = useTranslation();
  const move = (i: number, by: number) => {
    const next = [...value];
    const [a] = next.splice(i, 1);
    next.splice(i + by, 0, a!);
    onChange(next);
  };
  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        {t('automation.actions')}
      </Title>
      <Paper withBorder p="sm" data-testid="actions">
        <Stack gap="xs">
          {value.map((a, i) => (
            <Group key={i} align="end" gap={4} wrap="nowrap">
              <Stack gap={2}>
                <ActionIcon variant="subtle" size="sm" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('automation.moveUp')}>
                  ↑
                </ActionIcon>
                <ActionIcon variant="subtle" size="sm" disabled={i === value.length - 1} onClick={() => move(i, 1)} aria-label={t('automation.moveDown')}>
                  ↓
                </ActionIcon>
              </Stack>
              <ActionRow n={i + 1} value={a} vocab={vocab} onChange={(next) => onChange(value.map((x, j) => (j === i ? next : x)))} onRemove={() => onChange(value.filter((_, j) => j !== i))} />
            </Group>
          ))}
          <Group>
            <Button size="xs" variant="light" onClick={() => onChange([...value, { type: 'priority' }])}>
              {t('automation.addAction')}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}

/** An action as one line of text in the reader's language: "Line: L2 (VPN goes to engineers)". */
export function useActionText(vocab: Vocabulary) {
  const { t } = useTranslation();
  return (a: Action): string => {
    const params = ACTIONS[a.type];
    const name = t(`automation.action.${a.type}`, { defaultValue: t('automation.action.other') });
    if (!params?.length) return name;
    const parts = params
      // An article is named on the rule's page, where its picker reads it.
      .filter((p) => a[p.key] !== undefined && a[p.key] !== '' && p.kind !== 'kb')
      .map((p) => {
        const v = a[p.key];
        switch (p.kind) {
          case 'canned':
            return vocab.cannedOptions.find((o) => o.value === v)?.label ?? t('automation.unknownValue');
          case 'recipient':
            return typeof v === 'string' && RECIPIENTS.includes(v) ? t(`automation.recipient.${dotless(v.replace(':', '_'))}`) : vocab.nameOf('staff', v);
          case 'notifyChannel':
            return t(`automation.notifyChannel.${String(v)}`);
          case 'timer':
            return t(`automation.timer.${String(v)}`);
          case 'longtext':
          case 'reason':
            return `«${String(v).slice(0, 60)}»`;
          case 'tags':
            return (v as string[]).join(', ');
          case 'kb':
            return '';
          default:
            return vocab.nameOf(p.kind, v);
        }
      });
    return parts.length ? `${name}: ${parts.join(' · ')}` : name;
  };
}
