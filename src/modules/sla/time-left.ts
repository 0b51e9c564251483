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

/** The columns of a clock that its time left is made of. */
const LIVE_COLUMNS = ['ticket_id', 'metric', 'state', 'line', 'calendar_id', 'target_minutes', 'consumed_minutes', 'deadline', 'breached_at'] as const;
export type LiveClock = Pick<ClockRow, (typeof LIVE_COLUMNS)[number]>;

/**
 * The clock due first among a request's clocks: running clocks by deadline, then (when none runs)
 * the paused one with the least time left. Clocks without a target only measure and never count;
 * `withLine` false leaves out the line budget (it is internal: client users never see it).
 */
export async function timeLeft(rows: LiveClock[], calendars: CalendarLookup, now: Date, withLine: boolean): Promise<TimeLeft | null> {
  const specs = await calendarsOf(rows, calendars);
  return timeLeftWith(rows, specs, now, withLine);
}

/** The calendars of these clocks, read before the arithmetic (which then runs without waiting). */
async function calendarsOf(rows: LiveClock[], calendars: CalendarLookup) {
  const specs = new Map<string | null, CalendarSpec>();
  for (const r of rows) if (!specs.has(r.calendar_id)) specs.set(r.calendar_id, await calendars(r.calendar_id));
  return specs;
}

function timeLeftWith(rows: LiveClock[], calendars: Map<string | null, CalendarSpec>, now: Date, withLine: boolean): TimeLeft | null {
  const live = rows.filter((r) => r.state !== 'stopped' && Number(r.target_minutes) > 0 && (withLine || r.metric !== 'line'));
  if (!live.length) return null;
  const running = live.filter((r) => r.state === 'running' && r.deadline).sort((a, b) => a.deadline!.localeCompare(b.deadline!));
  let pick: LiveClock;
  let left: number;
  const [first] = running;
  if (first) {
    pick = first;
    const due = new Date(first.deadline!);
    const cal = calendars.get(first.calendar_id) ?? ALWAYS_OPEN;
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

/** The clocks that still count (not stopped) of many requests, by request id, and their calendars: one query. */
async function liveClocks(db: Db, ticketIds: string[]) {
  const rows = await db.selectFrom('sla_clocks').select(LIVE_COLUMNS).where('ticket_id', 'in', ticketIds).where('state', '!=', 'stopped').execute();
  const byTicket = new Map<string, LiveClock[]>();
  for (const r of rows) {
    const clocks = byTicket.get(r.ticket_id);
    if (clocks) clocks.push(r);
    else byTicket.set(r.ticket_id, [r]);
  }
  return { byTicket, calendars: await calendarsOf(rows, calendarLookup(db)) };
}

/**
 * What a list row shows of a request's clocks: the time left on the contract's clock due first (first
 * response or resolution, as the client sees it too), and for staff the line budget left beside it.
 */
export interface RowClocks {
  dueFirst: TimeLeft | null;
  /** The budget of the request's line before escalation by time; null for client users or none. */
  budget: TimeLeft | null;
}

/** The clocks of many requests at once (a page of a list), by request id: one query. */
export async function rowClocksFor(db: Db, ticketIds: string[], now: Date, staff: boolean): Promise<Map<string, RowClocks>> {
  const out = new Map<string, RowClocks>();
  if (!ticketIds.length) return out;
  const { byTicket, calendars } = await liveClocks(db, ticketIds);
  for (const [id, clocks] of byTicket)
    out.set(id, {
      dueFirst: timeLeftWith(clocks, calendars, now, false),
      budget: staff ? timeLeftWith(clocks.filter((c) => c.metric === 'line'), calendars, now, true) : null,
    });
  return out;
}

/** Time left (the clock due first; with `withLine`, the line budget counts too) for many requests at once, by request id. */
export async function timeLeftFor(db: Db, ticketIds: string[], now: Date, withLine: boolean): Promise<Map<string, TimeLeft>> {
  const out = new Map<string, TimeLeft>();
  if (!ticketIds.length) return out;
  const { byTicket, calendars } = await liveClocks(db, ticketIds);
  for (const [id, clocks] of byTicket) {
    const t = timeLeftWith(clocks, calendars, now, withLine);
    if (t) out.set(id, t);
  }
  return out;
}
