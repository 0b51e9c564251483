import crypto from 'node:crypto';
import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import sanitizeHtml from 'sanitize-html';

/** An attachment or inline image as the message carried it. */
export interface MailFile {
  filename: string;
  contentType: string;
  data: Buffer;
  /** Shown inside the HTML body (cid:), rather than attached. */
  inline: boolean;
}

/** An inbound message reduced to what the desk acts on. */
export interface InboundMail {
  /** The Message-ID without angle brackets, or null. */
  messageId: string | null;
  /** In-Reply-To then References (newest first), without angle brackets. */
  parentIds: string[];
  from: { address: string; name: string } | null;
  /** Every address in To and Cc, lower case. */
  recipients: string[];
  subject: string;
  /** The plain text (from the text part, or made from the HTML). */
  text: string;
  /** The HTML body, sanitized; null when there was none. */
  html: string | null;
  files: MailFile[];
  /** Header names lower case → their raw values (the first of repeated ones). */
  headers: Map<string, string>;
  /** The top-level content type, e.g. multipart/report. */
  contentType: string;
  /** Parameters of the top-level content type (report-type…). */
  contentTypeParams: Record<string, string>;
}

/** Removes the NUL character (PostgreSQL text cannot hold it) and other C0 controls but tab and newlines. */
// eslint-disable-next-line no-control-regex -- control characters are what it removes
export const cleanText = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');

const ANGLE_ID = /<([^<>\s]+)>/g;

/** The ids in a Message-ID / In-Reply-To / References value, without brackets, at most 50. */
export function messageIds(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const ids = [...text.matchAll(ANGLE_ID)].map((m) => m[1]!);
  // Some clients write a bare id without brackets.
  if (!ids.length && /^[^\s<>]+@[^\s<>]+$/.test(text.trim())) ids.push(text.trim());
  return ids.slice(-50).map((id) => id.slice(0, 500));
}

/**
 * What makes a message the same message delivered again: its sender and Message-ID (so that another
 * sender cannot claim an id first), else its bytes.
 */
export function dedupeKey(mail: Pick<InboundMail, 'messageId' | 'from'> | null, raw: Buffer): string {
  return mail?.messageId ? `mid:${mail.from?.address ?? ''}:${mail.messageId}` : `sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`;
}

const headerText = (v: HeaderValue): string => {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => headerText(x as HeaderValue)).join(', ');
  if (v && typeof v === 'object' && 'value' in v) {
    const o = v as { value: unknown; params?: Record<string, string>; text?: string };
    if (typeof o.text === 'string') return o.text;
    const params = o.params ? Object.entries(o.params).map(([k, p]) => `; ${k}=${p}`).join('') : '';
    return `${String(o.value)}${params}`;
  }
  return String(v);
};

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.flatMap((v) => [v, ...(v.group ?? [])]));

/** An address as the desk compares them: trimmed, lower case, or null if it is not one. */
export function normalizeAddress(address: string | undefined | null): string | null {
  const a = address?.trim().toLowerCase();
  return a && /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/.test(a) && a.length <= 254 ? a : null;
}

/**
 * HTML as the desk may show it: formatting, links and tables only. No scripts, styles, forms or
 * frames; images only from the message itself (cid:), so that opening a message does not tell a
 * tracker that it was read.
 */
export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'img'),
      'img', 'font', 'center', 'span', 'div', 'u', 's', 'strike', 'sub', 'sup',
    ],
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['border', 'cellpadding', 'cellspacing', 'width'],
      font: ['color', 'size'],
      '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['cid'] },
    allowProtocolRelative: false,
    transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
  });
}

/** Parses a raw RFC 5322 message with mailparser (any charset it declares, MIME of any shape). */
export async function parseMail(raw: Buffer): Promise<InboundMail> {
  const p = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
  const headers = new Map<string, string>();
  for (const [k, v] of p.headers) if (!headers.has(k)) headers.set(k, cleanText(headerText(v)));
  const ct = p.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const sender = addresses(p.from).find((v) => normalizeAddress(v.address));
  const messageId = messageIds(p.messageId)[0] ?? null;
  const parentIds = [...messageIds(p.inReplyTo), ...messageIds(p.references).reverse()];
  const files: MailFile[] = p.attachments.map((a, i) => ({
      filename: cleanText(a.filename?.trim() || `attachment-${i + 1}${extensionFor(a.contentType)}`).slice(0, 255),
      contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
      data: a.content,
      inline: a.contentDisposition === 'inline' || Boolean(a.related),
    }));
  return {
    messageId,
    parentIds: [...new Set(parentIds)],
    from: sender ? { address: normalizeAddress(sender.address)!, name: cleanText(sender.name ?? '').trim() } : null,
    recipients: [...new Set(addresses(p.to).concat(addresses(p.cc)).map((v) => normalizeAddress(v.address)).filter((a): a is string => !!a))],
    subject: cleanText(p.subject ?? '').replace(/\s+/g, ' ').trim(),
    text: cleanText(p.text ?? '').replace(/\r\n?/g, '\n'),
    html: typeof p.html === 'string' && p.html.trim() ? sanitizeMailHtml(cleanText(p.html)) : null,
    files,
    headers,
    contentType: (ct?.value ?? 'text/plain').toLowerCase(),
    contentTypeParams: Object.fromEntries(Object.entries(ct?.params ?? {}).map(([k, v]) => [k.toLowerCase(), String(v).toLowerCase()])),
  };
}

const EXTENSIONS: Record<string, string> = {
  'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'application/pdf': '.pdf', 'text/plain': '.txt',
  'message/rfc822': '.eml', 'text/calendar': '.ics', 'text/html': '.html',
};
const extensionFor = (type: string) => EXTENSIONS[type?.toLowerCase()] ?? '.bin';
