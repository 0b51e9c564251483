import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Conflict, Invalid, NotFound } from '../../core/errors.js';
import type { AppContext } from '../db.js';
import { findUserById, type Actor } from '../identity/index.js';
import { addDays, isMonday, localDateOf, weekBounds } from './local-time.js';
import type { TimesheetStatus } from './timetracking.tables.js';
import { agentFor, assertManager } from './work.policy.js';
import * as repo from './work.repo.js';

/**
 * An agent's week: open → submitted (by the agent, or a manager for them) → approved (by a manager),
 * or back to open (sent back, or an approved week reopened, by a manager with a reason). A week
 * that is not open is locked for the agent.
 */

async function resolveWeek(app: AppContext, actor: Actor, agentRef: string, weekStart: string) {
  const agentId = agentFor(actor, agentRef);
  if (!isMonday(weekStart)) throw new Invalid('A timesheet week starts on a Monday', 'weekStart');
  const agent = await findUserById(app.db, agentId);
  if (!agent || !['agent', 'manager', 'admin'].includes(agent.role)) throw new NotFound('Person');
  return { agent, weekStart };
}

/** The week with its entries, totals per day (in the agent's time zone) and status. */
export async function getTimesheet(app: AppContext, actor: Actor, agentRef: string, weekStart: string) {
  const { agent } = await resolveWeek(app, actor, agentRef, weekStart);
  const [sheet, entries] = await Promise.all([repo.findTimesheet(app.db, agent.id, weekStart), repo.listWeekEntries(app.db, agent.id, weekStart)]);
  const days = Array.from({ length: 7 }, (_, i) => ({ date: addDays(weekStart, i), minutes: 0, billableMinutes: 0 }));
  let flaggedMinutes = 0;
  let flaggedEntries = 0;
  for (const e of entries) {
    if (e.flagged) {
      flaggedMinutes += e.minutes;
      flaggedEntries++;
      continue;
    }
    const day = days.find((d) => d.date === localDateOf(e.started_at, agent.time_zone));
    if (!day) continue;
    day.minutes += e.minutes;
    if (e.billable) day.billableMinutes += e.minutes;
  }
  return {
    agent,
    weekStart,
    ...weekBounds(weekStart, agent.time_zone),
    status: sheet?.status ?? ('open' as TimesheetStatus),
    sheet: sheet ?? null,
    entries,
    days,
    totals: {
      minutes: days.reduce((n, d) => n + d.minutes, 0),
      billableMinutes: days.reduce((n, d) => n + d.billableMinutes, 0),
      flaggedMinutes,
      flaggedEntries,
    },
  };
}

type Move = 'submit' | 'approve' | 'reject' | 'reopen';
const MOVES: Record<Move, { from: TimesheetStatus; to: TimesheetStatus; manager: boolean }> = {
  submit: { from: 'open', to: 'submitted', manager: false },
  approve: { from: 'submitted', to: 'approved', manager: true },
  reject: { from: 'submitted', to: 'open', manager: true },
  reopen: { from: 'approved', to: 'open', manager: true },
};

/** Moves a week along; `reason` is required to send a week back or reopen it. */
export async function moveTimesheet(app: AppContext, actor: Actor, agentRef: string, weekStart: string, move: Move, reason?: string) {
  const spec = MOVES[move];
  if (spec.manager) assertManager(actor);
  const { agent } = await resolveWeek(app, actor, agentRef, weekStart);
  const sheet = await repo.findTimesheet(app.db, agent.id, weekStart);
  const status = sheet?.status ?? 'open';
  if (status !== spec.from) throw new Conflict(`The week is ${status}; it cannot be ${move === 'submit' ? 'submitted' : `${move}d`}`, 'invalid_transition', { status });
  if (move === 'submit') {
    const week = await getTimesheet(app, actor, agentRef, weekStart);
    if (week.totals.flaggedEntries)
      throw new Conflict('The week has flagged entries: state how long that work took before submitting', 'flagged_entries', { entries: week.totals.flaggedEntries });
    if (await repo.timerStartedIn(app.db, agent.id, week.from, week.to)) throw new Conflict('A timer started this week is still running', 'timer_running');
  }
  const now = app.clock.now().toISOString();
  const row = {
    agent_id: agent.id,
    week_start: weekStart,
    status: spec.to,
    submitted_at: move === 'submit' ? now : spec.to === 'open' ? null : (sheet?.submitted_at ?? null),
    approved_at: move === 'approve' ? now : null,
    approved_by: move === 'approve' ? actor.id : null,
    note: reason ?? (move === 'submit' ? null : (sheet?.note ?? null)),
    updated_at: now,
  };
  await inTransaction(app.db, async (trx) => {
    if (!(await repo.moveTimesheet(trx, row, spec.from))) throw new Conflict('The week was changed by someone else; reload it', 'version_conflict');
    await recordAudit(trx, {
      entityType: 'timesheet',
      entityId: `${agent.id}:${weekStart}`,
      actorId: actor.id,
      action: move,
      before: { status },
      after: { status: spec.to, ...(reason && { reason }) },
    });
  });
  return getTimesheet(app, actor, agentRef, weekStart);
}

/** The weeks waiting for a manager (or any status). */
export async function listTimesheets(app: AppContext, actor: Actor, f: { status?: TimesheetStatus; weekStart?: string; limit: number }) {
  assertManager(actor);
  return repo.listTimesheets(app.db, f);
}
