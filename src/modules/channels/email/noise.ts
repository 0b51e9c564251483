import type { InboundMail } from './parse.js';

/**
 * Mail that must never open a request nor be answered: what a program sent by itself. A bounce is
 * told apart because it also marks the address it failed on.
 */
export type Noise = ({ kind: 'bounce' } | { kind: 'ignored'; reason: 'auto_reply' | 'bulk' | 'loop' }) & {
  /** What gave it away (a header and its value, the subject…), for the inbound log. */
  why: string;
};

/** Subjects of out-of-office and auto-responder messages that carry none of the standard headers. */
const AUTO_SUBJECT =
  /^\s*(automatic reply|auto(matic)?[ -]?(reply|response)|out of (the )?office\s*(:|auto ?reply|reply)|autosvar|abwesenheitsnotiz|réponse automatique|автоматический ответ|автоответ|auto\s*:)/iu;

/** Subjects of delivery failure notices from servers that send no standard report. */
const BOUNCE_SUBJECT =
  /(undeliver(ed|able)|delivery (status notification|has failed|failure)|mail delivery (failed|failure|subsystem)|returned mail|failure notice|non[- ]?delivery|недоставлен|не (удалось )?доставить|не доставлено|ошибка доставки)/iu;
const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

/**
 * Classifies automatic mail: RFC 3834 Auto-Submitted, Precedence bulk/junk/list, X-Autoreply and
 * X-Autorespond, mailing-list headers, delivery status notifications (RFC 3464) and the bounces of
 * servers that send none, an empty envelope sender, and mail from the desk's own addresses. Null
 * for mail a person wrote.
 */
export function classifyNoise(mail: InboundMail, ctx: { envelopeFrom: string | null; ownAddresses: Set<string> }): Noise | null {
  const h = (name: string) => mail.headers.get(name)?.trim().toLowerCase();
  const from = mail.from?.address ?? '';

  const cut = (s: string) => s.slice(0, 200);
  if (mail.contentType === 'multipart/report' && mail.contentTypeParams['report-type'] === 'delivery-status')
    return { kind: 'bounce', why: 'Content-Type: multipart/report; report-type=delivery-status' };
  if ((DAEMON.test(from) || ctx.envelopeFrom === '') && BOUNCE_SUBJECT.test(mail.subject)) return { kind: 'bounce', why: cut(`Subject: ${mail.subject}`) };
  if (DAEMON.test(from)) return { kind: 'bounce', why: `From: ${from}` };
  if (h('x-failed-recipients')) return { kind: 'bounce', why: cut(`X-Failed-Recipients: ${h('x-failed-recipients')}`) };

  if (from && ctx.ownAddresses.has(from)) return { kind: 'ignored', reason: 'loop', why: `From: ${from}` };
  const loop = h('x-loop');
  if (loop && [...ctx.ownAddresses].some((a) => loop.includes(a))) return { kind: 'ignored', reason: 'loop', why: cut(`X-Loop: ${loop}`) };

  const autoSubmitted = h('auto-submitted');
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return { kind: 'ignored', reason: 'auto_reply', why: cut(`Auto-Submitted: ${autoSubmitted}`) };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder'])
    if (h(name) !== undefined) return { kind: 'ignored', reason: 'auto_reply', why: cut(`${name}: ${h(name)}`) };
  const precedence = h('precedence');
  if (precedence && /^(bulk|junk|list|auto_reply)\b/.test(precedence))
    return { kind: 'ignored', reason: precedence.startsWith('auto') ? 'auto_reply' : 'bulk', why: cut(`Precedence: ${precedence}`) };
  if (h('list-id')) return { kind: 'ignored', reason: 'bulk', why: cut(`List-Id: ${h('list-id')}`) };
  if (h('list-unsubscribe')) return { kind: 'ignored', reason: 'bulk', why: cut(`List-Unsubscribe: ${h('list-unsubscribe')}`) };
  // Older Exchange and some mobile clients mark their out-of-office replies by the subject alone.
  if (AUTO_SUBJECT.test(mail.subject)) return { kind: 'ignored', reason: 'auto_reply', why: cut(`Subject: ${mail.subject}`) };
  // RFC 3834: automatic responses go out with an empty envelope sender; people's mail never does.
  if (ctx.envelopeFrom === '') return { kind: 'ignored', reason: 'auto_reply', why: 'MAIL FROM:<> (the null sender)' };
  return null;
}
