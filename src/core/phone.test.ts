import { describe, expect, it } from 'vitest';
import { toE164 } from './phone.js';

describe('toE164', () => {
  it('normalises the ways people write one number', () => {
    for (const raw of ['+7 916 123-45-67', '8 (916) 123 45 67', '+79161234567', '9161234567'])
      expect(toE164(raw, 'RU')).toBe('+79161234567');
    expect(toE164('020 7946 0018', 'GB')).toBe('+442079460018');
    expect(toE164('+44 20 7946 0018', 'RU')).toBe('+442079460018');
  });

  it('refuses what is not a phone number', () => {
    for (const raw of ['', 'hello', '123', '+7 000', '+999 1234567']) expect(toE164(raw, 'RU')).toBeNull();
  });
});
