import { enqueueMail } from '../../core/mail/outbox.js';
import type { AppContext, Db } from '../db.js';
import type { Locale } from '../identity/index.js';
import { findTicketById, ticketNumber } from '../tickets/index.js';
import type { Metric } from './clock.js';

type Notice = { kind: 'warning'; metric: Metric; share: number } | { kind: 'breach'; metric: Metric };

const METRIC: Record<Locale, Record<Metric, string>> = {
  en: { first_response: 'first response', resolution: 'resolution', line: 'time at the line' },
  ru: { first_response: 'первый ответ', resolution: 'решение', line: 'время на линии' },
};

/** The warning e-mail, in the recipient's language. */
export function slaMessage(locale: Locale, n: Notice, number: string, subject: string, link: string) {
  const metric = METRIC[locale][n.metric];
  if (locale === 'ru') {
    const what = n.kind === 'breach' ? `нарушен срок SLA (${metric})` : `израсходовано ${Math.round(n.share * 100)} % срока SLA (${metric})`;
    return { subject: `[${number}] ${what}: ${subject}`, text: `По обращению ${number} «${subject}» ${what}.\n\n${link}\n` };
  }
  const what = n.kind === 'breach' ? `SLA ${metric} target breached` : `${Math.round(n.share * 100)}% of the SLA ${metric} target used`;
  return { subject: `[${number}] ${what}: ${subject}`, text: `Request ${number} "${subject}": ${what}.\n\n${link}\n` };
}

/**
 * Warns the people who must act: the assignee and the staff of the request's line; at a breach,
 * the service desk managers too. By e-mail through the durable outbox, in each one's language.
 */
export async function notifySla(app: AppContext, db: Db, ticketId: string, n: Notice) {
  const t = await findTicketById(db, ticketId);
  if (!t) return;
  let q = db
    .selectFrom('users')
    .select(['id', 'email', 'locale'])
    .where('active', '=', 1)
    .where((eb) => {
      const who = [eb.and([eb('role', '=', 'agent'), eb('line', '=', t.line)])];
      if (t.assignee_id) who.push(eb('id', '=', t.assignee_id));
      if (n.kind === 'breach') who.push(eb('role', '=', 'manager'));
      return eb.or(who);
    });
  q = q.orderBy('email');
  const number = ticketNumber(t.number);
  const link = `${app.config.publicUrl}/tickets/${number}`;
  for (const r of await q.execute()) await enqueueMail(db, { to: r.email, ...slaMessage(r.locale, n, number, t.subject, link) });
}
