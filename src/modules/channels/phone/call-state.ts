import type { Cause, Outcome } from './phone.tables.js';

/** What the events of a call have established; each event adds to it, in whatever order they come. */
export interface CallState {
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  talk_seconds: number;
  cause: Cause | null;
  /** The talk time the PBX reported on hang-up, if it did (preferred to our arithmetic). */
  reported_seconds: number | null;
}

export interface StateEvent {
  type: 'ringing' | 'answered' | 'hangup';
  at: string;
  duration?: number;
  cause?: Cause;
}

const earlier = (a: string | null, b: string) => (a === null || b < a ? b : a);

/**
 * The call after one more event. Every field is a function of the set of events seen, not of their
 * order: the earliest instant wins for start, answer and end; the hang-up's cause and duration are
 * kept. So a hang-up that arrives before its answer ends in the same state as the other way round.
 */
export function applyEvent(s: CallState, e: StateEvent): CallState {
  const at = new Date(e.at).toISOString();
  const next: CallState = { ...s, started_at: earlier(s.started_at, at) };
  if (e.type === 'answered') next.answered_at = earlier(s.answered_at, at);
  if (e.type === 'hangup') {
    next.ended_at = earlier(s.ended_at, at);
    if (e.cause) next.cause = e.cause;
    if (e.duration !== undefined) next.reported_seconds = e.duration;
  }
  next.talk_seconds = talkSeconds(next);
  return next;
}

/** Whether someone picked up: an answer event, a hang-up saying so, or talk time reported. */
export const wasAnswered = (s: CallState) =>
  s.cause === 'answered' || (!isUnansweredCause(s.cause) && (s.answered_at !== null || (s.reported_seconds ?? 0) > 0));

const isUnansweredCause = (c: Cause | null) => c !== null && c !== 'answered';

function talkSeconds(s: CallState): number {
  if (!s.ended_at || !wasAnswered(s)) return 0;
  if (s.reported_seconds !== null) return s.reported_seconds;
  if (!s.answered_at) return 0;
  return Math.max(0, Math.round((Date.parse(s.ended_at) - Date.parse(s.answered_at)) / 1000));
}

/**
 * How the call ended, or null while it has not. A cause other than `answered` decides (a PBX that
 * lets voicemail pick up still says `voicemail`); otherwise answered, else missed.
 */
export function outcomeOf(s: CallState): Outcome | null {
  if (!s.ended_at) return null;
  switch (s.cause) {
    case 'busy':
      return 'busy';
    case 'failed':
      return 'failed';
    case 'voicemail':
      return 'voicemail';
    case 'no_answer':
    case 'cancelled':
      return 'missed';
    default:
      return wasAnswered(s) ? 'answered' : 'missed';
  }
}
