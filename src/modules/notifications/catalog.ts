import type { Role } from '../identity/index.js';

/** The kinds of notice a person can receive, each one a preference. */
export const NOTICE_KINDS = [
  'ticket_received',
  'ticket_replied',
  'ticket_status_changed',
  'ticket_escalated',
  'ticket_resolved',
  'sla_warning',
  'sla_breached',
  'handoff_returned',
  'major_incident_update',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** The channels a notice goes by. */
export const NOTICE_CHANNELS = ['email', 'in_app', 'sms'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

export type ChannelChoice = Record<NoticeChannel, boolean>;

const CLIENT_ROLES: Role[] = ['requester', 'client_manager'];

/**
 * What a person gets before choosing: the client side every notice by e-mail and in the app (they
 * are told what happens, by themselves, every time); staff the in-app feed for everything, and
 * e-mail for what asks them to act — not for each new request or status change of their line.
 * SMS is off for everyone until they turn it on (but see smsByDefault).
 */
export function defaultChoice(role: Role, kind: NoticeKind): ChannelChoice {
  if (CLIENT_ROLES.includes(role)) return { email: true, in_app: true, sms: false };
  const quiet = kind === 'ticket_received' || kind === 'ticket_status_changed';
  return { email: !quiet, in_app: true, sms: false };
}

/** The notices the requester of a request made by SMS gets by SMS unless they chose otherwise: its receipt, answers and resolution. */
export const SMS_REQUEST_NOTICES: readonly NoticeKind[] = ['ticket_received', 'ticket_replied', 'ticket_resolved'];
