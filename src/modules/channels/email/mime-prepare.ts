import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';

/**
 * Before the message is parsed: one walk over its MIME structure that refuses a structure too deep
 * or with too many parts (bounded time and memory whatever the sender built), and repairs what
 * clients send without saying how it is encoded: raw 8-bit header fields (The Bat!, old Outlook
 * Express, scripts) and text parts with no charset. Their bytes are decoded with the charset the
 * message declares elsewhere, else the one chardet detects, and the copy handed to the parser says
 * so. The stored original is never changed.
 */

/** The MIME structure is beyond what the desk parses (a quarantine reason says which limit). */
export class MimeTooComplex extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MimeTooComplex';
  }
}

/** What the walk found. */
export interface PreparedMail {
  /** The message to parse: the original, or a copy with its charsets declared. */
  raw: Buffer;
  /** Whether a text/plain body part exists (else the text is made from the HTML). */
  hasPlainText: boolean;
  /** The multipart/signed protocol when the message is signed (application/pkcs7-signature…). */
  signedProtocol: string | null;
  /** The first multipart/signed: the signed part's bytes as they came, and the signature's. */
  signed: { content: Buffer; signature: Buffer } | null;
  /** The charset used for undeclared 8-bit bytes, if any. */
  repairedCharset: string | null;
}

export const MIME_MAX_DEPTH = 20;
export const MIME_MAX_PARTS = 500;

interface Part {
  header: Buffer;
  body: Buffer;
  /** The line break that separates them (kept as it was). */
  gap: Buffer;
}

const splitPart = (buf: Buffer): Part => {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (buf.indexOf('\n') === 0) return { header: Buffer.alloc(0), gap: buf.subarray(0, 1), body: buf.subarray(1) };
  if (buf.indexOf('\r\n') === 0) return { header: Buffer.alloc(0), gap: buf.subarray(0, 2), body: buf.subarray(2) };
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { header: buf.subarray(0, crlf), gap: buf.subarray(crlf, crlf + 4), body: buf.subarray(crlf + 4) };
  if (lf !== -1) return { header: buf.subarray(0, lf), gap: buf.subarray(lf, lf + 2), body: buf.subarray(lf + 2) };
  return { header: buf, gap: Buffer.alloc(0), body: Buffer.alloc(0) };
};

/** A header field's value (unfolded, latin1), or undefined. */
const field = (header: string, name: string) => {
  const m = new RegExp(`^${name}[ \\t]*:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im').exec(header);
  return m?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
};
const param = (value: string | undefined, name: string) => {
  const m = value && new RegExp(`;\\s*${name}\\s*=\\s*("([^"]*)"|[^;\\s]+)`, 'i').exec(value);
  return m ? (m[2] ?? m[1]!).trim() : undefined;
};

const hasHigh = (b: Buffer) => b.some((x) => x >= 0x80);

