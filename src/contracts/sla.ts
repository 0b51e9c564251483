import { z } from 'zod';
import { IsoInstant, Text, TimeZone } from './common.js';

/** A local wall-clock time "HH:MM"; "24:00" means the end of the day. */
export const ClockTime = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a time HH:MM (00:00 to 24:00)');

const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** A working interval [start, end) in local time; the end may be "24:00". */
export const WorkingInterval = z
  .tuple([ClockTime, ClockTime])
  .refine(([s, e]) => minutesOf(e) > minutesOf(s), { message: 'the end must be after the start', path: [1] });

/** One day's working intervals, in order and not overlapping (touching is fine). */
export const DayHours = z
  .array(WorkingInterval)
  .max(24)
  .superRefine((hours, ctx) => {
    for (let i = 1; i < hours.length; i++)
      if (minutesOf(hours[i]![0]) < minutesOf(hours[i - 1]![1]))
        ctx.addIssue({ code: 'custom', message: 'intervals must be in order and must not overlap', path: [i, 0] });
  });

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30). */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a valid date');

/** Working hours per weekday; a missing weekday has none. */
export const Week = z
  .object({ mon: DayHours, tue: DayHours, wed: DayHours, thu: DayHours, fri: DayHours, sat: DayHours, sun: DayHours })
  .partial()
  .strict();

/** A whole calendar as created or replaced (PUT is a full replace). */
export const CalendarInput = z.object({
  name: Text(200),
  timeZone: TimeZone,
  /** 24/7: every minute is a business minute; the other fields are kept but not used. */
  alwaysOpen: z.boolean().optional(),
  week: Week.optional(),
  /** Dates with no working hours. */
  holidays: z.array(CalendarDate).max(1000).optional(),
  /** Weekend dates that are worked, with Monday's hours unless `specialDays` gives their own. */
  workingDays: z.array(CalendarDate).max(1000).optional(),
  /** Dates with their own hours (e.g. a shortened pre-holiday day); wins over everything else. */
  specialDays: z.record(CalendarDate, DayHours).optional(),
});

export const Calendar = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  alwaysOpen: z.boolean(),
  week: Week,
  holidays: z.array(z.string()),
  workingDays: z.array(z.string()),
  specialDays: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const DeadlineQuery = z.object({
  start: IsoInstant,
  minutes: z.coerce.number().finite().min(0, 'must be ≥ 0'),
});
export const DeadlineResponse = z.object({ deadline: z.string() });

export const BusinessMinutesQuery = z.object({ from: IsoInstant, to: IsoInstant });
export const BusinessMinutesResponse = z.object({ minutes: z.number() });
