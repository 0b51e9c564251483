import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MimeTooComplex } from './mime-prepare.js';
import { parseMail, type InboundMail } from './parse.js';
import { splitReply, type SplitReply } from './reply-trim.js';
import { isForwardSubject } from './subject.js';
import { checkMessage, type AuthResult, type DnsResolver } from './transport/mail-auth.js';

/**
 * Reading a message before intake decides about it: its authentication checked (SPF, DKIM, DMARC,
 * ARC) and its MIME parsed. That is most of the processor time a message costs apart from the
 * database, so the SMTP listener does it in worker threads (a pool of them, see startReadPool),
 * and the thread that holds the database only decides and writes.
 */
export type Parsed = { mail: InboundMail; split?: SplitReply } | { error: Error };

/** How a message came (see checkMessage): where from, which name greeted, for whom. */
export type CheckAt = Omit<Parameters<typeof checkMessage>[1], 'resolver'>;

export interface Read {
  auth: AuthResult;
  parsed: Parsed;
  /** The original, stored on disk by the reading thread (see startReadPool's `disk`): its key. */
  fileKey?: string;
}

/** Parses a message; a failure is the result (intake quarantines it with the reason), not thrown. */
export async function parseOutcome(raw: Buffer): Promise<Parsed> {
  try {
    return { mail: await parseMail(raw) };
  } catch (err) {
    return { error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/**
 * The text of a new request, split from what it quotes (see bodyText in intake.service.ts): the
 * split of most messages (a reply to a request splits its text otherwise, knowing it is one), made
 * where the message is read, off the thread that holds the database.
 */
export const newRequestSplit = (mail: InboundMail): SplitReply => splitReply(mail.text, { signOff: false, forward: isForwardSubject(mail.subject) });

/** Checks and parses a message here, in this thread (and splits its text as a new request's). */
export async function readMessage(raw: Buffer, at: CheckAt & { resolver: DnsResolver }): Promise<Read> {
  const [auth, parsed] = await Promise.all([checkMessage(raw, at), parseOutcome(raw)]);
  return { auth, parsed: 'mail' in parsed ? { ...parsed, split: newRequestSplit(parsed.mail) } : parsed };
}

/**
 * Turns taken in the order they were asked for: `take()` resolves once every earlier taker gave its
 * turn up, with the function that gives this one's up (once; calling it again does nothing). A
 * reading thread reads its messages in turns (see read.worker.ts).
 */
export function turns(): { take(): Promise<() => void> } {
  let last: Promise<void> = Promise.resolve();
  return {
    async take() {
      let giveUp!: () => void;
      const mine = new Promise<void>((resolve) => (giveUp = resolve));
      const before = last;
      last = before.then(() => mine);
      await before;
      return giveUp;
    },
  };
}

// What the pool and its threads say to each other.
export interface ReadRequest {
  raw: Uint8Array;
  at: CheckAt;
}
export type WorkerRequest =
  | { kind: 'read'; id: number; request: ReadRequest }
  | { kind: 'dns'; id: number; answer?: unknown; error?: { message: string; code?: string } };
export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'dns'; id: number; name: string; rrtype: string }
  | { kind: 'read'; id: number; auth: AuthResult; mail: InboundMail; split?: SplitReply; fileKey?: string }
  | { kind: 'read'; id: number; auth: AuthResult; error: { name: string; message: string }; fileKey?: string }
  | { kind: 'failed'; id: number; message: string };

export interface ReadPool {
  /** Reads a message in a worker thread, or here while none is ready (starting, or gone). */
  read(raw: Buffer, at: CheckAt): Promise<Read>;
  /** Resolves once every thread of the pool can take messages (or failed): with how many can. */
  ready(): Promise<number>;
  close(): Promise<void>;
}

/** The threads a machine with `cpus` processors gets: one processor stays for the database's. */
export const poolSize = (cpus = os.availableParallelism()) => Math.max(0, Math.min(4, cpus - 1));

const here = import.meta.url;
const require = createRequire(here);

/** What a reading thread is told when it starts: where it stores originals, if it does. */
export interface WorkerSetup {
  disk: string | null;
}

/**
 * The worker: compiled JavaScript in dist/; from the TypeScript sources (tests, the bench) it
 * loads them through tsx, registered in the thread itself.
 */
function startWorker(setup: WorkerSetup): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL('./read.worker.js', here), { workerData: { setup } });
  const boot = `const { workerData: w } = require('node:worker_threads');
import(w.tsx).then((tsx) => { tsx.register(); return import(w.url); });`;
  return new Worker(boot, { eval: true, execArgv: [], workerData: { setup, tsx: new URL('./esm/api/index.mjs', pathToFileURL(require.resolve('tsx'))).href, url: new URL('./read.worker.ts', here).href } });
}

