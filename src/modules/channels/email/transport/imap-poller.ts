import type { ImapFlow } from 'imapflow';
import { lazy } from '../../../../core/lazy.js';

const imapflow = lazy(() => import('imapflow'));

/** An IMAP account and folder to take mail from. */
export interface ImapAccount {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  folder: string;
  /** After the handler committed a message: flag it (\Seen and DONE_KEYWORD) or move it to `moveTo`. */
  doneAction: 'flag' | 'move';
  moveTo: string | null;
}

/** The keyword that marks a message as taken in, so that people may read the mailbox too. */
export const DONE_KEYWORD = '$Tierdesk';

export interface ImapHandler {
  /**
   * Takes a message in; resolves once it is committed. Throwing leaves the message as it is, to be
   * tried again. `declaredSize` is the size on the server when only the header was fetched.
   */
  deliver(message: { raw: Buffer; uid: number; declaredSize: number }): Promise<void>;
}

export interface ImapPollerOptions {
  /** Checks this often even without IDLE news (and after an error, waits this long at most). */
  pollMs: number;
  /** Larger messages are handed over with their header only. */
  maxBytes: number;
  /** Messages per pass before IDLE; the rest follow at once. */
  batch?: number;
  /** Told of every connection failure (null once it works again). */
  onStatus?(error: Error | null): void;
  /** Told after each pass over the folder. */
  onPolled?(): void;
}

export interface ImapPoller {
  /** Checks the folder now. */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Polls one IMAP folder: takes every message not yet done, one at a time, and marks it done (flag
 * or move) only after the handler resolved. Between passes it waits in IDLE, so new mail is taken
 * at once, with a periodic check besides. Reconnects after failures, waiting longer each time.
 */
export function startImapPoller(account: ImapAccount, handler: ImapHandler, opts: ImapPollerOptions): ImapPoller {
  let stopped = false;
  let wakeUp: (() => void) | null = null;
  let pending = false;
  let client: ImapFlow | null = null;
  const wake = () => {
    pending = true;
    wakeUp?.();
  };
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pending || stopped) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  const pass = async (c: ImapFlow) => {
    for (;;) {
      pending = false;
      const query = account.doneAction === 'flag' ? { unKeyword: DONE_KEYWORD, deleted: false } : { deleted: false };
      const uids = ((await c.search(query, { uid: true })) || []).sort((a, b) => a - b).slice(0, opts.batch ?? 100);
      if (!uids.length || stopped) return;
      for (const uid of uids) {
        if (stopped) return;
        const head = await c.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
        if (!head) continue;
        const size = head.size ?? 0;
        const msg = await c.fetchOne(String(uid), size > opts.maxBytes ? { uid: true, headers: true } : { uid: true, source: true }, { uid: true });
        if (!msg) continue;
        const raw = (size > opts.maxBytes ? msg.headers : msg.source) ?? Buffer.alloc(0);
        await handler.deliver({ raw, uid, declaredSize: size });
        if (account.doneAction === 'move' && account.moveTo) await c.messageMove(String(uid), account.moveTo, { uid: true });
        else await c.messageFlagsAdd(String(uid), ['\\Seen', DONE_KEYWORD], { uid: true });
      }
    }
  };

  const run = async () => {
    let failures = 0;
    while (!stopped) {
      const c = new (await imapflow()).ImapFlow({
        host: account.host,
        port: account.port,
        secure: account.secure,
        auth: { user: account.user, pass: account.password },
        logger: false,
        // IDLE soon after each pass, so that the server tells of new mail at once.
        autoIdleDelay: 200,
      });
      client = c;
      const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
      c.on('error', () => undefined);
      c.on('exists', wake);
      try {
        await c.connect();
        if (account.doneAction === 'move' && account.moveTo) await c.mailboxCreate(account.moveTo).catch(() => undefined);
        failures = 0;
        opts.onStatus?.(null);
        while (!stopped && c.usable) {
          // The folder stays selected between passes; the lock is let go so that the client
          // enters IDLE, in which the server reports new mail (the 'exists' event).
          const lock = await c.getMailboxLock(account.folder);
          try {
            await pass(c);
          } finally {
            lock.release();
          }
          opts.onPolled?.();
          await Promise.race([wait(opts.pollMs), closed]);
        }
      } catch (err) {
        if (stopped) break;
        failures++;
        opts.onStatus?.(err instanceof Error ? err : new Error(String(err)));
      } finally {
        client = null;
        if (c.usable) await c.logout().catch(() => undefined);
        else c.close();
      }
      if (!stopped && failures) await wait(Math.min(opts.pollMs, 1000 * 2 ** Math.min(failures, 8)));
    }
  };
  const running = run();

  return {
    wake,
    async stop() {
      stopped = true;
      wakeUp?.();
      const c = client;
      if (c?.usable) c.close();
      await running;
    },
  };
}
