import { describe, expect, it } from 'vitest';
import { canTransition, isReopen, statusTimestamps, withinReopenWindow } from './status.js';

describe('the status machine', () => {
  it('allows the working transitions and refuses the rest', () => {
    expect(canTransition('new', 'open')).toBe(true);
    expect(canTransition('open', 'pending_customer')).toBe(true);
    expect(canTransition('pending_vendor', 'resolved')).toBe(true);
    expect(canTransition('resolved', 'closed')).toBe(true);
    expect(canTransition('resolved', 'pending_customer')).toBe(false);
    expect(canTransition('closed', 'resolved')).toBe(false);
    expect(canTransition('open', 'new')).toBe(false);
  });

  it('treats resolved/closed → open as a reopen', () => {
    expect(isReopen('resolved', 'open')).toBe(true);
    expect(isReopen('closed', 'open')).toBe(true);
    expect(isReopen('pending_customer', 'open')).toBe(false);
  });

  it('allows a reopen only within the window after resolution', () => {
    const day = 86_400_000;
    const now = Date.parse('2026-11-26T12:00:00Z');
    const resolved = new Date(now - 3 * day).toISOString();
    expect(withinReopenWindow(resolved, null, 14, now)).toBe(true);
    expect(withinReopenWindow(resolved, null, 2, now)).toBe(false);
    expect(withinReopenWindow(null, resolved, 5, now)).toBe(true);
    expect(withinReopenWindow(null, null, 14, now)).toBe(false);
  });

  it('sets and clears the resolution timestamps', () => {
    const now = '2026-11-26T12:00:00.000Z';
    expect(statusTimestamps('resolved', now, { resolved_at: null, closed_at: null })).toEqual({ resolved_at: now, closed_at: null });
    expect(statusTimestamps('closed', now, { resolved_at: '2026-11-20T00:00:00.000Z', closed_at: null })).toEqual({
      resolved_at: '2026-11-20T00:00:00.000Z',
      closed_at: now,
    });
    expect(statusTimestamps('open', now, { resolved_at: now, closed_at: now })).toEqual({ resolved_at: null, closed_at: null });
  });
});