interface Thread {
  worker: Worker;
  ready: boolean;
  pending: Map<number, { raw: Buffer; at: CheckAt; resolve(r: Read): void }>;
}

/**
 * `size` worker threads reading messages, their DNS questions answered by `resolver` (in this
 * thread: one cache for all). A message goes to the thread with the fewest in hand. A thread that
 * fails hands its messages back to be read here, so that none is lost or left waiting.
 *
 * `disk`: the disk file store's folder, when new files go there: a thread also stores each
 * original it reads (its key comes with the reading), which spares the thread holding the database
 * the half dozen file system calls of each. A message read here, or whose storing failed there,
 * comes without a key: its original is stored as usual.
 */
export function startReadPool(resolver: DnsResolver, size = poolSize(), disk: string | null = null): ReadPool {
  const threads: Thread[] = [];
  let jobs = 0;
  const readHere = (raw: Buffer, at: CheckAt) => readMessage(raw, { ...at, resolver });

  const start = () => {
    const t: Thread = { worker: startWorker({ disk }), ready: false, pending: new Map() };
    const fail = () => {
      const i = threads.indexOf(t);
      if (i >= 0) threads.splice(i, 1);
      for (const job of t.pending.values()) void readHere(job.raw, job.at).then(job.resolve);
      t.pending.clear();
    };
    // The listener keeps the process up; a pool left open does not.
    t.worker.unref();
    t.worker.on('error', fail);
    t.worker.on('exit', fail);
    t.worker.on('message', (m: WorkerReply) => {
      if (m.kind === 'ready') {
        t.ready = true;
        return;
      }
      if (m.kind === 'dns') {
        resolver(m.name, m.rrtype).then(
          (answer) => t.worker.postMessage({ kind: 'dns', id: m.id, answer } satisfies WorkerRequest),
          (err: Error & { code?: string }) => t.worker.postMessage({ kind: 'dns', id: m.id, error: { message: err.message, code: err.code } } satisfies WorkerRequest),
        );
        return;
      }
      const job = t.pending.get(m.id);
      t.pending.delete(m.id);
      if (!job) return;
      if (m.kind === 'failed') return void readHere(job.raw, job.at).then(job.resolve);
      const fileKey = m.fileKey === undefined ? {} : { fileKey: m.fileKey };
      if ('error' in m) return job.resolve({ auth: m.auth, parsed: { error: rebuildError(m.error) }, ...fileKey });
      // Buffers cross as plain byte arrays.
      for (const f of m.mail.files) f.data = Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength);
      job.resolve({ auth: m.auth, parsed: { mail: m.mail, ...(m.split && { split: m.split }) }, ...fileKey });
    });
    threads.push(t);
  };
  for (let i = 0; i < size; i++) start();

  return {
    read(raw, at) {
      const ready = threads.filter((t) => t.ready);
      if (!ready.length) return readHere(raw, at);
      const t = ready.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = ++jobs;
      return new Promise<Read>((resolve) => {
        t.pending.set(id, { raw, at, resolve });
        t.worker.postMessage({ kind: 'read', id, request: { raw, at } } satisfies WorkerRequest);
      });
    },
    async ready() {
      while (threads.some((t) => !t.ready)) await new Promise((r) => setTimeout(r, 20));
      return threads.length;
    },
    async close() {
      const all = threads.splice(0);
      await Promise.all(all.map((t) => t.worker.terminate()));
    },
  };
}

const rebuildError = (e: { name: string; message: string }) =>
  e.name === 'MimeTooComplex' ? new MimeTooComplex(e.message) : Object.assign(new Error(e.message), { name: e.name });
