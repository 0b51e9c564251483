import { Forbidden } from '../../core/errors.js';
import { isStaff, type Actor } from '../identity/index.js';

/** Problems and major incidents are the desk's own work: client-side people never see them. */
export function assertMayWorkProblems(actor: Actor) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff may see problems and major incidents');
}
