import { assertAdmin, type Actor } from '../../identity/index.js';

/** Gateways, the SMS log, the quarantine and re-processing: admins only. */
export const assertMayAdministerSms = (actor: Actor) => assertAdmin(actor);
