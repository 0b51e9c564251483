import type { DomainEvent } from '../../core/events/events.js';
import { hashSecret, newSecret } from '../../core/ids/ids.js';
import { domainOf, enqueueMails, newMessageId, threadMessageIds } from '../../core/mail/outbox.js';
import { inboundMessageIds } from '../channels/email/index.js';
import { enqueueSms } from '../channels/sms/index.js';
import type { AppContext, Db } from '../db.js';
import {
  findOrganizationOnce,
  findUsersOnce,
  type Line,
  type Locale,
  type UserRow,
} from '../identity/index.js';
import { findEntry, findTicketById, ticketNumber, type Status, type TicketRow } from '../tickets/index.js';
import { defaultChoice, SMS_REQUEST_NOTICES, type ChannelChoice } from './catalog.js';
import { failingAddresses } from './failing-addresses.js';
import { notificationsPaused } from './quiet.js';
import { recipientsOf, sideOf, type Recipient, type Rule } from './recipients.js';
import * as repo from './notifications.repo.js';
import { render, renderSms, type Context, type Notice } from './templates.js';

/** How long a one-click rating link works. */
export const SATISFACTION_LINK_DAYS = 30;
/** At most this many earlier Message-IDs in References: the first and the latest (RFC 5322 allows trimming). */
const MAX_REFERENCES = 10;
const LINE_RANK: Record<Line, number> = { L1: 1, L2: 2, L3: 3 };

/** The events that may call for a notice. */
export const NOTIFIABLE_EVENTS = [
  'ticket.created',
  'ticket.replied',
  'ticket.status_changed',
  'ticket.line_changed',
  'ticket.handoff_returned',
  'sla.warning',
  'sla.budget_warning',
  'sla.breached',
];

/**
 * Reacts to request and SLA events inside the transaction of the change: decides the notice and its
 * recipients, and writes the in-app rows and the outbox rows, which commit with the change or not at all.
 */
export async function onEvent(app: AppContext, trx: Db, e: DomainEvent): Promise<void> {
  if (notificationsPaused() || e.subjectType !== 'ticket') return;
  const planned = await plan(app, trx, e);
  if (!planned) return;
  const t = (await findTicketById(trx, e.subjectId))!;
  let recipients = await recipientsOf(
    trx,
    t,
    planned.rules,
    e.actorId,
    planned.authorId ? [planned.authorId] : [],
  );
  if (planned.notice.kind === 'ticket_replied' && planned.authorId) {
    const author = (await findUsersOnce(trx, [planned.authorId])).get(planned.authorId);
    if (author) planned.notice.authorName = author.name;
  }
  // Whoever makes a request is told its number, by every channel (the portal too: the receipt is
  // what they keep and what they answer to).
  if (planned.notice.kind === 'ticket_received' && e.actorId === t.requester_id) {
    const requester = (await findUsersOnce(trx, [t.requester_id])).get(t.requester_id);
    if (requester?.active) recipients = [{ user: requester, side: sideOf(requester) }, ...recipients];
  }
  await deliver(app, trx, t, planned.notice, recipients);
}

