import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { enqueueMail } from '../../src/core/mail/outbox.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { CORPUS_DIR, corpusMessage, sendRaw, useSmtpListener } from '../support/email.js';

/**
 * The golden corpus: every message in test/fixtures/email, shaped like real mail from Outlook,
 * Gmail, Thunderbird, Apple Mail, The Bat! and mobile clients, in English and Russian, goes through
 * the real SMTP listener to the demo desk address, in file order, and must have the outcome its row
 * here says. `%%TD_nn%%` in a file is the number of the request that file nn made.
 */

type Org = 'A' | 'B' | 'C' | 'W';
interface Expect {
  status: 'created' | 'appended' | 'ignored' | 'bounce' | 'quarantined';
  reason?: string;
  /** created: the request's organization, requester and subject. */
  org?: Org;
  requester?: string;
  subject?: string;
  /** appended: the file whose request it lands in; the entry's author; an internal note or not. */
  into?: string;
  author?: string;
  internal?: boolean;
  /** The text in the request (created) or the new entry (appended). */
  text?: RegExp[];
  notText?: RegExp[];
  attachments?: string[];
  skipped?: string[];
  /** The HTML kept for staff: what it has and what it must not have. */
  html?: RegExp[];
  notHtml?: RegExp[];
  /** bounce: addresses marked failing, not marked, and the request it was about. */
  failing?: string[];
  notFailing?: string[];
  about?: string;
}

