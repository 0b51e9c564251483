import type { Line, Locale } from '../identity/index.js';
import { localizedReason, type Status } from '../tickets/index.js';
import type { NoticeKind } from './catalog.js';

/** What happened, with the facts its message needs. */
export type Notice =
  | { kind: 'ticket_received' }
  | { kind: 'ticket_replied'; authorName: string; body: string }
  | { kind: 'ticket_status_changed'; from: Status; to: Status }
  | { kind: 'ticket_escalated'; from: Line; to: Line; /** The event's data, whose reason is rendered per reader. */ why: Record<string, unknown>; byTime: boolean }
  | { kind: 'ticket_resolved'; reopenDays: number; ratingLinks: string[] | null }
  | { kind: 'sla_warning'; metric: Metric; share: number }
  | { kind: 'sla_breached'; metric: Metric }
  | { kind: 'handoff_returned'; externalId: string | null }
  /** A public update of the major incident this request is part of (to its requester), or of one affecting the reader's company (IT managers). */
  | { kind: 'major_incident_update'; title: string; body: string };

type Metric = 'first_response' | 'resolution' | 'line';

/** The request and the reader a message is written for. */
export interface Context {
  number: string;
  subject: string;
  link: string;
  requesterName: string;
  organizationName: string;
  line: Line;
  recipientName: string;
  /** Client-side readers get client words and instructions; staff get the desk's. */
  side: 'client' | 'staff';
}

export interface Rendered {
  /** The e-mail. */
  subject: string;
  text: string;
  /** The in-app notice. */
  title: string;
  body: string;
}

const STATUS: Record<Locale, Record<Status, string>> = {
  en: { new: 'new', open: 'in progress', pending_customer: 'waiting for your answer', pending_vendor: 'waiting for a supplier', resolved: 'resolved', closed: 'closed' },
  ru: { new: 'новое', open: 'в работе', pending_customer: 'ждёт вашего ответа', pending_vendor: 'ожидает поставщика', resolved: 'решено', closed: 'закрыто' },
};
const STAFF_STATUS: Partial<Record<Locale, Partial<Record<Status, string>>>> = {
  en: { pending_customer: 'waiting for the customer' },
  ru: { pending_customer: 'ждёт ответа клиента' },
};
const LINE: Record<Locale, Record<Line, string>> = {
  en: { L1: 'the help desk (first line)', L2: 'an engineer (second line)', L3: 'a leading specialist (third line)' },
  ru: { L1: 'служба поддержки (первая линия)', L2: 'инженер (вторая линия)', L3: 'ведущий специалист (третья линия)' },
};
const METRIC: Record<Locale, Record<Metric, string>> = {
  en: { first_response: 'first response', resolution: 'resolution', line: 'time at the line' },
  ru: { first_response: 'первый ответ', resolution: 'решение', line: 'время на линии' },
};