/** The notice an event calls for and the rules that name its recipients; null when it calls for none. */
async function plan(
  app: AppContext,
  trx: Db,
  e: DomainEvent,
): Promise<{ notice: Notice; rules: Rule[]; authorId?: string } | null> {
  const data = (e.data ?? {}) as Record<string, unknown>;
  switch (e.type) {
    case 'ticket.created':
      return { notice: { kind: 'ticket_received' }, rules: ['requester', 'watchers', 'line'] };
    case 'ticket.replied': {
      const entry = await findEntry(trx, e.subjectId, Number(data.entryId));
      if (!entry || entry.kind !== 'reply') return null;
      // The author's name is read with the recipients (onEvent), in one statement.
      const notice: Notice = { kind: 'ticket_replied', authorName: 'Tierdesk', body: entry.body };
      // A client's answer goes to whoever handles the request; a staff answer to the client side.
      return {
        notice,
        rules: data.byStaff ? ['requester', 'watchers', 'assignee'] : ['watchers', 'assignee_or_line'],
        ...(entry.author_id && { authorId: entry.author_id }),
      };
    }
    case 'ticket.status_changed': {
      const from = data.from as Status;
      const to = data.to as Status;
      if (to === 'resolved')
        return {
          notice: { kind: 'ticket_resolved', reopenDays: app.config.reopenWindowDays, ratingLinks: null },
          rules: ['requester', 'watchers', 'assignee'],
        };
      // Work starting or resuming comes with a reply or a take, which says more than the status.
      if (to === 'open' && (from === 'new' || from === 'pending_customer')) return null;
      return {
        notice: { kind: 'ticket_status_changed', from, to },
        rules: ['requester', 'watchers', 'assignee'],
      };
    }
    case 'ticket.line_changed': {
      const from = data.from as Line;
      const to = data.to as Line;
      if (!(LINE_RANK[to] > LINE_RANK[from])) return null;
      const notice: Notice = {
        kind: 'ticket_escalated',
        from,
        to,
        why: data,
        byTime: data.by === 'time',
      };
      return { notice, rules: ['requester', 'watchers', 'assignee_or_line', 'managers'] };
    }
    case 'ticket.handoff_returned':
      return {
        notice: {
          kind: 'handoff_returned',
          externalId: typeof data.externalId === 'string' ? data.externalId : null,
        },
        rules: ['assignee_or_line'],
      };
    case 'sla.warning':
      return {
        notice: { kind: 'sla_warning', metric: data.metric as 'resolution', share: Number(data.share) },
        rules: ['assignee', 'line'],
      };
    case 'sla.budget_warning':
      // Only the agent holding the request can act on it; an unassigned one escalates on time.
      return {
        notice: { kind: 'sla_warning', metric: 'line', share: Number(data.share) },
        rules: ['assignee'],
      };
    case 'sla.breached':
      return {
        notice: { kind: 'sla_breached', metric: data.metric as 'resolution' },
        rules: ['assignee', 'line', 'managers'],
      };
    default:
      return null;
  }
}

/** Staff-only notices never reach the client side, whatever rule named them. */
const STAFF_ONLY = new Set<Notice['kind']>(['sla_warning', 'sla_breached', 'handoff_returned']);

