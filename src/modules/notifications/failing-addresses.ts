import type { Db } from '../db.js';
import { failingAddresses as markedFailing } from '../channels/email/index.js';

/**
 * Which of these addresses bounce, as the e-mail channel records it from delivery failure notices:
 * such an address gets no more notices by e-mail (the in-app feed still works).
 */
export const failingAddresses = (db: Db, addresses: string[]): Promise<Set<string>> => markedFailing({ db }, addresses);
