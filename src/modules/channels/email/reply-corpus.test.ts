import { describe, expect, it } from 'vitest';
import { REPLY_CASES, type ReplyCase } from '../../../../test/fixtures/email-replies.js';
import { parseMail } from './parse.js';
import { splitReply } from './reply-trim.js';

/** A reply as its client sends it: text/plain, text/html, or both in multipart/alternative. */
export function replyMessage(c: Pick<ReplyCase, 'plain' | 'html'>, subject = 'Re: [TD-12] Printer'): Buffer {
  const head = ['From: Alice <alice@client-a.test>', 'To: support@desk.test', `Subject: ${subject}`, 'Message-ID: <reply.1@client-a.test>', 'In-Reply-To: <td-1@desk.test>', 'MIME-Version: 1.0'];
  const part = (type: string, body: string) => [`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: 8bit', '', body];
  const lines =
    c.plain !== undefined && c.html !== undefined
      ? [...head, 'Content-Type: multipart/alternative; boundary="alt"', '', '--alt', ...part('text/plain', c.plain), '--alt', ...part('text/html', c.html), '--alt--', '']
      : [...head, ...part(c.plain !== undefined ? 'text/plain' : 'text/html', c.plain ?? c.html!)];
  return Buffer.from(lines.join('\r\n'));
}

describe('the reply corpus: what remains of each reply on the timeline', () => {
  it('has at least 40 replies in 16 languages', () => {
    expect(REPLY_CASES.length).toBeGreaterThanOrEqual(40);
    const langs = new Set(REPLY_CASES.map((c) => c.name.split(' ')[0]));
    expect([...langs].sort()).toEqual(['cs', 'da', 'de', 'en', 'es', 'fi', 'fr', 'it', 'nl', 'no', 'pl', 'pt', 'ru', 'sv', 'tr', 'uk']);
  });

  it.each(REPLY_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const mail = await parseMail(replyMessage(c));
    const { reply, quoted } = splitReply(mail.text, { signOff: true });
    expect(reply).toBe(c.expected);
    // What was cut is kept for "show quoted text".
    expect(quoted.length).toBeGreaterThan(0);
  });
});
