/**
 * Kannel's URL parameters as bytes: `%a` of a UCS-2 SMS is UTF-16BE, URL-encoded byte by byte,
 * which a UTF-8 query parser would mangle. `+` is a space, as in any query string.
 */
export function queryBytes(url: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const q = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const pair of q.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = percentBytes(eq < 0 ? pair : pair.slice(0, eq)).toString('utf8');
    if (!out.has(key)) out.set(key, percentBytes(eq < 0 ? '' : pair.slice(eq + 1)));
  }
  return out;
}

function percentBytes(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '+') bytes.push(0x20);
    else if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes);
}

/**
 * The text of an SMS from its bytes: UCS-2 (coding 2, or charset UTF-16BE/UCS-2) as UTF-16BE,
 * else the charset Kannel names (UTF-8 when `mo-recode` is on, WINDOWS-1252 / ISO-8859-1 for
 * 7-bit text), else UTF-8 if it is valid UTF-8, else Latin-1.
 */
export function decodeText(raw: Buffer, hints: { charset?: string; coding?: string }): string {
  const charset = hints.charset?.trim().toLowerCase() ?? '';
  if (hints.coding === '2' || /^(utf-?16(be)?|ucs-?2)$/.test(charset)) return new TextDecoder('utf-16be').decode(raw);
  if (charset) {
    try {
      return new TextDecoder(charset).decode(raw);
    } catch {
      // An unknown charset name: guess below.
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return raw.toString('latin1');
  }
}
