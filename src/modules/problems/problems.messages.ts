import type { Locale } from '../identity/index.js';

/** The knowledge-base article a problem's workaround is published as, in the article's language. */
export function workaroundArticle(locale: Locale, p: { title: string; description: string; workaround: string }) {
  const t =
    locale === 'ru'
      ? { title: `Обходное решение: ${p.title}`, symptoms: 'Признаки', workaround: 'Что делать' }
      : { title: `Workaround: ${p.title}`, symptoms: 'Symptoms', workaround: 'What to do' };
  const body = [...(p.description.trim() ? [`## ${t.symptoms}`, '', p.description.trim(), ''] : []), `## ${t.workaround}`, '', p.workaround.trim(), ''].join('\n');
  return { title: t.title, body };
}

const REPORT = {
  en: {
    problems: 'Incidents per problem',
    categories: 'Incidents per root cause',
    columns: { number: 'Problem', title: 'Title', status: 'Status', rootCauseCategory: 'Root cause', incidents: 'Incidents', openIncidents: 'Open incidents', problems: 'Problems' },
    status: { open: 'Open', known_error: 'Known error', resolved: 'Resolved' },
    category: { hardware: 'Hardware', software: 'Software', network: 'Network', configuration: 'Configuration', capacity: 'Capacity', third_party: 'Third party', human_error: 'Human error', process: 'Process', unknown: 'Unknown', none: 'Not recorded' },
  },
  ru: {
    problems: 'Инциденты по проблемам',
    categories: 'Инциденты по первопричинам',
    columns: { number: 'Проблема', title: 'Название', status: 'Статус', rootCauseCategory: 'Первопричина', incidents: 'Инцидентов', openIncidents: 'Открытых инцидентов', problems: 'Проблем' },
    status: { open: 'Открыта', known_error: 'Известная ошибка', resolved: 'Решена' },
    category: { hardware: 'Оборудование', software: 'Программы', network: 'Сеть', configuration: 'Настройка', capacity: 'Мощности', third_party: 'Сторонний поставщик', human_error: 'Ошибка человека', process: 'Процесс', unknown: 'Неизвестно', none: 'Не указана' },
  },
} as const;

/** The report's words in the reader's language: table names, column headers, statuses and categories. */
export const reportText = (locale: Locale) => REPORT[locale];