/** Writes a notice about a request to each recipient by the channels they chose, in the caller's transaction. */
export async function deliver(
  app: AppContext,
  trx: Db,
  t: TicketRow,
  notice: Notice,
  recipients: Recipient[],
) {
  const audience = recipients.filter((r) => r.side === 'staff' || !STAFF_ONLY.has(notice.kind));
  if (!audience.length) return;
  const number = ticketNumber(t.number);
  // Everything the notice depends on, asked together (one write to PostgreSQL): the choices, the
  // names, and for every address a mail may go to whether it bounces and its thread so far.
  const addresses = [...new Set(audience.map((r) => r.user.email).filter((a) => !a.endsWith('.invalid')))];
  const [choices, requester, org, failing, thread] = await Promise.all([
    repo.choicesFor(
      trx,
      audience.map((r) => r.user.id),
      notice.kind,
    ),
    findUsersOnce(trx, [t.requester_id]).then((m) => m.get(t.requester_id)),
    findOrganizationOnce(trx, t.organization_id),
    failingAddresses(trx, addresses),
    // The receipt is sent in the transaction that made the request, before anything else about it.
    notice.kind === 'ticket_received' ? noThread(addresses) : readThread(trx, t, addresses),
  ]);
  const now = app.clock.now().toISOString();
  const inAppRows: Parameters<typeof repo.insertNotifications>[1] = [];
  const mails: { r: Recipient; context: Context }[] = [];
  for (const r of audience) {
    // The requester of a request made by SMS, or by phone when their number is all we know of them,
    // hears back by SMS, unless they chose otherwise.
    const smsOnly = t.channel === 'sms' || (t.channel === 'phone' && r.user.email.endsWith('.invalid'));
    const bySms = smsOnly && r.user.id === t.requester_id && SMS_REQUEST_NOTICES.includes(notice.kind);
    const choice: ChannelChoice = {
      ...defaultChoice(r.user.role, notice.kind),
      ...(bySms && { sms: true }),
      ...choices.get(r.user.id),
    };
    if (!choice.email && !choice.in_app && !choice.sms) continue;
    const context: Context = {
      number,
      subject: t.subject,
      link: `${app.config.publicUrl}/tickets/${number}`,
      requesterName: requester?.name ?? '',
      organizationName: org?.name ?? '',
      line: t.line,
      recipientName: r.user.name,
      side: r.side,
    };
    if (choice.in_app) {
      const inApp = render(r.user.locale, notice, context);
      inAppRows.push({
        user_id: r.user.id,
        event: notice.kind,
        ticket_id: t.id,
        title: inApp.title,
        body: inApp.body,
        link: context.link,
        created_at: now,
      });
    }
    // A requester known only by their number has a reserved `.invalid` address: no mail goes there.
    if (choice.email && !r.user.email.endsWith('.invalid')) mails.push({ r, context });
    // Only to a mobile number on file; never to one that opted out (enqueueSms checks).
    if (choice.sms && r.user.phone)
      await enqueueSms(app, trx, {
        to: r.user.phone,
        text: renderSms(r.user.locale, notice, context),
        ticketId: t.id,
        userId: r.user.id,
      });
  }
  // The mail: to every recipient whose address does not bounce, threaded, queued together.
  const rendered = [];
  for (const { r, context } of mails.filter((m) => !failing.has(m.r.user.email)))
    rendered.push({
      to: r.user.email,
      mail: render(r.user.locale, await withRatingLinks(app, trx, t, notice, r), context),
    });
  // The mail and the feed's rows are written together.
  await Promise.all([
    enqueueTicketMails(app, trx, t, rendered, notice.kind !== 'ticket_replied', now, thread),
    repo.insertNotifications(trx, inAppRows),
  ]);
}

/**
 * A notice whose words someone else wrote (an automation rule's): `textFor` gives it in each
 * reader's language; sent by one channel, in the caller's transaction. Mail threads with the
 * request's; no mail to a failing or reserved address, no SMS without a number or to one opted out.
 */
export async function deliverText(
  app: AppContext,
  trx: Db,
  t: TicketRow,
  people: UserRow[],
  channel: 'email' | 'sms' | 'in_app',
  textFor: (locale: Locale) => string,
) {
  const number = ticketNumber(t.number);
  const link = `${app.config.publicUrl}/tickets/${number}`;
  const now = app.clock.now().toISOString();
  const inApp: Parameters<typeof repo.insertNotifications>[1] = [];
  const failing =
    channel === 'email'
      ? await failingAddresses(
          trx,
          people.map((u) => u.email),
        )
      : new Set<string>();
  const mails = [];
  for (const u of people) {
    const text = textFor(u.locale);
    if (channel === 'in_app')
      inApp.push({
        user_id: u.id,
        event: 'automation',
        ticket_id: t.id,
        title: `${number} · ${t.subject}`,
        body: text,
        link,
        created_at: now,
      });
    if (channel === 'email' && !u.email.endsWith('.invalid') && !failing.has(u.email))
      mails.push({ to: u.email, mail: { subject: `[${number}] ${t.subject}`, text: `${text}\n\n${link}` } });
    if (channel === 'sms' && u.phone)
      await enqueueSms(app, trx, { to: u.phone, text, ticketId: t.id, userId: u.id });
  }
  if (mails.length) await enqueueTicketMails(app, trx, t, mails, true, now);
  await repo.insertNotifications(trx, inApp);
}

