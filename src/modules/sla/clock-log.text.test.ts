import { describe, expect, it } from 'vitest';
import { actionText, detailText, metricText } from './clock-log.text.js';

describe('the clock log in words', () => {
  it('says each kind of entry in English and Russian, leaving ids out', () => {
    expect(detailText({ priority: 'P2', policyId: 'a1b2', paused: 'pending_customer' }, 'start', 'en')).toBe('priority P2; paused while waiting for the customer');
    expect(detailText({ priority: 'P2', policyId: 'a1b2', paused: 'pending_customer' }, 'start', 'ru')).toBe('приоритет P2; на паузе: ждёт ответа клиента');
    expect(detailText({ reason: 'first public reply' }, 'stop', 'ru')).toBe('первый публичный ответ');
    expect(detailText({ status: 'pending_vendor' }, 'pause', 'en')).toBe('status: waiting for a supplier');
    expect(detailText({ from: 'L1', to: 'L2', by: 'time', reason: null }, 'escalated', 'ru')).toBe('L1 → L2, по времени');
    // A reason someone typed stays theirs.
    expect(detailText({ from: 'L1', to: 'L2', by: 'hand', reason: 'Needs an engineer' }, 'escalated', 'ru')).toBe('L1 → L2, вручную: Needs an engineer');
    expect(detailText({ plan: 'p1', from: 240, to: 480, calendarFrom: 'c1', calendarTo: 'c2' }, 'target_changed', 'en')).toBe('target 240 → 480 min; the plan changed; the calendar changed');
    expect(detailText({ share: 0.75 }, 'warning', 'ru')).toBe('израсходовано 75 %');
    expect(detailText({ to: 'L2' }, 'stop', 'en')).toBe('moved to L2');
    expect([metricText('line', 'ru'), actionText('breach', 'en'), actionText('something_new', 'en')]).toEqual(['Бюджет линии', 'breached', 'something_new']);
  });
});
