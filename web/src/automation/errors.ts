import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type * as au from '../../../src/contracts/automation';

/** A rule's error or a dry run's reason to skip, as the API gives it: a code and its parameters. */
export type Coded = z.infer<typeof au.RuleError> | z.infer<typeof au.SkipReason>;

/** The i18n key of a code with dots (as vocabulary.ts dotless; this file imports nothing of React or the DOM, for its test). */
const dotless = (code: string) => code.replace(/\./g, '_');

const has = (t: TFunction, key: string) => t(key, { defaultValue: '' }) !== '';

/** A list of rule names quoted as the language quotes them. */
const quoted = (lang: string, names: string[]) => names.map((n) => (lang === 'ru' ? `«${n}»` : `\u201c${n}\u201d`)).join(', ');

/**
 * What went wrong with a rule, in the reader's language, from its code (`automationErrors.*`): the
 * failing action by its name and the desk's error by its words (`errors.*`); an error recorded before
 * codes shows its text as it was written.
 */
export function codedText(t: TFunction, lang: string, e: Coded): string {
  const p = e.params as Record<string, string & number & string[]>;
  switch (e.code) {
    case 'action_failed': {
      const reason =
        p.reason === 'invalid'
          ? t('errors.invalid', { message: p.message })
          : p.reason !== 'internal' && has(t, `errors.${p.reason}`)
            ? t(`errors.${p.reason}`)
            : t('automationErrors.reasonOther', { message: p.message });
      if (!p.n) return t('automationErrors.action_failed_unknown', { reason });
      return t('automationErrors.action_failed', { n: p.n, action: t(`automation.action.${p.action}`, { defaultValue: t('automation.action.other') }), reason });
    }
    case 'chain_cut':
      return t('automationErrors.chain_cut', { depth: p.depth, rules: quoted(lang, p.rules ?? []) });
    case 'other_event':
      return t('automationErrors.other_event', { event: t(`automation.event.${dotless(String(p.event))}`, { defaultValue: String(p.event) }) });
    default:
      return t(`automationErrors.${e.code}`, { ...p, defaultValue: e.text });
  }
}