/** A share as the reader writes it: "75%", "75 %", "71,4 %". */
const percent = (l: Locale, share: number) => new Intl.NumberFormat(l === 'ru' ? 'ru-RU' : 'en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(share);
const reasonLine = (l: Locale, why: Record<string, unknown>, label: string) => {
  const text = localizedReason(l, why);
  return text ? [`${label}: ${text}`] : [];
};
const status = (l: Locale, c: Context, s: Status) => (c.side === 'staff' && STAFF_STATUS[l]?.[s]) || STATUS[l][s];
const excerpt = (s: string, max = 300) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The parts of a message in one language: [mail subject tail, in-app title tail, the message]. */
type Parts = { head: string; title: string; lines: string[] };

const EN: Record<NoticeKind, (c: Context, n: never) => Parts> = {
  ticket_received: (c) =>
    c.side === 'client'
      ? { head: `Request received: ${c.subject}`, title: 'Request received', lines: [`The request "${c.subject}" from ${c.requesterName} is registered under the number ${c.number}. We will answer as soon as we can.`] }
      : { head: `New request at ${c.line}: ${c.subject}`, title: `New request at ${c.line}`, lines: [`${c.requesterName} (${c.organizationName}) made the request ${c.number} "${c.subject}"; it is at ${c.line}.`] },
  ticket_replied: (c, n: Extract<Notice, { kind: 'ticket_replied' }>) => ({
    head: `Re: ${c.subject}`,
    title: `New reply from ${n.authorName}`,
    lines: [`${n.authorName} wrote:`, '', n.body],
  }),
  ticket_status_changed: (c, n: Extract<Notice, { kind: 'ticket_status_changed' }>) => ({
    head: `Now ${status('en', c, n.to)}: ${c.subject}`,
    title: `Now ${status('en', c, n.to)}`,
    lines: [`The request ${c.number} "${c.subject}" was ${status('en', c, n.from)} and is now ${status('en', c, n.to)}.`],
  }),
  ticket_escalated: (c, n: Extract<Notice, { kind: 'ticket_escalated' }>) =>
    c.side === 'client'
      ? { head: `Passed to ${LINE.en[n.to]}: ${c.subject}`, title: `Passed to ${LINE.en[n.to]}`, lines: [`To solve your request ${c.number} "${c.subject}", we have passed it to ${LINE.en[n.to]}.`] }
      : {
          head: `Escalated ${n.from} → ${n.to}: ${c.subject}`,
          title: `Escalated ${n.from} → ${n.to}`,
          lines: [`The request ${c.number} "${c.subject}" of ${c.organizationName} moved from ${n.from} to ${n.to}${n.byTime ? ' by itself: its time budget was used up' : ''}.`, ...reasonLine('en', n.why, 'Reason')],
        },
  ticket_resolved: (c, n: Extract<Notice, { kind: 'ticket_resolved' }>) => ({
    head: `Resolved: ${c.subject}`,
    title: 'Resolved',
    lines: [
      `The request ${c.number} "${c.subject}" is resolved.`,
      '',
      c.side === 'client'
        ? `If the problem is still there, reply to this message or reopen the request within ${n.reopenDays} days: ${c.link}`
        : `It can be reopened within ${n.reopenDays} days.`,
      ...(n.ratingLinks
        ? ['', 'How satisfied are you with the solution? One click is enough (1 = not at all, 5 = fully); you may add a comment on the page that opens:', ...n.ratingLinks.map((l, i) => `  ${i + 1} — ${l}`)]
        : []),
    ],
  }),
  sla_warning: (c, n: Extract<Notice, { kind: 'sla_warning' }>) => {
    if (n.metric === 'line') {
      const what = `${percent('en', n.share)} of the ${c.line} time budget used`;
      return { head: `${what}: ${c.subject}`, title: what, lines: [`Request ${c.number} "${c.subject}" (${c.organizationName}): ${what}. Escalate it now, or say why you keep it; otherwise it moves on by itself when the budget is used up.`] };
    }
    const what = `${percent('en', n.share)} of the SLA ${METRIC.en[n.metric]} target used`;
    return { head: `${what}: ${c.subject}`, title: what, lines: [`Request ${c.number} "${c.subject}" (${c.organizationName}, ${c.line}): ${what}.`] };
  },
  sla_breached: (c, n: Extract<Notice, { kind: 'sla_breached' }>) => {
    const what = `SLA ${METRIC.en[n.metric]} target breached`;
    return { head: `${what}: ${c.subject}`, title: what, lines: [`Request ${c.number} "${c.subject}" (${c.organizationName}, ${c.line}): ${what}.`] };
  },
  handoff_returned: (c, n: Extract<Notice, { kind: 'handoff_returned' }>) => ({
    head: `Fixed by the developers: ${c.subject}`,
    title: 'Fixed by the developers',
    lines: [`The developers report ${n.externalId ?? 'their item'} fixed. The request ${c.number} "${c.subject}" is back at ${c.line}: check the fix with the customer.`],
  }),
  major_incident_update: (c, n: Extract<Notice, { kind: 'major_incident_update' }>) => ({
    head: `Service incident update: ${n.title}`,
    title: `Update: ${n.title}`,
    lines: [`An update on the incident "${n.title}" that affects your request ${c.number} "${c.subject}":`, '', n.body],
  }),
};

const RU: Record<NoticeKind, (c: Context, n: never) => Parts> = {
  ticket_received: (c) =>
    c.side === 'client'
      ? { head: `Обращение зарегистрировано: ${c.subject}`, title: 'Обращение зарегистрировано', lines: [`Обращение «${c.subject}» от ${c.requesterName} зарегистрировано под номером ${c.number}. Мы ответим как можно скорее.`] }
      : { head: `Новое обращение на ${c.line}: ${c.subject}`, title: `Новое обращение на ${c.line}`, lines: [`${c.requesterName} (${c.organizationName}) создал(а) обращение ${c.number} «${c.subject}»; оно на ${c.line}.`] },
  ticket_replied: (c, n: Extract<Notice, { kind: 'ticket_replied' }>) => ({
    head: `Re: ${c.subject}`,
    title: `Новый ответ: ${n.authorName}`,
    lines: [`${n.authorName} пишет:`, '', n.body],
  }),
  ticket_status_changed: (c, n: Extract<Notice, { kind: 'ticket_status_changed' }>) => ({
    head: `Статус «${status('ru', c, n.to)}»: ${c.subject}`,
    title: `Статус «${status('ru', c, n.to)}»`,
    lines: [`Статус обращения ${c.number} «${c.subject}» изменился: было «${status('ru', c, n.from)}», стало «${status('ru', c, n.to)}».`],
  }),
  ticket_escalated: (c, n: Extract<Notice, { kind: 'ticket_escalated' }>) =>
    c.side === 'client'
      ? { head: `Передано: ${LINE.ru[n.to]}: ${c.subject}`, title: `Передано: ${LINE.ru[n.to]}`, lines: [`Чтобы решить ваше обращение ${c.number} «${c.subject}», мы передали его: ${LINE.ru[n.to]}.`] }
      : {
          head: `Эскалация ${n.from} → ${n.to}: ${c.subject}`,
          title: `Эскалация ${n.from} → ${n.to}`,
          lines: [`Обращение ${c.number} «${c.subject}» (${c.organizationName}) перешло с ${n.from} на ${n.to}${n.byTime ? ' автоматически: истёк лимит времени на линии' : ''}.`, ...reasonLine('ru', n.why, 'Причина')],
        },
  ticket_resolved: (c, n: Extract<Notice, { kind: 'ticket_resolved' }>) => ({
    head: `Решено: ${c.subject}`,
    title: 'Решено',
    lines: [
      `Обращение ${c.number} «${c.subject}» решено.`,
      '',
      c.side === 'client'
        ? `Если проблема осталась, ответьте на это письмо или откройте обращение снова в течение ${n.reopenDays} дн.: ${c.link}`
        : `Его можно открыть снова в течение ${n.reopenDays} дн.`,
      ...(n.ratingLinks
        ? ['', 'Насколько вы довольны решением? Достаточно одного щелчка (1 — совсем нет, 5 — полностью); на открывшейся странице можно добавить комментарий:', ...n.ratingLinks.map((l, i) => `  ${i + 1} — ${l}`)]
        : []),
    ],
  }),
  sla_warning: (c, n: Extract<Notice, { kind: 'sla_warning' }>) => {
    if (n.metric === 'line') {
      const what = `израсходовано ${percent('ru', n.share)} лимита времени на ${c.line}`;
      return { head: `${what}: ${c.subject}`, title: what, lines: [`Обращение ${c.number} «${c.subject}» (${c.organizationName}): ${what}. Передайте его дальше сейчас или напишите, почему оставляете; иначе оно уйдёт само, когда лимит будет исчерпан.`] };
    }
    const what = `израсходовано ${percent('ru', n.share)} срока SLA (${METRIC.ru[n.metric]})`;
    return { head: `${what}: ${c.subject}`, title: what, lines: [`Обращение ${c.number} «${c.subject}» (${c.organizationName}, ${c.line}): ${what}.`] };
  },
  sla_breached: (c, n: Extract<Notice, { kind: 'sla_breached' }>) => {
    const what = `нарушен срок SLA (${METRIC.ru[n.metric]})`;
    return { head: `${what}: ${c.subject}`, title: what, lines: [`Обращение ${c.number} «${c.subject}» (${c.organizationName}, ${c.line}): ${what}.`] };
  },
  handoff_returned: (c, n: Extract<Notice, { kind: 'handoff_returned' }>) => ({
    head: `Исправлено разработчиками: ${c.subject}`,
    title: 'Исправлено разработчиками',
    lines: [`Разработчики сообщают, что ${n.externalId ?? 'их задача'} исправлена. Обращение ${c.number} «${c.subject}» снова на ${c.line}: проверьте исправление с клиентом.`],
  }),
  major_incident_update: (c, n: Extract<Notice, { kind: 'major_incident_update' }>) => ({
    head: `Новости об аварии: ${n.title}`,
    title: `Новости: ${n.title}`,
    lines: [`Новости об аварии «${n.title}», которая затрагивает ваше обращение ${c.number} «${c.subject}»:`, '', n.body],
  }),
};

const FOOTER: Record<Locale, (c: Context) => string[]> = {
  en: (c) => [
    '--',
    c.side === 'client' ? `Reply to this message to add to your request; keep [${c.number}] in the subject.` : `Request: ${c.number}`,
    c.link,
  ],
  ru: (c) => [
    '--',
    c.side === 'client' ? `Чтобы дополнить обращение, ответьте на это письмо; не удаляйте [${c.number}] из темы.` : `Обращение: ${c.number}`,
    c.link,
  ],
};

/** A notice as the reader reads it, in their language: the e-mail and the in-app notice. */
export function render(locale: Locale, notice: Notice, c: Context): Rendered {
  const parts = (locale === 'ru' ? RU : EN)[notice.kind](c, notice as never);
  const greeting = locale === 'ru' ? `Здравствуйте, ${c.recipientName}!` : `Hello ${c.recipientName},`;
  return {
    subject: `[${c.number}] ${parts.head}`,
    text: [greeting, '', ...parts.lines, '', ...FOOTER[locale](c), ''].join('\n'),
    title: `${c.number}: ${parts.title}`,
    body: excerpt(parts.lines.filter((l) => l && !l.startsWith('  ')).join(' ')),
  };
}

// SMS: one short line (a few parts at most), the number first, the link last.

const short = (s: string, max: number) => excerpt(s.replace(/\s+/g, ' ').trim(), max);

const SMS_EN: Record<NoticeKind, (c: Context, n: never) => string> = {
  ticket_received: (c) => (c.side === 'client' ? `${c.number} received: "${short(c.subject, 40)}". We will answer soon.` : `${c.number} new at ${c.line}: "${short(c.subject, 40)}"`),
  ticket_replied: (c, n: Extract<Notice, { kind: 'ticket_replied' }>) => `${c.number} ${n.authorName}: ${short(n.body, 100)}${c.side === 'client' ? ` (reply by SMS with ${c.number})` : ''}`,
  ticket_status_changed: (c, n: Extract<Notice, { kind: 'ticket_status_changed' }>) => `${c.number} is now ${status('en', c, n.to)}.`,
  ticket_escalated: (c, n: Extract<Notice, { kind: 'ticket_escalated' }>) => (c.side === 'client' ? `${c.number} passed to ${LINE.en[n.to]}.` : `${c.number} escalated ${n.from}→${n.to}.`),
  ticket_resolved: (c, n: Extract<Notice, { kind: 'ticket_resolved' }>) =>
    `${c.number} "${short(c.subject, 40)}" is resolved.${c.side === 'client' ? ` Still a problem? Reply with ${c.number} within ${n.reopenDays} days.` : ''}`,
  sla_warning: (c, n: Extract<Notice, { kind: 'sla_warning' }>) =>
    n.metric === 'line' ? `${c.number}: ${percent('en', n.share)} of the ${c.line} time budget used.` : `${c.number}: ${percent('en', n.share)} of the SLA ${METRIC.en[n.metric]} target used.`,
  sla_breached: (c, n: Extract<Notice, { kind: 'sla_breached' }>) => `${c.number}: SLA ${METRIC.en[n.metric]} target breached.`,
  handoff_returned: (c) => `${c.number}: fixed by the developers; check with the customer.`,
  major_incident_update: (c, n: Extract<Notice, { kind: 'major_incident_update' }>) => `${c.number} incident update: ${short(n.body, 100)}`,
};

const SMS_RU: Record<NoticeKind, (c: Context, n: never) => string> = {
  ticket_received: (c) => (c.side === 'client' ? `${c.number} принято: «${short(c.subject, 40)}». Скоро ответим.` : `${c.number} новое на ${c.line}: «${short(c.subject, 40)}»`),
  ticket_replied: (c, n: Extract<Notice, { kind: 'ticket_replied' }>) => `${c.number} ${n.authorName}: ${short(n.body, 100)}${c.side === 'client' ? ` (ответ по SMS — с номером ${c.number})` : ''}`,
  ticket_status_changed: (c, n: Extract<Notice, { kind: 'ticket_status_changed' }>) => `${c.number}: статус «${status('ru', c, n.to)}».`,
  ticket_escalated: (c, n: Extract<Notice, { kind: 'ticket_escalated' }>) => (c.side === 'client' ? `${c.number} передано: ${LINE.ru[n.to]}.` : `${c.number}: эскалация ${n.from}→${n.to}.`),
  ticket_resolved: (c, n: Extract<Notice, { kind: 'ticket_resolved' }>) =>
    `${c.number} «${short(c.subject, 40)}» решено.${c.side === 'client' ? ` Проблема осталась? Ответьте с номером ${c.number} в течение ${n.reopenDays} дн.` : ''}`,
  sla_warning: (c, n: Extract<Notice, { kind: 'sla_warning' }>) =>
    n.metric === 'line' ? `${c.number}: израсходовано ${percent('ru', n.share)} лимита времени на ${c.line}.` : `${c.number}: израсходовано ${percent('ru', n.share)} срока SLA (${METRIC.ru[n.metric]}).`,
  sla_breached: (c, n: Extract<Notice, { kind: 'sla_breached' }>) => `${c.number}: нарушен срок SLA (${METRIC.ru[n.metric]}).`,
  handoff_returned: (c) => `${c.number}: исправлено разработчиками; проверьте с клиентом.`,
  major_incident_update: (c, n: Extract<Notice, { kind: 'major_incident_update' }>) => `${c.number} новости об аварии: ${short(n.body, 100)}`,
};

/** A notice as an SMS, in the reader's language: the number, what happened in a few words, the link. */
export function renderSms(locale: Locale, notice: Notice, c: Context): string {
  return `${(locale === 'ru' ? SMS_RU : SMS_EN)[notice.kind](c, notice as never)} ${c.link}`;
}
