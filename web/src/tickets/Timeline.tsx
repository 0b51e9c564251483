import { Anchor, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { InboundMessage } from '../admin/admin.api';
import type { TimelineEntry } from '../api/types';
import { dateTime } from '../ui/format';
import type { UnverifiedMarks } from './ticket-emails';
import { EmailExtras } from './EmailExtras';

/** A file size in the reader's units and digits: "12 KB", "1,5 МБ". */
function fileSize(n: number, lang: string) {
  const [value, unit] = n < 1024 ? [n, 'byte'] : n < 1024 * 1024 ? [Math.round(n / 1024), 'kilobyte'] : [Math.round((n / 1024 / 1024) * 10) / 10, 'megabyte'];
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/** A change's planning and approval steps, written by the changes module. */
function changeEventText(t: TFunction, e: NonNullable<TimelineEntry['event']>): string | null {
  const d = e.data as { kind?: string; decision?: string; via?: string; comment?: string | null };
  switch (e.type) {
    case 'change_planned':
    case 'change_approved':
    case 'change_rejected':
      return t(`changes.event.${e.type}`);
    case 'approval_requested':
      return t('changes.event.approval_requested', { who: t(`changes.kind.${d.kind ?? 'client_manager'}`) });
    case 'approval_decided':
      return t(`changes.event.${d.decision === 'rejected' ? 'rejectedBy' : 'approvedBy'}`, { via: t(`changes.via.${d.via ?? 'portal'}`) }) + (d.comment ? `: «${d.comment}»` : '');
    default:
      return null;
  }
}

function eventText(t: TFunction, e: NonNullable<TimelineEntry['event']>, staff: boolean): string {
  const d = e.data as Record<string, string | undefined>;
  const label = (field: string, v: string | undefined) => {
    if (!v) return '—';
    if (field === 'status') return staff && (v === 'pending_customer' || v === 'pending_vendor') ? t(`statusStaff.${v}`) : t(`status.${v}`, { defaultValue: v });
    return v;
  };
  // "assignee: Lena → Egor": the names the server looked up for the ids, "nobody" for none.
  const named = (key: string) => t(`fieldChange.${key}`, { from: d.fromName ?? (d.from ? '—' : t('fieldChange.nobody')), to: d.toName ?? (d.to ? '—' : t('fieldChange.nobody')) });
  switch (e.type) {
    case 'created':
      return t('event.created');
    case 'status_changed':
      return t('event.status_changed', { from: label('status', d.from), to: label('status', d.to) });
    case 'line_changed': {
      const by = d.by === 'time' ? ` (${t('event.byTime')})` : d.by === 'difficulty' ? ` (${t('event.byDifficulty')})` : '';
      return t('fieldChange.line', { from: d.from, to: d.to }) + by;
    }
    case 'merged_into':
      return t('workspace.mergedInto', { number: d.number });
    case 'merged_from':
      return t('workspace.mergedFrom', { number: d.number });
    case 'priority_changed':
      return t('fieldChange.priority', { from: d.from, to: d.to });
    case 'assignee_changed':
      return named('assignee');
    case 'category_changed':
      return named('category');
    case 'group_changed':
      return named('group');
    case 'problem_linked':
    case 'problem_unlinked':
    case 'problem_resolved':
    case 'major_declared':
    case 'major_child_linked':
    case 'major_child_added':
    case 'major_child_unlinked':
    case 'major_update':
    case 'major_resolved':
      return t(`problems.event.${e.type}`, d);
    case 'automation_ran':
      return t('automation.ran', { actions: ((e.data.actions as string[] | undefined) ?? []).map((a) => t(`automation.action.${a}`, { defaultValue: t('automation.action.other') })).join(', ') });
    case 'budget_kept':
      return t('fieldChange.budgetKept', { line: d.line });
    default:
      return changeEventText(t, e) ?? t('event.other', { type: e.type });
  }
}

/** Why a change happened: a reason the desk wrote, by its code in the reader's language; a person's own words as written. */
export function reasonText(t: TFunction, lang: string, data: Record<string, unknown>): string | null {
  const code = data.reasonCode as string | undefined;
  const params = (data.reasonParams ?? {}) as Record<string, unknown>;
  if (code && i18nHas(t, `reason.${code}`)) return t(`reason.${code}`, { ...params, category: lang === 'ru' ? params.categoryRu || params.category : params.category, item: lang === 'ru' ? params.itemRu || params.item : params.item });
  return (data.reasonText as string | undefined) ?? (data.reason as string | undefined) ?? null;
}

const i18nHas = (t: TFunction, key: string) => t(key, { defaultValue: '' }) !== '';

/** A request's timeline, oldest first: replies, internal notes (marked, staff only) and changes. */
export function Timeline({ entries, staff, emails = [], unverified }: { entries: TimelineEntry[]; staff: boolean; emails?: InboundMessage[]; unverified?: UnverifiedMarks }) {
  const { t, i18n } = useTranslation();
  /** Mail taken in although its From failed SPF/DKIM/DMARC: the sender may be forged. */
  const unverifiedBadge = (
    <Badge color="red" variant="light" size="sm" data-testid="unverified-sender" title={t('ticket.unverifiedSenderHint')}>
      {t('ticket.unverifiedSender')}
    </Badge>
  );
  if (!entries.length) return <Text c="dimmed">{t('ticket.noEntries')}</Text>;
  return (
    <Stack gap="sm" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('ticket.timeline')}>
      {entries.map((e) => {
        // A change an automation rule made names the rule (staff see it), linked to its page.
        const who = e.rule ? (
          <Anchor component={Link} to={`/automation/${e.rule.id}`} inherit data-testid="by-rule">
            {t('automation.byRule', { name: e.rule.name })}
          </Anchor>
        ) : (
          (e.author?.name ?? t('ticket.system'))
        );
        const when = dateTime(e.createdAt, i18n.language);
        if (e.kind === 'event') {
          if (!e.event) return null;
          const { text } = e.event.data as { text?: string };
          const reason = reasonText(t, i18n.language, e.event.data);
          return (
            <li key={e.id} data-kind="event" data-event={e.event.type}>
              <Text size="sm" c="dimmed">
                <b>{who}</b> {eventText(t, e.event, staff)} · {when} {e.event.type === 'created' && unverified?.creation && unverifiedBadge}
              </Text>
              {text && (
                <Paper withBorder p="sm" mt={4} className="prewrap" fz="sm">
                  {text}
                </Paper>
              )}
              {reason && (
                <Text size="sm" c="dimmed" pl="md" className="prewrap">
                  {t('event.reason', { reason })}
                </Text>
              )}
            </li>
          );
        }
        const note = e.kind === 'note';
        const email = emails.find((m) => m.entryId === e.id);
        return (
          <li key={e.id} data-kind={e.kind}>
            <Paper withBorder p="sm" className={note ? 'entry-note' : undefined}>
              <Group justify="space-between" mb={4} wrap="wrap" gap="xs">
                <Group gap="xs">
                  <Text fw={600} size="sm">
                    {who}
                  </Text>
                  {note && (
                    <Badge color="orange" variant="light" size="sm">
                      {t('ticket.internal')}
                    </Badge>
                  )}
                  {unverified?.entries.has(e.id) && unverifiedBadge}
                </Group>
                <Text size="xs" c="dimmed">
                  {when}
                </Text>
              </Group>
              <Text size="sm" className="prewrap">
                {e.body}
              </Text>
              {e.attachments.length > 0 && (
                <Group gap="xs" mt="xs">
                  {e.attachments.map((a) => (
                    <Anchor key={a.id} href={a.url} size="sm" download={a.filename}>
                      {a.filename} ({fileSize(a.size, i18n.language)})
                    </Anchor>
                  ))}
                </Group>
              )}
              {email && <EmailExtras message={email} />}
            </Paper>
          </li>
        );
      })}
    </Stack>
  );
}
