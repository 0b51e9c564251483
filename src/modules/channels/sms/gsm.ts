import type { SmsCoding } from './sms.tables.js';

/** The GSM 03.38 default alphabet (one septet each) and its extension table (two septets: ESC + char). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

/** A text's SMS shape: the coding it needs, its length in that coding's units, and how many parts it takes. */
export interface SmsShape {
  coding: SmsCoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
}

/**
 * How a text goes as SMS: GSM-7 when every character is in the GSM alphabet (160 septets in one
 * SMS, 153 per part of a concatenated one), else UCS-2 (70 units, 67 per part), as phones and
 * SMSCs count.
 */
export function smsShape(text: string): SmsShape {
  let septets = 0;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXTENDED.has(ch)) septets += 2;
    else {
      const units = text.length;
      return { coding: 'ucs2', units, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { coding: 'gsm7', units: septets, parts: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}
