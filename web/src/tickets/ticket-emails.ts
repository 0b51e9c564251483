import type { z } from 'zod';
import type * as em from '../../../src/contracts/email';

type InboundMessage = z.infer<typeof em.InboundMessage>;

/** Where a request's timeline shows that mail was taken in from an unverified sender (staff only). */
export interface UnverifiedMarks {
  /** Timeline entries added by such a message. */
  entries: Set<number>;
  /** The request was opened by such a message (its `created` entry). */
  creation: boolean;
}

/** The messages a request was made from or answered by, read as marks for its timeline (staff). */
export function unverifiedMarks(messages: InboundMessage[] = []): UnverifiedMarks {
  const unverified = messages.filter((m) => m.unverifiedSender);
  return {
    entries: new Set(unverified.flatMap((m) => (m.entryId === null ? [] : [m.entryId]))),
    creation: unverified.some((m) => m.status === 'created'),
  };
}
