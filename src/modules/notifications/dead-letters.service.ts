import { NotFound } from '../../core/errors.js';
import { listDeadLetters, retryDeadLetter } from '../../core/mail/outbox.js';
import type { AppContext } from '../db.js';
import { assertAdmin, type Actor } from '../identity/index.js';

// The mail that could not be delivered: admins see it and send it again.

/** One page of dead letters, newest first. */
export async function listFailedMail(app: AppContext, actor: Actor, q: { cursor?: number; limit: number }) {
  assertAdmin(actor);
  const rows = await listDeadLetters(app.db, { before: q.cursor, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return { rows: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
}

/** Queues a dead letter again, for the next delivery pass. */
export async function retryFailedMail(app: AppContext, actor: Actor, id: number) {
  assertAdmin(actor);
  if (!(await retryDeadLetter(app.db, id, app.clock.now().toISOString()))) throw new NotFound('Dead letter');
}
