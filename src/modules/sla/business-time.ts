import { Temporal } from 'temporal-polyfill';
import { DomainError, Invalid } from '../../core/errors.js';

/**
 * Business calendars and business-time arithmetic. Pure: no I/O, no clock.
 *
 * Conventions:
 * - Working hours are local wall-clock times in the calendar's time zone; a business minute is a
 *   real elapsed minute, so a night shift across a DST change lasts an hour more or less.
 * - Wall-clock times that do not exist (DST gap) or occur twice (DST fold) are resolved with
 *   Temporal's 'compatible' disambiguation, for the start and the end of an interval alike: in a
 *   gap the time moves forward by the gap's length (Berlin 02:30 on the spring-forward day is
 *   03:30 CEST), in a fold the earlier instant is taken (02:30 on the fall-back day is 02:30
 *   CEST). An interval that becomes empty that way (02:30–03:15 on the spring-forward day) has no
 *   working time.
 * - Intervals are half-open [start, end): the closing instant itself is not business time, and a
 *   deadline is the earliest instant at which the target is used up, so a target used up exactly
 *   at closing time is due at closing time.
 * - Which hours a date has: `specialDays` wins, then `holidays` (none), then `workingDays` (Monday's
 *   hours), then the weekday's hours in `week` (a missing weekday has none).
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** Local "HH:MM" start and end; the end may be "24:00" (end of the day). */
export type Interval = [string, string];

export type CalendarSpec = {
  timeZone: string;
  alwaysOpen?: boolean;
  week?: Partial<Record<Weekday, Interval[]>>;
  holidays?: string[];
  workingDays?: string[];
  specialDays?: Record<string, Interval[]>;
};

/** The calendar cannot supply the requested working time (none at all, or none within the horizon). */
export class NoWorkingTime extends DomainError {
  constructor(message: string) {
    super(message, 'no_working_time');
  }
}

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** How far ahead a deadline is searched before giving up: guards against calendars with (almost) no working time. */
export const HORIZON_YEARS = 3;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const HORIZON_DAYS = 366 * HORIZON_YEARS;
const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Date.getUTCDay() order, so a day number maps to its weekday without Temporal.
const BY_UTC_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

// Validation

const fail = (path: string, message: string) => new Invalid(`${path}: ${message}`, path);

const minuteOfDay = (s: unknown): number | undefined => {
  const m = typeof s === 'string' ? TIME.exec(s) : null;
  return m ? Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]) : undefined;
};

const isDate = (s: unknown): s is string => {
  const m = typeof s === 'string' ? DATE.exec(s) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
};

function checkDayHours(hours: unknown, path: string) {
  if (!Array.isArray(hours)) throw fail(path, 'expected a list of ["HH:MM","HH:MM"] intervals');
  let previousEnd = 0;
  hours.forEach((iv: unknown, i) => {
    const at = `${path}.${i}`;
    if (!Array.isArray(iv) || iv.length !== 2) throw fail(at, 'expected an interval ["HH:MM","HH:MM"]');
    const [start, end] = iv.map(minuteOfDay);
    if (start === undefined || start === 1440) throw fail(`${at}.0`, 'the start must be a time from 00:00 to 23:59');
    if (end === undefined) throw fail(`${at}.1`, 'the end must be a time from 00:01 to 24:00');
    if (end <= start) throw fail(`${at}.1`, 'the end must be after the start');
    if (start < previousEnd) throw fail(`${at}.0`, 'intervals must be in order and must not overlap');
    previousEnd = end;
  });
}

function checkDates(dates: unknown, path: string) {
  if (!Array.isArray(dates)) throw fail(path, 'expected a list of dates YYYY-MM-DD');
  dates.forEach((d, i) => {
    if (!isDate(d)) throw fail(`${path}.${i}`, 'expected a valid date YYYY-MM-DD');
  });
}

/** Checks a calendar; throws `Invalid` naming the first wrong field (e.g. `week.mon.1.0`). */
export function validateCalendarSpec(spec: CalendarSpec): void {
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(spec.timeZone);
  } catch {
    throw fail('timeZone', 'unknown time zone');
  }
  for (const [day, hours] of Object.entries(spec.week ?? {})) {
    if (!WEEKDAYS.includes(day as Weekday)) throw fail(`week.${day}`, `unknown weekday; use one of ${WEEKDAYS.join(', ')}`);
    checkDayHours(hours, `week.${day}`);
  }
  checkDates(spec.holidays ?? [], 'holidays');
  checkDates(spec.workingDays ?? [], 'workingDays');
  for (const [date, hours] of Object.entries(spec.specialDays ?? {})) {
    if (!isDate(date)) throw fail(`specialDays.${date}`, 'expected a valid date YYYY-MM-DD');
    checkDayHours(hours, `specialDays.${date}`);
  }
  const holidays = new Set(spec.holidays ?? []);
  (spec.workingDays ?? []).forEach((d, i) => {
    if (holidays.has(d)) throw fail(`workingDays.${i}`, `${d} is both a holiday and a working day`);
  });
}

