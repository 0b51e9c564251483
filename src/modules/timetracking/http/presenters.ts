import { ticketNumber } from '../../tickets/index.js';
import type { EntryRow, TimerRow } from '../work.repo.js';

/** Hours with two decimals, as the API gives them. */
export const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

export const presentEntry = (e: EntryRow & { agent_name?: string; ticket_number?: number; ticket_subject?: string }) => ({
  id: e.id,
  ticketId: e.ticket_id,
  ...(e.ticket_number !== undefined && { ticketNumber: ticketNumber(e.ticket_number), ticketSubject: e.ticket_subject ?? '' }),
  organizationId: e.organization_id,
  agentId: e.agent_id,
  ...(e.agent_name !== undefined && { agentName: e.agent_name }),
  startedAt: e.started_at,
  minutes: e.minutes,
  activity: e.activity,
  billable: Boolean(e.billable),
  note: e.note,
  source: e.source,
  weekStart: e.week_start,
  flagged: e.flagged,
  createdBy: e.created_by,
  createdAt: e.created_at,
  updatedAt: e.updated_at,
});

export const presentTimer = (t: TimerRow, now: Date) => ({
  id: t.id,
  ticketId: t.ticket_id,
  startedAt: t.started_at,
  activity: t.activity,
  billable: Boolean(t.billable),
  note: t.note,
  overnight: t.overnight_at !== null,
  runningMinutes: Math.max(0, Math.floor((now.getTime() - new Date(t.started_at).getTime()) / 60_000)),
});

/** Totals of a list of entries; flagged ones are shown but not counted. */
export function entryTotals(entries: EntryRow[]) {
  const counted = entries.filter((e) => !e.flagged);
  return {
    minutes: counted.reduce((n, e) => n + e.minutes, 0),
    billableMinutes: counted.filter((e) => e.billable).reduce((n, e) => n + e.minutes, 0),
    flaggedMinutes: entries.filter((e) => e.flagged).reduce((n, e) => n + e.minutes, 0),
  };
}
