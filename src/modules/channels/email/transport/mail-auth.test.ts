import { describe, expect, it } from 'vitest';
import { cachingResolver, fromTrustedHeader } from './mail-auth.js';

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