// Compiled calendars

interface Compiled {
  timeZone: string;
  alwaysOpen: boolean;
  /** Index: Date.getUTCDay() (0 = Sunday); minutes of the day as [start, end, start, end, …]. */
  week: number[][];
  holidays: Set<string>;
  workingDays: Set<string>;
  special: Map<string, number[]>;
  hasWorkingTime: boolean;
  /** Local day number (days since 1970-01-01 of the local date) → working intervals as epoch ms. */
  days: Map<number, number[]>;
  /** Block number → its span (see `spanFor`), the most recently used last. */
  spans: Map<number, Span | null>;
  /** The zone's offset over a stretch of time with no transition in it (see `localDay`). */
  steady?: { from: number; until: number; offsetMs: number };
}

const toMinutes = (hours: Interval[] | undefined) => (hours ?? []).flatMap(([s, e]) => [minuteOfDay(s)!, minuteOfDay(e)!]);

function compileSpec(spec: CalendarSpec): Compiled {
  validateCalendarSpec(spec);
  const week = BY_UTC_DAY.map((d) => toMinutes(spec.week?.[d]));
  const special = new Map(Object.entries(spec.specialDays ?? {}).map(([d, h]) => [d, toMinutes(h)] as const));
  const workingDays = new Set(spec.workingDays ?? []);
  const hasWorkingTime =
    week.some((h) => h.length > 0) || [...special.values()].some((h) => h.length > 0) || (workingDays.size > 0 && week[1]!.length > 0);
  return {
    timeZone: spec.timeZone,
    alwaysOpen: spec.alwaysOpen === true,
    week,
    holidays: new Set(spec.holidays ?? []),
    workingDays,
    special,
    hasWorkingTime,
    days: new Map(),
    spans: new Map(),
  };
}

// Deadlines are recomputed on every priority or status change, mostly with the same few calendars
// and near the present: compiled calendars and their days' instants are cached. Specs are treated
// as immutable values; an equal spec built anew (e.g. read from the database again) hits the cache
// through its JSON text.
const byObject = new WeakMap<CalendarSpec, Compiled>();
const byJson = new Map<string, Compiled>();
const MAX_CALENDARS = 256;
const MAX_DAYS = 4096;

function compile(spec: CalendarSpec): Compiled {
  let c = byObject.get(spec);
  if (c) return c;
  const json = JSON.stringify(spec);
  c = byJson.get(json);
  if (!c) {
    c = compileSpec(spec);
    if (byJson.size >= MAX_CALENDARS) byJson.delete(byJson.keys().next().value!);
    byJson.set(json, c);
  }
  byObject.set(spec, c);
  return c;
}

const dayKey = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The local day number of an instant in the calendar's zone. Between two of the zone's transitions
 * its offset is one, so the stretch around the last instant asked for is kept and an instant in it
 * costs an addition (a conversion by Temporal costs microseconds, several times per request made).
 */
function localDay(c: Compiled, ms: number): number {
  const s = c.steady;
  if (s && ms >= s.from && ms < s.until) return Math.floor((ms + s.offsetMs) / DAY_MS);
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(c.timeZone);
  const before = z.getTimeZoneTransition('previous');
  const after = z.getTimeZoneTransition('next');
  // An instant that is itself a transition has the one before that as its previous: the stretch starts at it.
  const from = before && before.offsetNanoseconds === z.offsetNanoseconds ? before.epochMilliseconds : before ? ms : -Infinity;
  c.steady = { from, until: after ? after.epochMilliseconds : Infinity, offsetMs: z.offsetNanoseconds / 1e6 };
  return Date.UTC(z.year, z.month - 1, z.day) / DAY_MS;
}

/** The instant of a local wall-clock time; minute 1440 is the next day's 00:00. */
function wallToMs(c: Compiled, day: number, minute: number): number {
  const d = new Date(day * DAY_MS + minute * MINUTE_MS);
  const fields = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
  // 'compatible': see the conventions at the top of this file.
  return Temporal.ZonedDateTime.from({ ...fields, timeZone: c.timeZone }, { disambiguation: 'compatible' }).epochMilliseconds;
}

