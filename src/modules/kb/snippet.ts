import { fold, stem, words, type Word } from './text.js';

/**
 * Highlighted snippets, made from the original text with the same stemming as the index, so that
 * "printers" highlights "printer" and "принтера" highlights "принтеры" on both databases. (The
 * engines' own snippet() and ts_headline() would quote the stemmed copy the index matches on.)
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Longer texts are quoted from their beginning only: a snippet must stay cheap. */
const MAX_SCAN = 50_000;

/** Which words of a text match the query stems; a word is only stemmed when its beginning could. */
function matcher(stems: string[]) {
  const wanted = new Set(stems);
  // A stem is the beginning of the word it came from but for its last letter or two (Porter's
  // y → i, "hoping" → "hope"); words that do not start so are never stemmed.
  const prefixes = new Set(stems.map((s) => s.slice(0, Math.max(1, Math.min(3, s.length - 1)))));
  const cache = new Map<string, boolean>();
  return (w: Word) => {
    const f = fold(w.text);
    let hit = cache.get(f);
    if (hit === undefined) {
      hit = [...prefixes].some((p) => f.startsWith(p)) && wanted.has(stem(f));
      cache.set(f, hit);
    }
    return hit;
  };
}

/** The text with every matching word in `<mark>`, the rest escaped. */
function markUp(text: string, ws: Word[], isHit: (w: Word) => boolean, from: number, to: number): string {
  let out = '';
  let at = from;
  for (const w of ws) {
    if (w.start < from || w.end > to || !isHit(w)) continue;
    out += `${escapeHtml(text.slice(at, w.start))}<mark>${escapeHtml(w.text)}</mark>`;
    at = w.end;
  }
  return out + escapeHtml(text.slice(at, to));
}

/** A whole short text (a title) with its matching words highlighted; safe HTML. */
export function highlight(text: string, stems: string[]): string {
  return markUp(text, words(text), matcher(stems), 0, text.length);
}

/**
 * The passage of about `size` words with the most distinct matching words (the earliest among
 * equals), highlighted, with "…" where it is cut; safe HTML. No match: the text's beginning.
 */
export function snippet(text: string, stems: string[], size = 24): string {
  const scanned = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const ws = words(scanned);
  if (!ws.length) return escapeHtml(scanned.slice(0, 200));
  const isHit = matcher(stems);
  const hits = ws.map((w) => (isHit(w) ? stem(w.text) : null));
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < ws.length; i++) {
    if (hits[i] === null && i !== 0) continue;
    const window = hits.slice(i, i + size).filter((h): h is string => h !== null);
    const score = new Set(window).size * 100 + window.length;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  // Start a few words before the first match, so that it reads in context.
  const first = bestScore > 0 ? Math.max(0, best - 3) : 0;
  const last = Math.min(ws.length, first + size) - 1;
  const from = first === 0 ? 0 : ws[first]!.start;
  const to = last === ws.length - 1 && scanned === text ? text.length : ws[last]!.end;
  return `${from > 0 ? '…' : ''}${markUp(scanned, ws, isHit, from, to).trim()}${to < text.length ? '…' : ''}`;
}
