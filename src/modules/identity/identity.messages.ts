import type { Locale } from './identity.tables.js';

/** The password-reset e-mail, in the recipient's language. */
export function resetMail(locale: Locale, name: string, link: string, ttlMinutes: number) {
  if (locale === 'ru')
    return {
      subject: 'Tierdesk: сброс пароля',
      text: `Здравствуйте, ${name}!\n\nЧтобы задать новый пароль, откройте ссылку (действует ${ttlMinutes} мин., один раз):\n${link}\n\nЕсли вы не запрашивали сброс пароля, просто проигнорируйте это письмо.\n`,
    };
  return {
    subject: 'Tierdesk: reset your password',
    text: `Hello ${name},\n\nTo set a new password, open this link (valid once, for ${ttlMinutes} minutes):\n${link}\n\nIf you did not ask to reset your password, ignore this message.\n`,
  };
}
