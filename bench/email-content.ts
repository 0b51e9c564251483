/**
 * What reading a message's content costs on top of the MIME parser: parseMail (the MIME walk that
 * bounds the structure and repairs undeclared charsets, mailparser, HTML to text, attachments) and
 * splitReply (the reply trimmer in 16 languages), per message, over the reply corpus (57 replies,
 * plain, HTML and both), against a baseline measured in the same run: mailparser's simpleParser
 * alone on the same bytes. Prints one JSON object per measurement (and returns them).
 *
 * Env: BENCH_EMAIL_CONTENT_ROUNDS (passes over the corpus, default 20).
 */
import { pathToFileURL } from 'node:url';
import { simpleParser } from 'mailparser';
import { parseMail } from '../src/modules/channels/email/parse.js';
import { splitReply } from '../src/modules/channels/email/reply-trim.js';
import { REPLY_CASES, replyMessage } from '../test/fixtures/email-replies.js';

const ROUNDS = Number(process.env.BENCH_EMAIL_CONTENT_ROUNDS ?? 20);

async function perMessage(messages: Buffer[], read: (raw: Buffer) => Promise<unknown>): Promise<number> {
  for (const m of messages) await read(m); // warm-up
  const start = process.hrtime.bigint();
  for (let r = 0; r < ROUNDS; r++) for (const m of messages) await read(m);
  return Number(process.hrtime.bigint() - start) / 1e6 / (ROUNDS * messages.length);
}

export async function benchEmailContent(): Promise<object[]> {
  const messages = REPLY_CASES.map((c) => replyMessage(c));
  const baseline = await perMessage(messages, (raw) => simpleParser(raw, { skipImageLinks: true, skipTextLinks: true }));
  const ours = await perMessage(messages, async (raw) => splitReply((await parseMail(raw)).text, { signOff: true }));
  const result = {
    part: 'email-content',
    measure: 'ms per reply: parseMail + splitReply',
    value: Number(ours.toFixed(3)),
    baseline: { measure: 'ms per reply: mailparser simpleParser alone', value: Number(baseline.toFixed(3)) },
    ratio: Number((ours / baseline).toFixed(2)),
    messages: messages.length,
    rounds: ROUNDS,
  };
  return [result];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) for (const line of await benchEmailContent()) console.log(JSON.stringify(line));
