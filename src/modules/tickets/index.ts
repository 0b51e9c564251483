/** What other modules may use of tickets. */
export { loadTicket } from './tickets.service.js';
export { ticketNumber } from './http/presenters.js';
export type { TicketRow } from './tickets.repo.js';
export type { Status, Priority, TicketType } from './tickets.tables.js';
import type { Db } from '../db.js';

/** A ticket by id without any caller's scope: for the engine's own work (timers, escalation). */
export const findTicketById = (db: Db, id: string) => db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
export { changeAutomatically, SYSTEM_ACTOR, updateTicket } from './tickets.service.js';
export { addComment } from './timeline.service.js';
