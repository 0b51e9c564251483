import type { Status } from './tickets.tables.js';

const OPEN_STATES: Status[] = ['new', 'open', 'pending_customer', 'pending_vendor'];

/** Which status may follow which; resolved/closed → open is a reopen (subject to the window). */
const NEXT: Record<Status, Status[]> = {
  new: ['open', 'pending_customer', 'pending_vendor', 'resolved', 'closed'],
  open: ['pending_customer', 'pending_vendor', 'resolved', 'closed'],
  pending_customer: ['open', 'pending_vendor', 'resolved', 'closed'],
  pending_vendor: ['open', 'pending_customer', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

export const canTransition = (from: Status, to: Status): boolean => NEXT[from].includes(to);

export const isReopen = (from: Status, to: Status): boolean => (from === 'resolved' || from === 'closed') && to === 'open';

export const isActive = (s: Status): boolean => OPEN_STATES.includes(s);

/**
 * Whether a resolved or closed request may still be reopened: within `windowDays` of when it was
 * resolved (or closed, if it was closed without being resolved first).
 */
export function withinReopenWindow(resolvedAt: string | null, closedAt: string | null, windowDays: number, now = Date.now()) {
  const since = resolvedAt ?? closedAt;
  return since !== null && now - Date.parse(since) <= windowDays * 86_400_000;
}

/** The timestamps a status change sets or clears. */
export function statusTimestamps(to: Status, now: string, current: { resolved_at: string | null; closed_at: string | null }) {
  if (to === 'resolved') return { resolved_at: now, closed_at: null };
  if (to === 'closed') return { resolved_at: current.resolved_at ?? now, closed_at: now };
  return { resolved_at: null, closed_at: null };
}
