import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { tnefContainer } from '../../../../test/support/tnef.js';
import { calendarSummary, readCalendar } from './calendar.js';
import { MimeTooComplex, prepareMail } from './mime-prepare.js';
import { htmlToPlainText, parseMail } from './parse.js';
import { readTnef } from './tnef.js';

describe('prepareMail', () => {
  it('declares the charset of a part that has none, and leaves the message as it was when nothing lacks one', async () => {
    const body = iconv.encode('Отчёт во вложении, посмотрите, пожалуйста, вторую страницу.', 'win1251');
    const raw = Buffer.concat([
      Buffer.from('From: a@client-a.test\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
      body,
      Buffer.from('\r\n--b--\r\n'),
    ]);
    const prepared = prepareMail(raw);
    expect(prepared.repairedCharset).toBe('windows-1251');
    expect((await parseMail(raw)).text.trim()).toBe('Отчёт во вложении, посмотрите, пожалуйста, вторую страницу.');
    const clean = Buffer.from('From: a@client-a.test\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nПривет\r\n');
    expect(prepareMail(clean).raw).toBe(clean);
  });

  it('refuses a structure too deep or too wide before anything parses it', () => {
    let deep = 'Content-Type: text/plain\r\n\r\nx\r\n';
    for (let i = 0; i < 25; i++) deep = `Content-Type: multipart/mixed; boundary="d${i}"\r\n\r\n--d${i}\r\n${deep}--d${i}--\r\n`;
    expect(() => prepareMail(Buffer.from(`From: a@b.test\r\n${deep}`))).toThrow(MimeTooComplex);
    const wide = Array.from({ length: 501 }, () => '--w\r\n\r\nx\r\n').join('');
    expect(() => prepareMail(Buffer.from(`From: a@b.test\r\nContent-Type: multipart/mixed; boundary="w"\r\n\r\n${wide}--w--\r\n`))).toThrow(/500 MIME parts/);
  });
});

describe('readTnef', () => {
  it('reads the files of a container, and what it can of one cut short', () => {
    const dat = tnefContainer([
      { title: 'A.TXT', data: Buffer.from('one') },
      { title: 'B~1.TXT', longName: 'Second file.txt', data: Buffer.from('two') },
    ]);
    expect(readTnef(dat).map((f) => [f.filename, f.data.toString()])).toEqual([['A.TXT', 'one'], ['Second file.txt', 'two']]);
    // Cut inside the second file's properties: its data is there, its long name is not.
    expect(readTnef(dat.subarray(0, dat.length - 40)).map((f) => f.filename)).toEqual(['A.TXT', 'B~1.TXT']);
    expect(readTnef(dat.subarray(0, 60)).map((f) => f.filename)).toEqual([]);
    expect(readTnef(Buffer.from('not tnef'))).toEqual([]);
  });
});

describe('calendar invitations', () => {
  it('are summarized in English and Russian, with time zones and all-day dates', () => {
    const [e] = readCalendar('BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Backup review\r\nDTSTART;TZID=Europe/Moscow:20261208T150000\r\nDTEND;TZID=Europe/Moscow:20261208T160000\r\nORGANIZER:mailto:it@client-a.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
    expect(calendarSummary(e!, 'en')).toBe('Calendar invitation: Backup review\nWhen: 2026-12-08 15:00 Europe/Moscow – 2026-12-08 16:00 Europe/Moscow\nOrganizer: it@client-a.test');
    expect(calendarSummary({ ...e!, method: 'PUBLISH', start: '2026-12-08', end: null, organizer: null }, 'ru')).toBe('Событие календаря: Backup review\nКогда: 2026-12-08');
  });
});

describe('htmlToPlainText', () => {
  it('keeps the words of links but none of their targets, and no images', () => {
    const text = htmlToPlainText('<p><a href="javascript:alert(1)">Open</a> <a href="https://x.test/">site</a> <img src="https://t.test/p.gif"> <a href="vbscript:x">VBScript:run</a></p>');
    expect(text).toBe('Open site');
  });
});
