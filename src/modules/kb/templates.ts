import type { Locale } from '../identity/index.js';

/** Page templates, each in English and Russian; `solution` is the solution article L2 writes. */
export interface Template {
  key: string;
  name: Record<Locale, string>;
  description: Record<Locale, string>;
  body: Record<Locale, string>;
}

/** The sections of a solution article, in each language. */
export const SOLUTION_SECTIONS: Record<Locale, { symptoms: string; cause: string; resolution: string; appliesTo: string }> = {
  en: { symptoms: 'Symptoms', cause: 'Cause', resolution: 'Resolution', appliesTo: 'Applies to' },
  ru: { symptoms: 'Симптомы', cause: 'Причина', resolution: 'Решение', appliesTo: 'Применимо к' },
};

const solutionBody = (locale: Locale, hint: Record<keyof (typeof SOLUTION_SECTIONS)['en'], string>) => {
  const s = SOLUTION_SECTIONS[locale];
  return `## ${s.symptoms}\n\n${hint.symptoms}\n\n## ${s.cause}\n\n${hint.cause}\n\n## ${s.resolution}\n\n${hint.resolution}\n\n## ${s.appliesTo}\n\n${hint.appliesTo}\n`;
};

export const TEMPLATES: Template[] = [
  {
    key: 'solution',
    name: { en: 'Solution article', ru: 'Статья с решением' },
    description: {
      en: 'A known problem and how to solve it, so that L1 solves it next time.',
      ru: 'Известная проблема и способ её решения, чтобы в следующий раз её решила первая линия.',
    },
    body: {
      en: solutionBody('en', {
        symptoms: 'What the requester sees: error messages, when it happens.',
        cause: 'Why it happens.',
        resolution: '1. The first step.\n2. The next step.',
        appliesTo: 'Systems, versions, clients.',
      }),
      ru: solutionBody('ru', {
        symptoms: 'Что видит заявитель: сообщения об ошибках, когда это происходит.',
        cause: 'Почему это происходит.',
        resolution: '1. Первый шаг.\n2. Следующий шаг.',
        appliesTo: 'Системы, версии, клиенты.',
      }),
    },
  },
  {
    key: 'how-to',
    name: { en: 'How-to', ru: 'Инструкция' },
    description: { en: 'Step-by-step instructions for a task.', ru: 'Пошаговая инструкция для задачи.' },
    body: {
      en: '## Before you start\n\nWhat is needed.\n\n## Steps\n\n1. The first step.\n2. The next step.\n\n## Check\n\nHow to see that it worked.\n',
      ru: '## Перед началом\n\nЧто понадобится.\n\n## Шаги\n\n1. Первый шаг.\n2. Следующий шаг.\n\n## Проверка\n\nКак убедиться, что всё получилось.\n',
    },
  },
  {
    key: 'blank',
    name: { en: 'Blank page', ru: 'Пустая страница' },
    description: { en: 'A page without a structure.', ru: 'Страница без заданной структуры.' },
    body: { en: '', ru: '' },
  },
];

export const findTemplate = (key: string) => TEMPLATES.find((t) => t.key === key);

/** The text of a solution article drafted from a resolved request, in the article's language. */
export function solutionDraft(
  locale: Locale,
  parts: { symptoms: string; cause: string; resolution: string; appliesTo: string; source: string },
) {
  const empty = locale === 'ru' ? '_Дополните._' : '_To be completed._';
  const intro = locale === 'ru' ? `Составлено по обращению ${parts.source}.` : `Drafted from request ${parts.source}.`;
  return `${intro}\n\n${solutionBody(locale, {
    symptoms: parts.symptoms.trim() || empty,
    cause: parts.cause.trim() || empty,
    resolution: parts.resolution.trim() || empty,
    appliesTo: parts.appliesTo.trim() || empty,
  })}`;
}
