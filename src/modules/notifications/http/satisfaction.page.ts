import { serverPage, type ServerPage } from '../../../core/http/csp.js';
import type { Locale } from '../../identity/index.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const TEXT = {
  en: {
    title: 'Your rating',
    thanks: (n: number, number: string) => `Thank you! You rated the solution of ${number} ${n} out of 5.`,
    confirm: (number: string) => `How satisfied are you with the solution of ${number}? Check the rating, add a comment if you like, and press Send.`,
    rating: 'Rating (1 — poor, 5 — excellent)',
    change: 'Change the rating or add a comment:',
    comment: 'Comment (optional)',
    send: 'Send',
    invalid: 'This rating link is invalid or has expired.',
    notResolved: 'This request is open again, so it cannot be rated now.',
  },
  ru: {
    title: 'Ваша оценка',
    thanks: (n: number, number: string) => `Спасибо! Вы оценили решение обращения ${number} на ${n} из 5.`,
    confirm: (number: string) => `Насколько вы довольны решением обращения ${number}? Проверьте оценку, при желании добавьте комментарий и нажмите «Отправить».`,
    rating: 'Оценка (1 — плохо, 5 — отлично)',
    change: 'Изменить оценку или добавить комментарий:',
    comment: 'Комментарий (необязательно)',
    send: 'Отправить',
    invalid: 'Ссылка для оценки недействительна или устарела.',
    notResolved: 'Обращение снова открыто, поэтому оценить его сейчас нельзя.',
  },
} satisfies Record<Locale, unknown>;

function page(locale: Locale, body: string): ServerPage {
  const t = TEXT[locale];
  return serverPage(
    (nonce) =>
      `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${esc(t.title)} — Tierdesk</title><style nonce="${nonce}">body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}textarea{width:100%;min-height:6rem}label{margin-right:.75rem}fieldset{border:0;padding:0}</style></head><body><h1>${esc(t.title)}</h1>${body}</body></html>`,
  );
}

/** The rating form: five choices (the given one checked), the comment, the button that records them. */
function form(locale: Locale, rating: number, comment: string | null, action: string) {
  const t = TEXT[locale];
  const radios = [1, 2, 3, 4, 5]
    .map((n) => `<label><input type="radio" name="rating" value="${n}"${n === rating ? ' checked' : ''} required> ${n}</label>`)
    .join('');
  return `<form method="post" action="${esc(action)}"><fieldset><legend>${esc(t.rating)}</legend><p>${radios}</p></fieldset><p><label for="comment">${esc(t.comment)}</label></p><textarea id="comment" name="comment" maxlength="4000">${esc(comment ?? '')}</textarea><p><button type="submit">${esc(t.send)}</button></p></form>`;
}

/**
 * What a one-click link opens: the rating chosen in the e-mail, ready to send. Opening it records
 * nothing (mail scanners open links); the button does, by POST.
 */
export const ratingFormPage = (locale: Locale, number: string, rating: number, comment: string | null, action: string) =>
  page(locale, `<p>${esc(TEXT[locale].confirm(number))}</p>${form(locale, rating, comment, action)}`);

/** After the form is sent: thanks, and the same form to change the rating or the comment. */
export const ratedPage = (locale: Locale, number: string, rating: number, comment: string | null, action: string) =>
  page(locale, `<p>${esc(TEXT[locale].thanks(rating, number))}</p><p>${esc(TEXT[locale].change)}</p>${form(locale, rating, comment, action)}`);

export const invalidLinkPage = (locale: Locale) => page(locale, `<p>${esc(TEXT[locale].invalid)}</p>`);
export const notResolvedPage = (locale: Locale) => page(locale, `<p>${esc(TEXT[locale].notResolved)}</p>`);
