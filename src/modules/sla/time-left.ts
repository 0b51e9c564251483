import type { Db } from '../db.js';
import { businessMinutesBetween, type CalendarSpec } from './business-time.js';
import { getCalendarSpec } from './calendars.service.js';
import type { Metric } from './clock.js';
import type { ClockRow } from './sla.repo.js';

const ALWAYS_OPEN: CalendarSpec = { timeZone: 'UTC', alwaysOpen: true };

/**
 * The one meaning of "time left" on a request, shown the same in the queue, on the request page,
 * on the dashboard and in the at-risk list: the business minutes left on the clock that is due
 * first, which clock it is, and the instant it is due.
 */
export interface TimeLeft {
  /** first_response, resolution, or line (the budget of `line` before escalation by time). */
  metric: Metric;
  line: string | null;
  state: 'running' | 'paused';
  targetMinutes: number;
  /** Business minutes left; negative when overdue. */
  leftMinutes: number;
  /** Share of the target used, 0…1 and beyond when overdue. */
  usedShare: number;
  /** When the clock runs out; null while it is paused. */
  dueAt: string | null;
  breached: boolean;
}

/** Calendars read once per call: a page of requests shares a handful of them. */
export type CalendarLookup = (id: string | null) => Promise<CalendarSpec>;

export function calendarLookup(db: Db): CalendarLookup {
  const cache = new Map<string, Promise<CalendarSpec>>();
  return (id) => {
    if (!id) return Promise.resolve(ALWAYS_OPEN);
    let spec = cache.get(id);
    if (!spec) cache.set(id, (spec = getCalendarSpec(db, id).catch(() => ALWAYS_OPEN)));
    return spec;
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The clock due first among a request's clocks: running clocks by deadline, then (when none runs)
 * the paused one with the least time left. Clocks without a target only measure and never count;
 * `withLine` false leaves out the line budget (it is internal: client users never see it).
 */
export async function timeLeft(rows: ClockRow[], calendars: CalendarLookup, now: Date, withLine: boolean): Promise<TimeLeft | null> {
  const live = rows.filter((r) => r.state !== 'stopped' && Number(r.target_minutes) > 0 && (withLine || r.metric !== 'line'));
  if (!live.length) return null;
  const running = live.filter((r) => r.state === 'running' && r.deadline).sort((a, b) => a.deadline!.localeCompare(b.deadline!));
  let pick: ClockRow;
  let left: number;
  const [first] = running;
  if (first) {
    pick = first;
    const due = new Date(first.deadline!);
    const cal = await calendars(first.calendar_id);
    left = due >= now ? businessMinutesBetween(cal, now, due) : -businessMinutesBetween(cal, due, now);
  } else {
    const [least] = live.map((r) => ({ r, left: Number(r.target_minutes) - Number(r.consumed_minutes) })).sort((a, b) => a.left - b.left);
    ({ r: pick, left } = least!);
  }
  const target = Number(pick.target_minutes);
  return {
    metric: pick.metric,
    line: pick.line,
    state: pick.state === 'running' ? 'running' : 'paused',
    targetMinutes: target,
    leftMinutes: round(left),
    usedShare: round((target - left) / target),
    dueAt: pick.state === 'running' ? pick.deadline : null,
    breached: pick.breached_at !== null || left < 0,
  };
}

/** Time left for many requests at once (a page of a list), by request id: one query. */
export async function timeLeftFor(db: Db, ticketIds: string[], now: Date, withLine: boolean): Promise<Map<string, TimeLeft>> {
  const out = new Map<string, TimeLeft>();
  if (!ticketIds.length) return out;
  const rows = await db.selectFrom('sla_clocks').selectAll().where('ticket_id', 'in', ticketIds).where('state', '!=', 'stopped').execute();
  const byTicket = new Map<string, ClockRow[]>();
  for (const r of rows) byTicket.set(r.ticket_id, [...(byTicket.get(r.ticket_id) ?? []), r]);
  const calendars = calendarLookup(db);
  for (const [id, clocks] of byTicket) {
    const t = await timeLeft(clocks, calendars, now, withLine);
    if (t) out.set(id, t);
  }
  return out;
}
