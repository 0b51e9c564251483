import os from 'node:os';
import type { Logger } from 'pino';
import type { AppContext } from '../../db.js';
import * as repo from './email.repo.js';
import { receiveMessage } from './intake.service.js';
import { poolSize, startReadPool } from './read.js';
import { normalizeAddress } from './parse.js';
import { startImapPoller, type ImapPoller } from './transport/imap-poller.js';
import fs from 'node:fs';
import { diskStoreRoot } from '../../../core/storage/stores.js';
import { cachingResolver, checkMessage, fromTrustedHeader, systemResolver, type AuthResult, type DnsResolver } from './transport/mail-auth.js';
import { startSmtpListener, type SmtpListener } from './transport/smtp-listener.js';

/** The name this desk writes into Authentication-Results and SPF checks. */
const MTA = os.hostname();

/**
 * The built-in SMTP listener (`SMTP_LISTEN_PORT`): a recipient is accepted when it is an active
 * desk mailbox, and a message gets its 250 once intake committed it. Every message's From is
 * checked (SPF, DKIM, DMARC, ARC) with `resolver` (the system's DNS unless a test gives its own):
 * against the connecting client, or, for a relay that signed in, the origin its Received header names.
 */
export async function startSmtpIntake(app: AppContext, logger: Logger, at: { host: string; port: number; resolver?: DnsResolver }): Promise<SmtpListener> {
  const resolver = cachingResolver(at.resolver ?? systemResolver);
  // New originals go to disk: the reading threads store them (see startReadPool).
  const disk = app.config.attachmentStore === 'disk' ? diskStoreRoot(app.config.dataDir) : null;
  const reading = startReadPool(resolver, poolSize(), disk);
  const tls = app.config.smtpTls;
  const listener = await startSmtpListener({
    host: at.host,
    port: at.port,
    maxBytes: app.config.emailMaxMessageBytes,
    tls: tls ? { cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) } : null,
    auth: app.config.smtpListenAuth,
    handler: {
      async acceptRecipient(address) {
        const a = normalizeAddress(address);
        return !!a && !!(await repo.findActiveMailboxByAddress(app.db, a));
      },
      async deliver(m) {
        // Sent to several desk addresses at once: taken in once, through the first of them.
        let mailbox: repo.MailboxRow | null = null;
        for (const r of m.recipients) {
          const a = normalizeAddress(r);
          mailbox = a ? ((await repo.findActiveMailboxByAddress(app.db, a)) ?? null) : null;
          if (mailbox) break;
        }
        // The original is stored while a reading thread checks and parses the message (by that thread,
        // when it goes to disk): once both are done, intake's transaction is all that is left (it joins
        // the next shared commit at once). Stored here, it is heard by intake, which awaits it or removes
        // what it stored; a message read without its original stored has it stored by intake.
        const storing = disk ? undefined : app.files.put(m.raw);
        storing?.catch(() => undefined);
        const { auth, parsed, fileKey } = await reading.read(m.raw, { ip: m.remoteAddress.replace(/^::ffff:/i, ''), helo: m.helo, sender: m.envelopeFrom, trustReceived: m.relay, mta: MTA });
        const stored = storing ?? (fileKey === undefined ? undefined : Promise.resolve(fileKey));
        const result = await receiveMessage(app, { raw: m.raw, source: 'smtp', mailbox, envelopeFrom: m.envelopeFrom, auth, parsed, stored });
        logger.debug({ ...result, from: m.envelopeFrom, remote: m.remoteAddress }, 'inbound mail');
      },
    },
    onError: (err) => logger.error({ err }, 'SMTP intake failed'),
  });
  logger.info({ host: listener.host, port: listener.port }, 'SMTP listener for inbound mail');
  return {
    ...listener,
    async close() {
      await listener.close();
      await reading.close();
    },
  };
}

/** The envelope sender an MDA recorded in Return-Path ('' for `<>`), or null. */
function returnPath(raw: Buffer): string | null {
  const head = raw.toString('latin1', 0, Math.min(raw.length, 64 * 1024)).split(/\r?\n\r?\n/, 1)[0] ?? '';
  const m = /^return-path:\s*<([^<>]*)>/im.exec(head);
  return m ? m[1]!.trim().toLowerCase() : null;
}

