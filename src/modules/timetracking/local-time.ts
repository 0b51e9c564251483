import { Temporal } from 'temporal-polyfill';

/**
 * Local calendar arithmetic in a time zone, DST-correct: weeks and months begin at local midnight
 * (or at the first instant of the day where a DST gap swallows midnight), and are returned as the
 * UTC instants they start and end at, in the ISO form every instant is stored in.
 */

const iso = (z: Temporal.ZonedDateTime) => new Date(z.epochMilliseconds).toISOString();

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDateOf(instant: string | Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(new Date(instant).getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/** The instant a local date begins in a time zone. */
export function startOfLocalDate(date: string, timeZone: string): string {
  return iso(Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }));
}

/** The date `days` days after a local date (negative: before). */
export const addDays = (date: string, days: number): string => Temporal.PlainDate.from(date).add({ days }).toString();

/** The Monday of the ISO week a local date falls in. */
export function mondayOf(date: string): string {
  const d = Temporal.PlainDate.from(date);
  return d.subtract({ days: d.dayOfWeek - 1 }).toString();
}

/** Whether a YYYY-MM-DD date is a Monday. */
export const isMonday = (date: string): boolean => Temporal.PlainDate.from(date).dayOfWeek === 1;

/** The Monday (YYYY-MM-DD) of the local week an instant falls in: a timesheet's week. */
export const weekStartOf = (instant: string | Date, timeZone: string): string => mondayOf(localDateOf(instant, timeZone));

/** The instants a local week (Monday to Monday) begins and ends at. */
export function weekBounds(weekStart: string, timeZone: string): { from: string; to: string } {
  return { from: startOfLocalDate(weekStart, timeZone), to: startOfLocalDate(addDays(weekStart, 7), timeZone) };
}

/** The month (YYYY-MM) an instant falls in, locally. */
export const monthOf = (instant: string | Date, timeZone: string): string => localDateOf(instant, timeZone).slice(0, 7);

/** The instants a local month (YYYY-MM) begins and ends at. */
export function monthBounds(month: string, timeZone: string): { from: string; to: string } {
  const first = Temporal.PlainDate.from(`${month}-01`);
  return { from: startOfLocalDate(first.toString(), timeZone), to: startOfLocalDate(first.add({ months: 1 }).toString(), timeZone) };
}

/** The first local midnight after an instant: when a running timer has run overnight. */
export function nextLocalMidnight(instant: string | Date, timeZone: string): string {
  return startOfLocalDate(addDays(localDateOf(instant, timeZone), 1), timeZone);
}
