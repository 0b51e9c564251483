import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { isUniqueViolation } from '../../core/db/dialect.js';
import { Conflict } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import { cancelTimer, scheduleTimer, type DueTimer } from '../../core/jobs/timers.js';
import type { AppContext, Db } from '../db.js';
import type { Actor } from '../identity/index.js';
import { loadTicket, ticketNumber } from '../tickets/index.js';
import { checkContractHours } from './contract-hours.service.js';
import { nextLocalMidnight, weekStartOf } from './local-time.js';
import type { Activity } from './timetracking.tables.js';
import { assertMayChangeWeek, assertMayTrackOnTicket, assertMayTrackTime } from './work.policy.js';
import * as repo from './work.repo.js';
import { findAgent, weekStatus } from './work-entries.service.js';

/** The durable timer that flags a work timer still running at the agent's local midnight. */
export const OVERNIGHT_TIMER = 'timetracking.overnight';
const overnightKey = (agentId: string) => `worktimer:${agentId}`;

const alreadyRunning = async (db: Db, r: repo.TimerRow) => {
  const t = await db.selectFrom('tickets').select('number').where('id', '=', r.ticket_id).executeTakeFirst();
  return new Conflict(`A timer is already running${t ? ` on ${ticketNumber(t.number)}` : ''}; stop it first`, 'timer_running', { ticketId: r.ticket_id });
};

/** Starts the agent's timer on a request; one at a time. */
export async function startTimer(app: AppContext, actor: Actor, ticketRef: string, input: { activity?: Activity; billable?: boolean; note?: string }) {
  assertMayTrackOnTicket(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  const agent = await findAgent(app.db, actor.id, 'agent');
  const running = await repo.findTimer(app.db, actor.id);
  if (running) throw await alreadyRunning(app.db, running);
  const now = app.clock.now().toISOString();
  const row: repo.TimerRow = {
    agent_id: actor.id,
    id: newId(),
    ticket_id: t.id,
    started_at: now,
    activity: input.activity ?? 'remote',
    billable: input.billable === false ? 0 : 1,
    note: input.note ?? '',
    overnight_at: null,
  };
  try {
    await inTransaction(app.db, async (trx) => {
      await repo.insertTimer(trx, row);
      await scheduleTimer(trx, { key: overnightKey(actor.id), kind: OVERNIGHT_TIMER, subjectId: actor.id, dueAt: nextLocalMidnight(now, agent.time_zone), payload: { timerId: row.id } });
      await recordAudit(trx, { entityType: 'work_timer', entityId: row.id, actorId: actor.id, action: 'started', after: { ticketId: t.id, activity: row.activity, billable: row.billable } });
    });
  } catch (err) {
    // Started twice at once: the agent's key lets only one in.
    if (isUniqueViolation(err)) throw await alreadyRunning(app.db, (await repo.findTimer(app.db, actor.id)) ?? row);
    throw err;
  }
  return row;
}

export async function currentTimer(app: AppContext, actor: Actor) {
  assertMayTrackTime(actor);
  return (await repo.findTimer(app.db, actor.id)) ?? null;
}

/**
 * Stops the agent's timer (on this request) and records the work. A timer that ran past the
 * agent's local midnight is not counted as it is: the entry is flagged until someone states how
 * long the work really took.
 */
export async function stopTimer(app: AppContext, actor: Actor, ticketRef: string, input: { note?: string }) {
  assertMayTrackOnTicket(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  const timer = await repo.findTimer(app.db, actor.id);
  if (!timer) throw new Conflict('No timer is running', 'no_timer');
  if (timer.ticket_id !== t.id) throw new Conflict('The running timer is on another request', 'timer_elsewhere', { ticketId: timer.ticket_id });
  const agent = await findAgent(app.db, actor.id, 'agent');
  const now = app.clock.now();
  const week = weekStartOf(timer.started_at, agent.time_zone);
  assertMayChangeWeek(actor, actor.id, await weekStatus(app.db, actor.id, week));
  const overnight = timer.overnight_at !== null || now.toISOString() >= nextLocalMidnight(timer.started_at, agent.time_zone);
  const minutes = Math.max(1, Math.round((now.getTime() - new Date(timer.started_at).getTime()) / 60_000));
  const note = [timer.note, input.note].filter(Boolean).join('\n');
  const entry: repo.EntryRow = {
    id: newId(),
    ticket_id: t.id,
    organization_id: t.organization_id,
    agent_id: actor.id,
    started_at: timer.started_at,
    minutes,
    activity: timer.activity,
    billable: timer.billable,
    note,
    source: 'timer',
    week_start: week,
    flagged: overnight ? 'overnight' : null,
    created_by: actor.id,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  await inTransaction(app.db, async (trx) => {
    if (!(await repo.deleteTimer(trx, actor.id, timer.id))) throw new Conflict('No timer is running', 'no_timer');
    await cancelTimer(trx, overnightKey(actor.id));
    await repo.insertEntry(trx, entry);
    const { id: _id, created_at: _c, updated_at: _u, ...fields } = entry;
    await recordAudit(trx, { entityType: 'work_entry', entityId: entry.id, actorId: actor.id, action: 'created', after: { ...fields, timerId: timer.id } });
    if (entry.billable && !entry.flagged) await checkContractHours(app, trx, entry.organization_id, entry.started_at);
  });
  return entry.id;
}

/** Timer: the agent's local midnight passed with the timer running; flag it (once) for review. */
export async function onOvernightTimer(app: AppContext, trx: Db, due: DueTimer) {
  const { timerId } = due.payload as { timerId: string };
  if (!(await repo.flagTimerOvernight(trx, due.subjectId, timerId, due.dueAt))) return;
  await recordAudit(trx, { entityType: 'work_timer', entityId: timerId, actorId: null, action: 'flagged_overnight', after: { at: due.dueAt } });
}
