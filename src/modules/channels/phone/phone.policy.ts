import { Forbidden } from '../../../core/errors.js';
import { assertAdmin, isStaff, type Actor } from '../../identity/index.js';

/** PBX connectors (and their secrets): admins only. */
export const assertMayAdministerPhone = (actor: Actor) => assertAdmin(actor);

/**
 * The call log, caller identification and the callback list: the service desk staff. Client-side
 * people (a client's IT manager included) are refused: calls carry other callers' numbers and the
 * agents' handling, and nothing in them is theirs to act on.
 */
export function assertMayUsePhone(actor: Actor) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff may use the telephone channel');
}
