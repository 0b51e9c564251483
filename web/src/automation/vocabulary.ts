import type { TFunction } from 'i18next';
import type { ConditionField, RuleEvent } from '../../../src/contracts/automation';
import { useTranslation } from 'react-i18next';
import { useCategories, useMe, useOrganizations, usePlans, useStaff } from '../api/queries';
import { useGroups, useMailboxes, useSmsGateways, useWebhooks } from '../admin/admin.api';
import { inLang } from '../catalog/catalog.api';
import { useCannedReplies } from '../workspace/workspace.api';

/**
 * What a rule is written in, with a label in the reader's language for every code: the events a
 * rule reacts to, the fields and operators of its conditions, the kinds of its actions. No code is
 * ever shown as it is.
 */
const ALL_EVENTS: Record<RuleEvent, true> = {
  'ticket.created': true,
  'ticket.updated': true,
  'comment.requester': true,
  'comment.staff': true,
  'ticket.escalated': true,
  'sla.warned': true,
  'sla.breached': true,
  'call.missed': true,
  'sms.received': true,
};
/** Every event a rule may run on; the type makes sure none of the API's is missing. */
export const EVENTS = Object.keys(ALL_EVENTS) as RuleEvent[];
export const TIME_FIELDS = ['pending_customer', 'unassigned', 'resolved', 'status_age', 'no_staff_reply'] as const;

/** The i18n key of a code with dots (i18next reads dots as nesting). */
export const dotless = (code: string) => code.replace(/\./g, '_');

/** A kind of value a field holds: which operators fit and how the value is picked. */
export type ValueKind = 'priority' | 'status' | 'line' | 'channel' | 'type' | 'level' | 'actor' | 'language' | 'category' | 'group' | 'staff' | 'organization' | 'plan' | 'mailbox' | 'smsGateway' | 'webhook' | 'text' | 'tags' | 'clock';

/** Every field of the API's, with the kind of its values (the type makes sure none is missing). */
const KINDS: Record<ConditionField, ValueKind | null> = {
  'ticket.priority': 'priority',
  'ticket.status': 'status',
  'ticket.line': 'line',
  'ticket.type': 'type',
  'ticket.category': 'category',
  'ticket.impact': 'level',
  'ticket.urgency': 'level',
  'ticket.channel': 'channel',
  'ticket.tags': 'tags',
  'ticket.subject': 'text',
  'ticket.body': 'text',
  'ticket.groupId': 'group',
  'ticket.assigneeId': 'staff',
  'organization.id': 'organization',
  'organization.name': 'text',
  // A client person's id: rules name people by e-mail instead.
  'requester.id': null,
  'plan.id': 'plan',
  'requester.email': 'text',
  'requester.language': 'language',
  'mailbox.id': 'mailbox',
  'smsGateway.id': 'smsGateway',
  'comment.body': 'text',
  'event.actor': 'actor',
  'event.time': 'clock',
};
export const FIELDS = Object.fromEntries(Object.entries(KINDS).filter(([, k]) => k)) as Record<string, ValueKind>;

const CHOICE = ['is', 'is_not', 'in', 'not_in', 'changed', 'changed_from', 'changed_to'];
export const OPS: Record<ValueKind, string[]> = {
  priority: CHOICE,
  status: CHOICE,
  line: CHOICE,
  channel: ['is', 'is_not', 'in', 'not_in'],
  type: CHOICE,
  level: ['is', 'is_not', 'in', 'not_in'],
  actor: ['is', 'is_not'],
  language: ['is', 'is_not'],
  category: CHOICE,
  group: CHOICE,
  staff: CHOICE,
  organization: ['is', 'is_not', 'in', 'not_in'],
  plan: ['is', 'is_not', 'in', 'not_in'],
  mailbox: ['is', 'is_not', 'in', 'not_in'],
  smsGateway: ['is', 'is_not', 'in', 'not_in'],
  webhook: [],
  text: ['contains', 'not_contains', 'matches', 'is', 'is_not'],
  tags: ['contains', 'not_contains'],
  clock: ['in_business_hours', 'out_of_business_hours'],
};

