import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessMinutesBetween, businessMinutesWalked, type CalendarSpec, type Interval, type Weekday, WEEKDAYS } from './business-time.js';

/**
 * Business time between two instants is answered from laid-out blocks of days (binary searches)
 * rather than by walking the days: it must be the same number as the walk's, for any calendar and
 * any two instants, across DST changes (at night, at midnight, by half an hour), holidays, moved
 * working days and special days.
 */

// Zones whose clocks change at 02:00/03:00 (Berlin, New York), at midnight (Santiago, Beirut), by
// half an hour (Lord Howe), at 02:45 (Chatham); and some that never change, at odd offsets.
const ZONES = ['Europe/Berlin', 'America/New_York', 'America/Santiago', 'Asia/Beirut', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Europe/Moscow', 'Asia/Kathmandu', 'UTC'];
// Days of DST changes in 2026 in those zones, the year end, and ordinary days.
const DAYS = [
  '2026-03-08', '2026-03-28', '2026-03-29', '2026-04-04', '2026-04-05', '2026-09-05', '2026-09-06', '2026-09-27',
  '2026-10-04', '2026-10-24', '2026-10-25', '2026-11-01', '2026-12-07', '2026-12-31', '2027-01-01', '2027-01-07',
];

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
/** A day's hours: up to three intervals on half-hour marks, 00:00 to 24:00, touching allowed. */
const hours = fc
  .uniqueArray(fc.integer({ min: 0, max: 48 }), { maxLength: 6 })
  .map((marks) => {
    const sorted = marks.sort((a, b) => a - b).slice(0, marks.length - (marks.length % 2));
    const out: Interval[] = [];
    for (let i = 0; i < sorted.length; i += 2) out.push([hhmm(sorted[i]! * 30), hhmm(sorted[i + 1]! * 30)]);
    return out;
  });

const calendar: fc.Arbitrary<CalendarSpec> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    week: fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, hours])) as Record<Weekday, fc.Arbitrary<Interval[]>>, { requiredKeys: [] }),
    days: fc.uniqueArray(fc.constantFrom(...DAYS), { maxLength: 8 }),
    special: fc.array(hours, { maxLength: 3 }),
  })
  .map(({ timeZone, week, days, special }) => ({
    timeZone,
    week,
    // The chosen days split three ways: holidays, moved working days, days with their own hours.
    holidays: days.filter((_, i) => i % 3 === 0),
    workingDays: days.filter((_, i) => i % 3 === 1),
    specialDays: Object.fromEntries(days.filter((_, i) => i % 3 === 2).map((d, i) => [d, special[i % Math.max(1, special.length)] ?? []])),
  }));

const DAY = 86_400_000;
const instant = fc.integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2027, 1, 1) });
// Mostly near (a queue's deadlines: minutes to weeks), sometimes farther than one block holds.
const gap = fc.oneof(fc.integer({ min: 0, max: 3 * 3_600_000 }), fc.integer({ min: 0, max: 20 * DAY }), fc.integer({ min: 0, max: 200 * DAY }));

describe('business time between two instants, from laid-out days', () => {
  it('equals the walk over the days for random calendars and instants', () => {
    fc.assert(
      fc.property(calendar, instant, fc.array(gap, { minLength: 1, maxLength: 20 }), (cal, from, gaps) => {
        // As a queue asks: one instant (now) against many deadlines after it, and overdue ones before it.
        const now = new Date(from);
        for (const g of gaps) {
          const later = new Date(from + g);
          expect(businessMinutesBetween(cal, now, later)).toBe(businessMinutesWalked(cal, now, later));
          const earlier = new Date(from - g);
          expect(businessMinutesBetween(cal, earlier, now)).toBe(businessMinutesWalked(cal, earlier, now));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('equals the walk minute by minute across a DST change at midnight and a holiday', () => {
    // Santiago: clocks go back from 24:00 to 23:00 on 4 April 2026 and forward from 24:00 to 01:00 on 5 September 2026.
    const cal: CalendarSpec = {
      timeZone: 'America/Santiago',
      week: Object.fromEntries(WEEKDAYS.map((d) => [d, [['00:00', '01:30'], ['08:00', '13:00'], ['22:30', '24:00']]])) as Record<Weekday, Interval[]>,
      holidays: ['2026-09-06'],
      specialDays: { '2026-04-05': [['00:00', '00:30']] },
    };
    for (const day of ['2026-04-04', '2026-09-05']) {
      const start = Date.parse(`${day}T00:00:00Z`);
      const now = new Date(start + 12 * 3_600_000);
      for (let m = -36 * 60; m <= 60 * 60; m += 7) {
        const other = new Date(now.getTime() + m * 60_000);
        const [a, b] = m < 0 ? [other, now] : [now, other];
        expect(businessMinutesBetween(cal, a, b)).toBe(businessMinutesWalked(cal, a, b));
      }
    }
  });

  it('counts a known case: a Berlin office day over the spring-forward night', () => {
    const cal: CalendarSpec = { timeZone: 'Europe/Berlin', week: { mon: [['09:00', '18:00']], fri: [['09:00', '18:00']] } };
    // Friday 27 March 2026 12:00 CET → Monday 30 March 12:00 CEST: 6 h on Friday, 3 h on Monday.
    expect(businessMinutesBetween(cal, new Date('2026-03-27T11:00:00Z'), new Date('2026-03-30T10:00:00Z'))).toBe(9 * 60);
  });
});
