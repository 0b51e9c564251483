import { Temporal } from 'temporal-polyfill';
import { datesOf } from './period.js';

/** A person's weekly shifts: weekday (mon…sun) → [["HH:MM","HH:MM"], …], in their own time zone. */
export type RosterWeek = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The shifts of one weekday (1 = Monday). */
const shiftsOn = (week: RosterWeek, weekday: number) => week[WEEKDAYS[weekday - 1]!] ?? [];

/** The hours a roster gives over the dates [start, end], as its wall-clock times say. */
export function rosterHours(week: RosterWeek, start: string, end: string): number {
  let minutes = 0;
  for (const d of datesOf(start, end)) for (const [s, e] of shiftsOn(week, d.weekday)) minutes += minutesOf(e) - minutesOf(s);
  return minutes / 60;
}

/** The instants (epoch ms) a roster's shifts cover over the local dates [start, end] in its time zone. */
export function shiftIntervals(week: RosterWeek, timeZone: string, start: string, end: string): [number, number][] {
  const out: [number, number][] = [];
  const at = (date: string, hhmm: string) => {
    const base = Temporal.PlainDate.from(date);
    const m = minutesOf(hhmm);
    const dt = m >= 24 * 60 ? base.add({ days: 1 }).toPlainDateTime() : base.toPlainDateTime({ hour: Math.floor(m / 60), minute: m % 60 });
    return dt.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
  };
  for (const d of datesOf(start, end)) for (const [s, e] of shiftsOn(week, d.weekday)) out.push([at(d.date, s), at(d.date, e)]);
  return out;
}

/** How much of [from, to) the intervals cover, as a share of it (0…n for several people). */
export function coverage(intervals: [number, number][], from: number, to: number): number {
  let covered = 0;
  for (const [s, e] of intervals) covered += Math.max(0, Math.min(e, to) - Math.max(s, from));
  return covered / (to - from);
}
