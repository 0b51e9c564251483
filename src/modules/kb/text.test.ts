import { describe, expect, it } from 'vitest';
import { porterStem } from './porter.js';
import { isSignificant, looksRussian, queryStems, stem, stemText, words } from './text.js';

describe('stemming', () => {
  it.each([
    ['printers', 'printer'],
    ['printer', 'printer'],
    ['printing', 'print'],
    ['connection', 'connect'],
    ['connected', 'connect'],
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['relational', 'relat'],
    ['generalization', 'gener'],
    ['hopping', 'hop'],
    ['hoping', 'hope'],
    ['agreed', 'agre'],
    ['happy', 'happi'],
    ['sky', 'sky'],
  ])('Porter: %s → %s', (word, expected) => expect(porterStem(word)).toBe(expected));

  it('joins the forms of a Russian word', () => {
    for (const group of [
      ['принтер', 'принтера', 'принтеры', 'принтеров', 'Принтером'],
      ['пароль', 'пароля', 'пароли', 'паролей'],
      ['почта', 'почты', 'почту', 'почтой'],
      ['ошибка', 'ошибки', 'ошибку', 'ошибкой'],
    ])
      expect(new Set(group.map(stem)).size, group.join(' ')).toBe(1);
  });

  it('joins the forms of an English word, whatever the case', () => {
    expect(new Set(['Printer', 'printers', 'PRINTER'].map(stem))).toEqual(new Set(['printer']));
    expect(new Set(['connect', 'connected', 'connecting', 'connection'].map(stem)).size).toBe(1);
  });

  it('leaves numbers and codes as they are, folds ё to е', () => {
    expect(stem('E204')).toBe('e204');
    expect(stem('1C')).toBe('1c');
    expect(stem('Ёлка')).toBe(stem('елка'));
  });
});

describe('index and query text', () => {
  it('stems significant words in order, without stop words', () => {
    expect(stemText('The printers не печатают, E-204!')).toBe('printer печата 204');
  });
  it('a query looks for distinct stems; stop words only when there is nothing else', () => {
    expect(queryStems('принтера принтеры printers')).toEqual(['принтер', 'printer']);
    expect(queryStems('the it')).toEqual(['the', 'it']);
    expect(queryStems('!!!')).toEqual([]);
  });
  it('finds words with their places', () => {
    expect(words('Hi, мир!')).toEqual([{ text: 'Hi', start: 0, end: 2 }, { text: 'мир', start: 4, end: 7 }]);
    expect(isSignificant('и')).toBe(false);
    expect(isSignificant('7')).toBe(true);
  });
  it('tells Russian from English text', () => {
    expect(looksRussian('Принтер не печатает (HP)')).toBe(true);
    expect(looksRussian('Printer prints blank pages')).toBe(false);
  });
});
