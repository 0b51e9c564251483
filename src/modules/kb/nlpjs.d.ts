/** The part of @nlpjs/lang-ru (plain JavaScript, no types) that the knowledge base uses. */
declare module '@nlpjs/lang-ru' {
  export class StemmerRu {
    /** The Snowball stem of one lower-case Russian word. */
    stemWord(word: string): string;
  }
  const lang: { StemmerRu: typeof StemmerRu };
  export default lang;
}
