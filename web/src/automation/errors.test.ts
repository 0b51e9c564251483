import { createInstance, type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { RULE_ERROR_CODES, SKIP_CODES } from '../../../src/contracts/automation';
import { en } from '../i18n/en';
import { ru } from '../i18n/ru';
import { codedText, type Coded } from './errors';

/** One example of every code the API sends, with the parameters it sends with it. */
const EXAMPLES: { [C in Coded['code']]: Coded & { code: C } } = {
  action_failed: { code: 'action_failed', params: { n: 3, action: 'webhook', reason: 'not_found', message: 'Webhook not found' }, text: '' },
  chain_cut: { code: 'chain_cut', params: { depth: 5, rules: ['VPN to L2', 'Tag VIP'] }, text: '' },
  error: { code: 'error', params: { text: 'Old free text' }, text: 'Old free text' },
  rule_disabled: { code: 'rule_disabled', params: {}, text: '' },
  other_organization: { code: 'other_organization', params: {}, text: '' },
  other_event: { code: 'other_event', params: { event: 'ticket.updated' }, text: '' },
};

async function translator(lng: 'en' | 'ru'): Promise<TFunction> {
  const i = createInstance();
  await i.init({ resources: { en: { translation: en }, ru: { translation: ru } }, lng, fallbackLng: false, interpolation: { escapeValue: false } });
  return i.t;
}

describe('automation errors in both languages', () => {
  it('have an example here for every code the API may send', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...RULE_ERROR_CODES, ...SKIP_CODES].sort());
  });

  it('every code has words in English and Russian, with the same parameters', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const code of [...RULE_ERROR_CODES, ...SKIP_CODES]) {
      const [e, r] = [(en.automationErrors as Record<string, string>)[code], (ru.automationErrors as Record<string, string>)[code]];
      expect(e, code).toBeTruthy();
      expect(r, code).toBeTruthy();
      expect(placeholders(r!), code).toEqual(placeholders(e!));
    }
    expect(Object.keys(ru.automationErrors).sort()).toEqual(Object.keys(en.automationErrors).sort());
    expect(Object.keys(ru.automationMore).sort()).toEqual(Object.keys(en.automationMore).sort());
  });

  it('renders every code whole, in the reader’s language', async () => {
    const [tEn, tRu] = [await translator('en'), await translator('ru')];
    for (const e of Object.values(EXAMPLES)) {
      const [inEn, inRu] = [codedText(tEn, 'en', e), codedText(tRu, 'ru', e)];
      for (const s of [inEn, inRu]) {
        expect(s, e.code).not.toMatch(/\{\{|automationErrors|automation\./);
        expect(s.length, e.code).toBeGreaterThan(5);
      }
      expect(inRu, e.code).toMatch(/[а-яё]/i);
    }
    expect(codedText(tRu, 'ru', EXAMPLES.action_failed)).toBe('Действие 3 (Вызвать веб-хук) не выполнено: Не найдено или недоступно вам.');
    expect(codedText(tRu, 'ru', EXAMPLES.chain_cut)).toContain('«VPN to L2», «Tag VIP»');
    expect(codedText(tEn, 'en', EXAMPLES.error)).toBe('Error: Old free text');
    // A reason of the desk's that has no words of its own: the English message, said to be unexpected.
    expect(codedText(tRu, 'ru', { ...EXAMPLES.action_failed, params: { ...EXAMPLES.action_failed.params, reason: 'internal', message: 'database is locked' } })).toContain('непредвиденная ошибка (database is locked)');
  });
});
