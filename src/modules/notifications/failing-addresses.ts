import type { Db } from '../db.js';
import { isAddressFailing as markedFailing } from '../channels/email/index.js';

/**
 * Whether mail to this address bounces, as the e-mail channel records it from delivery failure
 * notices: such an address gets no more notices by e-mail (the in-app feed still works).
 */
export const isAddressFailing = (db: Db, address: string): Promise<boolean> => markedFailing({ db }, address);
