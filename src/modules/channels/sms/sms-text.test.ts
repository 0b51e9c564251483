import { describe, expect, it } from 'vitest';
import { smsShape } from './gsm.js';
import { optKeyword, requestNumberInSms, subjectFromText } from './keywords.js';
import { decodeText, queryBytes } from './kannel-query.js';
import { twilioSignature, validTwilioSignature } from './signature.js';
import { requestNumberIn } from '../email/subject.js';

describe('SMS text', () => {
  it('counts GSM-7 septets and parts (160 in one, 153 per part), extension characters as two', () => {
    expect(smsShape('Hello')).toEqual({ coding: 'gsm7', units: 5, parts: 1 });
    expect(smsShape('a'.repeat(160))).toMatchObject({ coding: 'gsm7', parts: 1 });
    expect(smsShape('a'.repeat(161))).toMatchObject({ coding: 'gsm7', parts: 2 });
    expect(smsShape('a'.repeat(306))).toMatchObject({ parts: 2 });
    expect(smsShape('a'.repeat(307))).toMatchObject({ parts: 3 });
    expect(smsShape('€[]')).toMatchObject({ coding: 'gsm7', units: 6 });
  });

  it('uses UCS-2 for Cyrillic (70 in one, 67 per part)', () => {
    expect(smsShape('Привет')).toEqual({ coding: 'ucs2', units: 6, parts: 1 });
    expect(smsShape('я'.repeat(70))).toMatchObject({ parts: 1 });
    expect(smsShape('я'.repeat(71))).toMatchObject({ parts: 2 });
    expect(smsShape('я'.repeat(135))).toMatchObject({ parts: 3 });
  });

  it('reads STOP and START words alone, in English and Russian, in any case', () => {
    expect(['STOP', 'stop', ' Stop. ', 'стоп', 'СТОП!', 'unsubscribe', 'Отписаться'].map(optKeyword)).toEqual(Array(7).fill('stop'));
    expect(['START', 'старт', 'Start'].map(optKeyword)).toEqual(['start', 'start', 'start']);
    expect(optKeyword('please stop the printer')).toBeNull();
    expect(optKeyword('stopper')).toBeNull();
  });

  it('finds a request number as TD-000123 or #123', () => {
    expect(requestNumberInSms('about TD-000123 again', requestNumberIn)).toBe(123);
    expect(requestNumberInSms('#45 still broken', requestNumberIn)).toBe(45);
    expect(requestNumberInSms('room 45, phone 123', requestNumberIn)).toBeNull();
    expect(requestNumberInSms('a#45', requestNumberIn)).toBeNull();
  });

  it('makes a subject of the first words', () => {
    expect(subjectFromText('  Printer\n broken  ')).toBe('Printer broken');
    const s = subjectFromText('The printer on the third floor is broken again and nobody knows why it happens every week');
    expect(s.length).toBeLessThanOrEqual(60);
    expect(s.endsWith('…')).toBe(true);
    expect(s.startsWith('The printer on the third floor')).toBe(true);
  });
});

describe('Twilio-style signatures', () => {
  // The example from Twilio's documentation of webhook security.
  const token = '12345';
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };

  it('computes the documented signature', () => {
    expect(twilioSignature(token, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('refuses a wrong or missing signature, another URL or changed parameters', () => {
    const sig = twilioSignature(token, url, params);
    expect(validTwilioSignature(token, url, params, sig)).toBe(true);
    expect(validTwilioSignature(token, url, params, undefined)).toBe(false);
    expect(validTwilioSignature(token, `${url}&x=1`, params, sig)).toBe(false);
    expect(validTwilioSignature(token, url, { ...params, Digits: '1235' }, sig)).toBe(false);
    expect(validTwilioSignature('other', url, params, sig)).toBe(false);
  });
});

describe("Kannel's URL parameters", () => {
  it('reads a UCS-2 text byte for byte, NULs and all', () => {
    const q = queryBytes('/in?secret=s&text=%04%1F%04%40%048%042%045%04B%00+%00%21&coding=2&charset=UTF-16BE&from=%2B7916');
    expect(decodeText(q.get('text')!, { coding: '2', charset: 'UTF-16BE' })).toBe('Привет !');
    expect(q.get('from')!.toString()).toBe('+7916');
  });

  it('reads UTF-8 and Latin-1 texts by their charset, and guesses without one', () => {
    const q = queryBytes('/in?a=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82&b=caf%E9+ok');
    expect(decodeText(q.get('a')!, { charset: 'UTF-8', coding: '0' })).toBe('Привет');
    expect(decodeText(q.get('b')!, { charset: 'WINDOWS-1252' })).toBe('café ok');
    expect(decodeText(q.get('a')!, {})).toBe('Привет');
    expect(decodeText(q.get('b')!, {})).toBe('café ok');
  });
});
