import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Conflict, Forbidden, NotFound } from '../../core/errors.js';
import { hashSecret } from '../../core/ids/ids.js';
import type { AppContext } from '../db.js';
import { findUserById, type Actor, type Locale } from '../identity/index.js';
import { findTicketById, loadTicket, type TicketRow } from '../tickets/index.js';
import * as repo from './notifications.repo.js';

export interface Rating {
  rating: number;
  comment?: string | null;
}

/**
 * Records the requester's satisfaction with a resolved (or closed) request; a later rating replaces
 * the earlier one. The comment is kept unless a new one is given.
 */
async function rate(app: AppContext, t: TicketRow, userId: string, input: Rating) {
  if (t.status !== 'resolved' && t.status !== 'closed') throw new Conflict('Only a resolved or closed request can be rated', 'not_resolved');
  const now = app.clock.now().toISOString();
  const before = await repo.findSatisfaction(app.db, t.id);
  const comment = input.comment === undefined ? (before?.comment ?? null) : input.comment;
  await inTransaction(app.db, async (trx) => {
    await repo.upsertSatisfaction(trx, { ticket_id: t.id, user_id: userId, rating: input.rating, comment, created_at: now, updated_at: now });
    await recordAudit(trx, {
      entityType: 'ticket',
      entityId: t.id,
      actorId: userId,
      action: 'rated',
      before: before ? { rating: before.rating, comment: before.comment } : null,
      after: { rating: input.rating, comment },
    });
    await app.events.append(trx, { type: 'ticket.rated', subjectType: 'ticket', subjectId: t.id, actorId: userId, data: { rating: input.rating } });
  });
  return (await repo.findSatisfaction(app.db, t.id))!;
}

/** The signed-in requester rates their own request. */
export async function rateAsRequester(app: AppContext, actor: Actor, idOrNumber: string, input: Rating) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  if (t.requester_id !== actor.id) throw new Forbidden('Only the requester may rate the request');
  return rate(app, t, actor.id, input);
}

/** A request's rating, for whoever may see the request; null when not rated. */
export async function getRating(app: AppContext, actor: Actor, idOrNumber: string) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  return (await repo.findSatisfaction(app.db, t.id)) ?? null;
}

/** What a rating link stands for: its request and person, if it is valid and not expired. */
export async function resolveRatingLink(app: AppContext, token: string) {
  const row = await repo.findSatisfactionToken(app.db, hashSecret(token));
  if (!row || row.expires_at <= app.clock.now().toISOString()) throw new NotFound('Rating link');
  const [t, user] = await Promise.all([findTicketById(app.db, row.ticket_id), findUserById(app.db, row.user_id)]);
  if (!t || !user || !user.active || t.requester_id !== user.id) throw new NotFound('Rating link');
  return { ticket: t, user, locale: user.locale as Locale };
}

/**
 * What a rating link's page shows before anything is recorded: its request, the reader's language
 * and the rating so far. Refused like a rating when the link is invalid or the request open again.
 */
export async function previewRatingLink(app: AppContext, token: string) {
  const { ticket, locale } = await resolveRatingLink(app, token);
  if (ticket.status !== 'resolved' && ticket.status !== 'closed') throw new Conflict('Only a resolved or closed request can be rated', 'not_resolved');
  const current = (await repo.findSatisfaction(app.db, ticket.id)) ?? null;
  return { ticket, locale, current };
}

/** Rates through a link from the resolution e-mail: the link is the credential, no sign-in. */
export async function rateByLink(app: AppContext, token: string, input: Rating) {
  const { ticket, user, locale } = await resolveRatingLink(app, token);
  const saved = await rate(app, ticket, user.id, input);
  return { saved, ticket, locale };
}
