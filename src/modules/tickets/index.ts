/** What other modules may use of tickets. */
export { loadTicket } from './tickets.service.js';
export { ticketNumber } from './http/presenters.js';
export type { TicketRow } from './tickets.repo.js';
export type { Status, Priority, TicketType } from './tickets.tables.js';
import type { Db } from '../db.js';

/** A ticket by id without any caller's scope: for the engine's own work (timers, escalation, the reactions to its events). */
export { createdInTransaction, findTicketById, refreshSlaDue } from './tickets.repo.js';
export { changeAutomatically, SYSTEM_ACTOR, updateTicket, type UpdateTicketInput } from './tickets.service.js';
export { addComment, attachToCreation, checkUpload, recordTimelineEvent, type UploadedFile } from './timeline.service.js';
export { createTicket } from './tickets.service.js';
export { listTickets } from './tickets.service.js';
export { attributingEntries, findEntry, listTags, listWatchers, recentOpenTicket, watchersAndPeople } from './tickets.repo.js';
export { listEntries as listTimelineEntries, findCategory } from './tickets.repo.js';
export { PUBLIC_EVENTS } from './tickets.policy.js';
/** The ids of the resolved and closed requests (the knowledge base indexes them). */
export const listResolvedTicketIds = async (db: Db) =>
  (await db.selectFrom('tickets').select('id').where('status', 'in', ['resolved', 'closed']).orderBy('id').execute()).map((r) => r.id);
/** Writes an event on a request's timeline in the caller's transaction (for modules that act on requests). */
export { insertEntry as insertTimelineEntry, insertEntries as insertTimelineEntries } from './tickets.repo.js';
export { mergeTickets } from './merge.service.js';
export { localizedReason, reasonOf, reasonText, type Reason } from './reasons.js';
