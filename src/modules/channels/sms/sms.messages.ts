import type { Locale } from '../../identity/index.js';

/** Why an inbound SMS waits in quarantine, or an outbound one was not sent: a stable code. */
export type SmsReason = keyof typeof SMS_REASONS;

/** Every reason, in English and Russian, as admins read it in the lists. */
export const SMS_REASONS = {
  empty_text: { en: 'The SMS has no text', ru: 'В SMS нет текста' },
  bad_sender: { en: "The sender's number is not a valid phone number", ru: 'Номер отправителя не является действительным номером телефона' },
  rate_limited: {
    en: 'Too many SMS from this number in a short time (flood protection)',
    ru: 'Слишком много SMS с этого номера за короткое время (защита от флуда)',
  },
  unknown_sender_refused: {
    en: 'Nobody has this number, and the gateway accepts SMS only from people it knows',
    ru: 'Этот номер ни за кем не записан, а шлюз принимает SMS только от известных людей',
  },
  unknown_organization: {
    en: 'Nobody has this number, and the gateway names no organization for new requesters',
    ru: 'Этот номер ни за кем не записан, а в шлюзе не указана организация для новых заявителей',
  },
  ambiguous_sender: {
    en: 'This number belongs to people of several organizations; set it on one person only',
    ru: 'Этот номер записан за людьми разных организаций; оставьте его только у одного человека',
  },
  staff_sender: {
    en: 'The number belongs to a staff member; staff answer requests in the desk, not by SMS',
    ru: 'Номер принадлежит сотруднику; сотрудники отвечают на обращения в системе, а не по SMS',
  },
  processing_failed: { en: 'Processing failed; see the detail', ru: 'Ошибка обработки; подробности в описании' },
  opted_out: { en: 'The number opted out of SMS (STOP)', ru: 'Номер отказался от SMS (СТОП)' },
  no_gateway: { en: 'No active gateway can send it', ru: 'Нет активного шлюза, который может его отправить' },
} as const satisfies Record<string, Record<Locale, string>>;

/** A reason in both languages, for presenters. */
export const smsReasonText = (code: string | null) => (code && code in SMS_REASONS ? SMS_REASONS[code as SmsReason] : null);
