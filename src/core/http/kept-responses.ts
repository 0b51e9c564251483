import type { FastifyReply } from 'fastify';
import type { Clock } from '../clock/clock.js';
import { changeMark } from '../db/connect.js';

interface Kept {
  mark: string;
  /** The clock's time when it was read: what it says of time left holds for `maxAgeMs`. */
  at: number;
  body: Promise<Buffer>;
  bytes: number;
}

export interface KeptResponsesOptions {
  /** How long a body stays good while nothing is written (its figures of time left age meanwhile); 0: none is kept. */
  maxAgeMs: () => number;
  /** What is kept (bodies and keys), in bytes at most; the least recently asked for go first. */
  maxBytes: number;
}

/**
 * Serialized responses kept while the database has not changed (`changeMark`) and for at most
 * `maxAgeMs` of the clock: a queue's page asked for again and again (each agent's screen refreshing,
 * a manager's wall display, a script polling) is read and serialized once, and requests that ask for
 * it while it is being made wait for that one making. Any write, by any process, makes the next
 * request read afresh. Where the database gives no mark (PostgreSQL), every request reads.
 *
 * The key must name everything the body depends on besides the data and the time: who asks, and
 * what they ask.
 */
export function keptResponses(db: object, clock: Clock, options: KeptResponsesOptions) {
  const kept = new Map<string, Kept>();
  let bytes = 0;
  const forget = (key: string, entry: Kept) => {
    if (kept.get(key) !== entry) return;
    kept.delete(key);
    bytes -= entry.bytes;
  };
  return {
    /** Sends what `make` answers, serialized by the route's response schema, or the body kept for `key`. */
    async send(reply: FastifyReply, key: string, make: () => Promise<unknown>): Promise<FastifyReply> {
      const serialized = async () => Buffer.from(reply.serialize(await make()) as string);
      const maxAge = options.maxAgeMs();
      const mark = maxAge > 0 ? changeMark(db) : null;
      let body: Buffer;
      if (mark === null) body = await serialized();
      else {
        const now = clock.now().getTime();
        let entry = kept.get(key);
        if (entry && (entry.mark !== mark || now < entry.at || now - entry.at >= maxAge)) {
          forget(key, entry);
          entry = undefined;
        }
        if (entry) {
          // The most recently asked for go last, so that the oldest are dropped first.
          kept.delete(key);
          kept.set(key, entry);
        } else {
          const made: Kept = { mark, at: now, body: serialized(), bytes: 0 };
          entry = made;
          kept.set(key, made);
          made.body.then(
            (b) => {
              if (kept.get(key) !== made) return;
              // The key and the entry count too, or small bodies (counts) could pile up unbounded.
              made.bytes = b.length + key.length * 2 + 200;
              bytes += made.bytes;
              for (const [k, e] of kept) {
                if (bytes <= options.maxBytes) break;
                forget(k, e);
              }
            },
            () => forget(key, made),
          );
        }
        body = await entry.body;
      }
      return reply.type('application/json; charset=utf-8').send(body);
    },
  };
}