export interface ImapIntake {
  /** Re-reads the mailboxes now (taking or giving up leases, starting and stopping pollers). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Polls every active IMAP mailbox that this process holds the lease of. Several workers on one
 * PostgreSQL share the mailboxes: each is polled by one at a time, and by another within a lease's
 * time when that one stops. A changed mailbox is polled afresh with its new settings.
 */
export function startImapIntake(app: AppContext, logger: Logger, opts: { refreshMs?: number; owner?: string; resolver?: DnsResolver } = {}): ImapIntake {
  const resolver = cachingResolver(opts.resolver ?? systemResolver);
  /** A mailbox's messages: the provider's verdict where the mailbox trusts it, else checked here (origin from Received). */
  const authOf = (raw: Buffer, m: repo.MailboxRow): Promise<AuthResult> =>
    m.trusted_authserv_id ? Promise.resolve(fromTrustedHeader(raw, m.trusted_authserv_id)) : checkMessage(raw, { trustReceived: true, mta: MTA, resolver });
  const refreshMs = opts.refreshMs ?? 30_000;
  const leaseMs = refreshMs * 3;
  const owner = opts.owner ?? `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const pollers = new Map<string, { poller: ImapPoller; version: string }>();
  let stopped = false;

  const stopPoller = async (id: string) => {
    const p = pollers.get(id);
    pollers.delete(id);
    await p?.poller.stop();
  };

  const readMailboxes = async () => {
    if (stopped) return;
    const now = app.clock.now();
    const mailboxes = await repo.listActiveImapMailboxes(app.db);
    const seen = new Set<string>();
    for (const m of mailboxes) {
      seen.add(m.id);
      const version = m.updated_at;
      const held = await repo.leaseMailbox(app.db, m.id, owner, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString());
      const running = pollers.get(m.id);
      if (!held || (running && running.version !== version)) await stopPoller(m.id);
      if (stopped || !held || pollers.has(m.id) || !m.imap_host || !m.imap_user || !m.imap_password) continue;
      const mailbox = m;
      const poller = startImapPoller(
        {
          host: m.imap_host,
          port: m.imap_port ?? 993,
          secure: m.imap_secure === 1,
          user: m.imap_user,
          password: m.imap_password,
          folder: m.imap_folder,
          doneAction: m.done_action,
          moveTo: m.move_to,
        },
        {
          async deliver({ raw, declaredSize }) {
            // A message too large to fetch comes as its header, with its size: quarantined, not lost.
            const auth = declaredSize <= app.config.emailMaxMessageBytes ? await authOf(raw, mailbox) : null;
            const result = await receiveMessage(app, { raw, source: 'imap', mailbox, envelopeFrom: returnPath(raw), declaredSize, auth });
            logger.debug({ ...result, mailbox: mailbox.address }, 'inbound mail');
          },
        },
        {
          pollMs: app.config.emailImapPollSeconds * 1000,
          maxBytes: app.config.emailMaxMessageBytes,
          onStatus: (err) => {
            if (err) logger.warn({ err, mailbox: mailbox.address }, 'IMAP mailbox unreachable');
            void repo.updatePollState(app.db, mailbox.id, { last_error: err ? err.message.slice(0, 500) : null }).catch(() => undefined);
          },
          onPolled: () => void repo.updatePollState(app.db, mailbox.id, { last_polled_at: app.clock.now().toISOString() }).catch(() => undefined),
        },
      );
      pollers.set(m.id, { poller, version });
    }
    for (const id of [...pollers.keys()]) if (!seen.has(id)) await stopPoller(id);
  };

  // One refresh at a time, and stop() waits for the one under way.
  let inflight: Promise<void> = Promise.resolve();
  const refresh = () => (inflight = inflight.then(readMailboxes));
  let timer: NodeJS.Timeout | null = null;
  const loop = () => {
    timer = setTimeout(() => {
      refresh()
        .catch((err: unknown) => logger.error({ err }, 'IMAP intake refresh failed'))
        .finally(() => !stopped && loop());
    }, refreshMs);
  };
  void refresh()
    .catch((err: unknown) => logger.error({ err }, 'IMAP intake refresh failed'))
    .finally(() => !stopped && loop());

  return {
    refresh,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inflight.catch(() => undefined);
      const ids = [...pollers.keys()];
      await Promise.all(ids.map(stopPoller));
      for (const id of ids) await repo.releaseMailbox(app.db, id, owner).catch(() => undefined);
    },
  };
}
