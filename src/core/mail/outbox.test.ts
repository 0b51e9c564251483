import { describe, expect, it } from 'vitest';
import { domainOf, mailRetryDelayMs, newMessageId } from './outbox.js';
import { isPermanentFailure } from './transports.js';

describe('outbox helpers', () => {
  it('takes the domain of a sender with or without a display name', () => {
    expect(domainOf('Tierdesk <support@Desk.Test>')).toBe('desk.test');
    expect(domainOf('support@desk.test')).toBe('desk.test');
    expect(domainOf('no address')).toBe('localhost');
  });

  it('makes unique Message-IDs in the domain, led by a readable prefix', () => {
    const a = newMessageId('desk.test', 'TD-000123');
    const b = newMessageId('desk.test', 'TD-000123');
    expect(a).toMatch(/^TD-000123\.[A-Za-z0-9._-]+@desk\.test$/);
    expect(a).not.toBe(b);
    expect(newMessageId('desk.test', 'a b<c>')).toMatch(/^abc\./);
  });

  it('waits 1, 2, 4 … minutes between attempts, at most an hour', () => {
    expect([1, 2, 3, 7, 8, 20].map(mailRetryDelayMs)).toEqual([60_000, 120_000, 240_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('gives up at once only on a 5xx answer', () => {
    expect(isPermanentFailure(Object.assign(new Error('x'), { responseCode: 550 }))).toBe(true);
    expect(isPermanentFailure(Object.assign(new Error('x'), { responseCode: 451 }))).toBe(false);
    expect(isPermanentFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }))).toBe(false);
  });
});
