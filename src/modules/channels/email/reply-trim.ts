/**
 * What a person wrote in a message, without the quoted history and without their signature: the
 * part the timeline shows. Works for replies written above the quote (Outlook, Gmail), below it
 * (The Bat!, Thunderbird) and between its lines. Forwarded content is kept, since it is the
 * substance of a forward. The trimmed-off part is returned too, for "show quoted text"; the
 * original message is kept elsewhere.
 *
 * Written here rather than taken from a library: email-reply-parser (the maintained port of
 * EmailReplyParser) needs Node 22, and planer needs a browser DOM; both know few of the languages
 * the desk's clients write in.
 */
import { QUOTE_HEADERS, FORWARD_HEADERS, OUTLOOK_FROM, OUTLOOK_NEXT, BANNERS, MOBILE_TAGLINES, SIGN_OFFS } from './reply-patterns.js';

/** A reply split into what its writer wrote and what was trimmed off (quoted history, signature). */
export interface SplitReply {
  reply: string;
  quoted: string;
}

/** How much to trim: sign-offs ("Best regards," and a name block) only in replies. */
export interface TrimOptions {
  signOff?: boolean;
  /**
   * The message is a forward (its subject says so): Outlook and others forward under the same
   * header block or attribution as a reply, and what follows it is the substance, kept.
   */
  forward?: boolean;
}

const SIGNATURE_DELIMITER = /^--\s?$/;
/** A quoted line: "> text", and The Bat!'s initials before the mark ("IP> text"). */
const QUOTED_LINE = /^\s{0,2}(\p{L}{1,4})?>/u;
const MAX_LINE = 1000;

const isQuoteHeader = (lines: string[], i: number): number => {
  const line = lines[i]!.slice(0, MAX_LINE);
  if (QUOTE_HEADERS.some((re) => re.test(line))) return 1;
  // An attribution wrapped over two lines ("On …\n… wrote:").
  const next = lines[i + 1]?.slice(0, MAX_LINE);
  if (next !== undefined && line.trim() && line.length < 200 && QUOTE_HEADERS.some((re) => re.test(`${line.trimEnd()} ${next.trim()}`)))
    return /^\s*(On|Am|Le|El|Il|Em|Op|Den|W dniu|Dne)\b/iu.test(line) || /\d/.test(line) ? 2 : 0;
  return 0;
};

/** An Outlook header block (From:, Sent:, To:, Subject: in the client's language), or an "Original Message" banner. */
const isOutlookBlock = (lines: string[], i: number) => {
  const line = lines[i]!.slice(0, MAX_LINE);
  if (BANNERS.some((re) => re.test(line))) return true;
  if (/^\s*_{20,}\s*$/.test(line)) return true;
  if (!OUTLOOK_FROM.test(line)) return false;
  // Outlook writes at least two of Sent, To, Cc, Subject after From; "From: Monday / To: Friday" in
  // the writer's own text has one.
  return lines.slice(i + 1, i + 6).filter((l) => OUTLOOK_NEXT.test(l.slice(0, MAX_LINE))).length >= 2;
};

const isForward = (line: string) => FORWARD_HEADERS.some((re) => re.test(line.slice(0, MAX_LINE)));
const isTagline = (line: string) => line.length < 120 && MOBILE_TAGLINES.some((re) => re.test(line));

/** Splits a message's text into the writer's reply and the quoted history; the whole text stays if nothing would remain. */
export function splitReply(text: string, options: TrimOptions = {}): SplitReply {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const forward = lines.findIndex((_, i) => isForward(lines[i]!) || (!!options.forward && (isOutlookBlock(lines, i) || isQuoteHeader(lines, i) > 0)));
  const end = forward === -1 ? lines.length : forward;
  // Each line of the writer's part is own (true) or trimmed (false).
  const own: boolean[] = lines.map(() => true);
  let cutAt = lines.length;
  for (let i = 0; i < end; i++) {
    if (isOutlookBlock(lines, i)) {
      // Outlook quotes the whole history below its header block, without marks: all of it goes.
      cutAt = i;
      break;
    }
    const header = isQuoteHeader(lines, i);
    if (header) {
      let j = i + header;
      while (j < end && !lines[j]!.trim()) j++;
      if (j < end && !QUOTED_LINE.test(lines[j]!)) {
        // An attribution followed by unmarked text: everything below it is the quote, when the
        // attribution names when or whom it quotes (a date, a time, an address). Without one,
        // "The system writes:" or "Программа пишет:" is the writer's own line before an error text.
        if (!/[\d@]/.test(lines.slice(i, i + header).join(' '))) continue;
        cutAt = i;
        break;
      }
      while (j < end && (QUOTED_LINE.test(lines[j]!) || !lines[j]!.trim())) j++;
      for (let k = i; k < j; k++) own[k] = false;
      i = j - 1;
      continue;
    }
    if (QUOTED_LINE.test(lines[i]!)) own[i] = false;
  }
  for (let i = cutAt; i < lines.length; i++) own[i] = false;

  // Signatures and taglines in the writer's part (never in forwarded content).
  const ownEnd = Math.min(end, cutAt);
  let inSignature = false;
  for (let i = 0; i < ownEnd; i++) {
    if (!own[i]) {
      inSignature = false;
      continue;
    }
    if (SIGNATURE_DELIMITER.test(lines[i]!) && i > 0) inSignature = true;
    if (inSignature || isTagline(lines[i]!)) own[i] = false;
  }
  if (options.signOff) trimSignOff(lines, own, ownEnd);

  const keep: string[] = [];
  const cut: string[] = [];
  lines.forEach((l, i) => {
    if (own[i]) {
      // Answers written between quoted lines stay apart.
      if (i > 0 && !own[i - 1] && keep.length) keep.push('');
      keep.push(l);
    } else cut.push(l);
  });
  // A rule the client drew above the quote (Outlook on the web's <hr>) goes with it.
  while (keep.length && (!keep[keep.length - 1]!.trim() || /^\s*[-_=*]{10,}\s*$/.test(keep[keep.length - 1]!))) keep.pop();
  const reply = tidy(keep.join('\n'));
  if (!reply) return { reply: text.trim(), quoted: '' };
  return { reply, quoted: tidy(cut.join('\n')) };
}

/** The writer's part of a message (see splitReply). */
export const trimReply = (text: string, options: TrimOptions = {}) => splitReply(text, options).reply;

/** Cuts a closing ("Best regards," and a short name block) at the end of the writer's last own run of lines. */
function trimSignOff(lines: string[], own: boolean[], end: number) {
  const mine = [...Array(end).keys()].filter((i) => own[i]);
  const tail = mine.filter((i) => lines[i]!.trim());
  for (let t = tail.length - 2; t >= Math.max(0, tail.length - 9); t--) {
    const i = tail[t]!;
    if (!SIGN_OFFS.test(lines[i]!)) continue;
    const after = tail.slice(t + 1);
    // The name block: a few short lines. A one-line answer above it stays.
    if (after.length > 8 || after.some((k) => lines[k]!.length > 80) || t === 0) return;
    for (const k of mine.filter((k) => k >= i)) own[k] = false;
    return;
  }
}

const tidy = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
