import { describe, expect, it } from 'vitest';
import type { ClockRow } from './sla.repo.js';
import { timeLeft, type CalendarLookup } from './time-left.js';

const weekdays9to18: CalendarLookup = async (id) =>
  id ? { timeZone: 'UTC', week: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']] } } : { timeZone: 'UTC', alwaysOpen: true };

const clock = (over: Partial<ClockRow>): ClockRow => ({
  ticket_id: 't1',
  metric: 'resolution',
  state: 'running',
  cycle: 1,
  line: null,
  calendar_id: null,
  target_minutes: 240,
  consumed_minutes: 0,
  segment_started_at: '2026-12-07T09:00:00.000Z',
  deadline: '2026-12-07T13:00:00.000Z',
  started_at: '2026-12-07T09:00:00.000Z',
  stopped_at: null,
  met: null,
  warned_75: 0,
  warned_90: 0,
  breached_at: null,
  updated_at: '2026-12-07T09:00:00.000Z',
  ...over,
});

describe('time left', () => {
  it('is the business time left on the running clock due first, with its due instant', async () => {
    const rows = [
      clock({}),
      clock({ metric: 'first_response', target_minutes: 60, deadline: '2026-12-07T10:00:00.000Z', calendar_id: 'cal' }),
    ];
    const t = await timeLeft(rows, weekdays9to18, new Date('2026-12-07T09:15:00Z'), true);
    expect(t).toMatchObject({ metric: 'first_response', state: 'running', leftMinutes: 45, usedShare: 0.25, dueAt: '2026-12-07T10:00:00.000Z', breached: false });
  });

  it('counts only working time: due Tuesday 10:00 seen Monday 17:00 is two working hours away', async () => {
    const rows = [clock({ calendar_id: 'cal', target_minutes: 600, deadline: '2026-12-08T10:00:00.000Z' })];
    const t = await timeLeft(rows, weekdays9to18, new Date('2026-12-07T17:00:00Z'), true);
    expect(t?.leftMinutes).toBe(120);
  });

  it('is negative and breached when the clock ran out', async () => {
    const t = await timeLeft([clock({ breached_at: '2026-12-07T13:00:00.000Z' })], weekdays9to18, new Date('2026-12-07T13:30:00Z'), true);
    expect(t).toMatchObject({ leftMinutes: -30, breached: true });
  });

  it('leaves out the line budget for client users, and measuring clocks without target', async () => {
    const rows = [
      clock({ metric: 'line', line: 'L1', target_minutes: 15, deadline: '2026-12-07T09:15:00.000Z' }),
      clock({ metric: 'first_response', target_minutes: 0, deadline: null }),
      clock({}),
    ];
    const now = new Date('2026-12-07T09:05:00Z');
    expect((await timeLeft(rows, weekdays9to18, now, true))?.metric).toBe('line');
    expect((await timeLeft(rows, weekdays9to18, now, false))?.metric).toBe('resolution');
  });

  it('for paused clocks, the one with least left, without a due instant', async () => {
    const rows = [clock({ state: 'paused', deadline: null, consumed_minutes: 200 }), clock({ metric: 'first_response', state: 'stopped', deadline: null })];
    const t = await timeLeft(rows, weekdays9to18, new Date('2026-12-07T12:00:00Z'), true);
    expect(t).toMatchObject({ metric: 'resolution', state: 'paused', leftMinutes: 40, dueAt: null });
  });
});
