import { describe, expect, it } from 'vitest';
import { applyEvent, outcomeOf, type CallState, type StateEvent } from './call-state.js';

const blank = (at: string): CallState => ({ started_at: at, answered_at: null, ended_at: null, talk_seconds: 0, cause: null, reported_seconds: null });
const play = (events: StateEvent[]) => events.reduce(applyEvent, blank(events[0]!.at));

const ringing: StateEvent = { type: 'ringing', at: '2026-11-25T07:00:00Z' };
const answered: StateEvent = { type: 'answered', at: '2026-11-25T07:00:10Z' };
const hangup: StateEvent = { type: 'hangup', at: '2026-11-25T07:01:45Z', cause: 'answered' };

describe('call state', () => {
  it('ends the same whatever the order of the events', () => {
    const orders = [
      [ringing, answered, hangup],
      [hangup, answered, ringing],
      [answered, hangup, ringing],
      [hangup, ringing, answered],
    ];
    const ends = orders.map(play);
    for (const s of ends) expect(s).toEqual(ends[0]);
    expect(ends[0]).toMatchObject({ started_at: '2026-11-25T07:00:00.000Z', answered_at: '2026-11-25T07:00:10.000Z', talk_seconds: 95 });
    expect(outcomeOf(ends[0]!)).toBe('answered');
  });

  it('prefers the talk time the PBX reports', () => {
    expect(play([ringing, answered, { ...hangup, duration: 90 }]).talk_seconds).toBe(90);
  });

  it('is missed when nobody answered, and says how', () => {
    expect(outcomeOf(play([ringing, { type: 'hangup', at: hangup.at }]))).toBe('missed');
    expect(outcomeOf(play([ringing, { type: 'hangup', at: hangup.at, cause: 'busy' }]))).toBe('busy');
    expect(outcomeOf(play([ringing, { type: 'hangup', at: hangup.at, cause: 'voicemail' }]))).toBe('voicemail');
    expect(outcomeOf(play([ringing, { type: 'hangup', at: hangup.at, cause: 'no_answer' }]))).toBe('missed');
    expect(play([ringing, { type: 'hangup', at: hangup.at, cause: 'no_answer' }]).talk_seconds).toBe(0);
  });

  it('has no outcome until it ends', () => {
    expect(outcomeOf(play([ringing, answered]))).toBeNull();
  });

  it('counts a hang-up reporting talk time as answered, before the answer event arrives', () => {
    const s = play([ringing, { type: 'hangup', at: hangup.at, duration: 30 }]);
    expect(outcomeOf(s)).toBe('answered');
    expect(s.talk_seconds).toBe(30);
  });
});
