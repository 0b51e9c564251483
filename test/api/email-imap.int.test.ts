import { ImapFlow } from 'imapflow';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImapIntake, type ImapIntake } from '../../src/modules/channels/email/index.js';
import { DONE_KEYWORD, startImapPoller } from '../../src/modules/channels/email/transport/imap-poller.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { useDovecot, type Dovecot } from '../support/dovecot.js';
import { buildMessage, corpusMessage } from '../support/email.js';
import { memoryResolver } from '../support/mail-dns.js';

/**
 * IMAP intake against a real Dovecot that the test starts on loopback: messages are delivered into
 * its mailboxes with IMAP APPEND, and Tierdesk's poller takes them from there.
 */

/** A real server on a busy machine: each test waits at most this long. */
const SLOW = 45_000;

const USERS = [
  { user: 'desk-a', password: 'pass-a-123' },
  { user: 'desk-b', password: 'pass-b-123' },
  { user: 'desk-c', password: 'pass-c-123' },
];

/** Waits for a condition a real server brings about, checking every 100 ms, for at most `ms`. */
async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens an IMAP session as a mail client would, runs `fn`, and logs out. */
async function imap<T>(d: Dovecot, user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = new ImapFlow({ host: d.host, port: d.port, secure: false, auth: { user, pass: USERS.find((u) => u.user === user)!.password }, logger: false });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

const append = (d: Dovecot, user: string, raw: string | Buffer, folder = 'INBOX') =>
  imap(d, user, async (c) => {
    const r = await c.append(folder, raw);
    if (!r || !r.uid) throw new Error('APPEND gave no UID');
    return { uid: r.uid };
  });

/** The flags of every message in a folder, by UID. */
const flagsIn = (d: Dovecot, user: string, folder = 'INBOX') =>
  imap(d, user, async (c) => {
    const lock = await c.getMailboxLock(folder);
    try {
      const out = new Map<number, Set<string>>();
      if (!(c.mailbox && c.mailbox.exists)) return out;
      for await (const m of c.fetch('1:*', { uid: true, flags: true })) out.set(m.uid, m.flags ?? new Set());
      return out;
    } finally {
      lock.release();
    }
  });

describe.each(DATABASES)('IMAP intake from Dovecot (%s)', (db) => {
  const t = useTestApp(db);
  const dovecot = useDovecot(USERS);
  let admin: Client;
  let staff: Client;
  let intake: ImapIntake;
  let flagBox: any;

  const messageWithSubject = async (subject: string) =>
    (await admin.get('/api/v1/email/messages?limit=50')).body.items.find((m: any) => m.subject === subject);

  beforeAll(async () => {
    admin = await t.login('admin@demo.test');
    staff = await t.login('l1@demo.test');
    const orgB = (await admin.get('/api/v1/organizations')).body.items.find((o: any) => o.name === 'Client B Retail').id;
    const imapOf = (user: string, extra: object = {}) => ({ host: dovecot.host, port: dovecot.port, secure: false, user, password: USERS.find((u) => u.user === user)!.password, folder: 'INBOX', doneAction: 'flag', ...extra });
    // The corpus' senders publish no SPF, DKIM or DMARC (no name resolves here): this mailbox takes
    // their mail in as from unverified senders; the other trusts its provider's Authentication-Results.
    flagBox = (await admin.post('/api/v1/email/mailboxes', { address: 'imap-desk@desk.test', name: 'IMAP desk', authPolicy: 'accept_unverified', imap: imapOf('desk-a') })).body;
    const moved = await admin.post('/api/v1/email/mailboxes', {
      address: 'imap-b@desk.test',
      organizationId: orgB,
      trustedAuthservId: 'MX.Provider.test',
      imap: imapOf('desk-b', { doneAction: 'move', moveTo: 'Processed' }),
    });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({ authPolicy: 'quarantine', trustedAuthservId: 'mx.provider.test' });
    intake = startImapIntake(t.td.app, pino({ level: 'silent' }), { refreshMs: 200, resolver: memoryResolver() });
    // Connected and idle: the first pass over each mailbox is done.
    await until('the pollers to connect', async () => {
      const boxes = (await admin.get('/api/v1/email/mailboxes')).body.items.filter((m: any) => m.kind === 'imap');
      return boxes.length === 2 && boxes.every((m: any) => m.imap.lastPolledAt);
    });
  }, 60_000);
  afterAll(async () => intake?.stop());

  it('takes new mail at once (IDLE) into a request, then flags it', async () => {
    const { uid } = await append(dovecot, 'desk-a', corpusMessage('03-thunderbird-en-attachment.eml'));
    const m = await until('the message to be taken in', () => messageWithSubject('Till in store 4 prints an error report'));
    expect(m).toMatchObject({ status: 'created', source: 'imap', mailboxId: flagBox.id, authentication: { verdict: 'fail' }, unverifiedSender: true });
    const ticket = (await staff.get(`/api/v1/tickets/${m.ticketId}`)).body;
    expect(ticket).toMatchObject({ channel: 'email', requester: { email: 'bob@client-b.test' } });
    const flags = await until('the flag', async () => {
      const f = (await flagsIn(dovecot, 'desk-a')).get(uid);
      return f?.has(DONE_KEYWORD) && f;
    });
    expect(flags.has('\\Seen')).toBe(true);
  }, SLOW);

  it('reads non-UTF-8 mail and replies from IMAP too', async () => {
    await append(dovecot, 'desk-a', corpusMessage('08-thebat-koi8r.eml'));
    const m = await until('the KOI8-R message', () => messageWithSubject('Не стартует служба печати'));
    const ticket = (await staff.get(`/api/v1/tickets/${m.ticketId}`)).body;
    expect(ticket.description).toContain('склад стоит');
    const reply = buildMessage({ from: 'Dmitry Sokolov <dmitry@client-a.test>', subject: `Re: [${ticket.number}] Не стартует служба печати`, messageId: 'imap-reply-1@client-a.test' }, 'Служба запустилась, спасибо.\n\n> старый текст');
    await append(dovecot, 'desk-a', reply);
    const r = await until('the reply', async () => (await admin.get('/api/v1/email/messages?limit=5')).body.items.find((x: any) => x.messageId === 'imap-reply-1@client-a.test'));
    expect(r).toMatchObject({ status: 'appended', ticketId: ticket.id });
    const last = (await staff.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items.filter((x: any) => x.kind === 'reply').pop();
    expect(last.body).toBe('Служба запустилась, спасибо.');
  }, SLOW);

  it('quarantines what it cannot take in, and flags it too: the quarantine has it now', async () => {
    const { uid } = await append(dovecot, 'desk-a', corpusMessage('11-unknown-domain.eml'));
    const m = await until('the quarantine', () => messageWithSubject('Partnership proposal'));
    expect(m).toMatchObject({ status: 'quarantined', reason: 'unknown_organization' });
    await until('the flag', async () => (await flagsIn(dovecot, 'desk-a')).get(uid)?.has(DONE_KEYWORD));
  }, SLOW);

  it('moves messages to the folder configured, for a mailbox of one organization', async () => {
    await append(dovecot, 'desk-b', buildMessage({ from: 'Walter <walter@freemail.example>', subject: 'Cannot print labels', messageId: 'imap-move-1@freemail.example' }, 'The label printer prints nothing.'));
    const m = await until('the moved message', () => messageWithSubject('Cannot print labels'));
    const ticket = (await staff.get(`/api/v1/tickets/${m.ticketId}`)).body;
    expect(ticket.organization.name).toBe('Client B Retail');
    await until('the move', async () => (await flagsIn(dovecot, 'desk-b', 'INBOX')).size === 0 && (await flagsIn(dovecot, 'desk-b', 'Processed')).size === 1);
  }, SLOW);

  it('takes a message delivered twice into the mailbox once', async () => {
    const raw = buildMessage({ from: 'alice@client-a.test', subject: 'Twice in the mailbox', messageId: 'imap-twice@client-a.test' }, 'Once is enough.');
    const a = await append(dovecot, 'desk-a', raw);
    const b = await append(dovecot, 'desk-a', raw);
    await until('both flagged', async () => {
      const f = await flagsIn(dovecot, 'desk-a');
      return f.get(a.uid)?.has(DONE_KEYWORD) && f.get(b.uid)?.has(DONE_KEYWORD);
    });
    const all = (await admin.get('/api/v1/email/messages?limit=200')).body.items.filter((m: any) => m.subject === 'Twice in the mailbox');
    // One request; the second copy leaves its trace in the log as a duplicate of the first.
    const taken = all.filter((m: any) => m.status !== 'duplicate');
    expect(taken).toHaveLength(1);
    expect(all.filter((m: any) => m.status === 'duplicate').every((m: any) => m.detail === `#${taken[0].id}`)).toBe(true);
    expect(all.length).toBeGreaterThanOrEqual(2);
  }, SLOW);

  it('records an unreachable mailbox, and keeps trying', async () => {
    const bad = await admin.post('/api/v1/email/mailboxes', {
      address: 'imap-bad@desk.test',
      imap: { host: dovecot.host, port: dovecot.port, secure: false, user: 'desk-c', password: 'wrong-password', folder: 'INBOX', doneAction: 'flag' },
    });
    const box = await until('the error', async () => {
      const b = (await admin.get(`/api/v1/email/mailboxes/${bad.body.id}`)).body;
      return b.imap.lastError && b;
    });
    expect(box.imap.lastError).toMatch(/auth|fail|invalid/i);
    expect((await admin.delete(`/api/v1/email/mailboxes/${bad.body.id}`)).status).toBe(204);
  }, SLOW);

  it("trusts the Authentication-Results of the mailbox's provider, and only the provider's", async () => {
    const ours = 'Authentication-Results: mx.provider.test; dkim=pass (2048-bit key) header.d=client-b.test header.s=s1; spf=pass smtp.mailfrom=bob@client-b.test; dmarc=pass (p=REJECT) header.from=client-b.test';
    await append(dovecot, 'desk-b', buildMessage({ from: 'Bob Smith <bob@client-b.test>', subject: 'Signed by the provider', messageId: 'imap-ar-1@client-b.test' }, 'Genuine.').replace(/^/, `${ours}\r\n`));
    const genuine = await until('the genuine message', () => messageWithSubject('Signed by the provider'));
    expect(genuine).toMatchObject({ status: 'created', authentication: { verdict: 'pass' }, unverifiedSender: false });
    expect(genuine.authentication.summary).toContain('dmarc=pass');

    // A forger's own header claiming a pass does not count; the provider's says DMARC failed.
    const theirs = 'Authentication-Results: mx.forger.example; dkim=pass header.d=client-b.test; dmarc=pass header.from=client-b.test';
    const provider = 'Authentication-Results: mx.provider.test; dkim=none; spf=fail smtp.mailfrom=bob@client-b.test; dmarc=fail (p=REJECT) header.from=client-b.test';
    await append(dovecot, 'desk-b', buildMessage({ from: 'Bob Smith <bob@client-b.test>', subject: 'Forged through the provider', messageId: 'imap-ar-2@forger.example' }, 'Pay this invoice.').replace(/^/, `${provider}\r\n${theirs}\r\n`));
    const forged = await until('the forged message', () => messageWithSubject('Forged through the provider'));
    expect(forged).toMatchObject({ status: 'quarantined', reason: 'sender_unverified', ticketId: null, authentication: { verdict: 'fail' } });
  }, SLOW);
});

describe('the IMAP poller marks a message done only after it is committed', () => {
  const dovecot = useDovecot([{ user: 'desk-c', password: 'pass-c-123' }]);

  it('leaves a message whose intake failed, and takes it again on the next pass', async () => {
    const { uid } = await append(dovecot, 'desk-c', buildMessage({ from: 'bob@client-b.test', subject: 'Retry me' }, 'x'));
    const calls: number[] = [];
    let fail = true;
    let passes = 0;
    const poller = startImapPoller(
      { host: dovecot.host, port: dovecot.port, secure: false, user: 'desk-c', password: 'pass-c-123', folder: 'INBOX', doneAction: 'flag', moveTo: null },
      {
        async deliver(m) {
          calls.push(m.uid);
          if (fail) throw new Error('database unavailable');
        },
      },
      { pollMs: 60_000, maxBytes: 1_000_000, onPolled: () => passes++ },
    );
    try {
      // The first pass fails: the poller reconnects and tries again; the message stays as it was.
      await until('a failed attempt', async () => calls.length >= 1);
      expect((await flagsIn(dovecot, 'desk-c')).get(uid)?.has(DONE_KEYWORD)).toBe(false);
      fail = false;
      await until('the message to be flagged', async () => (await flagsIn(dovecot, 'desk-c')).get(uid)?.has(DONE_KEYWORD));
      expect(calls.filter((u) => u === uid).length).toBeGreaterThanOrEqual(2);
      expect(passes).toBeGreaterThanOrEqual(1);
    } finally {
      await poller.stop();
    }
  }, SLOW);
});
