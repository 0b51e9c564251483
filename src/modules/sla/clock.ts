import { addBusinessMinutes, businessMinutesBetween, NoWorkingTime, type CalendarSpec } from './business-time.js';

/** first_response stops at the first public staff reply, resolution at resolved, line when the request changes line. */
export type Metric = 'first_response' | 'resolution' | 'line';
export type ClockState = 'running' | 'paused' | 'stopped';

/**
 * An SLA clock: a target in business minutes, the business minutes used up before the current
 * running segment, and the stored deadline (null unless running), so "what breaches next" is an
 * index scan. A target of 0 means none (the clock only measures, e.g. time at L3).
 */
export interface Clock {
  state: ClockState;
  targetMinutes: number;
  consumedMinutes: number;
  /** When the current running segment began; null unless running. */
  segmentStartedAt: string | null;
  deadline: string | null;
  stoppedAt: string | null;
  met: boolean | null;
}

const iso = (d: Date) => d.toISOString();

/**
 * The instant `minutes` business minutes after `from`; none when the calendar has not that much
 * working time within the search horizon: a deadline that far away is no deadline, never a reason
 * to refuse a request (plans are checked against it when saved; a calendar may shrink later).
 */
function dueAfter(cal: CalendarSpec, from: Date, minutes: number): string | null {
  try {
    return iso(addBusinessMinutes(cal, from, minutes));
  } catch (err) {
    if (err instanceof NoWorkingTime) return null;
    throw err;
  }
}

/** Business minutes used up at `now`, counting the running segment. */
export function consumedAt(c: Clock, cal: CalendarSpec, now: Date): number {
  if (c.state !== 'running' || !c.segmentStartedAt) return c.consumedMinutes;
  return c.consumedMinutes + businessMinutesBetween(cal, new Date(c.segmentStartedAt), now);
}

/** The instant the target is used up, continuing from a running segment that starts at `from`. */
function deadlineFrom(c: Pick<Clock, 'targetMinutes' | 'consumedMinutes'>, cal: CalendarSpec, from: Date): string | null {
  if (c.targetMinutes <= 0) return null;
  return dueAfter(cal, from, Math.max(0, c.targetMinutes - c.consumedMinutes));
}

/** The instant a share of the target (e.g. 0.75) is used up, for a running clock; null if none. */
export function thresholdAt(c: Clock, cal: CalendarSpec, share: number): string | null {
  if (c.state !== 'running' || !c.segmentStartedAt || c.targetMinutes <= 0) return null;
  const left = share * c.targetMinutes - c.consumedMinutes;
  return dueAfter(cal, new Date(c.segmentStartedAt), Math.max(0, left));
}

export function startClock(targetMinutes: number, cal: CalendarSpec, now: Date): Clock {
  const c = { targetMinutes, consumedMinutes: 0 };
  return { ...c, state: 'running', segmentStartedAt: iso(now), deadline: deadlineFrom(c, cal, now), stoppedAt: null, met: null };
}

export function pauseClock(c: Clock, cal: CalendarSpec, now: Date): Clock {
  if (c.state !== 'running') return c;
  return { ...c, state: 'paused', consumedMinutes: consumedAt(c, cal, now), segmentStartedAt: null, deadline: null };
}

export function resumeClock(c: Clock, cal: CalendarSpec, now: Date): Clock {
  if (c.state === 'running') return c;
  const resumed = { ...c, stoppedAt: null, met: null };
  return { ...resumed, state: 'running', segmentStartedAt: iso(now), deadline: deadlineFrom(resumed, cal, now) };
}

/** Stops a clock; it met its target if the target was not used up (a clock without target: null). */
export function stopClock(c: Clock, cal: CalendarSpec, now: Date): Clock {
  if (c.state === 'stopped') return c;
  const consumed = consumedAt(c, cal, now);
  return {
    ...c,
    state: 'stopped',
    consumedMinutes: consumed,
    segmentStartedAt: null,
    deadline: null,
    stoppedAt: iso(now),
    met: c.targetMinutes > 0 ? consumed <= c.targetMinutes : null,
  };
}

/** A new target (priority or plan changed): the time used so far stays, the deadline moves. */
export function retargetClock(c: Clock, cal: CalendarSpec, now: Date, targetMinutes: number): Clock {
  if (c.state !== 'running') return { ...c, targetMinutes };
  const consumed = consumedAt(c, cal, now);
  const next = { ...c, targetMinutes, consumedMinutes: consumed, segmentStartedAt: iso(now) };
  return { ...next, deadline: deadlineFrom(next, cal, now) };
}
