import crypto from 'node:crypto';
import type * as HtmlToText from 'html-to-text';
import type { AddressObject, HeaderValue, simpleParser } from 'mailparser';
import type SanitizeHtml from 'sanitize-html';
import { lazy, lazyRequire } from '../../../core/lazy.js';
import { readCalendar, type CalendarEvent } from './calendar.js';
import { prepareMail, type PreparedMail } from './mime-prepare.js';
import type { SignatureCheck } from './smime.js';
import { isTnef, readTnef } from './tnef.js';

// Loaded by the first message parsed: a process that never takes mail in does not carry them.
const mailparser = lazy(() => import('mailparser'));
const smime = lazy(() => import('./smime.js'));
const sanitizer = lazyRequire<typeof SanitizeHtml>('sanitize-html');
const htmlToText = lazyRequire<typeof HtmlToText>('html-to-text');

/** An attachment or inline image as the message carried it. */
export interface MailFile {
  filename: string;
  contentType: string;
  data: Buffer;
  /** Shown inside the HTML body (cid:), rather than attached. */
  inline: boolean;
}

/** A signed message's signature: S/MIME ones are verified (see smime.ts), OpenPGP ones are not. */
export interface MailSignature {
  kind: 'smime' | 'pgp';
  status: SignatureCheck['status'];
  signer: string | null;
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
  /** The text was made from the HTML (no text/plain part): links and images left out. */
  textFromHtml: boolean;
  /** Calendar invitations (text/calendar) the message carries. */
  calendar: CalendarEvent[];
  /** S/MIME or OpenPGP signature (multipart/signed): its kind and what checking it found; null when unsigned. */
  signature: MailSignature | null;
  /** Parts that are no files for the request (a signature, an invitation shown as text): listed with the reason. */
  setAside: { filename: string; contentType: string; size: number; reason: 'signature_file' | 'calendar_shown' }[];
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
  const sanitizeHtml = sanitizer();
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

/** How deep attached messages (message/rfc822) are opened for their own attachments. */
const MAX_ATTACHED_DEPTH = 3;

/**
 * Parses a raw RFC 5322 message with mailparser (any charset it declares, MIME of any shape), after
 * prepareMail bounded its structure and declared its undeclared charsets. Throws MimeTooComplex.
 */
export async function parseMail(raw: Buffer, depth = 0): Promise<InboundMail> {
  const prepared = prepareMail(raw);
  const p = await (await mailparser()).simpleParser(prepared.raw, { skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
  const headers = new Map<string, string>();
  for (const [k, v] of p.headers) if (!headers.has(k)) headers.set(k, cleanText(headerText(v)));
  // mailparser folds List-Id, List-Unsubscribe… into one "list" object: their own lines as they came.
  for (const l of p.headerLines)
    if (l.key.startsWith('list-') && !headers.has(l.key)) headers.set(l.key, cleanText(l.line.slice(l.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim()).slice(0, 2000));
  const ct = p.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const sender = addresses(p.from).find((v) => normalizeAddress(v.address));
  const messageId = messageIds(p.messageId)[0] ?? null;
  const parentIds = [...messageIds(p.inReplyTo), ...messageIds(p.references).reverse()];
  const html = typeof p.html === 'string' && p.html.trim() ? p.html : null;
  let text = prepared.hasPlainText ? (p.text ?? '') : '';
  const textFromHtml = !text.trim() && html !== null;
  if (textFromHtml) text = htmlToPlainText(html);
  const { files, calendar, setAside } = await collectFiles(p.attachments, depth);
  return {
    messageId,
    parentIds: [...new Set(parentIds)],
    from: sender ? { address: normalizeAddress(sender.address)!, name: cleanText(sender.name ?? '').trim() } : null,
    recipients: [...new Set(addresses(p.to).concat(addresses(p.cc)).map((v) => normalizeAddress(v.address)).filter((a): a is string => !!a))],
    subject: cleanText(p.subject ?? '').replace(/\s+/g, ' ').trim(),
    text: cleanText(text).replace(/\r\n?/g, '\n'),
    textFromHtml,
    calendar,
    signature: await signatureOf(prepared),
    setAside,
    html: html ? sanitizeMailHtml(cleanText(html)) : null,
    files,
    headers,
    contentType: (ct?.value ?? 'text/plain').toLowerCase(),
    contentTypeParams: Object.fromEntries(Object.entries(ct?.params ?? {}).map(([k, v]) => [k.toLowerCase(), String(v).toLowerCase()])),
  };
}

/** The signature of a multipart/signed message, checked when it is S/MIME. */
async function signatureOf(prepared: PreparedMail): Promise<MailSignature | null> {
  if (!prepared.signedProtocol) return null;
  if (/pgp/.test(prepared.signedProtocol)) return { kind: 'pgp', status: 'unverified', signer: null };
  if (!prepared.signed || !/pkcs7-signature/.test(prepared.signedProtocol)) return { kind: 'smime', status: 'unverified', signer: null };
  return { kind: 'smime', ...(await (await smime()).verifySmime(prepared.signed.content, prepared.signed.signature)) };
}

type ParsedAttachment = Awaited<ReturnType<typeof simpleParser>>['attachments'][number];

/**
 * The message's files as a request takes them: a TNEF container unpacked into what it carries, an
 * attached message with its own attachments beside it, invitations read for their summary, the
 * S/MIME or OpenPGP signature set aside (the message's signature status tells of it).
 */
async function collectFiles(attachments: ParsedAttachment[], depth: number) {
  const files: MailFile[] = [];
  const calendar: CalendarEvent[] = [];
  const setAside: InboundMail['setAside'] = [];
  for (const [i, a] of attachments.entries()) {
    const contentType = (a.contentType || 'application/octet-stream').toLowerCase();
    const filename = cleanText(a.filename?.trim() || `attachment-${i + 1}${extensionFor(contentType)}`).slice(0, 255);
    const file = { filename, contentType, data: a.content, inline: a.contentDisposition === 'inline' || Boolean(a.related) };
    if (/^application\/(x-)?pkcs7-signature$|^application\/pgp-signature$/.test(contentType)) {
      setAside.push({ filename, contentType, size: a.content.length, reason: 'signature_file' });
    } else if (contentType === 'text/calendar' || contentType === 'application/ics') {
      const events = readCalendar(a.content.toString('utf8'));
      calendar.push(...events);
      if (events.length) setAside.push({ filename, contentType, size: a.content.length, reason: 'calendar_shown' });
      else files.push(file);
    } else if (isTnef(contentType, filename, a.content)) {
      const inside = readTnef(a.content);
      if (!inside.length) files.push(file);
      for (const t of inside)
        files.push({ filename: cleanText(t.filename).slice(0, 255), contentType: t.contentType ?? typeForName(t.filename), data: t.data, inline: false });
    } else {
      files.push(file);
      if (contentType === 'message/rfc822' && depth < MAX_ATTACHED_DEPTH) {
        // A forwarded message keeps its own attachments: they come beside it.
        const inner = await parseMail(a.content, depth + 1).catch(() => null);
        for (const f of inner?.files ?? []) if (!f.inline) files.push(f);
      }
    }
  }
  return { files, calendar, setAside };
}

/** Dangerous link targets that must not survive into plain text, even as words. */
const ACTIVE_URL = /\b(javascript|vbscript|data|livescript|mocha)\s*:[^\s<>"')\]]*/gi;

/**
 * The text of an HTML body, for a message without a text part: no link targets (only the words of
 * a link), no images (tracking pixels), no scripts or styles; quoted history stays marked with "> "
 * so that the reply trimmer can tell it apart.
 */
export function htmlToPlainText(html: string): string {
  const text = htmlToText().convert(html, {
    wordwrap: false,
    limits: { maxInputLength: 5 * 1024 * 1024, maxDepth: 200 },
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'head', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
    ],
  });
  return text.replace(ACTIVE_URL, '').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', txt: 'text/plain', csv: 'text/csv',
  doc: 'application/msword', xls: 'application/vnd.ms-excel', zip: 'application/zip', eml: 'message/rfc822',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const typeForName = (name: string) => BY_EXTENSION[/\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';

const EXTENSIONS: Record<string, string> = {
  'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'application/pdf': '.pdf', 'text/plain': '.txt',
  'message/rfc822': '.eml', 'text/calendar': '.ics', 'text/html': '.html',
};
const extensionFor = (type: string) => EXTENSIONS[type?.toLowerCase()] ?? '.bin';
