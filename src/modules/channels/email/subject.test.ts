import { describe, expect, it } from 'vitest';
import { hasReplyPrefix, isForwardSubject, requestNumberIn, stripPrefixes } from './subject.js';

describe('subjects', () => {
  it.each([
    ['Re: Printer', 'Printer'],
    ['RE: RE: Printer', 'Printer'],
    ['AW: SV: VS: Printer', 'Printer'],
    ['Fwd: FW: Printer', 'Printer'],
    ['Re[2]: Printer', 'Printer'],
    ['Re(3): Printer', 'Printer'],
    ['Ответ: Пересл: Принтер', 'Принтер'],
    ['Отв: Принтер', 'Принтер'],
    ['Re：Printer', 'Printer'],
    ['Printer', 'Printer'],
    ['Reminder: backup', 'Reminder: backup'],
  ])('%s → %s', (subject, expected) => expect(stripPrefixes(subject)).toBe(expected));

  it('tells replies from new subjects', () => {
    expect(hasReplyPrefix('Re: x')).toBe(true);
    expect(hasReplyPrefix('Regarding x')).toBe(false);
  });

  it.each([
    ['Re: [TD-000123] Printer', 123],
    ['TD-7 is broken', 7],
    ['Ответ: #TD-42', 42],
    ['Printer', null],
    ['ATD-5 model', null],
    ['TD-0', null],
  ])('finds the request number in %s', (subject, n) => expect(requestNumberIn(subject)).toBe(n));

  it('tells forwards from replies', () => {
    for (const f of ['FW: Invoice', 'Fwd: Invoice', 'WG: Rechnung', 'TR: Facture', 'RV: Factura', 'ENC: Fatura', 'Пересл: Счёт', '[TD-1] Fw: x']) expect(isForwardSubject(f), f).toBe(true);
    for (const r of ['Re: Invoice', 'AW: Rechnung', 'Ответ: Счёт', 'Invoice', 'Tracking: parcel']) expect(isForwardSubject(r), r).toBe(false);
  });
});
