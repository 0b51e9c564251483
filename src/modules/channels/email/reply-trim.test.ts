import { describe, expect, it } from 'vitest';
import { splitReply, trimReply } from './reply-trim.js';

describe('trimReply', () => {
  it.each([
    ['Gmail', 'Thanks, it works.\n\nOn Tue, 24 Nov 2026 at 10:00, Lena <l1@demo.test> wrote:\n> Please try again.\n', 'Thanks, it works.'],
    ['a wrapped attribution', 'Done.\n\nOn Tue, 24 Nov 2026 at 10:00, Lena L1 from the service desk\n<l1@demo.test> wrote:\n> Try.\n', 'Done.'],
    ['Thunderbird in Russian', 'Спасибо!\n\n24.11.2026 10:00, Лена пишет:\n> Попробуйте ещё раз.\n', 'Спасибо!'],
    ['Apple Mail in Russian', 'Работает.\n\n24 нояб. 2026 г., в 10:00, Лена <l1@demo.test> написал(а):\n\n> Проверьте.\n', 'Работает.'],
    ['Gmail in Russian', 'Да.\n\nвт, 24 нояб. 2026 г. в 10:00, Лена <l1@demo.test>:\n\n> Вопрос?\n', 'Да.'],
    ['Outlook', 'Yes.\n\nFrom: Lena <l1@demo.test>\nSent: Tuesday, November 24, 2026 10:00 AM\nTo: Alice\nSubject: Question\n\nQuestion?\n', 'Yes.'],
    ['Outlook in Russian', 'Да.\n\n-----Исходное сообщение-----\nОт: Лена\nОтправлено: 24 ноября 2026 г. 10:00\n\nВопрос?\n', 'Да.'],
    ['Outlook separator', 'OK.\n\n________________________________\nFrom: Lena\nSent: today\n', 'OK.'],
    ['quotes without attribution', 'Fine now.\n\n> old\n> text\n', 'Fine now.'],
    ['an RFC 3676 signature', 'Please help.\n\n-- \nBob\nManager\n', 'Please help.'],
    ['a mobile tagline', 'On my way.\n\nSent from my iPhone\n', 'On my way.'],
    ['a Russian mobile tagline', 'Еду.\n\nОтправлено из мобильной Почты Mail.ru\n', 'Еду.'],
  ])('%s', (_name, text, expected) => expect(trimReply(text)).toBe(expected));

  it('keeps the answers written between quoted lines, and forwarded content', () => {
    const interleaved = '> Is it on?\nYes.\n> Is it plugged in?\nNo.';
    expect(splitReply(interleaved)).toEqual({ reply: 'Yes.\n\nNo.', quoted: '> Is it on?\n> Is it plugged in?' });
    const forward = 'See below.\n\n---------- Forwarded message ---------\nFrom: Vendor\n\nOn Monday, Ann wrote:\n> quoted in the forward\n';
    expect(trimReply(forward)).toBe(forward.trim());
  });

  it('does not take a line of the writer’s own for an attribution', () => {
    const own = 'Call me at 10:30 or write to ivan@client-a.test:\nthe printer is in room 4.';
    expect(trimReply(own)).toBe(own);
    for (const intro of ['Программа пишет:\nОшибка 0x80070005, доступ запрещён.', 'The installer writes:\nError 1603.', 'Outlook schrieb:\nKein Zugriff.'])
      expect(trimReply(intro)).toBe(intro);
    const leave = 'Please block my account while I am away.\nFrom: 1 December\nTo: 5 December\n\nThank you.';
    expect(trimReply(leave)).toBe(leave);
  });

  it('keeps what an Outlook forward carries under its header block', () => {
    const fw = 'Is this real?\n\nBob\n\n________________________________\nFrom: Vendor <billing@vendor.test>\nSent: Monday, 23 November 2026 09:00\nTo: Bob\nSubject: Invoice overdue\n\nYour invoice is overdue.\n';
    expect(splitReply(fw, { forward: true })).toEqual({ reply: fw.trim(), quoted: '' });
    expect(splitReply(fw).reply).toBe('Is this real?\n\nBob');
  });

  it('keeps the whole text when trimming would leave nothing', () => {
    expect(trimReply('On Mon, Bob wrote:\n> only a quote')).toBe('On Mon, Bob wrote:\n> only a quote');
  });
});