/** The requester's resolution notice carries one-click rating links of their own. */
async function withRatingLinks(
  app: AppContext,
  trx: Db,
  t: TicketRow,
  notice: Notice,
  r: Recipient,
): Promise<Notice> {
  if (notice.kind !== 'ticket_resolved' || r.user.id !== t.requester_id) return notice;
  const token = newSecret();
  const now = app.clock.now();
  await repo.insertSatisfactionToken(trx, {
    token_hash: hashSecret(token),
    ticket_id: t.id,
    user_id: r.user.id,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SATISFACTION_LINK_DAYS * 86_400_000).toISOString(),
  });
  const base = `${app.config.publicUrl}/api/v1/satisfaction/${token}`;
  return { ...notice, ratingLinks: [1, 2, 3, 4, 5].map((n) => `${base}?rating=${n}`) };
}

type Thread = Awaited<ReturnType<typeof readThread>>;

/** No message yet about a request with any of the addresses. */
function noThread(addresses: string[]): Thread {
  const none = () => new Map(addresses.map((a) => [a, []]));
  return { inbound: none(), outbound: none() };
}

/** The thread of a request with each address: what the desk sent there and what it received from there. */
async function readThread(trx: Db, t: TicketRow, addresses: string[]) {
  const [inbound, outbound] = await Promise.all([
    inboundMessageIds({ db: trx }, t.id, addresses, MAX_REFERENCES - 1),
    threadMessageIds(trx, t.id, addresses, MAX_REFERENCES - 1),
  ]);
  return { inbound, outbound };
}

/**
 * Queues messages about a request, threaded: `[TD-000123]` leads each subject, its Message-ID starts
 * with the number, In-Reply-To and References name the earlier messages of the request to the same
 * address, and Reply-To is the desk's address, so that an answer comes back to the request.
 * `thread`: the request's thread with the addresses, when the caller has read it already (none
 * for its receipt, the first message about it: even a request made by mail has its message
 * recorded only after).
 */
async function enqueueTicketMails(
  app: AppContext,
  trx: Db,
  t: TicketRow,
  mails: { to: string; mail: { subject: string; text: string } }[],
  automatic: boolean,
  at: string,
  thread?: Thread,
) {
  if (!mails.length) return;
  const number = ticketNumber(t.number);
  const { inbound, outbound } =
    thread ??
    (await readThread(
      trx,
      t,
      mails.map((m) => m.to),
    ));
  const outgoing = mails.map(({ to, mail }) => {
    const received = inbound.get(to)!;
    // In time order (ISO instants compare as text; localeCompare costs a tenth of a reply's CPU),
    // except that a request made by mail has that first message as the thread's root
    // (it is recorded just after the receipt that answers it).
    const root = t.channel === 'email' ? received[0] : undefined;
    const earlier = [
      ...(root ? [root] : []),
      ...[...received.filter((m) => m !== root), ...outbound.get(to)!].sort((a, b) =>
        a.at < b.at ? -1 : a.at > b.at ? 1 : 0,
      ),
    ].map((m) => m.messageId);
    const references =
      earlier.length > MAX_REFERENCES ? [earlier[0]!, ...earlier.slice(-(MAX_REFERENCES - 1))] : earlier;
    return {
      to,
      subject: mail.subject,
      text: mail.text,
      messageId: newMessageId(domainOf(app.config.mailFrom), number),
      ticketId: t.id,
      replyTo: app.config.mailReplyTo,
      inReplyTo: earlier.at(-1) ?? null,
      references,
      headers: {
        'X-Tierdesk-Ticket': number,
        // Asks Exchange/Outlook not to answer with out-of-office replies; RFC 3834 marks what a machine wrote.
        'X-Auto-Response-Suppress': 'OOF, AutoReply',
        ...(automatic && { 'Auto-Submitted': 'auto-generated' }),
      },
    };
  });
  await enqueueMails(trx, outgoing, at);
}
