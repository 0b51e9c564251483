import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Invalid } from '../../core/errors.js';
import {
  addBusinessMinutes as add,
  businessMinutesBetween as between,
  isBusinessTime,
  NoWorkingTime,
  subtractBusinessMinutes as subtract,
  validateCalendarSpec,
  WEEKDAYS,
  type CalendarSpec,
  type Interval,
  type Weekday,
} from './business-time.js';

// Expected instants are written in UTC with the local time beside them, so that the expectations do
// not depend on the time-zone code under test.
const utc = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

const everyDay = (hours: Interval[]) => Object.fromEntries(WEEKDAYS.map((d) => [d, hours])) as Record<Weekday, Interval[]>;
const WITH_LUNCH: Interval[] = [
  ['09:00', '13:00'],
  ['14:00', '18:00'],
];
const weekdays = (hours: Interval[]) => ({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours });

const office = (timeZone: string, extra: Partial<CalendarSpec> = {}): CalendarSpec => ({ timeZone, week: weekdays(WITH_LUNCH), ...extra });
/** A night shift 22:00–06:00 every night, written as each day's two intervals. */
const nightShift = (timeZone: string): CalendarSpec => ({
  timeZone,
  week: everyDay([
    ['00:00', '06:00'],
    ['22:00', '24:00'],
  ]),
});
/** The example of the Russian production calendar: a holiday, a worked Saturday, a shortened pre-holiday day. */
const russian: CalendarSpec = {
  timeZone: 'Europe/Moscow',
  week: { ...weekdays(WITH_LUNCH), sat: [], sun: [] },
  holidays: ['2026-01-01', '2026-05-01'],
  workingDays: ['2026-10-31'],
  specialDays: { '2026-04-30': [['09:00', '17:00']] },
};
const allDay: CalendarSpec = { timeZone: 'Europe/Berlin', alwaysOpen: true };

describe('working hours with a lunch break', () => {
  const berlin = office('Europe/Berlin');

  it('skips the lunch break, the night and the weekend', () => {
    // Mon 2026-01-12 12:00 CET + 2 h → 13:00, lunch, 14:00–15:00.
    expect(iso(add(berlin, utc('2026-01-12T11:00:00Z'), 120))).toBe('2026-01-12T14:00:00.000Z');
    // Before opening: Mon 07:00 + 30 → 09:30.
    expect(iso(add(berlin, utc('2026-01-12T06:00:00Z'), 30))).toBe('2026-01-12T08:30:00.000Z');
    // Saturday → Monday 09:00 + 1 h.
    expect(iso(add(berlin, utc('2026-01-10T10:00:00Z'), 60))).toBe('2026-01-12T09:00:00.000Z');
    expect(between(berlin, utc('2026-01-12T07:00:00Z'), utc('2026-01-12T18:00:00Z'))).toBe(480);
    expect(between(berlin, utc('2026-01-09T12:00:00Z'), utc('2026-01-12T09:00:00Z'))).toBe(4 * 60 + 60);
  });

  it('walks back the same way: over lunch, the night and the weekend', () => {
    // Mon 15:00 CET − 2 h → 14:00, lunch, 13:00–12:00.
    expect(iso(subtract(berlin, utc('2026-01-12T14:00:00Z'), 120))).toBe('2026-01-12T11:00:00.000Z');
    // Mon 10:00 CET − 2 h → 09:00, then Friday 18:00–17:00.
    expect(iso(subtract(berlin, utc('2026-01-12T09:00:00Z'), 120))).toBe('2026-01-09T16:00:00.000Z');
    // From a Sunday: Friday's last hour.
    expect(iso(subtract(berlin, utc('2026-01-11T12:00:00Z'), 60))).toBe('2026-01-09T16:00:00.000Z');
    expect(iso(subtract(berlin, utc('2026-01-11T12:00:00Z'), 0))).toBe('2026-01-11T12:00:00.000Z');
    expect(() => subtract({ timeZone: 'UTC', week: {} }, utc('2026-01-11T12:00:00Z'), 1)).toThrow(NoWorkingTime);
  });

  it('is due at closing time when the target is used up exactly then', () => {
    // Mon 17:00 CET + 60 → 18:00 the same day, not Tuesday 09:00.
    expect(iso(add(berlin, utc('2026-01-12T16:00:00Z'), 60))).toBe('2026-01-12T17:00:00.000Z');
    // Morning block used up exactly at 13:00 → due 13:00, not 14:00.
    expect(iso(add(berlin, utc('2026-01-12T08:00:00Z'), 240))).toBe('2026-01-12T12:00:00.000Z');
    expect(iso(add(berlin, utc('2026-01-12T16:00:00Z'), 61))).toBe('2026-01-13T08:01:00.000Z');
  });

  it('adds 0 minutes as nothing, even outside working hours', () => {
    const sunday = utc('2026-01-11T02:17:13.123Z');
    expect(add(berlin, sunday, 0)).toEqual(sunday);
    expect(add({ timeZone: 'UTC', week: {} }, sunday, 0)).toEqual(sunday);
  });

  it('knows which instants are business time (opening inclusive, closing exclusive)', () => {
    expect(isBusinessTime(berlin, utc('2026-01-12T08:00:00Z'))).toBe(true); // 09:00
    expect(isBusinessTime(berlin, utc('2026-01-12T11:59:59Z'))).toBe(true); // 12:59:59
    expect(isBusinessTime(berlin, utc('2026-01-12T12:00:00Z'))).toBe(false); // 13:00
    expect(isBusinessTime(berlin, utc('2026-01-12T12:30:00Z'))).toBe(false); // lunch
    expect(isBusinessTime(berlin, utc('2026-01-10T10:00:00Z'))).toBe(false); // Saturday
  });

  it('allows an interval to end at 24:00 and touching intervals', () => {
    const late: CalendarSpec = { timeZone: 'UTC', week: { mon: [['08:00', '12:00'], ['12:00', '24:00']] } };
    expect(between(late, utc('2026-01-12T00:00:00Z'), utc('2026-01-13T00:00:00Z'))).toBe(16 * 60);
    expect(iso(add(late, utc('2026-01-12T20:00:00Z'), 240))).toBe('2026-01-13T00:00:00.000Z');
  });
});

