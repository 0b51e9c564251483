import type { Locale } from '../../identity/index.js';

/** Why a message was ignored or quarantined, or an attachment not accepted: a stable code. */
export type ReasonCode = keyof typeof REASONS;

/** Every reason, in English and Russian, as admins read it in the lists. */
export const REASONS = {
  // ignored: never opens a request, never answered
  auto_reply: { en: 'An automatic reply (out of office, auto-responder)', ru: 'Автоматический ответ (отпуск, автоответчик)' },
  bulk: { en: 'Bulk or mailing-list mail', ru: 'Массовая рассылка или письмо из списка рассылки' },
  loop: { en: 'Sent by the service desk itself (a mail loop)', ru: 'Отправлено самой службой поддержки (зацикливание почты)' },
  bounce: { en: 'A delivery failure notice (bounce)', ru: 'Уведомление о недоставке' },
  duplicate: {
    en: 'The same message delivered again; the first delivery was processed, this one changed nothing',
    ru: 'То же письмо доставлено повторно; обработана первая доставка, эта ничего не изменила',
  },
  // quarantined: waits for an admin, can be re-processed
  unreadable: { en: 'The message could not be read as e-mail', ru: 'Сообщение не удалось разобрать как письмо' },
  empty_message: { en: 'The message is empty', ru: 'Сообщение пустое' },
  too_large: { en: 'The message is larger than the desk accepts', ru: 'Сообщение больше допустимого размера' },
  no_sender: { en: 'The message has no valid sender address', ru: 'У сообщения нет действительного адреса отправителя' },
  rate_limited: {
    en: 'Too many messages from this sender in a short time (mail storm protection)',
    ru: 'Слишком много писем от этого отправителя за короткое время (защита от почтового шторма)',
  },
  unknown_sender_refused: {
    en: 'The sender is unknown, and their organization accepts mail only from people it knows',
    ru: 'Отправитель неизвестен, а его организация принимает письма только от известных ей людей',
  },
  unknown_organization: {
    en: 'The sender is unknown, and neither their domain nor the mailbox belongs to a client organization',
    ru: 'Отправитель неизвестен, и ни его домен, ни почтовый ящик не относятся к организации-клиенту',
  },
  sender_unverified: {
    en: "The sender's address is a known person's, but the message failed authentication (SPF, DKIM, DMARC): it may be forged",
    ru: 'Адрес отправителя принадлежит известному человеку, но письмо не прошло проверку подлинности (SPF, DKIM, DMARC): оно может быть подделано',
  },
  sender_inactive: { en: "The sender's account is deactivated", ru: 'Учётная запись отправителя отключена' },
  staff_sender: {
    en: 'A staff member cannot open a request by e-mail; reply to the e-mail of a request instead',
    ru: 'Сотрудник не может открыть обращение письмом; ответьте на письмо по обращению',
  },
  mime_too_complex: {
    en: 'The message is built of too many or too deeply nested parts to be read safely',
    ru: 'Письмо состоит из слишком многих или слишком глубоко вложенных частей, чтобы его безопасно разобрать',
  },
  processing_failed: { en: 'Processing failed; see the detail', ru: 'Ошибка обработки; подробности в описании' },
  // attachments that were not accepted (the original message keeps them)
  attachment_too_large: { en: 'The file is larger than the desk accepts', ru: 'Файл больше допустимого размера' },
  attachment_empty: { en: 'The file is empty', ru: 'Файл пустой' },
  attachment_refused: { en: 'Files of this type or content are not accepted', ru: 'Файлы такого типа или содержания не принимаются' },
  signature_file: {
    en: 'The digital signature of the message (its status is shown with the message)',
    ru: 'Электронная подпись письма (её состояние показано у письма)',
  },
  calendar_shown: {
    en: 'A calendar invitation: its summary is in the text of the request',
    ru: 'Приглашение в календарь: его сводка есть в тексте обращения',
  },
} as const satisfies Record<string, Record<Locale, string>>;

/** A reason in both languages, for presenters. */
export const reasonText = (code: string | null) => (code && code in REASONS ? REASONS[code as ReasonCode] : null);

/** Texts that become part of a request when a message has nothing to show, in the writer's language. */
export const PLACEHOLDERS = {
  noSubject: { en: '(no subject)', ru: '(без темы)' },
  noText: { en: '(the message has no text; see the attachments or the original message)', ru: '(в письме нет текста; см. вложения или исходное письмо)' },
  truncated: { en: '[… the text is cut here; the original message has all of it]', ru: '[… текст обрезан; полностью он есть в исходном письме]' },
} as const satisfies Record<string, Record<Locale, string>>;

/**
 * What staff read about a signed message. A valid S/MIME signature proves the content unchanged
 * and made with the key of the certificate it carries; the desk has no trust store, so it does not
 * say the signer is who the certificate names, and says so.
 */
export function signatureText(kind: string, status: string, signer: string | null): Record<Locale, string> {
  const who = signer ?? '?';
  if (kind === 'pgp') return { en: 'Signed (OpenPGP); the signature was not verified', ru: 'Подписано (OpenPGP); подпись не проверялась' };
  if (status === 'valid')
    return {
      en: `Signed (S/MIME) by ${who}: the signature is valid and the content unchanged; the certificate was not checked against a trusted authority`,
      ru: `Подписано (S/MIME): ${who}. Подпись верна, содержимое не изменено; сертификат не проверялся по доверенному центру сертификации`,
    };
  if (status === 'invalid')
    return {
      en: `Signed (S/MIME) by ${who}, but the signature does not match the content: the message may have been changed`,
      ru: `Подписано (S/MIME): ${who}, но подпись не совпадает с содержимым: письмо могло быть изменено`,
    };
  return { en: 'Signed (S/MIME); the signature could not be verified', ru: 'Подписано (S/MIME); подпись проверить не удалось' };
}
