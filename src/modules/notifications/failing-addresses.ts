import type { Db } from '../db.js';

/**
 * Whether mail to this address bounces, as the e-mail channel records it: such an address gets no
 * more notices by e-mail (the in-app feed still works). Until the channel records bounces, none is.
 */
export async function isAddressFailing(_db: Db, _address: string): Promise<boolean> {
  return false;
}
