import type { z } from 'zod';
import type { Staffing, StaffingQuery } from '../../contracts/reports.js';
import { Invalid } from '../../core/errors.js';
import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { callDemand } from '../channels/phone/index.js';
import { lineWork, localTime } from '../timetracking/index.js';
import { agentsNeeded, erlangC, serviceLevel } from './erlang.js';
import { text } from './reports.messages.js';
import { assertMayPlanStaff } from './reports.policy.js';
import * as repo from './reports.repo.js';
import { coverage, shiftIntervals, type RosterWeek } from './roster.js';
import { lineAgents, lineArrivals } from './sources.repo.js';

const HOUR = 3_600_000;
/** When the history has no logged work, the handling time is measured over this many weeks up to now. */
const AHT_WEEKS = 8;
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The local hours from one date's midnight to another's, each with its weekday (1 = Monday) and hour. */
function localHours(startDate: string, endDateExclusive: string, timeZone: string) {
  const from = new Date(localTime.startOfLocalDate(startDate, timeZone)).getTime();
  const to = new Date(localTime.startOfLocalDate(endDateExclusive, timeZone)).getTime();
  const out: { lo: string; hi: string; weekday: number; hour: number }[] = [];
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
  const days: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
  // Whole UTC hours: in every zone whose offset is whole hours (and all of Russia's are), a local hour.
  for (let t = from; t < to; t += HOUR) {
    const parts = Object.fromEntries(fmt.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    out.push({ lo: new Date(t).toISOString(), hi: new Date(Math.min(t + HOUR, to)).toISOString(), weekday: days[parts.weekday!]!, hour: Number(parts.hour) });
  }
  return out;
}

/**
 * The average handling time of a line in minutes, from the time tracker: over [from, to), or else
 * over the last eight weeks up to now (a new desk's first work is today's); null with no work at all.
 */
export async function measuredAht(app: AppContext, line: string, from: string, to: string): Promise<{ minutes: number; recent: boolean } | null> {
  const history = await lineWork(app.db, line, from, to);
  if (history.requests) return { minutes: history.minutes / history.requests, recent: false };
  const now = app.clock.now().getTime();
  const recent = await lineWork(app.db, line, new Date(now - AHT_WEEKS * 7 * 24 * HOUR).toISOString(), new Date(now + 1).toISOString());
  return recent.requests ? { minutes: recent.minutes / recent.requests, recent: true } : null;
}

/**
 * How many agents of a line (L1 by default) each hour of next week needs (Erlang C) to pick up the target share of
 * requests within the target time, from the arrivals per hour of the week over the last weeks
 * (times a growth factor) and the average handling time from the time tracker, against the agents
 * the rosters put on shift.
 */
export async function staffingForecast(app: AppContext, actor: Actor, q: z.infer<typeof StaffingQuery>): Promise<z.infer<typeof Staffing>> {
  assertMayPlanStaff(actor);
  const t = text(actor.locale);
  const line = q.line;
  if (q.source === 'calls' && line !== 'L1') throw new Invalid('Inbound calls are answered at L1: forecast the telephone for L1', 'line');
  const timeZone = q.timeZone ?? app.config.providerTimeZone;
  const until = q.until ?? localTime.addDays(localTime.localDateOf(app.clock.now(), timeZone), -1);
  const start = localTime.addDays(until, -7 * q.weeks + 1);
  const historyFrom = localTime.startOfLocalDate(start, timeZone);
  const historyTo = localTime.startOfLocalDate(localTime.addDays(until, 1), timeZone);

  const hours = localHours(start, localTime.addDays(until, 1), timeZone);
  const ranges = hours.map((h) => ({ lo: Date.parse(h.lo), hi: Date.parse(h.hi) }));
  // Requests of every channel with the handling time the time tracker measured, or the telephone
  // alone: every inbound call offered, with the talk time of those answered.
  const calls = q.source === 'calls' ? await callDemand(app.db, historyFrom, historyTo) : null;
  // At L2 and L3 what arrives is what is moved there (escalations, by time, difficulty or hand).
  const moved = line === 'L1' ? null : await lineArrivals(app.db, line, historyFrom, historyTo);
  const arrivalsAt = calls?.startedAt ?? moved;
  const counts = arrivalsAt
    ? ranges.map((r) => arrivalsAt.filter((at) => at >= r.lo && at < r.hi).length)
    : (await repo.flowPerRange(app.db, ranges, ['received'], {})).map((c) => c.received);
  const arrivals = new Array<number>(7 * 24).fill(0);
  hours.forEach((h, i) => (arrivals[(h.weekday - 1) * 24 + h.hour]! += counts[i]!));
  const requests = arrivals.reduce((a, b) => a + b, 0);

  const work = q.ahtMinutes === undefined && !calls ? await measuredAht(app, line, historyFrom, historyTo) : null;
  const measured = calls ? calls.avgTalkMinutes : (work?.minutes ?? null);
  const aht = q.ahtMinutes ?? measured;
  const notes = [];
  if (calls) notes.push(t.staffing.calls);
  if (work?.recent) notes.push(t.staffing.recentAht(AHT_WEEKS));
  if (aht === null) notes.push(calls ? t.staffing.noCallAht : t.staffing.noAht);

  const weekStart = localTime.mondayOf(localTime.addDays(until, 7));
  const rosters = new Map((await repo.listRosters(app.db)).map((r) => [r.user_id, JSON.parse(r.week) as RosterWeek]));
  const shifts = (await lineAgents(app.db, line))
    .filter((a) => rosters.has(a.id))
    // A day either side: a shift in another time zone may reach into the week.
    .flatMap((a) => shiftIntervals(rosters.get(a.id)!, a.time_zone, localTime.addDays(weekStart, -1), localTime.addDays(weekStart, 7)));
  notes.push(shifts.length ? t.staffing.roster : t.staffing.noRoster);

  const forecastHours = localHours(weekStart, localTime.addDays(weekStart, 7), timeZone);
  const rows = Array.from({ length: 7 * 24 }, (_, i) => {
    const weekday = Math.floor(i / 24) + 1;
    const hour = i % 24;
    const λ = (arrivals[i]! / q.weeks) * q.growth;
    const slots = forecastHours.filter((h) => h.weekday === weekday && h.hour === hour);
    const onShift = slots.length ? slots.reduce((n, h) => n + coverage(shifts, Date.parse(h.lo), Date.parse(h.hi)), 0) / slots.length : 0;
    if (aht === null) return { weekday, hour, arrivalsPerHour: round(λ, 3), trafficErlangs: null, agentsNeeded: null, serviceLevelPct: null, waitProbabilityPct: null, agentsOnShift: round(onShift), gap: null };
    const traffic = (λ * aht) / 60;
    const needed = agentsNeeded(traffic, q.targetMinutes, aht, q.targetPct / 100);
    return {
      weekday,
      hour,
      arrivalsPerHour: round(λ, 3),
      trafficErlangs: round(traffic, 3),
      agentsNeeded: needed,
      serviceLevelPct: traffic > 0 ? round(serviceLevel(needed, traffic, q.targetMinutes, aht) * 100, 1) : null,
      waitProbabilityPct: traffic > 0 ? round(erlangC(needed, traffic) * 100, 1) : null,
      agentsOnShift: round(onShift),
      gap: round(needed - onShift),
    };
  });
  const gaps = rows.map((r) => r.gap ?? 0);
  return {
    timeZone,
    line,
    source: q.source,
    history: { start, end: until, weeks: q.weeks, requests },
    weekStart,
    ahtMinutes: aht === null ? null : round(aht),
    ahtFrom: q.ahtMinutes !== undefined ? 'given' : aht === null ? 'none' : calls ? 'call_log' : 'time_tracker',
    target: { pct: q.targetPct, minutes: q.targetMinutes },
    growth: q.growth,
    hours: rows,
    summary: {
      peakNeeded: Math.max(0, ...rows.map((r) => r.agentsNeeded ?? 0)),
      hoursShort: gaps.filter((g) => g > 0).length,
      largestGap: Math.max(0, ...gaps),
    },
    notes,
  };
}