/** Decodes a body as its transfer encoding says, to look at its bytes. */
const transferDecoded = (body: Buffer, cte: string | undefined): Buffer => {
  const e = (cte ?? '').toLowerCase();
  if (e === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (e === 'quoted-printable')
    return Buffer.from(
      body
        .toString('latin1')
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    );
  return body;
};

/** The charset for undeclared 8-bit bytes: one the message declares, else a detected one, else windows-1252. */
function guessCharset(sample: Buffer, declared: string | null): string {
  if (declared && iconv.encodingExists(declared) && !/^(utf-?8|us-ascii|ascii)$/i.test(declared)) return declared;
  // The words with 8-bit letters, without the ASCII around them (field names, addresses), which
  // would make a Cyrillic single-byte charset look like Latin-1.
  const found = chardet.detect(Buffer.from(sample.filter((b) => b >= 0x80 || b === 0x20)));
  if (found && iconv.encodingExists(found) && !/^(utf-?8|ascii)$/i.test(found)) return found;
  return 'windows-1252';
}

/** Walks a message, checking its limits and repairing undeclared charsets; throws MimeTooComplex. */
export function prepareMail(raw: Buffer): PreparedMail {
  let parts = 0;
  let hasPlainText = false;
  let signedProtocol: string | null = null;
  let signed: PreparedMail['signed'] = null;
  const declared: string[] = [];
  const undeclared: { where: 'header' | 'body'; part: Part }[] = [];

  // First pass: structure, limits, the charsets the message declares, and what lacks one.
  const walk = (buf: Buffer, depth: number, top: boolean): Part[] => {
    if (depth > MIME_MAX_DEPTH) throw new MimeTooComplex(`MIME nesting deeper than ${MIME_MAX_DEPTH} levels`);
    if (++parts > MIME_MAX_PARTS) throw new MimeTooComplex(`more than ${MIME_MAX_PARTS} MIME parts`);
    const part = splitPart(buf);
    const header = part.header.toString('latin1');
    const type = field(header, 'content-type');
    const mime = (type?.split(';')[0]?.trim() || (top || depth > 0 ? 'text/plain' : '')).toLowerCase();
    const charset = param(type, 'charset');
    if (charset) declared.push(charset);
    if (hasHigh(part.header) && !isUtf8(part.header)) undeclared.push({ where: 'header', part });
    const found: Part[] = [part];
    if (mime.startsWith('multipart/')) {
      if (mime === 'multipart/signed') signedProtocol = (param(type, 'protocol') ?? 'unknown').toLowerCase();
      const boundary = param(type, 'boundary');
      const children = boundary ? splitMultipart(part.body, boundary) : [];
      if (mime === 'multipart/signed' && !signed && children.length === 2) {
        const sig = splitPart(children[1]!);
        signed = { content: children[0]!, signature: transferDecoded(sig.body, field(sig.header.toString('latin1'), 'content-transfer-encoding')) };
      }
      for (const child of children) found.push(...walk(child, depth + 1, false));
    } else if (mime === 'message/rfc822') {
      // An attached message is parsed again when its attachments are taken; only its shape counts here.
      walk(part.body, depth + 1, false);
    } else if (mime.startsWith('text/')) {
      const disposition = (field(header, 'content-disposition') ?? '').toLowerCase();
      if (mime === 'text/plain' && !disposition.startsWith('attachment')) hasPlainText = true;
      if (!charset && (mime === 'text/plain' || mime === 'text/html')) {
        const bytes = transferDecoded(part.body, field(header, 'content-transfer-encoding'));
        if (hasHigh(bytes) && !isUtf8(bytes)) undeclared.push({ where: 'body', part });
      }
    }
    return found;
  };
  walk(raw, 0, true);
  if (!undeclared.length) return { raw, hasPlainText, signedProtocol, signed, repairedCharset: null };

  // Second pass: decode what lacked a charset and rebuild the copy the parser reads.
  const sample = Buffer.concat(undeclared.map((u) => (u.where === 'header' ? u.part.header : u.part.body)).map((b) => b.subarray(0, 64 * 1024))).subarray(0, 256 * 1024);
  const charset = guessCharset(sample, declared.find((c) => !/^(utf-?8|us-ascii|ascii)$/i.test(c)) ?? null);
  let out = raw;
  for (const part of new Set(undeclared.map((u) => u.part))) {
    const fix = new Set(undeclared.filter((u) => u.part === part).map((u) => u.where));
    let header = fix.has('header') ? Buffer.from(iconv.decode(part.header, charset), 'utf8') : part.header;
    if (fix.has('body')) {
      const text = header.toString('latin1');
      header = /^content-type[ \t]*:/im.test(text)
        ? Buffer.from(text.replace(/^(content-type[ \t]*:[^\r\n]*)/im, `$1; charset="${charset}"`), 'latin1')
        : Buffer.concat([header, Buffer.from(`${header.length ? '\r\n' : ''}Content-Type: text/plain; charset="${charset}"`)]);
    }
    out = replaceOnce(out, part.header, header);
  }
  return { raw: out, hasPlainText, signedProtocol, signed, repairedCharset: charset };
}

/** Replaces the bytes of one header block (a subarray of the original) in the message being rebuilt. */
function replaceOnce(buf: Buffer, what: Buffer, by: Buffer): Buffer {
  if (what.length === 0 && by.length === 0) return buf;
  const at = what.length ? buf.indexOf(what) : 0;
  if (at === -1) return buf;
  return Buffer.concat([buf.subarray(0, at), by, buf.subarray(at + what.length)]);
}

/** The parts of a multipart body: what lies between its boundary lines. */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    // A delimiter counts only at the start of a line.
    if (at > 0 && body[at - 1] !== 0x0a) {
      at = body.indexOf(delimiter, at + 1);
      continue;
    }
    const after = at + delimiter.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) break;
    const lineEnd = body.indexOf('\n', after);
    if (lineEnd === -1) break;
    let next = body.indexOf(delimiter, lineEnd);
    while (next !== -1 && body[next - 1] !== 0x0a) next = body.indexOf(delimiter, next + 1);
    const end = next === -1 ? body.length : next - (body[next - 2] === 0x0d ? 2 : 1);
    parts.push(body.subarray(lineEnd + 1, Math.max(lineEnd + 1, end)));
    at = next;
  }
  return parts;
}
