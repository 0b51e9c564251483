import type { DomainEvent } from '../../core/events/events.js';
import type { DueTimer } from '../../core/jobs/timers.js';
import type { AppContext } from '../db.js';
import { changeAutomatically, findTicketById } from '../tickets/index.js';
import { findClock, nextLine } from '../sla/index.js';
import { assignAutomatically } from './assignment.js';
import { isKept } from './line-budget.service.js';

/** A new request, or one that moved to another line unassigned, goes to an agent of that line. */
export async function onTicketRouted(app: AppContext, e: DomainEvent) {
  await assignAutomatically(app, e.subjectId);
}

/**
 * Timer: the request's budget at its line is used up (business time, pauses excluded) without it
 * being resolved: it moves to the next line by itself, saying why, unless its agent keeps it.
 */
export async function onLineBudgetUsed(app: AppContext, timer: DueTimer) {
  const { line, cycle } = timer.payload as { line: string; cycle: number };
  const t = await findTicketById(app.db, timer.subjectId);
  const clock = await findClock(app.db, timer.subjectId, 'line');
  const to = nextLine(line);
  if (!t || !to || t.line !== line || !clock || clock.state !== 'running' || clock.cycle !== cycle) return;
  // The agent said why they keep it: it stays, and the manager sees it among those past the budget.
  if (await isKept(app.db, t, cycle)) return;
  const minutes = Math.round(Number(clock.target_minutes));
  await changeAutomatically(app, t.id, { line: to, reason: { code: 'line_budget_used', params: { line, minutes } }, by: 'time' });
}
