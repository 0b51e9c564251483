/**
 * Outlook's TNEF container (winmail.dat, application/ms-tnef), unpacked into the files it carries.
 * A small reader of the attributes that matter, bounded by the container's own length: node-tnef
 * logs every parse to standard output through bunyan, copies each byte into a JavaScript array and
 * trusts the lengths it reads, which a desk taking mail from anyone cannot.
 */

/** One file from a TNEF container. */
export interface TnefFile {
  filename: string;
  data: Buffer;
  contentType: string | null;
}

const SIGNATURE = 0x223e9f78;
const LVL_ATTACHMENT = 0x02;
const ATT_ATTACH_REND_DATA = 0x9002;
const ATT_ATTACH_TITLE = 0x8010;
const ATT_ATTACH_DATA = 0x800f;
const ATT_ATTACHMENT = 0x9005;
const PR_ATTACH_LONG_FILENAME = 0x3707;
const PR_ATTACH_MIME_TAG = 0x370e;
const MAX_FILES = 200;

/** Whether a file is a TNEF container, by its type, name or first bytes. */
export const isTnef = (contentType: string, filename: string, data: Buffer) =>
  (contentType === 'application/ms-tnef' || contentType === 'application/vnd.ms-tnef' || /^winmail\.dat$/i.test(filename)) &&
  data.length >= 6 &&
  data.readUInt32LE(0) === SIGNATURE;

const cString = (b: Buffer, utf16 = false) => (utf16 ? b.toString('utf16le') : b.toString('latin1')).replace(/\0[\s\S]*$/, '').trim();

/** The files in a TNEF container; an empty list when it carries none or cannot be read. */
export function readTnef(data: Buffer): TnefFile[] {
  if (data.length < 6 || data.readUInt32LE(0) !== SIGNATURE) return [];
  const files: (TnefFile & { title?: string })[] = [];
  let current: (TnefFile & { title?: string }) | null = null;
  let at = 6;
  while (at + 9 <= data.length) {
    const level = data.readUInt8(at);
    const id = data.readUInt16LE(at + 1);
    const length = data.readUInt32LE(at + 5);
    const start = at + 9;
    if (start + length > data.length) break;
    const value = data.subarray(start, start + length);
    at = start + length + 2;
    if (id === ATT_ATTACH_REND_DATA) {
      if (files.length >= MAX_FILES) break;
      current = { filename: '', data: Buffer.alloc(0), contentType: null };
      files.push(current);
    } else if (level === LVL_ATTACHMENT && current) {
      if (id === ATT_ATTACH_TITLE) current.title = cString(value);
      else if (id === ATT_ATTACH_DATA) current.data = value;
      else if (id === ATT_ATTACHMENT) {
        const props = readMapiProps(value);
        const long = props.get(PR_ATTACH_LONG_FILENAME);
        if (long) current.filename = long;
        current.contentType = props.get(PR_ATTACH_MIME_TAG)?.toLowerCase() ?? null;
      }
    }
  }
  return files
    .filter((f) => f.data.length)
    .map((f, i) => ({ filename: f.filename || f.title || `attachment-${i + 1}.bin`, data: f.data, contentType: f.contentType }));
}

const FIXED: Record<number, number> = { 0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000a: 4, 0x000b: 4, 0x0014: 8, 0x0040: 8, 0x0048: 16 };
const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;

/** The string properties of a MAPI property block (others are skipped); empty when it cannot be read. */
function readMapiProps(b: Buffer): Map<number, string> {
  const out = new Map<number, string>();
  try {
    let at = 0;
    const count = b.readUInt32LE(at);
    at += 4;
    for (let i = 0; i < count && i < 1000; i++) {
      const type = b.readUInt16LE(at);
      const id = b.readUInt16LE(at + 2);
      at += 4;
      if (id >= 0x8000) {
        // A named property: its GUID, then a number or a name.
        const kind = b.readUInt32LE(at + 16);
        at += 20;
        if (kind === 0) at += 4;
        else at += 4 + Math.ceil(b.readUInt32LE(at) / 4) * 4;
      }
      const multi = (type & 0x1000) !== 0;
      const base = type & 0x0fff;
      const values = multi || !(base in FIXED) ? b.readUInt32LE((at += 4) - 4) : 1;
      for (let v = 0; v < values && v < 1000; v++) {
        if (base in FIXED) at += FIXED[base]!;
        else {
          const len = b.readUInt32LE(at);
          at += 4;
          if (at + len > b.length) return out;
          if (!multi && (base === PT_STRING8 || base === PT_UNICODE)) out.set(id, cString(b.subarray(at, at + len), base === PT_UNICODE));
          at += Math.ceil(len / 4) * 4;
        }
      }
    }
  } catch {
    // A block cut short: what was read is kept.
  }
  return out;
}
