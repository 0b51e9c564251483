import type { Locale } from '../identity/index.js';
import type { Risk } from './changes.tables.js';

/** What a change's notice says, with the facts it needs. */
export type ChangeNotice =
  | { kind: 'change_approval_requested'; risk: Risk; plan: string; rollbackPlan: string; window: string; approveLink: string; rejectLink: string }
  | { kind: 'change_approved' }
  | { kind: 'change_rejected'; by: string; comment: string | null };

export interface NoticeContext {
  number: string;
  subject: string;
  link: string;
  organizationName: string;
}

const RISK: Record<Locale, Record<Risk, string>> = {
  en: { low: 'low', medium: 'medium', high: 'high' },
  ru: { low: 'низкий', medium: 'средний', high: 'высокий' },
};

type Parts = { head: string; title: string; lines: string[] };

const TEXT: Record<Locale, { [K in ChangeNotice['kind']]: (c: NoticeContext, n: Extract<ChangeNotice, { kind: K }>) => Parts }> = {
  en: {
    change_approval_requested: (c, n) => ({
      head: `Approval needed: ${c.subject}`,
      title: 'Your approval is needed',
      lines: [
        `The change ${c.number} "${c.subject}" (${c.organizationName}) needs your approval before any work starts.`,
        '',
        `Risk: ${RISK.en[n.risk]}`,
        `Proposed window: ${n.window}`,
        '',
        'Plan:',
        n.plan,
        '',
        'Rollback plan:',
        n.rollbackPlan,
        '',
        `Approve: ${n.approveLink}`,
        `Reject: ${n.rejectLink}`,
        '',
        'Each link opens a page where you confirm your choice and may add a comment.',
        'You may also reply to this e-mail with the single word "approve" or "reject" on the first line (a comment may follow).',
        `Or open the request: ${c.link}`,
      ],
    }),
    change_approved: (c) => ({
      head: `Change approved: ${c.subject}`,
      title: 'Change approved',
      lines: [`The change ${c.number} "${c.subject}" is approved; work may start in its window.`, '', c.link],
    }),
    change_rejected: (c, n) => ({
      head: `Change rejected: ${c.subject}`,
      title: 'Change rejected',
      lines: [`${n.by} rejected the change ${c.number} "${c.subject}"; it is closed without any work.`, ...(n.comment ? ['', `Comment: ${n.comment}`] : []), '', c.link],
    }),
  },
  ru: {
    change_approval_requested: (c, n) => ({
      head: `Требуется согласование: ${c.subject}`,
      title: 'Требуется ваше согласование',
      lines: [
        `Изменение ${c.number} «${c.subject}» (${c.organizationName}) требует вашего согласования до начала работ.`,
        '',
        `Риск: ${RISK.ru[n.risk]}`,
        `Предлагаемое окно: ${n.window}`,
        '',
        'План работ:',
        n.plan,
        '',
        'План отката:',
        n.rollbackPlan,
        '',
        `Согласовать: ${n.approveLink}`,
        `Отклонить: ${n.rejectLink}`,
        '',
        'Каждая ссылка открывает страницу, где вы подтверждаете выбор и можете добавить комментарий.',
        'Можно также ответить на это письмо одним словом «согласовано» или «отклонено» в первой строке (комментарий — ниже).',
        `Обращение: ${c.link}`,
      ],
    }),
    change_approved: (c) => ({
      head: `Изменение согласовано: ${c.subject}`,
      title: 'Изменение согласовано',
      lines: [`Изменение ${c.number} «${c.subject}» согласовано; работы можно начинать в его окне.`, '', c.link],
    }),
    change_rejected: (c, n) => ({
      head: `Изменение отклонено: ${c.subject}`,
      title: 'Изменение отклонено',
      lines: [`${n.by} отклонил(а) изменение ${c.number} «${c.subject}»; оно закрыто без выполнения работ.`, ...(n.comment ? ['', `Комментарий: ${n.comment}`] : []), '', c.link],
    }),
  },
};

/** The e-mail and the in-app notice of a change's event, in the reader's language. */
export function renderChangeNotice(locale: Locale, n: ChangeNotice, c: NoticeContext) {
  const parts = (TEXT[locale][n.kind] as (c: NoticeContext, n: ChangeNotice) => Parts)(c, n);
  return { subject: `[${c.number}] ${parts.head}`, text: parts.lines.join('\n'), title: `${c.number}: ${parts.title}`, body: c.subject };
}

/** A window as people read it, in their time zone: "2026-12-12 22:00 – 2026-12-13 02:00 (Europe/Moscow)". */
export function formatWindow(start: string, end: string, timeZone: string) {
  const f = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  return `${f.format(new Date(start))} – ${f.format(new Date(end))} (${timeZone})`;
}

/** The decision an e-mail reply states on its first line, if it states one. */
export function decisionInReply(body: string): { decision: 'approved' | 'rejected'; comment: string | null } | null {
  const lines = body.replace(/\r/g, '').split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return null;
  const word = lines[first]!.trim().toLowerCase().replace(/[.!,;:]+$/, '');
  const decision = APPROVE_WORDS.has(word) ? 'approved' : REJECT_WORDS.has(word) ? 'rejected' : null;
  if (!decision) return null;
  const comment = lines.slice(first + 1).join('\n').trim();
  return { decision, comment: comment || null };
}
const APPROVE_WORDS = new Set(['approve', 'approved', 'согласовано', 'согласую', 'согласен', 'согласна']);
const REJECT_WORDS = new Set(['reject', 'rejected', 'отклонено', 'отклоняю']);
