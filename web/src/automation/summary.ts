import { useTranslation } from 'react-i18next';
import { dateTime } from '../ui/format';
import type { Action, Condition, Rule } from './automation.api';
import { useActionText } from './Builders';
import { codedText, type Coded } from './errors';
import { dotless, FIELDS, useVocabulary, valueShape } from './vocabulary';

/** A rule, its conditions and its actions as sentences in the reader's language. */
export function useRuleSummary() {
  const { t, i18n } = useTranslation();
  const vocab = useVocabulary();
  const actionText = useActionText(vocab);
  const condition = (c: Condition) => {
    const kind = FIELDS[c.field] ?? 'text';
    const field = t(`automation.fields.${dotless(c.field)}`, { defaultValue: t('automation.fields.other') });
    const op = t(`automation.ops.${c.op}`, { defaultValue: c.op });
    return valueShape(kind, c.op) === 'none' ? `${field} ${op}` : `${field} ${op} ${vocab.nameOf(kind, c.value)}`;
  };
  const when = (r: Rule) =>
    r.kind === 'time' && r.time
      ? t(r.time.business ? 'automation.timeSummaryBusiness' : 'automation.timeSummary', { field: t(`automation.timeField.${r.time.field}`), minutes: r.time.minutes })
      : r.events.map((e) => t(`automation.event.${dotless(e)}`)).join(', ');
  const actions = (list: Action[]) => list.map(actionText).join(' → ');
  /** A value of a field (an id, a code, a list of them) by its name. */
  const value = (field: string, v: unknown): string => {
    const kind = FIELDS[field] ?? 'text';
    if (kind === 'clock' && typeof v === 'string') return dateTime(v, i18n.language);
    // What an event changed: "from → to".
    if (v && typeof v === 'object' && !Array.isArray(v) && 'to' in v) return `${vocab.nameOf(kind, (v as { from?: unknown }).from)} → ${vocab.nameOf(kind, (v as { to?: unknown }).to)}`;
    return vocab.nameOf(kind, v);
  };
  return { condition, when, actions, actionText, value, vocab };
}

/** A rule's error or a dry run's reason to skip in the reader's language (errors.ts codedText). */
export function useCodedText() {
  const { t, i18n } = useTranslation();
  return (e: Coded) => codedText(t, i18n.language, e);
}
