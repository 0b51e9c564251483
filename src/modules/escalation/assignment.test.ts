import { describe, expect, it } from 'vitest';
import { chooseAgent, requestLanguage, type Candidate } from './assignment.js';

const agent = (id: string, over: Partial<Candidate> = {}): Candidate => ({ id, name: id, languages: ['ru', 'en'], skills: [], load: 0, ...over });

describe('chooseAgent', () => {
  it('takes the least loaded agent who speaks the language', () => {
    const pick = chooseAgent([agent('a', { load: 3 }), agent('b', { load: 1 }), agent('c', { load: 0, languages: ['ru'] })], 'en', []);
    expect(pick?.id).toBe('b');
  });

  it('prefers a skill that names the category over a lighter load', () => {
    const pick = chooseAgent([agent('a', { load: 0 }), agent('b', { load: 5, skills: ['VPN'] })], 'ru', ['vpn', 'Network']);
    expect(pick?.id).toBe('b');
  });

  it('leaves the request in the queue when no one speaks its language', () => {
    expect(chooseAgent([agent('a', { languages: ['en'] })], 'ru', [])).toBeUndefined();
    expect(chooseAgent([], 'en', [])).toBeUndefined();
  });

  it('breaks ties by name, so the choice is stable', () => {
    expect(chooseAgent([agent('b'), agent('a')], 'en', [])?.id).toBe('a');
  });
});

describe('requestLanguage', () => {
  it('reads Cyrillic as Russian and anything else as English', () => {
    expect(requestLanguage({ subject: 'Не работает принтер', description: '' })).toBe('ru');
    expect(requestLanguage({ subject: 'Printer', description: 'Ошибка 5' })).toBe('ru');
    expect(requestLanguage({ subject: 'Printer', description: 'Error 5' })).toBe('en');
  });
});