/** How an operator takes its value: one choice, several, typed text, or none. */
export function valueShape(kind: ValueKind, op: string): 'one' | 'many' | 'text' | 'none' {
  if (op === 'changed' || op === 'in_business_hours' || op === 'out_of_business_hours') return 'none';
  if (op === 'in' || op === 'not_in') return 'many';
  if (kind === 'text' || kind === 'tags') return 'text';
  return 'one';
}

export interface Option {
  value: string;
  label: string;
}

const STATUSES = ['new', 'open', 'pending_customer', 'pending_vendor', 'resolved', 'closed'];
export const statusLabel = (t: TFunction, s: string) => (s.startsWith('pending') ? t(`statusStaff.${s}`) : t(`status.${s}`));

/**
 * The choices of every kind of value, named in the reader's language. Mailboxes, SMS gateways and
 * webhooks are the administrator's to list: for others those fields and actions are not offered.
 */
export function useVocabulary() {
  const { t, i18n } = useTranslation();
  const me = useMe().data!;
  const admin = me.role === 'admin';
  const orgs = useOrganizations();
  const plans = usePlans();
  const categories = useCategories();
  const groups = useGroups();
  const staff = useStaff();
  const mailboxes = useMailboxes(admin);
  const gateways = useSmsGateways(admin);
  const webhooks = useWebhooks(admin);
  const canned = useCannedReplies();
  const options: Record<ValueKind, Option[]> = {
    priority: ['P1', 'P2', 'P3', 'P4'].map((p) => ({ value: p, label: t(`priority.${p}`) })),
    status: STATUSES.map((s) => ({ value: s, label: statusLabel(t, s) })),
    line: ['L1', 'L2', 'L3'].map((l) => ({ value: l, label: l })),
    channel: ['web', 'email', 'sms', 'phone', 'api'].map((c) => ({ value: c, label: t(`channel.${c}`) })),
    type: ['incident', 'service_request', 'change', 'problem'].map((c) => ({ value: c, label: t(`type.${c}`) })),
    level: ['high', 'medium', 'low'].map((l) => ({ value: l, label: t(`level.${l}`) })),
    actor: ['requester', 'staff', 'system'].map((a) => ({ value: a, label: t(`automation.actor.${a}`) })),
    language: [
      { value: 'en', label: t('lang.en') },
      { value: 'ru', label: t('lang.ru') },
    ],
    category: (categories.data?.items ?? []).map((c) => ({ value: c.id, label: inLang(i18n.language, c.name, c.nameRu) })),
    group: (groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name })),
    staff: (staff.data?.items ?? []).map((p) => ({ value: p.id, label: p.name })),
    organization: (orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name })),
    plan: (plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name })),
    mailbox: (mailboxes.data?.items ?? []).map((m) => ({ value: m.id, label: m.address })),
    smsGateway: (gateways.data?.items ?? []).map((g) => ({ value: g.id, label: g.name })),
    webhook: (webhooks.data?.items ?? []).map((w) => ({ value: w.id, label: w.name })),
    text: [],
    tags: [],
    clock: [],
  };
  const cannedOptions: Option[] = (canned.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }));
  /** The fields and actions offered: all, but those whose choices only an administrator can list. */
  const fields = Object.keys(FIELDS).filter((f) => admin || (FIELDS[f] !== 'mailbox' && FIELDS[f] !== 'smsGateway'));
  const mayUse = (actionType: string) => admin || actionType !== 'webhook';
  /** A value as the reader knows it: the name for an id, the label for a code. */
  const nameOf = (kind: ValueKind, value: unknown): string => {
    if (Array.isArray(value)) return value.map((v) => nameOf(kind, v)).join(', ');
    if (value === null || value === undefined || value === '') return '—';
    return options[kind].find((o) => o.value === value)?.label ?? (kind === 'text' || kind === 'tags' ? String(value) : t('automation.unknownValue'));
  };
  return { options, fields, mayUse, nameOf, cannedOptions };
}
export type Vocabulary = ReturnType<typeof useVocabulary>;