function wallHours(c: Compiled, day: number): number[] {
  const key = dayKey(day);
  const special = c.special.get(key);
  if (special) return special;
  if (c.holidays.has(key)) return [];
  if (c.workingDays.has(key)) return c.week[1]!;
  return c.week[new Date(day * DAY_MS).getUTCDay()]!;
}

/** The working intervals of a local day as epoch ms [start, end, …], in order, none empty. */
function dayIntervals(c: Compiled, day: number): number[] {
  const cached = c.days.get(day);
  if (cached) return cached;
  const hours = wallHours(c, day);
  const out: number[] = [];
  for (let i = 0; i < hours.length; i += 2) {
    const start = wallToMs(c, day, hours[i]!);
    const end = wallToMs(c, day, hours[i + 1]!);
    if (end > start) out.push(start, end);
  }
  if (c.days.size >= MAX_DAYS) c.days.delete(c.days.keys().next().value!);
  c.days.set(day, out);
  return out;
}

function instantMs(d: Date, field: string): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(ms)) throw fail(field, 'not a valid instant');
  return ms;
}

// Arithmetic walks local days one by one, each a handful of intervals, never minute by minute. The
// walk starts one local day early: an interval of the previous local day can still be running after
// local midnight where the clocks go back at midnight.

/** The earliest instant at which `minutes` business minutes after `start` are used up. */
export function addBusinessMinutes(cal: CalendarSpec, start: Date, minutes: number): Date {
  const t0 = instantMs(start, 'start');
  if (!Number.isFinite(minutes) || minutes < 0) throw fail('minutes', 'must be a number ≥ 0');
  let remaining = Math.round(minutes * MINUTE_MS);
  if (remaining === 0) return new Date(t0);
  const c = compile(cal);
  if (c.alwaysOpen) return new Date(t0 + remaining);
  if (!c.hasWorkingTime) throw new NoWorkingTime('The calendar has no working hours at all');
  let t = t0;
  const first = localDay(c, t0) - 1;
  for (let day = first; day <= first + HORIZON_DAYS; day++) {
    const iv = dayIntervals(c, day);
    for (let i = 0; i < iv.length; i += 2) {
      const end = iv[i + 1]!;
      if (end <= t) continue;
      const from = Math.max(iv[i]!, t);
      if (remaining <= end - from) return new Date(from + remaining);
      remaining -= end - from;
      t = end;
    }
  }
  throw new NoWorkingTime(`The calendar has not enough working time within ${HORIZON_YEARS} years after ${start.toISOString()}`);
}

/**
 * The latest instant from which `minutes` business minutes have passed by `end`: the mirror of
 * addBusinessMinutes, walking back. A request waiting since this instant or earlier has waited that
 * long, so one instant per calendar turns "for ≥ N business minutes" into a plain comparison in SQL.
 */
export function subtractBusinessMinutes(cal: CalendarSpec, end: Date, minutes: number): Date {
  const t0 = instantMs(end, 'end');
  if (!Number.isFinite(minutes) || minutes < 0) throw fail('minutes', 'must be a number ≥ 0');
  let remaining = Math.round(minutes * MINUTE_MS);
  if (remaining === 0) return new Date(t0);
  const c = compile(cal);
  if (c.alwaysOpen) return new Date(t0 - remaining);
  if (!c.hasWorkingTime) throw new NoWorkingTime('The calendar has no working hours at all');
  let t = t0;
  // One local day late, as addBusinessMinutes starts one early: the walk must see every interval before `end`.
  const last = localDay(c, t0) + 1;
  for (let day = last; day >= last - HORIZON_DAYS; day--) {
    const iv = dayIntervals(c, day);
    for (let i = iv.length - 2; i >= 0; i -= 2) {
      const start = iv[i]!;
      if (start >= t) continue;
      const to = Math.min(iv[i + 1]!, t);
      if (remaining <= to - start) return new Date(to - remaining);
      remaining -= to - start;
      t = start;
    }
  }
  throw new NoWorkingTime(`The calendar has not enough working time within ${HORIZON_YEARS} years before ${end.toISOString()}`);
}

