import { describe, expect, it } from 'vitest';
import { checkSignature, sign, signedHeaders } from './signature.js';

const SECRET = 'a-shared-key-of-some-length';
const NOW = new Date('2026-11-25T07:00:00.000Z');
const body = '{"externalId":"DEV-1","type":"comment","comment":"Привет"}';

describe('tracker signatures', () => {
  it('accepts what it signs, over the exact bytes and the timestamp', () => {
    const h = signedHeaders(SECRET, body, NOW);
    expect(h['x-tierdesk-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(h['x-tierdesk-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(checkSignature(SECRET, Buffer.from(body), h, NOW)).toBeNull();
    expect(
      checkSignature(
        SECRET,
        Buffer.from(body),
        {
          ...h,
          'x-tierdesk-signature': h['x-tierdesk-signature']!.toUpperCase().replace('SHA256', 'sha256'),
        },
        NOW,
      ),
    ).toBeNull();
  });

  it('refuses another body, key or timestamp, and a missing or malformed header', () => {
    const h = signedHeaders(SECRET, body, NOW);
    expect(checkSignature(SECRET, Buffer.from(`${body} `), h, NOW)).toBe('wrong signature');
    expect(checkSignature(`${SECRET}!`, Buffer.from(body), h, NOW)).toBe('wrong signature');
    const ts = String(Number(h['x-tierdesk-timestamp']) + 1);
    expect(checkSignature(SECRET, Buffer.from(body), { ...h, 'x-tierdesk-timestamp': ts }, NOW)).toBe(
      'wrong signature',
    );
    expect(
      checkSignature(SECRET, Buffer.from(body), { 'x-tierdesk-timestamp': h['x-tierdesk-timestamp'] }, NOW),
    ).toMatch(/missing or malformed/);
    expect(
      checkSignature(SECRET, Buffer.from(body), { ...h, 'x-tierdesk-signature': 'sha256=abc' }, NOW),
    ).toMatch(/missing or malformed/);
    expect(checkSignature(SECRET, Buffer.from(body), { ...h, 'x-tierdesk-timestamp': '-1' }, NOW)).toMatch(
      /missing or malformed/,
    );
  });

  it('refuses a genuine signature more than five minutes away from now, either way', () => {
    const old = signedHeaders(SECRET, body, new Date(NOW.getTime() - 301_000));
    expect(checkSignature(SECRET, Buffer.from(body), old, NOW)).toMatch(/too old/);
    const ahead = signedHeaders(SECRET, body, new Date(NOW.getTime() + 301_000));
    expect(checkSignature(SECRET, Buffer.from(body), ahead, NOW)).toMatch(/too far ahead/);
    const recent = {
      'x-tierdesk-timestamp': '1795590000',
      'x-tierdesk-signature': sign(SECRET, '1795590000', body),
    };
    expect(checkSignature(SECRET, Buffer.from(body), recent, new Date(1795590000_000 + 299_000))).toBeNull();
  });
});
