import { parentPort, workerData } from 'node:worker_threads';
import { diskFileStore } from '../../../core/storage/files.js';
import { readMessage, turns, type Read, type ReadRequest, type WorkerReply, type WorkerRequest, type WorkerSetup } from './read.js';
import { cachingResolver } from './transport/mail-auth.js';

/**
 * A thread that reads inbound messages for read-pool.ts: checks each one's authentication and
 * parses it. DNS questions go to the thread that started it (its resolver and cache); the answers
 * are remembered here too, for half as long as there (so none is more than 1.5 times the cache's
 * time old): a sender's domain is asked for by each of its messages, and each question that crosses
 * to the thread holding the database waits there for its turn between transactions.
 */
const port = parentPort!;
const { setup } = workerData as { setup: WorkerSetup };
/** Where this thread stores the originals it reads, if it does (see startReadPool). */
const originals = setup.disk ? diskFileStore(setup.disk) : null;
const asked = new Map<number, { resolve(answer: unknown): void; reject(err: Error): void }>();
let questions = 0;

const resolver = cachingResolver(
  (name: string, rrtype: string) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++questions;
      asked.set(id, { resolve, reject });
      port.postMessage({ kind: 'dns', id, name, rrtype } satisfies WorkerReply);
    }),
  30_000,
);
/** The resolver's answers (and failures) that have come. */
const answered = new WeakSet<Promise<unknown>>();

/**
 * The messages are read in turns, in the order they came: one at a time is checked, parsed and
 * stored, and gives the turn to the next when it is done, or as soon as it waits for a DNS answer
 * that has not come yet (a slow DNS server delays its own message, not the ones behind it), or once
 * its original has taken STORE_TURN_MS to store after its reading was done (a slow disk likewise).
 *
 * Taken all at once, as they were, a burst of messages (every message of the moment, once a shared
 * commit answered the connections it held) was read interleaved: each one's steps, and each of the
 * half dozen file system calls that store its original, waited behind every other one's, so all of
 * them were done at about the same time, late, and the thread holding the database waited idle for
 * the first, then got them all at once (the bench's main thread was busy 50–65 % of the time). In
 * turns, the first is done after one message's time and the others follow one by one, each joining
 * the next shared commit while the next one is read.
 */
const reading = turns();
/** How long a message that is read keeps its turn while its original is being stored (a few file system calls: well under a millisecond on a local disk). */
const STORE_TURN_MS = 5;

async function read(id: number, r: ReadRequest) {
  const raw = Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength);
  const giveUp = await reading.take();
  const waitingFor = (name: string, rrtype: string) => {
    const answer = resolver(name, rrtype);
    if (!answered.has(answer)) {
      giveUp();
      const settled = () => void answered.add(answer);
      answer.then(settled, settled);
    }
    return answer;
  };
  // A failed store is no failed reading: the message comes without a key and is stored as usual.
  const storing = originals?.put(raw).catch(() => undefined);
  let checked: Read;
  try {
    checked = await readMessage(raw, { ...r.at, resolver: waitingFor });
    if (storing) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([storing, new Promise((resolve) => (timer = setTimeout(resolve, STORE_TURN_MS)))]);
      clearTimeout(timer);
    }
  } finally {
    giveUp();
  }
  const fileKey = await storing;
  const { auth, parsed } = checked;
  const stored = fileKey === undefined ? {} : { fileKey };
  const reply: WorkerReply =
    'mail' in parsed
      ? { kind: 'read', id, auth, mail: parsed.mail, ...(parsed.split && { split: parsed.split }), ...stored }
      : { kind: 'read', id, auth, error: { name: parsed.error.name, message: parsed.error.message }, ...stored };
  port.postMessage(reply);
}

port.on('message', (m: WorkerRequest) => {
  if (m.kind === 'read') {
    void read(m.id, m.request).catch((err: unknown) => port.postMessage({ kind: 'failed', id: m.id, message: String(err) } satisfies WorkerReply));
    return;
  }
  const q = asked.get(m.id);
  asked.delete(m.id);
  if (!q) return;
  if (m.error) q.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
  else q.resolve(m.answer);
});
port.postMessage({ kind: 'ready' } satisfies WorkerReply);
