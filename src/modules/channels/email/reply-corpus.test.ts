import { describe, expect, it } from 'vitest';
import { REPLY_CASES, replyMessage } from '../../../../test/fixtures/email-replies.js';
import { parseMail } from './parse.js';
import { splitReply } from './reply-trim.js';

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
