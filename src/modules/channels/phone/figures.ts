import type { DialectName } from '../../../core/db/connect.js';
import type { Db } from '../../db.js';
import * as repo from './phone.repo.js';

export type { CallScope } from './phone.repo.js';

/** A period's telephone figures, unrounded: counts of calls, seconds to answer and talk, minutes to call back. */
export interface CallFigures {
  inbound: number;
  outbound: number;
  inboundAnswered: number;
  /** Unanswered: no answer (or hung up while ringing), busy, voicemail. */
  inboundMissed: number;
  /** The PBX could not connect the call; counted apart from the missed ones. */
  inboundFailed: number;
  /** Answered of the inbound calls answered or missed (failed and unfinished ones left out); null without any. */
  answerRatePct: number | null;
  answerMedianSeconds: number | null;
  answerP90Seconds: number | null;
  /** Over every answered call, inbound and outbound. */
  avgTalkSeconds: number | null;
  /** Missed calls that opened a callback (repeated calls merged into one are counted once). */
  callbacksOpened: number;
  /** Of those, the ones done by now. */
  callbacksCompleted: number;
  callbackMedianMinutes: number | null;
}

/** The telephone figures of the calls started in [from, to), of an organization and an agent if given. */
export async function callFigures(db: Db, dialect: DialectName, scope: repo.CallScope): Promise<CallFigures> {
  const c = await repo.callCounts(db, scope);
  const offered = c.inboundAnswered + c.inboundMissed;
  const callback = await repo.callPercentile(db, dialect, 'callback', scope, c.callbackTimed, 0.5);
  return {
    inbound: c.inbound,
    outbound: c.outbound,
    inboundAnswered: c.inboundAnswered,
    inboundMissed: c.inboundMissed,
    inboundFailed: c.inboundFailed,
    answerRatePct: offered ? (c.inboundAnswered / offered) * 100 : null,
    answerMedianSeconds: await repo.callPercentile(db, dialect, 'answer', scope, c.answerTimed, 0.5),
    answerP90Seconds: await repo.callPercentile(db, dialect, 'answer', scope, c.answerTimed, 0.9),
    avgTalkSeconds: c.avgTalkSeconds,
    callbacksOpened: c.callbacksOpened,
    callbacksCompleted: c.callbacksDone,
    callbackMedianMinutes: callback === null ? null : callback / 60,
  };
}

/**
 * The demand on the telephone for a staffing forecast: when each inbound call of [from, to) started
 * (answered or not: every call offered), and the average talk time of the answered ones, in minutes.
 */
export async function callDemand(db: Db, from: string, to: string): Promise<{ startedAt: number[]; avgTalkMinutes: number | null }> {
  const rows = await db
    .selectFrom('calls')
    .select(['started_at', 'answered_at', 'talk_seconds'])
    .where('direction', '=', 'inbound')
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .execute();
  const answered = rows.filter((r) => r.answered_at !== null);
  const talk = answered.reduce((s, r) => s + r.talk_seconds, 0);
  return { startedAt: rows.map((r) => Date.parse(r.started_at)), avgTalkMinutes: answered.length ? talk / answered.length / 60 : null };
}
