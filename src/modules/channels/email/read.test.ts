import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diskFileStore } from '../../../core/storage/files.js';
import { dkimKey, memoryResolver, signDkim } from '../../../../test/support/mail-dns.js';
import { MimeTooComplex } from './mime-prepare.js';
import { poolSize, readMessage, startReadPool, turns, type CheckAt } from './read.js';
import { splitReply } from './reply-trim.js';
import type { DnsResolver } from './transport/mail-auth.js';

const key = dkimKey();
const resolver = memoryResolver({
  'client-b.test': { TXT: [['v=spf1 ip4:203.0.113.7 -all']] },
  'sel._domainkey.client-b.test': { TXT: key.txt },
  '_dmarc.client-b.test': { TXT: [['v=DMARC1; p=reject']] },
});
const at: CheckAt = { ip: '203.0.113.7', helo: 'mail.client-b.test', sender: 'bob@client-b.test', mta: 'mx.desk.test' };

const withAttachment = Buffer.from(
  [
    'From: Bob Smith <bob@client-b.test>',
    'To: support@desk.test',
    'Subject: Scanner log',
    'Message-ID: <scan-1@client-b.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The scanner stops; its log is attached.',
    '--b',
    'Content-Type: application/octet-stream; name="scan.log"',
    'Content-Disposition: attachment; filename="scan.log"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('E-17 paper jam\n').toString('base64'),
    '--b--',
    '',
  ].join('\r\n'),
);

let deep = 'Content-Type: text/plain\r\n\r\nx\r\n';
for (let i = 0; i < 40; i++) deep = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${deep}--n${i}--\r\n`;
const tooDeep = Buffer.from(`From: Bob Smith <bob@client-b.test>\r\nSubject: Deep\r\nMIME-Version: 1.0\r\n${deep}`);

describe('reading messages in worker threads', () => {
  const pool = startReadPool(resolver, 1);
  afterAll(() => pool.close());

  it('gives what reading the message here gives: the DKIM/SPF/DMARC verdict (DNS asked through this thread) and the parsed mail', async () => {
    expect(await pool.ready()).toBe(1);
    const signed = await signDkim(withAttachment, 'client-b.test', 'sel', key.privateKey);
    const there = await pool.read(signed, at);
    const here = await readMessage(signed, { ...at, resolver });
    expect(there.auth).toEqual(here.auth);
    expect(there.auth).toMatchObject({ verdict: 'pass', summary: expect.stringMatching(/spf=pass dkim=pass dmarc=pass/) });
    expect(there.parsed).toEqual(here.parsed);
    const mail = 'mail' in there.parsed ? there.parsed.mail : null;
    expect(mail?.files[0]?.data).toBeInstanceOf(Buffer);
    expect(mail?.files[0]?.data.toString()).toBe('E-17 paper jam\n');
    expect(mail?.headers.get('subject')).toBe('Scanner log');
    // The text split as a new request's, for intake (made here, off the thread that holds the database).
    expect('split' in there.parsed && there.parsed.split).toEqual(splitReply('The scanner stops; its log is attached.', { signOff: false, forward: false }));
  });

  it('hands back a message it cannot parse with the error intake quarantines it for', async () => {
    expect(await pool.ready()).toBe(1);
    const r = await pool.read(tooDeep, at);
    expect('error' in r.parsed && r.parsed.error).toBeInstanceOf(MimeTooComplex);
    expect(r.auth).toEqual((await readMessage(tooDeep, { ...at, resolver })).auth);
  });

  it('reads here while no thread is there, and once its threads are gone', async () => {
    const none = startReadPool(resolver, 0);
    expect((await none.read(withAttachment, at)).parsed).toMatchObject({ mail: { subject: 'Scanner log' } });
    const gone = startReadPool(resolver, 1);
    expect(await gone.ready()).toBe(1);
    const reading = gone.read(withAttachment, at);
    await gone.close();
    expect((await reading).parsed).toMatchObject({ mail: { subject: 'Scanner log' } });
    expect((await gone.read(withAttachment, at)).parsed).toMatchObject({ mail: { subject: 'Scanner log' } });
  });

  it('stores each original it reads on disk when told where, byte for byte, and says under which key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-read-'));
    const storing = startReadPool(resolver, 1, path.join(dir, 'attachments'));
    try {
      expect(await storing.ready()).toBe(1);
      const r = await storing.read(withAttachment, at);
      expect(r.parsed).toMatchObject({ mail: { subject: 'Scanner log' } });
      expect(r.fileKey).toMatch(/^[0-9a-f]{32}$/);
      const back = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        diskFileStore(path.join(dir, 'attachments'))
          .open(r.fileKey!)
          .on('data', (c: Buffer) => chunks.push(c))
          .on('end', () => resolve(Buffer.concat(chunks)))
          .on('error', reject);
      });
      expect(back.equals(withAttachment)).toBe(true);
      // Unable to store (a file where the folder should be): read all the same, without a key.
      fs.rmSync(path.join(dir, 'attachments'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'attachments'), '');
      const unstored = await storing.read(withAttachment, at);
      expect(unstored.parsed).toMatchObject({ mail: { subject: 'Scanner log' } });
      expect(unstored.fileKey).toBeUndefined();
      // Read here: nothing stored.
      expect((await pool.read(withAttachment, at)).fileKey).toBeUndefined();
    } finally {
      await storing.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the next message while one waits for a DNS answer that has not come', async () => {
    // client-d.test's answers come only when the test lets them: its message waits for them, the
    // one behind it is read meanwhile, and it is read once they come.
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const slow: DnsResolver = async (name, rrtype) => {
      if (name.endsWith('client-d.test')) await held;
      return resolver(name, rrtype);
    };
    const waiting = startReadPool(slow, 1);
    try {
      expect(await waiting.ready()).toBe(1);
      const fromD = Buffer.from(withAttachment.toString('latin1').replace('bob@client-b.test', 'dan@client-d.test'), 'latin1');
      let first: unknown = null;
      const d = waiting.read(fromD, { ...at, sender: 'dan@client-d.test' }).then((r) => (first ??= 'd', r));
      const b = await waiting.read(withAttachment, at);
      first ??= 'b';
      expect(b.auth).toMatchObject({ verdict: 'pass' });
      answer();
      expect((await d).parsed).toMatchObject({ mail: { subject: 'Scanner log', from: { address: 'dan@client-d.test' } } });
      expect((await d).auth).toMatchObject({ verdict: 'fail' });
      expect(first).toBe('b');
    } finally {
      await waiting.close();
    }
  });

  it('keeps one processor for the thread that holds the database', () => {
    expect([1, 2, 4, 16].map((n) => poolSize(n))).toEqual([0, 1, 3, 4]);
  });
});

describe('turns', () => {
  it('come in the order they were asked for, each once the one before gave it up, whenever that was', async () => {
    const t = turns();
    const log: string[] = [];
    const taking = ['a', 'b', 'c'].map((name) => t.take().then((giveUp) => (log.push(name), giveUp)));
    const giveUpA = await taking[0]!;
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a']);
    giveUpA();
    const giveUpB = await taking[1]!;
    expect(log).toEqual(['a', 'b']);
    // Given up twice: the second time does nothing (c still waits for b's, not for another).
    giveUpA();
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a', 'b']);
    giveUpB();
    (await taking[2]!)();
    expect(log).toEqual(['a', 'b', 'c']);
    // Taken after all were given up: at once.
    (await t.take())();
  });
});
