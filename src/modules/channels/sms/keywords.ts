/** What a one-word SMS asks for: no more SMS to this number, or SMS again. */
export type OptKeyword = 'stop' | 'start';

const STOP = new Set(['STOP', 'СТОП', 'UNSUBSCRIBE', 'ОТПИСАТЬСЯ', 'STOPALL']);
const START = new Set(['START', 'СТАРТ', 'UNSTOP']);

/** The opt-out keyword an SMS consists of (case-insensitive, alone, trailing punctuation allowed), or null. */
export function optKeyword(text: string): OptKeyword | null {
  const word = text.trim().replace(/[.!\s]+$/u, '').toUpperCase();
  if (STOP.has(word)) return 'stop';
  if (START.has(word)) return 'start';
  return null;
}

/**
 * The request number an SMS names: `TD-000123` (as the e-mail channel reads it, see `requestNumber`)
 * or `#123`; null when it names none.
 */
export function requestNumberInSms(text: string, requestNumber: (s: string) => number | null): number | null {
  const td = requestNumber(text);
  if (td !== null) return td;
  const m = /(?:^|[^\p{L}\p{N}])#(\d{1,12})(?![\p{N}])/u.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** A request's subject from an SMS: its first words, at most `max` characters, cut at a word. */
export function subjectFromText(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/u, '')}…`;
}
