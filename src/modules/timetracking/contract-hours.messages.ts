import type { Locale } from '../identity/index.js';

/** Hours from minutes, as a person reads them in their language (one decimal at most). */
export const formatHours = (minutes: number, locale: Locale) =>
  new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 1 }).format(minutes / 60);

/** "November 2026" / "ноябрь 2026 г." for a month YYYY-MM. */
export const monthName = (month: string, locale: Locale) =>
  new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-15T00:00:00Z`));

export interface ContractHoursNotice {
  organization: string;
  plan: string;
  month: string;
  level: 80 | 100;
  usedMinutes: number;
  includedHours: number;
  link: string;
}

/** The contract-hours warning e-mail, in the recipient's language. */
export function contractHoursMessage(locale: Locale, n: ContractHoursNotice) {
  const used = formatHours(n.usedMinutes, locale);
  const included = formatHours(n.includedHours * 60, locale);
  const overage = Math.max(0, n.usedMinutes - n.includedHours * 60);
  const share = Math.floor((n.usedMinutes / (n.includedHours * 60)) * 100);
  const month = monthName(n.month, locale);
  if (locale === 'ru')
    return {
      subject: `Tierdesk: ${n.organization} — израсходовано ${n.level} % включённых часов за ${month}`,
      text:
        `${n.organization}: использовано ${used} ч из ${included} ч, включённых в тариф «${n.plan}» на ${month} (${share} %).\n` +
        (overage > 0 ? `Сверх тарифа: ${formatHours(overage, locale)} ч; они оплачиваются отдельно.\n` : '') +
        `\n${n.link}\n`,
    };
  return {
    subject: `Tierdesk: ${n.organization} has used ${n.level}% of its included hours for ${month}`,
    text:
      `${n.organization} has used ${used} of the ${included} hours included in the ${n.plan} plan for ${month} (${share}%).\n` +
      (overage > 0 ? `Overage so far: ${formatHours(overage, locale)} h, billed on top of the plan.\n` : '') +
      `\n${n.link}\n`,
  };
}
