import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { listTickets } from '../tickets/index.js';
import { createProblem, updateProblem } from './problems.service.js';

/**
 * The demo's problem: the open reports of the printer on client A's second floor that prints blank
 * pages, linked to one problem whose cause is known and whose workaround is written down (not yet
 * published to the knowledge base, so that the one action can be tried).
 */
export async function seedDemoProblems(app: AppContext, author: Actor) {
  const { rows } = await listTickets(app, author, { text: 'Printer on the 2nd floor prints blank pages', statuses: ['new', 'open', 'pending_customer', 'pending_vendor'], sort: 'number', limit: 50 });
  if (!rows.length) return;
  const id = await createProblem(app, author, {
    title: 'HP printers print blank pages',
    description: 'Several HP LaserJet printers take the paper but print blank pages.',
    incidents: rows.map((t) => t.id),
  });
  await updateProblem(app, author, id, {
    rootCause: 'A batch of toner cartridges shipped with the transport seal still in place.',
    rootCauseCategory: 'hardware',
    workaround: 'Open the front cover, take the cartridge out and pull the orange seal tab all the way out, then print a test page.',
    status: 'known_error',
  });
}
