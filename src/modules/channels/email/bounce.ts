import { normalizeAddress } from './parse.js';

/** Where a notice without a report names the failed address: the words before it, and what follows. */
const BOUNCE_TEXT =
  /(following (address(\(es\))?|recipients?)[^\n]*failed|could not be delivered to|permanent (error|failure)|delivery to the following|недоставлен|не удалось доставить)[\s\S]{0,400}/i;

/** One recipient a delivery failure notice reports on. */
export interface BouncedRecipient {
  address: string;
  /** failed (permanent) or delayed/other (temporary: the address is not marked). */
  permanent: boolean;
  statusCode: string | null;
  diagnostic: string | null;
}

/** What a bounce says: who could not be reached, and which of our messages it was about. */
export interface BounceReport {
  recipients: BouncedRecipient[];
  /** The Message-ID of the returned message, when the notice quotes it. */
  originalMessageId: string | null;
}

/**
 * Reads a delivery failure notice: the RFC 3464 per-recipient fields (Final-Recipient, Action,
 * Status, Diagnostic-Code) wherever they appear, else the failed addresses that the common
 * non-standard notices list (X-Failed-Recipients, Exim's and qmail's text). Works on the raw bytes
 * because mailparser folds the machine-readable part into the text.
 */
export function readBounce(raw: Buffer, headers: Map<string, string>, text: string): BounceReport {
  const s = raw.toString('latin1');
  const recipients: BouncedRecipient[] = [];
  // Each per-recipient block starts at Final-Recipient (or Original-Recipient) and runs to a blank line.
  const blocks = s.split(/\r?\n\r?\n/).filter((b) => /^(final|original)-recipient\s*:/im.test(b));
  for (const block of blocks) {
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+(?:\\r?\\n[ \\t].+)*)`, 'im').exec(block)?.[1]?.replace(/\s+/g, ' ').trim() ?? null;
    const recipient = (field('final-recipient') ?? field('original-recipient') ?? '').replace(/^rfc822\s*;\s*/i, '').replace(/[<>]/g, '');
    const address = normalizeAddress(recipient);
    if (!address) continue;
    const action = (field('action') ?? '').toLowerCase();
    const statusCode = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(field('status') ?? '')?.[1] ?? null;
    const permanent = action === 'failed' || (!action && statusCode?.startsWith('5') === true);
    recipients.push({ address, permanent, statusCode, diagnostic: field('diagnostic-code')?.slice(0, 500) ?? null });
  }
  if (!recipients.length) {
    const listed = headers.get('x-failed-recipients')?.split(/[,\s]+/) ?? [];
    // Exim ("following address(es) failed:"), qmail ("permanent error … <a@b>:"), Postfix without a report, Russian servers.
    const near = BOUNCE_TEXT.exec(text)?.[0];
    const found = near ? /<?([^\s<>"'@]+@[^\s<>"':;,]+\.[a-z]{2,})>?/i.exec(near)?.[1] : undefined;
    const statusCode = /\b(5\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1] ?? null;
    for (const a of [...listed, found]) {
      const address = normalizeAddress(a);
      if (address && !recipients.some((r) => r.address === address)) recipients.push({ address, permanent: true, statusCode, diagnostic: null });
    }
  }
  // The returned message (or its headers) follows the report: its Message-ID is the first after the top headers.
  const body = s.slice(s.search(/\r?\n\r?\n/) + 1);
  const original = /^message-id\s*:\s*<([^<>\s]+)>/im.exec(body)?.[1] ?? null;
  return { recipients, originalMessageId: original };
}
