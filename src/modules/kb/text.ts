import nlpRu from '@nlpjs/lang-ru';
import { porterStem } from './porter.js';

/**
 * Words and their stems, the same for indexing and for querying on both databases: Russian words
 * through the Snowball stemmer of @nlpjs/lang-ru, English words through Porter's, so that a word in
 * any of its forms ("принтера", "принтеры"; "printers") finds the others ("принтер"; "printer").
 */

const ruStemmer = new nlpRu.StemmerRu();

/** A word of the text: letters and digits; its offsets in the original string. */
export interface Word {
  text: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+/gu;
const CYRILLIC = /^[\u0400-\u04ff]+$/;
const LATIN = /^[a-z]+$/;

const STOPWORDS = new Set(
  (
    // English
    'a an and are as at be been but by can do does for from has have how i if in into is it its me my no not of on or our so ' +
    'that the their them then there these they this to was we were what when where which who why will with you your ' +
    // Russian
    'а без бы был была были было быть в вам вас во вот все всё вы где да для до его ее её если есть еще ещё же за и из или им ' +
    'их к как когда кто ли либо мне мы на над не нет ни но ну о об он она они оно от по под при с со так там то тоже ' +
    'только у уже чем что чтобы эта эти это я'
  ).split(' '),
);

/** The words of a text, in order, with their places in it. */
export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** A word folded for comparison: lower case, ё as е. */
export const fold = (word: string): string => word.toLowerCase().replaceAll('ё', 'е');

/** The stem of one word (folded first): Russian and English words stemmed, others folded only. */
export function stem(word: string): string {
  const w = fold(word);
  if (CYRILLIC.test(w)) return ruStemmer.stemWord(w) || w;
  if (LATIN.test(w)) return porterStem(w);
  return w;
}

/** Whether a word carries meaning for search: not a stop word, and two characters or more unless a number. */
export function isSignificant(word: string): boolean {
  const w = fold(word);
  if (STOPWORDS.has(w)) return false;
  return w.length >= 2 || /^\p{N}+$/u.test(w);
}

/** The stems of a text's significant words, in order (repeats kept): what the index holds. */
export function stemText(text: string): string {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) if (isSignificant(m[0])) out.push(stem(m[0]));
  return out.join(' ');
}

/**
 * The distinct stems a query looks for, at most `max`. Stop words are left out unless the query
 * holds nothing else (someone searching for "it" means it).
 */
export function queryStems(query: string, max = 16): string[] {
  const all = [...query.matchAll(WORD)].map((m) => m[0]);
  const significant = all.filter(isSignificant);
  const chosen = significant.length ? significant : all;
  return [...new Set(chosen.map(stem))].slice(0, max);
}

/** Whether a text is mostly Russian (more Cyrillic than Latin letters). */
export function looksRussian(text: string): boolean {
  const cyrillic = (text.match(/[\u0400-\u04ff]/g) ?? []).length;
  const latin = (text.match(/[a-z]/gi) ?? []).length;
  return cyrillic > latin;
}