// Business time between two instants is asked for every row of a queue (now → each request's
// deadline), each walk costing two time-zone conversions: instead, the working intervals of a block
// of days are laid out once with the working time before each, and the answer is a difference of two
// binary searches. Blocks are BLOCK_DAYS long and start every BLOCK_DAYS / 2 days (UTC days), so any
// two instants less than BLOCK_DAYS / 2 − 3 days apart share a block; farther ones are walked.

const BLOCK_DAYS = 256;
const MAX_SPANS = 8;

/** A block's working intervals in order, none overlapping, and the working time (ms) before each. */
interface Span {
  starts: number[];
  ends: number[];
  before: number[];
}

/**
 * The span answering [a, b), or null when the walk must: the block's local days cover the walk's days
 * (the local day of a, less one, through that of b) with a day to spare each side, wherever the zone is.
 */
function spanFor(c: Compiled, a: number, b: number): Span | null {
  const half = BLOCK_DAYS / 2;
  const block = Math.floor((Math.floor(a / DAY_MS) - 3) / half);
  const firstDay = block * half;
  if (Math.floor(b / DAY_MS) + 2 >= firstDay + BLOCK_DAYS) return null;
  let span = c.spans.get(block);
  if (span === undefined) {
    span = layOut(c, firstDay, firstDay + BLOCK_DAYS - 1);
    if (c.spans.size >= MAX_SPANS) c.spans.delete(c.spans.keys().next().value!);
  } else c.spans.delete(block);
  c.spans.set(block, span);
  return span;
}

/** The intervals of local days first…last laid out, or null if any two overlap (then the walk answers). */
function layOut(c: Compiled, first: number, last: number): Span | null {
  const span: Span = { starts: [], ends: [], before: [] };
  let total = 0;
  let end = -Infinity;
  for (let day = first; day <= last; day++) {
    const iv = dayIntervals(c, day);
    for (let i = 0; i < iv.length; i += 2) {
      if (iv[i]! < end) return null;
      end = iv[i + 1]!;
      span.starts.push(iv[i]!);
      span.ends.push(end);
      span.before.push(total);
      total += end - iv[i]!;
    }
  }
  return span;
}

/** Working time (ms) in the span before instant x. */
function workedBefore(s: Span, x: number): number {
  let lo = 0;
  let hi = s.starts.length;
  // The first interval starting after x.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.starts[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  const j = lo - 1;
  return s.before[j]! + Math.min(x, s.ends[j]!) - s.starts[j]!;
}

/** Business minutes (real minutes, possibly fractional) in [from, to); 0 when `to` is not after `from`. */
export const businessMinutesBetween = (cal: CalendarSpec, from: Date, to: Date): number => businessMinutes(cal, from, to, true);

/**
 * The same by walking the local days only: the reference the spans must equal (a unit test
 * compares them); the spans fall back on the walk for instants too far apart for one span.
 */
export const businessMinutesWalked = (cal: CalendarSpec, from: Date, to: Date): number => businessMinutes(cal, from, to, false);

function businessMinutes(cal: CalendarSpec, from: Date, to: Date, bySpans: boolean): number {
  const a = instantMs(from, 'from');
  const b = instantMs(to, 'to');
  if (b <= a) return 0;
  const c = compile(cal);
  if (c.alwaysOpen) return (b - a) / MINUTE_MS;
  if (!c.hasWorkingTime) return 0;
  const span = bySpans ? spanFor(c, a, b) : undefined;
  // Whole milliseconds summed either way: the same number as the walk's.
  if (span) return (workedBefore(span, b) - workedBefore(span, a)) / MINUTE_MS;
  return walkedBusinessMs(c, a, b) / MINUTE_MS;
}

function walkedBusinessMs(c: Compiled, a: number, b: number): number {
  let sum = 0;
  const last = localDay(c, b);
  for (let day = localDay(c, a) - 1; day <= last; day++) {
    const iv = dayIntervals(c, day);
    for (let i = 0; i < iv.length; i += 2) {
      const overlap = Math.min(iv[i + 1]!, b) - Math.max(iv[i]!, a);
      if (overlap > 0) sum += overlap;
    }
  }
  return sum;
}

/** True when `at` falls within working hours (the closing instant itself does not). */
export function isBusinessTime(cal: CalendarSpec, at: Date): boolean {
  const t = instantMs(at, 'at');
  const c = compile(cal);
  if (c.alwaysOpen) return true;
  const today = localDay(c, t);
  for (let day = today - 1; day <= today; day++) {
    const iv = dayIntervals(c, day);
    for (let i = 0; i < iv.length; i += 2) if (iv[i]! <= t && t < iv[i + 1]!) return true;
  }
  return false;
}
