import { describe, expect, it } from 'vitest';
import { readBounce } from './bounce.js';
import { classifyNoise } from './noise.js';
import type { InboundMail } from './parse.js';

const mail = (over: Partial<InboundMail> & { h?: Record<string, string> } = {}): InboundMail => ({
  messageId: 'x@y',
  parentIds: [],
  from: { address: 'alice@client-a.test', name: 'Alice' },
  recipients: ['support@desk.test'],
  subject: 'Printer',
  text: 'Broken.',
  textFromHtml: false,
  calendar: [],
  signature: null,
  setAside: [],
  html: null,
  files: [],
  headers: new Map(Object.entries(over.h ?? {})),
  contentType: 'text/plain',
  contentTypeParams: {},
  ...over,
});
const ctx = { envelopeFrom: 'alice@client-a.test', ownAddresses: new Set(['support@desk.test']) };

describe('classifyNoise', () => {
  it.each([
    ['a person', mail(), null],
    ['Auto-Submitted: no', mail({ h: { 'auto-submitted': 'no' } }), null],
    ['Auto-Submitted', mail({ h: { 'auto-submitted': 'auto-replied' } }), 'auto_reply'],
    ['X-Autoreply', mail({ h: { 'x-autoreply': 'yes' } }), 'auto_reply'],
    ['X-Autorespond', mail({ h: { 'x-autorespond': '' } }), 'auto_reply'],
    ['Precedence: junk', mail({ h: { precedence: 'junk' } }), 'bulk'],
    ['List-Id', mail({ h: { 'list-id': '<news.example>' } }), 'bulk'],
    ['an out-of-office subject', mail({ subject: 'Out of Office: Printer' }), 'auto_reply'],
    ['a Russian auto-reply subject', mail({ subject: 'Автоответ: Принтер' }), 'auto_reply'],
    ['mail from the desk', mail({ from: { address: 'support@desk.test', name: '' } }), 'loop'],
  ])('%s', (_name, m, reason) => {
    const r = classifyNoise(m, ctx);
    expect(r === null ? null : r.kind === 'ignored' ? r.reason : r.kind).toBe(reason);
  });

  it('takes the null envelope sender and delivery reports for automatic mail', () => {
    expect(classifyNoise(mail(), { ...ctx, envelopeFrom: '' })).toEqual({ kind: 'ignored', reason: 'auto_reply', why: 'MAIL FROM:<> (the null sender)' });
    expect(classifyNoise(mail({ contentType: 'multipart/report', contentTypeParams: { 'report-type': 'delivery-status' } }), ctx)).toMatchObject({ kind: 'bounce', why: /multipart\/report/ });
    expect(classifyNoise(mail({ from: { address: 'mailer-daemon@mx.example', name: '' } }), ctx)).toEqual({ kind: 'bounce', why: 'From: mailer-daemon@mx.example' });
    expect(classifyNoise(mail({ h: { 'list-id': '<news.example>' } }), ctx)).toEqual({ kind: 'ignored', reason: 'bulk', why: 'List-Id: <news.example>' });
  });
});

describe('readBounce', () => {
  it('reads every recipient of a report, permanent or not', () => {
    const raw = Buffer.from(
      'Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; gone@x.test\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 no such user\r\n\r\nFinal-Recipient: rfc822;<later@x.test>\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <out-1@desk.test>\r\n\r\n--b--\r\n',
    );
    expect(readBounce(raw, new Map(), '')).toEqual({
      recipients: [
        { address: 'gone@x.test', permanent: true, statusCode: '5.1.1', diagnostic: 'smtp; 550 no such user' },
        { address: 'later@x.test', permanent: false, statusCode: '4.4.1', diagnostic: null },
      ],
      originalMessageId: 'out-1@desk.test',
    });
  });
});
