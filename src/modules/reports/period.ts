import { Temporal } from 'temporal-polyfill';
import { Invalid } from '../../core/errors.js';
import { localTime } from '../timetracking/index.js';

export type PeriodKind = 'week' | 'month' | 'year' | 'custom';
export type BucketUnit = 'day' | 'week' | 'month';

/** One bucket of a report: local dates (both inclusive) and the instants they begin and end at. */
export interface Bucket {
  start: string;
  end: string;
  from: string;
  to: string;
}

/** A report's period: local dates in a time zone, the instants of its boundaries (local midnights), its buckets. */
export interface Period {
  kind: PeriodKind;
  timeZone: string;
  /** First and last local date, both inclusive. */
  start: string;
  end: string;
  /** The instants the period begins at and ends before. */
  from: string;
  to: string;
  bucket: BucketUnit;
  buckets: Bucket[];
}

/** The longest period a report covers: three years of days. */
export const MAX_DAYS = 1100;

export interface PeriodInput {
  period: PeriodKind;
  /** week, month, year: any date within it (default: today in the time zone). */
  date?: string;
  /** custom: the first and last local date. */
  from?: string;
  to?: string;
  timeZone: string;
  bucket?: BucketUnit;
}

const PD = Temporal.PlainDate;

/**
 * Works out a report's period. Its boundaries are local midnights in the time zone, so a day with a
 * DST change is 23 or 25 hours long, as it was for the people there.
 */
export function resolvePeriod(input: PeriodInput, now: Date): Period {
  const today = localTime.localDateOf(now, input.timeZone);
  let start: Temporal.PlainDate;
  let end: Temporal.PlainDate;
  if (input.period === 'custom') {
    if (!input.from) throw new Invalid('A custom period needs from (YYYY-MM-DD)', 'from');
    if (!input.to) throw new Invalid('A custom period needs to (YYYY-MM-DD)', 'to');
    start = PD.from(input.from);
    end = PD.from(input.to);
    if (PD.compare(end, start) < 0) throw new Invalid('to must not be before from', 'to');
  } else {
    if (input.from || input.to) throw new Invalid(`A ${input.period} is given by date, not from/to`, input.from ? 'from' : 'to');
    const d = PD.from(input.date ?? today);
    if (input.period === 'week') start = d.subtract({ days: d.dayOfWeek - 1 });
    else if (input.period === 'month') start = d.with({ day: 1 });
    else start = d.with({ month: 1, day: 1 });
    end = start.add(input.period === 'week' ? { weeks: 1 } : input.period === 'month' ? { months: 1 } : { years: 1 }).subtract({ days: 1 });
  }
  const days = start.until(end, { largestUnit: 'days' }).days + 1;
  if (days > MAX_DAYS) throw new Invalid(`A report covers at most ${MAX_DAYS} days`, 'to');
  const bucket = input.bucket ?? (input.period === 'year' ? 'month' : input.period === 'custom' ? (days <= 62 ? 'day' : days <= 366 ? 'week' : 'month') : 'day');
  const at = (d: Temporal.PlainDate) => localTime.startOfLocalDate(d.toString(), input.timeZone);
  const buckets: Bucket[] = [];
  for (let s = start; PD.compare(s, end) <= 0; ) {
    let next =
      bucket === 'day' ? s.add({ days: 1 }) : bucket === 'week' ? s.add({ days: 8 - s.dayOfWeek }) : s.with({ day: 1 }).add({ months: 1 });
    if (PD.compare(next, end) > 0) next = end.add({ days: 1 });
    buckets.push({ start: s.toString(), end: next.subtract({ days: 1 }).toString(), from: at(s), to: at(next) });
    s = next;
  }
  return { kind: input.period, timeZone: input.timeZone, start: start.toString(), end: end.toString(), from: at(start), to: at(end.add({ days: 1 })), bucket, buckets };
}

/** The number of local days of a month (YYYY-MM) within [start, end] (dates, inclusive), and the month's length. */
export function monthOverlaps(start: string, end: string): { month: string; days: number; daysInMonth: number }[] {
  const out: { month: string; days: number; daysInMonth: number }[] = [];
  const last = PD.from(end);
  for (let m = PD.from(start).with({ day: 1 }); PD.compare(m, last) <= 0; m = m.add({ months: 1 })) {
    const lo = PD.compare(m, PD.from(start)) < 0 ? PD.from(start) : m;
    const monthEnd = m.add({ months: 1 }).subtract({ days: 1 });
    const hi = PD.compare(monthEnd, last) > 0 ? last : monthEnd;
    out.push({ month: m.toString().slice(0, 7), days: lo.until(hi, { largestUnit: 'days' }).days + 1, daysInMonth: m.daysInMonth });
  }
  return out;
}

/** Every local date within [start, end], with its ISO weekday (1 = Monday). */
export function datesOf(start: string, end: string): { date: string; weekday: number }[] {
  const out: { date: string; weekday: number }[] = [];
  for (let d = PD.from(start); PD.compare(d, PD.from(end)) <= 0; d = d.add({ days: 1 })) out.push({ date: d.toString(), weekday: d.dayOfWeek });
  return out;
}
