import type { Locale } from '../../identity/index.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const TEXT = {
  en: {
    title: 'Your rating',
    thanks: (n: number, number: string) => `Thank you! You rated the solution of ${number} ${n} out of 5.`,
    change: 'Change the rating or add a comment:',
    comment: 'Comment (optional)',
    send: 'Send',
    saved: 'Your comment is saved. Thank you!',
    invalid: 'This rating link is invalid or has expired.',
    notResolved: 'This request is open again, so it cannot be rated now.',
  },
  ru: {
    title: 'Ваша оценка',
    thanks: (n: number, number: string) => `Спасибо! Вы оценили решение обращения ${number} на ${n} из 5.`,
    change: 'Изменить оценку или добавить комментарий:',
    comment: 'Комментарий (необязательно)',
    send: 'Отправить',
    saved: 'Комментарий сохранён. Спасибо!',
    invalid: 'Ссылка для оценки недействительна или устарела.',
    notResolved: 'Обращение снова открыто, поэтому оценить его сейчас нельзя.',
  },
} satisfies Record<Locale, unknown>;

function page(locale: Locale, body: string) {
  const t = TEXT[locale];
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${esc(t.title)} — Tierdesk</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}textarea{width:100%;min-height:6rem}label{margin-right:.75rem}</style></head><body><h1>${esc(t.title)}</h1>${body}</body></html>`;
}

/** After a one-click rating: thanks, and a form to change it or add a comment. */
export function ratedPage(locale: Locale, number: string, rating: number, comment: string | null, action: string) {
  const t = TEXT[locale];
  const radios = [1, 2, 3, 4, 5]
    .map((n) => `<label><input type="radio" name="rating" value="${n}"${n === rating ? ' checked' : ''}> ${n}</label>`)
    .join('');
  return page(
    locale,
    `<p>${esc(t.thanks(rating, number))}</p><form method="post" action="${esc(action)}"><p>${esc(t.change)}</p><p>${radios}</p><p><label for="comment">${esc(t.comment)}</label></p><textarea id="comment" name="comment" maxlength="4000">${esc(comment ?? '')}</textarea><p><button type="submit">${esc(t.send)}</button></p></form>`,
  );
}

export const savedPage = (locale: Locale) => page(locale, `<p>${esc(TEXT[locale].saved)}</p>`);
export const invalidLinkPage = (locale: Locale) => page(locale, `<p>${esc(TEXT[locale].invalid)}</p>`);
export const notResolvedPage = (locale: Locale) => page(locale, `<p>${esc(TEXT[locale].notResolved)}</p>`);
