import crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { dkimKey, memoryResolver, signDkim } from '../../../../../test/support/mail-dns.js';
import { cachingResolver, checkMessage, fromTrustedHeader, keepingParsedKeys } from './mail-auth.js';

const message = (headers: string[], from = 'Bob <bob@client-b.test>') => Buffer.from([...headers, `From: ${from}`, 'Subject: x', '', 'body', ''].join('\r\n'));

describe('the verdict of a trusted Authentication-Results header', () => {
  it.each([
    ['DMARC pass', ['Authentication-Results: mx.provider.test; dmarc=pass (p=REJECT) header.from=client-b.test'], 'pass'],
    ['DMARC fail despite an SPF pass', ['Authentication-Results: mx.provider.test; spf=pass smtp.mailfrom=bob@client-b.test; dmarc=fail header.from=client-b.test'], 'fail'],
    ['no DMARC, aligned DKIM (header.d)', ['Authentication-Results: mx.provider.test; dkim=pass header.d=mail.client-b.test; dmarc=none'], 'pass'],
    ['no DMARC, aligned DKIM (header.i)', ['Authentication-Results: mx.provider.test; dkim=pass (good signature) header.i=@client-b.test'], 'pass'],
    ['no DMARC, DKIM of another domain', ['Authentication-Results: mx.provider.test; dkim=pass header.d=bulkmailer.example'], 'fail'],
    ['no DMARC, aligned SPF pass', ['Authentication-Results: mx.provider.test;\r\n\tspf=pass (sender IP is 203.0.113.7)\r\n smtp.mailfrom=bounce@client-b.test'], 'pass'],
    ['no DMARC, SPF fail', ['Authentication-Results: mx.provider.test; spf=fail smtp.mailfrom=bob@client-b.test'], 'fail'],
    ['only another server’s header', ['Authentication-Results: mx.forger.example; dmarc=pass header.from=client-b.test'], 'fail'],
    ['the topmost of the trusted server’s headers', ['Authentication-Results: MX.Provider.test; dmarc=fail', 'Authentication-Results: mx.provider.test; dmarc=pass'], 'fail'],
    ['no header at all', [], 'fail'],
  ])('%s', (_what, headers, verdict) => {
    const r = fromTrustedHeader(message(headers), 'mx.provider.test');
    expect(r).toMatchObject({ verdict, source: 'header' });
    expect(r.summary).toContain('mx.provider.test');
  });
});

describe('the DNS cache of the checks', () => {
  it('asks once per name and type, remembers "no such name", and forgets other errors', async () => {
    const asked: string[] = [];
    let fail = 'ETIMEOUT';
    const cached = cachingResolver(async (name, type) => {
      asked.push(`${type} ${name}`);
      if (name === 'none.test') throw Object.assign(new Error('no'), { code: 'ENOTFOUND' });
      if (name === 'slow.test' && fail) throw Object.assign(new Error('timeout'), { code: fail });
      return [['v=spf1 -all']];
    });
    expect(await cached('a.test', 'TXT')).toEqual([['v=spf1 -all']]);
    await cached('A.TEST', 'TXT');
    await expect(cached('none.test', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(cached('none.test', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(cached('slow.test', 'TXT')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    fail = '';
    expect(await cached('slow.test', 'TXT')).toEqual([['v=spf1 -all']]);
    expect(asked).toEqual(['TXT a.test', 'TXT none.test', 'TXT slow.test', 'TXT slow.test']);
  });
});

describe('DKIM keys parsed once per record', () => {
  it('parses a record once, again when its text changes, and keeps no failure', async () => {
    let record = 'v=DKIM1; p=one';
    const parses: string[] = [];
    const get = keepingParsedKeys(async (_type, name, _bits, resolver) => {
      const rr = ((await resolver!(name, 'TXT')) as string[][])[0]!.join('');
      parses.push(rr);
      if (rr.includes('bad')) throw Object.assign(new Error('Invalid'), { code: 'EINVALIDVAL' });
      return { publicKey: `key of ${rr}`, rr, modulusLength: 2048 };
    });
    const resolver = async (name: string) => {
      if (name === 'gone._domainkey.x.test') throw Object.assign(new Error('no'), { code: 'ENOTFOUND' });
      return [[record]];
    };
    expect((await get('DKIM', 's._domainkey.x.test', 1024, resolver)).publicKey).toBe('key of v=DKIM1; p=one');
    expect((await get('DKIM', 's._domainkey.x.test', 1024, resolver)).publicKey).toBe('key of v=DKIM1; p=one');
    record = 'v=DKIM1; p=two';
    expect((await get('DKIM', 's._domainkey.x.test', 1024, resolver)).publicKey).toBe('key of v=DKIM1; p=two');
    record = 'v=DKIM1; p=bad';
    await expect(get('DKIM', 's._domainkey.x.test', 1024, resolver)).rejects.toMatchObject({ code: 'EINVALIDVAL' });
    await expect(get('DKIM', 's._domainkey.x.test', 1024, resolver)).rejects.toMatchObject({ code: 'EINVALIDVAL' });
    await expect(get('DKIM', 'gone._domainkey.x.test', 1024, resolver)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(parses).toEqual(['v=DKIM1; p=one', 'v=DKIM1; p=two', 'v=DKIM1; p=bad', 'v=DKIM1; p=bad']);
  });

  it('verifies every message of a domain with its key made once, and a rotated key at once', async () => {
    const [first, second] = [dkimKey(), dkimKey()];
    const zone = {
      'client-k.test': { TXT: [['v=spf1 -all']] },
      'k1._domainkey.client-k.test': { TXT: first.txt },
      '_dmarc.client-k.test': { TXT: [['v=DMARC1; p=reject']] },
    };
    const resolver = memoryResolver(zone);
    const at = { ip: '198.51.100.1', helo: 'mail.client-k.test', sender: 'kim@client-k.test', mta: 'mx.desk.test', resolver };
    const signed = (n: number, key: string) => signDkim(`From: Kim <kim@client-k.test>\r\nTo: support@desk.test\r\nSubject: Key ${n}\r\n\r\nBody ${n}.\r\n`, 'client-k.test', 'k1', key);
    const made = vi.spyOn(crypto, 'createPublicKey');
    try {
      for (const n of [1, 2, 3]) expect(await checkMessage(await signed(n, first.privateKey), at)).toMatchObject({ verdict: 'pass', summary: expect.stringMatching(/dkim=pass/) });
      expect(made).toHaveBeenCalledTimes(1);
      // The domain publishes another key under the same selector: the old signatures fail, the new pass.
      zone['k1._domainkey.client-k.test'] = { TXT: second.txt };
      expect(await checkMessage(await signed(4, first.privateKey), at)).toMatchObject({ verdict: 'fail' });
      expect(await checkMessage(await signed(5, second.privateKey), at)).toMatchObject({ verdict: 'pass' });
      expect(made).toHaveBeenCalledTimes(2);
    } finally {
      made.mockRestore();
    }
  });
});