const A = 'alice@client-a.test';
const CORPUS: [file: string, expect: Expect][] = [
  ['01-outlook-en-new.eml', { status: 'created', org: 'A', requester: A, subject: 'Printer on the 3rd floor jams every morning', text: [/jams every morning on the first print job\./, /tray 2/], attachments: [] }],
  ['02-gmail-ru-new.eml', { status: 'created', org: 'A', requester: 'dmitry@client-a.test', subject: 'Не открывается общая папка', text: [/«Отказано в доступе»/, /Вчера всё работало/] }],
  ['03-thunderbird-en-attachment.eml', { status: 'created', org: 'B', requester: 'bob@client-b.test', subject: 'Till in store 4 prints an error report', text: [/refuses card payments/], attachments: ['till-error-report.pdf'] }],
  ['04-apple-mail-inline-image.eml', { status: 'created', org: 'C', requester: 'carol@client-c.test', text: [/shows last week/], attachments: ['screenshot.png'], html: [/src="cid:F1E2D3C4/] }],
  ['05-iphone-ru-new.eml', { status: 'created', org: 'A', requester: A, subject: 'Не работает Wi-Fi на ноутбуке', text: [/не работает Wi-Fi после обновления/], notText: [/Отправлено с iPhone/] }],
  ['06-gmail-android-en.eml', { status: 'created', org: 'B', subject: 'Warehouse scanner cannot connect to wifi', text: [/authentication failed/], notText: [/Sent from my Galaxy/] }],
  ['07-outlook-windows-1251.eml', { status: 'created', org: 'A', requester: 'it@client-a.test', subject: 'Доступ к 1С для нового сотрудника', text: [/Марии Волковой/, /С уважением/] }],
  ['08-thebat-koi8r.eml', { status: 'created', org: 'A', requester: 'dmitry@client-a.test', subject: 'Не стартует служба печати', text: [/служба печати\.\nПросьба посмотреть срочно, склад стоит\./] }],
  ['09-html-only-script.eml', { status: 'created', org: 'A', text: [/install a plugin/], html: [/install a plugin/, /href="https:\/\/example\.test\/help"/], notHtml: [/<script/i, /onload/i, /javascript:/i, /<iframe/i, /tracker\.example\.test/, /<style/i] }],
  ['10-unknown-sender-client-domain.eml', { status: 'created', org: 'B', requester: 'nina.novak@client-b.test', text: [/keyboard is missing half/] }],
  // The demo's desk address takes senders of no client's domain in as walk-in requesters.
  ['11-unknown-domain.eml', { status: 'created', org: 'W', requester: 'sam@unknown-corp.test' }],
  ['12-thunderbird-signature.eml', { status: 'created', org: 'B', text: [/store5@client-b\.test/, /Thanks/], notText: [/Store operations manager/, /\+44/] }],
  ['13-gmail-forward-en.eml', { status: 'created', org: 'B', requester: 'it@client-b.test', subject: 'Your SSL certificate expires in 7 days', text: [/Can you renew this please\?/, /Forwarded message/, /expires on 2 December 2026/] }],
  ['14-thunderbird-ru-forward.eml', { status: 'created', org: 'C', subject: 'Замена картриджей', text: [/Пересылаю письмо/, /Пересылаемое сообщение/, /поставим в четверг/] }],
  ['15-attachment-exe-refused.eml', { status: 'created', org: 'A', attachments: ['install.log'], skipped: ['setup.exe'] }],
  ['16-outlook-attached-message.eml', { status: 'created', org: 'A', text: [/Is it phishing\?/], attachments: ['Invoice overdue.eml'] }],
  ['17-outlook-reply-en.eml', { status: 'appended', into: '01', author: A, internal: false, text: [/^It happened again today at 8:30, now with tray 1 as well\.\n\nAlice$/] }],
  ['18-gmail-reply-ru.eml', { status: 'appended', into: '02', author: 'dmitry@client-a.test', text: [/^Проверили — доступ появился, спасибо!$/] }],
  ['19-thunderbird-reply-subject-number.eml', { status: 'appended', into: '03', author: 'bob@client-b.test', text: [/^The till works again after the restart you suggested\.$/] }],
  ['20-apple-reply-stacked-prefixes.eml', { status: 'appended', into: '04', author: 'carol@client-c.test', text: [/^Now it shows the right week, thank you\.\n\nCarol$/] }],
  ['21-outlook-ru-reply-otvet.eml', { status: 'appended', into: '07', author: 'it@client-a.test', text: [/^Сотрудница приступает в понедельник, доступ нужен до 9:00\.$/] }],
  ['22-k9-reply-references-only.eml', { status: 'appended', into: '05', author: A, text: [/^Перезагрузила — не помогло\. Ноутбук видит сеть, но не подключается\.$/] }],
  ['23-reply-to-desk-notification.eml', { status: 'appended', into: '01', author: A, text: [/^Yes, you may come at 16:00 to look at it\.$/] }],
  ['24-cross-org-number.eml', { status: 'created', org: 'B', requester: 'bob@client-b.test', subject: 'Printer on the 3rd floor jams every morning', text: [/store 2 does the same/] }],
  ['25-colleague-reply.eml', { status: 'appended', into: '01', internal: true, text: [/Dmitry Sokolov <dmitry@client-a\.test>:\n\nI think the paper in tray 2 is damp/] }],
  ['26-staff-reply.eml', { status: 'appended', into: '02', author: 'l1@demo.test', internal: false, text: [/^Права на папку восстановлены, проверьте, пожалуйста\.$/] }],
  ['27-reply-to-closed.eml', { status: 'created', org: 'C', requester: 'carol@client-c.test', subject: 'Сбросить пароль к учётной записи', text: [/Пароль снова не принимается/] }],
  ['28-exchange-out-of-office.eml', { status: 'ignored', reason: 'auto_reply' }],
  ['29-gmail-vacation-ru.eml', { status: 'ignored', reason: 'auto_reply' }],
  ['30-x-autoreply-ru.eml', { status: 'ignored', reason: 'auto_reply' }],
  ['31-newsletter-list.eml', { status: 'ignored', reason: 'bulk' }],
  ['32-postfix-dsn-permanent.eml', { status: 'bounce', failing: ['left.company@client-b.test'], about: '01' }],
  ['33-exchange-ndr.eml', { status: 'bounce', failing: ['old.user@client-a.test'] }],
  ['34-gmail-dsn-delayed.eml', { status: 'bounce', notFailing: ['slow.server@client-c.test'] }],
  ['35-exim-bounce-text.eml', { status: 'bounce', failing: ['gone@client-c.test'] }],
  ['36-loop-from-desk.eml', { status: 'ignored', reason: 'loop' }],
  ['37-malformed-unterminated-multipart.eml', { status: 'created', org: 'A', text: [/flickers when I move the cable/] }],
  ['38-malformed-no-from.eml', { status: 'quarantined', reason: 'no_sender' }],
  ['39-malformed-garbage.eml', { status: 'quarantined', reason: 'unreadable' }],
  ['40-malformed-charset-base64.eml', { status: 'created', org: 'A', requester: 'dmitry@client-a.test' }],
  ['41-mobile-photo-only.eml', { status: 'created', org: 'A', requester: A, subject: '(без темы)', text: [/в письме нет текста/], attachments: ['IMG_0041.png'] }],
  ['42-outlook-mac-html-reply.eml', { status: 'appended', into: '13', author: 'it@client-b.test', text: [/^The renewal code is in our password vault under "SSL"\.$/] }],
];

const ORGS: Record<Org, string> = { A: 'Client A Logistics', B: 'Client B Retail', C: 'Client C Clinic', W: 'Walk-in senders' };

describe.each(DATABASES)('the e-mail corpus through SMTP (%s)', (db) => {
  const t = useTestApp(db);
  const smtp = useSmtpListener(t);
  let staff: Client;
  let admin: Client;
  const numbers: Record<string, string> = {};
  const tickets: Record<string, string> = {};

  beforeAll(async () => {
    staff = await t.login('l1@demo.test');
    admin = await t.login('admin@demo.test');
    // The demo's closed request (carol's password reset), for the reply to a closed request.
    const closed = await staff.get('/api/v1/tickets?status=closed&limit=200');
    numbers.TD_CLOSED = closed.body.items.find((x: any) => x.subject === 'Сбросить пароль к учётной записи').number;
  });

  it('has at least 30 messages, each with an expected outcome', () => {
    const files = fs.readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.eml')).sort();
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(CORPUS.map(([f]) => f)).toEqual(files);
  });

  it.each(CORPUS)('%s', async (file, e) => {
    const raw = corpusMessage(file, numbers);
    const answer = await sendRaw(smtp.port, raw, { from: 'relay@mx.desk.test', to: ['support@desk.test'] });
    expect(answer, 'the listener accepts every message it can record').toMatchObject({ ok: true, code: 250 });

    const m = (await admin.get('/api/v1/email/messages?limit=1')).body.items[0];
    expect(m.status, `${m.status} ${m.reason ?? ''} ${m.detail ?? ''}`).toBe(e.status);
    if (e.reason) expect(m.reason).toBe(e.reason);
    if (m.reason) expect(m.reasonText).toMatchObject({ en: expect.any(String), ru: expect.any(String) });
    expect(m.size).toBe(raw.length);
    // The original is kept byte for byte.
    const original = await fetch(`${t.base}${m.originalUrl}`, { headers: { cookie: admin.cookie! } });
    expect(Buffer.from(await original.arrayBuffer()).equals(raw)).toBe(true);

    const key = file.slice(0, 2);
    if (e.status === 'created') {
      const ticket = (await staff.get(`/api/v1/tickets/${m.ticketId}`)).body;
      numbers[`TD_${key}`] = ticket.number;
      tickets[key] = ticket.id;
      expect(ticket.channel).toBe('email');
      if (e.org) expect(ticket.organization.name).toBe(ORGS[e.org]);
      if (e.requester) expect(ticket.requester.email).toBe(e.requester);
      if (e.subject) expect(ticket.subject).toBe(e.subject);
      for (const re of e.text ?? []) expect(ticket.description).toMatch(re);
      for (const re of e.notText ?? []) expect(ticket.description).not.toMatch(re);
      const created = (await staff.get(`/api/v1/tickets/${m.ticketId}/timeline`)).body.items.find((x: any) => x.event?.type === 'created');
      if (e.attachments) expect(created.attachments.map((a: any) => a.filename).sort()).toEqual([...e.attachments].sort());
    }
    if (e.status === 'appended') {
      expect(m.ticketId).toBe(tickets[e.into!]);
      const entries = (await staff.get(`/api/v1/tickets/${m.ticketId}/timeline`)).body.items.filter((x: any) => x.kind !== 'event');
      const entry = entries[entries.length - 1];
      expect(entry.internal).toBe(e.internal ?? false);
      if (e.author) {
        const author = (await staff.get(`/api/v1/users/${entry.author.id}`)).body;
        expect(author.email).toBe(e.author);
      }
      for (const re of e.text ?? []) expect(entry.body).toMatch(re);
      for (const re of e.notText ?? []) expect(entry.body).not.toMatch(re);
      if (e.attachments) expect(entry.attachments.map((a: any) => a.filename).sort()).toEqual([...e.attachments].sort());
    }
    if (e.status === 'ignored' || e.status === 'quarantined') expect(m.ticketId).toBeNull();
    if (e.skipped) {
      expect(m.skippedAttachments.map((s: any) => s.filename)).toEqual(e.skipped);
      expect(m.skippedAttachments[0].reasonText.ru).toEqual(expect.any(String));
    }
    if (e.html || e.notHtml) {
      const detail = (await staff.get(`/api/v1/email/messages/${m.id}`)).body;
      for (const re of e.html ?? []) expect(detail.html).toMatch(re);
      for (const re of e.notHtml ?? []) expect(detail.html).not.toMatch(re);
    }
    if (e.failing || e.notFailing) {
      const failing = (await admin.get('/api/v1/email/failing-addresses')).body.items.map((x: any) => x.address);
      for (const a of e.failing ?? []) expect(failing).toContain(a);
      for (const a of e.notFailing ?? []) expect(failing).not.toContain(a);
    }
    if (e.about) expect(m.ticketId).toBe(tickets[e.about]);

    if (file.startsWith('01-')) {
      // What the desk sent about request 01 (as the notifications do), for the replies to it.
      await enqueueMail(t.td.app.db, { to: A, subject: `[${ticketNumberOf('01')}] Printer`, text: 'May our engineer come today?', messageId: 'td-outbound-0001@desk.test', ticketId: tickets['01'] });
    }
  });

  const ticketNumberOf = (key: string) => numbers[`TD_${key}`];

  it('never lets mail of one organization into another organization’s request', async () => {
    const timeline = (await staff.get(`/api/v1/tickets/${tickets['01']}/timeline`)).body.items;
    const authors = new Set(timeline.filter((x: any) => x.kind !== 'event' && x.author).map((x: any) => x.author.id));
    const bob = (await staff.get('/api/v1/users?limit=200')).body.items.find((u: any) => u.email === 'bob@client-b.test');
    expect(authors.has(bob.id)).toBe(false);
    // Alice sees her own replies but not her colleague's message.
    const alice = await t.login(A);
    const hers = (await alice.get(`/api/v1/tickets/${tickets['01']}/timeline`)).body.items.map((x: any) => x.body).join('\n');
    expect(hers).toContain('It happened again today');
    expect(hers).not.toContain('damp');
  });
});