describe('DST changes', () => {
  it('Europe/Berlin spring forward: the night shift is an hour shorter', () => {
    const night = nightShift('Europe/Berlin');
    // Sat 2026-03-28 22:00 CET = 21:00Z → Sun 06:00 CEST = 04:00Z: 7 real hours.
    expect(between(night, utc('2026-03-28T21:00:00Z'), utc('2026-03-29T04:00:00Z'))).toBe(420);
    expect(iso(add(night, utc('2026-03-28T21:00:00Z'), 420))).toBe('2026-03-29T04:00:00.000Z');
    // One more minute: Sunday 22:00 CEST = 20:00Z.
    expect(iso(add(night, utc('2026-03-28T21:00:00Z'), 421))).toBe('2026-03-29T20:01:00.000Z');
    // Office hours over the change: Fri 17:00 CET + 2 h → Mon 10:00 CEST.
    expect(iso(add(office('Europe/Berlin'), utc('2026-03-27T16:00:00Z'), 120))).toBe('2026-03-30T08:00:00.000Z');
  });

  it('Europe/Berlin fall back: the night shift is an hour longer', () => {
    const night = nightShift('Europe/Berlin');
    // Sat 2026-10-24 22:00 CEST = 20:00Z → Sun 06:00 CET = 05:00Z: 9 real hours.
    expect(between(night, utc('2026-10-24T20:00:00Z'), utc('2026-10-25T05:00:00Z'))).toBe(540);
    expect(iso(add(night, utc('2026-10-24T20:00:00Z'), 540))).toBe('2026-10-25T05:00:00.000Z');
    expect(iso(add(night, utc('2026-10-24T20:00:00Z'), 300))).toBe('2026-10-25T01:00:00.000Z'); // 02:00 CET, the second time
    expect(iso(add(office('Europe/Berlin'), utc('2026-10-23T15:00:00Z'), 120))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('America/New_York spring forward and fall back', () => {
    const night = nightShift('America/New_York');
    // Sat 2026-03-07 22:00 EST = 03:00Z → Sun 06:00 EDT = 10:00Z.
    expect(between(night, utc('2026-03-08T03:00:00Z'), utc('2026-03-08T10:00:00Z'))).toBe(420);
    expect(iso(add(night, utc('2026-03-08T03:00:00Z'), 420))).toBe('2026-03-08T10:00:00.000Z');
    // Sat 2026-10-31 22:00 EDT = 02:00Z → Sun 06:00 EST = 11:00Z.
    expect(between(night, utc('2026-11-01T02:00:00Z'), utc('2026-11-01T11:00:00Z'))).toBe(540);
    expect(iso(add(night, utc('2026-11-01T02:00:00Z'), 540))).toBe('2026-11-01T11:00:00.000Z');
    // Both 01:30s of the fold are within the shift.
    expect(isBusinessTime(night, utc('2026-11-01T05:30:00Z'))).toBe(true);
    expect(isBusinessTime(night, utc('2026-11-01T06:30:00Z'))).toBe(true);
    expect(isBusinessTime(night, utc('2026-11-01T11:00:00Z'))).toBe(false);
    // Fri 17:00 EDT + 2 h → Mon 10:00 EST.
    expect(iso(add(office('America/New_York'), utc('2026-10-30T21:00:00Z'), 120))).toBe('2026-11-02T15:00:00.000Z');
  });

  it("resolves wall times in the gap and the fold with 'compatible' at both ends", () => {
    const sunday = (tz: string, hours: Interval[]): CalendarSpec => ({ timeZone: tz, week: { sun: hours } });
    const day = (cal: CalendarSpec, date: string) => between(cal, utc(`${date}T00:00:00Z`), utc(`${date}T23:59:00Z`));
    // Gap (Berlin 02:00–03:00 does not exist on 2026-03-29): a start at 02:30 moves to 03:30 CEST.
    const inGap = sunday('Europe/Berlin', [['02:30', '04:00']]);
    expect(day(inGap, '2026-03-29')).toBe(30);
    expect(isBusinessTime(inGap, utc('2026-03-29T01:15:00Z'))).toBe(false); // 03:15 CEST
    expect(isBusinessTime(inGap, utc('2026-03-29T01:30:00Z'))).toBe(true); // 03:30 CEST
    // An end in the gap moves forward too: 01:00 CET → 03:30 CEST is 90 real minutes.
    expect(day(sunday('Europe/Berlin', [['01:00', '02:30']]), '2026-03-29')).toBe(90);
    // An interval both of whose ends fall into the gap's shadow becomes empty that day only.
    const emptied = sunday('Europe/Berlin', [['02:30', '03:15']]);
    expect(day(emptied, '2026-03-29')).toBe(0);
    expect(day(emptied, '2026-04-05')).toBe(45);
    // Fold (Berlin 02:00–03:00 happens twice on 2026-10-25): a start at 02:30 is the earlier, CEST one.
    expect(day(sunday('Europe/Berlin', [['02:30', '04:00']]), '2026-10-25')).toBe(150);
    // The same in New York (gap 02:00–03:00 on 2026-03-08, fold 01:00–02:00 on 2026-11-01).
    expect(iso(add(sunday('America/New_York', [['02:30', '04:00']]), utc('2026-03-08T05:00:00Z'), 1))).toBe('2026-03-08T07:31:00.000Z');
    expect(day(sunday('America/New_York', [['01:30', '03:00']]), '2026-11-01')).toBe(150);
  });
});

describe('holidays, moved working days and special days (the Russian production calendar)', () => {
  it('skips a holiday over the year end: 31 Dec → 2 Jan', () => {
    // Wed 2025-12-31 17:00 MSK + 2 h → 1 h on Wednesday, Thu 1 Jan is a holiday, Fri 2 Jan 10:00.
    expect(iso(add(russian, utc('2025-12-31T14:00:00Z'), 120))).toBe('2026-01-02T07:00:00.000Z');
    expect(between(russian, utc('2025-12-31T14:00:00Z'), utc('2026-01-02T07:00:00Z'))).toBe(120);
  });

  it('skips a holiday and a weekend after the year end: 31 Dec → 4 Jan', () => {
    const cal = office('Europe/Berlin', { holidays: ['2026-12-25', '2027-01-01'] });
    // Thu 2026-12-31 17:00 CET + 2 h → Fri 1 Jan holiday, weekend → Mon 4 Jan 10:00 CET.
    expect(iso(add(cal, utc('2026-12-31T16:00:00Z'), 120))).toBe('2027-01-04T09:00:00.000Z');
  });

  it('works a moved Saturday with Monday’s hours', () => {
    // Fri 2026-10-30 17:00 MSK + 2 h → Sat 31 Oct 10:00 (instead of Mon 2 Nov 10:00).
    expect(iso(add(russian, utc('2026-10-30T14:00:00Z'), 120))).toBe('2026-10-31T07:00:00.000Z');
    expect(iso(add({ ...russian, workingDays: [] }, utc('2026-10-30T14:00:00Z'), 120))).toBe('2026-11-02T07:00:00.000Z');
    // Monday's lunch break applies too: 1 h Friday + 4 h Saturday morning → due at 13:00 sharp.
    expect(iso(add(russian, utc('2026-10-30T14:00:00Z'), 300))).toBe('2026-10-31T10:00:00.000Z');
    expect(between(russian, utc('2026-10-30T21:00:00Z'), utc('2026-11-01T00:00:00Z'))).toBe(480);
  });

  it('gives a moved working day its own hours when specialDays says so', () => {
    const cal = { ...russian, specialDays: { ...russian.specialDays, '2026-10-31': [['10:00', '12:00']] as Interval[] } };
    expect(iso(add(cal, utc('2026-10-30T14:00:00Z'), 120))).toBe('2026-10-31T08:00:00.000Z');
  });

  it('shortens a pre-holiday day', () => {
    // Thu 2026-04-30 works 09:00–17:00 with no lunch; Fri 1 May is a holiday.
    expect(between(russian, utc('2026-04-29T21:00:00Z'), utc('2026-04-30T21:00:00Z'))).toBe(480);
    // Thu 16:00 MSK + 2 h → 1 h that day, holiday, weekend → Mon 4 May 10:00.
    expect(iso(add(russian, utc('2026-04-30T13:00:00Z'), 120))).toBe('2026-05-04T07:00:00.000Z');
    expect(isBusinessTime(russian, utc('2026-04-30T10:30:00Z'))).toBe(true); // 13:30, no lunch that day
  });
});

describe('24/7 and calendars without working time', () => {
  it('counts every real minute when always open, across DST', () => {
    expect(iso(add(allDay, utc('2026-03-28T12:00:00Z'), 1440))).toBe('2026-03-29T12:00:00.000Z');
    expect(between(allDay, utc('2026-10-24T12:00:00Z'), utc('2026-10-25T12:00:00Z'))).toBe(1440);
    expect(between(allDay, utc('2026-01-01T00:00:00Z'), utc('2026-01-01T00:00:30Z'))).toBe(0.5);
    expect(isBusinessTime(allDay, utc('2026-12-31T23:59:59Z'))).toBe(true);
  });

  it('fails clearly instead of looping when there is no working time', () => {
    const never: CalendarSpec = { timeZone: 'Europe/Berlin', week: { mon: [], sun: [] }, holidays: ['2026-01-01'] };
    expect(() => add(never, utc('2026-01-01T00:00:00Z'), 1)).toThrow(NoWorkingTime);
    expect(() => add(never, utc('2026-01-01T00:00:00Z'), 1)).toThrow(/no working hours/);
    expect(between(never, utc('2026-01-01T00:00:00Z'), utc('2027-01-01T00:00:00Z'))).toBe(0);
    expect(isBusinessTime(never, utc('2026-01-05T10:00:00Z'))).toBe(false);
    // Working time exists, but only beyond the search horizon.
    const far: CalendarSpec = { timeZone: 'UTC', specialDays: { '2031-06-01': [['09:00', '10:00']] } };
    expect(() => add(far, utc('2026-01-01T00:00:00Z'), 30)).toThrow(/within 3 years/);
    expect(iso(add(far, utc('2029-01-01T00:00:00Z'), 30))).toBe('2031-06-01T09:30:00.000Z');
  });

  it('gives 0 when to is not after from', () => {
    expect(between(allDay, utc('2026-01-02T00:00:00Z'), utc('2026-01-01T00:00:00Z'))).toBe(0);
    expect(between(russian, utc('2026-01-12T08:00:00Z'), utc('2026-01-12T08:00:00Z'))).toBe(0);
  });
});

describe('validation', () => {
  const fieldOf = (spec: CalendarSpec) => {
    try {
      validateCalendarSpec(spec);
      return 'valid';
    } catch (err) {
      expect(err).toBeInstanceOf(Invalid);
      return ((err as Invalid).details as { path: string }[])[0]!.path;
    }
  };
  const day = (hours: unknown) => ({ timeZone: 'UTC', week: { mon: hours as Interval[] } });

  it('names the wrong field', () => {
    expect(fieldOf(day([['09:00', '24:00']]))).toBe('valid');
    expect(fieldOf(day([['09:00', '13:00'], ['12:00', '18:00']]))).toBe('week.mon.1.0'); // overlap
    expect(fieldOf(day([['14:00', '18:00'], ['09:00', '13:00']]))).toBe('week.mon.1.0'); // out of order
    expect(fieldOf(day([['09:00', '25:00']]))).toBe('week.mon.0.1');
    expect(fieldOf(day([['9:00', '13:00']]))).toBe('week.mon.0.0');
    expect(fieldOf(day([['24:00', '24:00']]))).toBe('week.mon.0.0');
    expect(fieldOf(day([['10:00', '10:00']]))).toBe('week.mon.0.1');
    expect(fieldOf({ timeZone: 'Mars/Olympus', week: {} })).toBe('timeZone');
    expect(fieldOf({ timeZone: 'UTC', week: { monday: [] } as never })).toBe('week.monday');
    expect(fieldOf({ timeZone: 'UTC', holidays: ['2026-02-30'] })).toBe('holidays.0');
    expect(fieldOf({ timeZone: 'UTC', workingDays: ['2026-13-01'] })).toBe('workingDays.0');
    expect(fieldOf({ timeZone: 'UTC', specialDays: { '2026-4-30': [] } })).toBe('specialDays.2026-4-30');
    expect(fieldOf({ timeZone: 'UTC', holidays: ['2026-05-09'], workingDays: ['2026-05-09'] })).toBe('workingDays.0');
  });

  it('refuses negative minutes and invalid instants', () => {
    expect(() => add(allDay, utc('2026-01-01T00:00:00Z'), -1)).toThrow(Invalid);
    expect(() => add(allDay, utc('2026-01-01T00:00:00Z'), Number.NaN)).toThrow(Invalid);
    expect(() => between(allDay, new Date('nope'), utc('2026-01-01T00:00:00Z'))).toThrow(Invalid);
    expect(() => add({ timeZone: 'UTC', week: { mon: [['18:00', '09:00']] } }, utc('2026-01-01T00:00:00Z'), 1)).toThrow(Invalid);
  });
});

describe('properties over random starts and targets', () => {
  const calendars: [string, CalendarSpec][] = [
    ['Berlin office', office('Europe/Berlin', { holidays: ['2026-12-25', '2027-01-01'] })],
    ['Berlin night shift', nightShift('Europe/Berlin')],
    ['New York night shift', nightShift('America/New_York')],
    ['Russian calendar', russian],
    ['24/7', allDay],
    // Its clocks go back at midnight, into the day before (a local day that comes twice).
    ['Beirut office', office('Asia/Beirut')],
  ];
  const instant = fc.integer({ min: Date.UTC(2025, 9, 1), max: Date.UTC(2027, 11, 31) }).map((ms) => new Date(ms));
  const minutes = fc.integer({ min: 0, max: 20_000 });

  it.each(calendars)('between(start, add(start, m)) = m (%s)', (_name, cal) => {
    fc.assert(fc.property(instant, minutes, (start, m) => between(cal, start, add(cal, start, m)) === m), { numRuns: 300 });
  });

  it.each(calendars)('between(subtract(end, m), end) = m, and nothing later has m minutes before end (%s)', (_name, cal) => {
    fc.assert(
      fc.property(instant, minutes, (end, m) => {
        const from = subtract(cal, end, m);
        expect(between(cal, from, end)).toBeCloseTo(m, 6);
        // The latest such instant: a minute later, fewer than m business minutes remain (unless none were needed).
        if (m > 0) expect(between(cal, new Date(from.getTime() + 60_000), end)).toBeLessThan(m);
      }),
      { numRuns: 300 },
    );
  });

  it.each(calendars)('add(from, between(from, to)) is at or before to, and between is additive (%s)', (_name, cal) => {
    fc.assert(
      fc.property(instant, instant, instant, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
        const m = between(cal, x, z);
        expect(add(cal, x, m).getTime()).toBeLessThanOrEqual(z.getTime());
        expect(between(cal, x, y) + between(cal, y, z)).toBeCloseTo(m, 6);
      }),
      { numRuns: 200 },
    );
  });

  // An independent oracle: the local wall clock as Intl shows it, checked against the weekly hours.
  // Neither calendar has an interval boundary inside a DST gap or fold, so wall-clock membership is exact.
  const wallClock = (tz: string, at: Date) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
    const get = (t: string) => parts.find((p) => p.type === t)!.value;
    return { weekday: get('weekday').toLowerCase() as Weekday, minute: Number(get('hour')) * 60 + Number(get('minute')) + Number(get('second')) / 60 };
  };
  const toMin = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

  it.each([nightShift('Europe/Berlin'), nightShift('America/New_York'), office('America/New_York'), office('Asia/Beirut')])(
    'isBusinessTime agrees with the wall clock (%#)',
    (cal) => {
      fc.assert(
        fc.property(instant, (at) => {
          const { weekday, minute } = wallClock(cal.timeZone, at);
          const expected = (cal.week![weekday] ?? []).some(([s, e]) => toMin(s) <= minute && minute < toMin(e));
          return isBusinessTime(cal, at) === expected;
        }),
        { numRuns: 2000 },
      );
    },
  );

  it('walks days, not minutes: a thousand multi-day deadlines well within five seconds', () => {
    const cal = office('Europe/Berlin');
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) add(cal, new Date(Date.UTC(2026, 0, 1) + i * 3_600_000), 2400 + i);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
