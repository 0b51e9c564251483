import { Conflict, Forbidden, NotFound } from '../../core/errors.js';
import { isManager, isStaff, type Actor } from '../identity/index.js';
import type { TimesheetStatus } from './timetracking.tables.js';

/**
 * Who may do what with tracked time: the staff record their own work; a manager records, changes
 * and approves anyone's. Client-side people never see work entries (for a request they may see,
 * the request's work answers 404, as internal handling does).
 */
export function assertMayTrackOnTicket(actor: Actor) {
  if (!isStaff(actor)) throw new NotFound('Request');
}

export function assertMayTrackTime(actor: Actor) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff track time');
}

/** The agent whose time is meant: the actor, or (a manager only) someone else. */
export function agentFor(actor: Actor, agentId: string | undefined): string {
  assertMayTrackTime(actor);
  if (!agentId || agentId === 'me' || agentId === actor.id) return actor.id;
  if (!isManager(actor)) throw new Forbidden("Only a manager may record or read another person's time");
  return agentId;
}

/**
 * Submitted and approved weeks are locked for the agent: only a manager changes them (and every
 * change is in the audit log). An open week (or one never submitted) is the agent's to change.
 */
export function assertMayChangeWeek(actor: Actor, agentId: string, status: TimesheetStatus) {
  if (isManager(actor)) return;
  if (actor.id !== agentId) throw new Forbidden("Only a manager may change another person's time");
  if (status !== 'open')
    throw new Conflict(`The week is ${status}: a manager must change it, or send it back first`, 'timesheet_locked', { status });
}

export function assertManager(actor: Actor) {
  if (!isManager(actor)) throw new Forbidden('Only a service desk manager may do this');
}
