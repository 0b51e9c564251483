import { NotFound } from '../../../core/errors.js';
import { assertAdmin, isAdmin, isStaff, type Actor } from '../../identity/index.js';
import type { MessageRow } from './email.repo.js';

/** Mailboxes, the quarantine, re-processing and failing addresses: admins only. */
export const assertMayAdministerMail = (actor: Actor) => assertAdmin(actor);

/**
 * A message and its original: staff for a message that belongs to a request (they see every
 * client's requests), admins any. Everyone else is told it does not exist.
 */
export function assertMayReadMessage(actor: Actor, m: MessageRow) {
  if (isAdmin(actor) || (isStaff(actor) && m.ticket_id)) return;
  throw new NotFound('Message');
}
