import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPLY_CASES, replyMessage } from '../fixtures/email-replies.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { sendRaw, useSmtpListener } from '../support/email.js';
import { smimeSigned } from '../support/smime.js';
import { tnefContainer } from '../support/tnef.js';

/**
 * What a message's content becomes, through the real SMTP listener: replies trimmed (with the cut
 * part kept), every attachment accounted for (TNEF, invitations, signatures, attached messages),
 * every charset read, HTML-only mail with its text and without link targets, and a trace of every
 * message in the inbound log.
 */

const desk = { from: 'relay@mx.desk.test', to: ['support@desk.test'] };
let seq = 0;
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
const head = (from: string, subject: string, extra = '') =>
  `From: ${from}\nTo: support@desk.test\nSubject: ${subject}\nMessage-ID: <content.${++seq}.${Date.now()}@client.test>\nDate: Wed, 25 Nov 2026 10:00:00 +0300\nMIME-Version: 1.0\n${extra}`;
const b64 = (b: Buffer | string) => (Buffer.isBuffer(b) ? b : Buffer.from(b)).toString('base64').replace(/.{76}/g, '$&\n');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe.each(DATABASES)('e-mail content (%s)', (db) => {
  const t = useTestApp(db, { EMAIL_SENDER_LIMIT: '1000' });
  const smtp = useSmtpListener(t);
  let admin: Client;
  let staff: Client;

  beforeAll(async () => {
    admin = await t.login('admin@demo.test');
    staff = await t.login('l1@demo.test');
  });

  /** Sends a message over SMTP and returns its row in the inbound log. */
  const deliver = async (raw: string | Buffer) => {
    expect(await sendRaw(smtp.port, typeof raw === 'string' ? crlf(raw) : raw, desk)).toMatchObject({ ok: true, code: 250 });
    return (await admin.get('/api/v1/email/messages?limit=1')).body.items[0];
  };
  const ticketOf = async (m: any) => (await staff.get(`/api/v1/tickets/${m.ticketId}`)).body;
  const attachmentsOf = async (m: any) => {
    const items = (await staff.get(`/api/v1/tickets/${m.ticketId}/timeline`)).body.items;
    return items.flatMap((x: any) => x.attachments ?? []).map((a: any) => a.filename).sort();
  };

  describe('replies show only what their writer wrote', () => {
    let number: string;
    beforeAll(async () => {
      const m = await deliver(`${head('Bob Smith <bob@client-b.test>', 'Till keeps rebooting')}Content-Type: text/plain; charset=utf-8\n\nThe till in store 4 reboots every hour.\n`);
      number = (await ticketOf(m)).number;
    });

    it.each(REPLY_CASES.filter((c) => /^(en Outlook HTML|en Thunderbird, bottom|de Outlook|ru The Bat|fi Outlook|en answers between)/.test(c.name)).map((c) => [c.name, c] as const))(
      '%s',
      async (_name, c) => {
        const m = await deliver(Buffer.from(replyMessage(c, `Re: [${number}] Till keeps rebooting`).toString('latin1').replace('alice@client-a.test', 'bob@client-b.test').replace(/Message-ID: <[^>]+>/, `Message-ID: <r${++seq}@client-b.test>`), 'latin1'));
        expect(m.status).toBe('appended');
        const entries = (await staff.get(`/api/v1/tickets/${m.ticketId}/timeline`)).body.items.filter((x: any) => x.kind !== 'event');
        const entry = entries[entries.length - 1];
        expect(entry.body).toBe(c.expected);
        // The cut part is kept with the message, and tied to the entry, for "show quoted text".
        const emails = (await staff.get(`/api/v1/tickets/${m.ticketId}/emails`)).body.items;
        const mine = emails.find((e: any) => e.id === m.id);
        expect(mine.entryId).toBe(entry.id);
        expect(mine.quotedText.length).toBeGreaterThan(0);
        expect(c.expected.includes(mine.quotedText)).toBe(false);
      },
    );
  });

  it('unpacks a TNEF winmail.dat into the files it carries', async () => {
    const dat = tnefContainer([
      { title: 'REPORT~1.PDF', longName: 'Quarterly report.pdf', data: PDF },
      { title: 'notes.txt', data: Buffer.from('Serial: 42-ABC\n') },
    ]);
    const m = await deliver(`${head('Alice Petrova <alice@client-a.test>', 'Files from Outlook')}Content-Type: multipart/mixed; boundary="t"\n\n--t\nContent-Type: text/plain; charset=utf-8\n\nThe files are attached.\n--t\nContent-Type: application/ms-tnef; name="winmail.dat"\nContent-Disposition: attachment; filename="winmail.dat"\nContent-Transfer-Encoding: base64\n\n${b64(dat)}\n--t--\n`);
    expect(m.status).toBe('created');
    expect(await attachmentsOf(m)).toEqual(['Quarterly report.pdf', 'notes.txt']);
    expect(m.skippedAttachments).toEqual([]);
  });

  it('shows a calendar invitation as a readable summary in the requester’s language', async () => {
    const ics = 'BEGIN:VCALENDAR\nMETHOD:REQUEST\nPRODID:Microsoft Exchange Server 2016\nVERSION:2.0\nBEGIN:VEVENT\nORGANIZER;CN=Bob Smith:mailto:bob@client-b.test\nDTSTART:20261207T100000Z\nDTEND:20261207T110000Z\nSUMMARY;LANGUAGE=en-GB:Server room\n  maintenance\nLOCATION:Store 4\\, back office\nEND:VEVENT\nEND:VCALENDAR\n';
    const m = await deliver(`${head('Bob Smith <bob@client-b.test>', 'Invitation: Server room maintenance')}Content-Type: multipart/alternative; boundary="c"\n\n--c\nContent-Type: text/plain; charset=utf-8\n\nPlease join.\n--c\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\nContent-Transfer-Encoding: base64\n\n${b64(ics)}\n--c--\n`);
    const ticket = await ticketOf(m);
    expect(ticket.description).toBe('Please join.\n\nCalendar invitation: Server room maintenance\nWhen: 2026-12-07 10:00 UTC – 2026-12-07 11:00 UTC\nWhere: Store 4, back office\nOrganizer: Bob Smith <bob@client-b.test>');
    expect(m.skippedAttachments).toMatchObject([{ contentType: 'text/calendar', reason: 'calendar_shown', reasonText: { ru: expect.stringContaining('Приглашение') } }]);
    // Alice reads Russian.
    const ru = await deliver(`${head('Alice Petrova <alice@client-a.test>', 'Приглашение')}Content-Type: text/calendar; charset=utf-8; method=CANCEL\n\n${ics.replace('METHOD:REQUEST', 'METHOD:CANCEL')}`);
    expect((await ticketOf(ru)).description).toBe('Встреча отменена: Server room maintenance\nКогда: 2026-12-07 10:00 UTC – 2026-12-07 11:00 UTC\nГде: Store 4, back office\nОрганизатор: Bob Smith <bob@client-b.test>');
  });

  it('verifies an S/MIME signature: valid, content changed after signing, or unreadable', async () => {
    const signed = smimeSigned({ from: 'bob@client-b.test', name: 'Bob Smith', subject: 'Signed order' }, 'Please order two new label printers.\n');
    const valid = await deliver(signed);
    expect((await ticketOf(valid)).description).toBe('Please order two new label printers.');
    expect(valid.signature).toEqual({
      kind: 'smime',
      status: 'valid',
      verified: true,
      signer: 'bob@client-b.test',
      text: { en: expect.stringMatching(/valid.*not checked against a trusted authority/), ru: expect.stringMatching(/Подпись верна.*не проверялся/) },
    });
    expect(valid.skippedAttachments).toMatchObject([{ filename: 'smime.p7s', reason: 'signature_file' }]);

    const changed = Buffer.from(signed.toString('latin1').replace('two new', 'ten new').replace(/^Message-ID:.*\r\n/im, ''), 'latin1');
    const tampered = await deliver(changed);
    expect((await ticketOf(tampered)).description).toBe('Please order ten new label printers.');
    expect(tampered.signature).toMatchObject({ status: 'invalid', verified: false, text: { en: expect.stringMatching(/may have been changed/), ru: expect.stringMatching(/могло быть изменено/) } });
  });

  it('shows the content of a message whose S/MIME signature cannot be read, and says so', async () => {
    const m = await deliver(`${head('Bob Smith <bob@client-b.test>', 'Signed request')}Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="s"\n\nThis is a cryptographically signed message in MIME format.\n\n--s\nContent-Type: text/plain; charset=utf-8\n\nPlease reset the password of the shared mailbox.\n--s\nContent-Type: application/pkcs7-signature; name="smime.p7s"\nContent-Disposition: attachment; filename="smime.p7s"\nContent-Transfer-Encoding: base64\n\n${b64(Buffer.from([0x30, 0x82, 0x01, 0x00, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]))}\n--s--\n`);
    expect((await ticketOf(m)).description).toBe('Please reset the password of the shared mailbox.');
    expect(m.signature).toEqual({ kind: 'smime', status: 'unverified', verified: false, signer: null, text: { en: expect.stringMatching(/could not be verified/), ru: expect.stringMatching(/проверить не удалось/) } });
    expect(m.skippedAttachments).toMatchObject([{ filename: 'smime.p7s', reason: 'signature_file', reasonText: { en: expect.any(String), ru: expect.any(String) } }]);
    expect(await attachmentsOf(m)).toEqual([]);
  });

  it('keeps the attachments of a forwarded message beside it', async () => {
    const inner = `From: Vendor <billing@vendor.test>\nTo: bob@client-b.test\nSubject: Invoice overdue\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="in"\n\n--in\nContent-Type: text/plain\n\nYour invoice is overdue.\n--in\nContent-Type: application/pdf; name="invoice-7731.pdf"\nContent-Disposition: attachment; filename="invoice-7731.pdf"\nContent-Transfer-Encoding: base64\n\n${b64(PDF)}\n--in--\n`;
    const m = await deliver(`${head('Bob Smith <bob@client-b.test>', 'Fw: Invoice overdue')}Content-Type: multipart/mixed; boundary="out"\n\n--out\nContent-Type: text/plain\n\nIs this invoice real?\n--out\nContent-Type: message/rfc822; name="Invoice overdue.eml"\nContent-Disposition: attachment; filename="Invoice overdue.eml"\n\n${inner}\n--out--\n`);
    expect(await attachmentsOf(m)).toEqual(['Invoice overdue.eml', 'invoice-7731.pdf']);
  });

  it('lists attachments refused by policy on the request, with the reason, for staff', async () => {
    const m = await deliver(`${head('Bob Smith <bob@client-b.test>', 'Installer')}Content-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain\n\nThe installer fails.\n--x\nContent-Type: application/x-msdownload; name="setup.exe"\nContent-Disposition: attachment; filename="setup.exe"\nContent-Transfer-Encoding: base64\n\n${b64(Buffer.from('MZ\x90\x00binary'))}\n--x--\n`);
    const emails = (await staff.get(`/api/v1/tickets/${m.ticketId}/emails`)).body.items;
    expect(emails[0].skippedAttachments).toMatchObject([{ filename: 'setup.exe', reason: 'attachment_refused', reasonText: { en: expect.any(String), ru: expect.any(String) } }]);
  });

  it('reads raw 8-bit windows-1251 and KOI8-R headers and bodies that declare no charset', async () => {
    const cp1251 = Buffer.concat([
      Buffer.from('From: '),
      iconv.encode('Алиса Петрова', 'win1251'),
      Buffer.from(` <alice@client-a.test>\r\nTo: support@desk.test\r\nSubject: `),
      iconv.encode('Не печатает принтер в бухгалтерии', 'win1251'),
      Buffer.from(`\r\nMessage-ID: <cp1251.${++seq}@client-a.test>\r\n\r\n`),
      iconv.encode('Принтер в бухгалтерии не печатает с утра, горит красная лампочка.\r\n', 'win1251'),
    ]);
    const m = await deliver(cp1251);
    expect(m.from).toEqual({ address: 'alice@client-a.test', name: 'Алиса Петрова' });
    expect(m.subject).toBe('Не печатает принтер в бухгалтерии');
    const ticket = await ticketOf(m);
    expect(ticket.subject).toBe('Не печатает принтер в бухгалтерии');
    expect(ticket.description).toBe('Принтер в бухгалтерии не печатает с утра, горит красная лампочка.');
    expect(JSON.stringify(ticket)).not.toContain('\uFFFD');

    const koi8 = Buffer.concat([
      Buffer.from('From: '),
      iconv.encode('Дмитрий Соколов', 'koi8-r'),
      Buffer.from(` <dmitry@client-a.test>\r\nTo: support@desk.test\r\nSubject: `),
      iconv.encode('Не работает сканер на складе', 'koi8-r'),
      Buffer.from(`\r\nMessage-ID: <koi8.${++seq}@client-a.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`),
      iconv.encode('Сканер на складе не видит штрихкоды после обновления.\r\n', 'koi8-r'),
    ]);
    const k = await deliver(koi8);
    expect(k.from.name).toBe('Дмитрий Соколов');
    expect((await ticketOf(k)).description).toBe('Сканер на складе не видит штрихкоды после обновления.');
    // The original is kept byte for byte.
    const original = await fetch(`${t.base}${k.originalUrl}`, { headers: { cookie: admin.cookie! } });
    expect(Buffer.from(await original.arrayBuffer()).equals(koi8)).toBe(true);
  });

  it('takes the text of HTML-only mail with an attachment, without link targets or tracking pixels', async () => {
    const html = `<html><head><style>p{color:red}</style></head><body><p>The portal asks me to <a href="javascript:alert(document.cookie)">click here</a> and then <a href="vbscript:msgbox(1)">here</a>; the help page is <a href="https://example.test/help">on our site</a>.</p><p><a href="data:text/html;base64,PHNjcmlwdD4=">data:text/html;base64,PHNjcmlwdD4=</a> javascript:void(0)</p><img src="https://tracker.example.test/open.gif?u=1" width="1" height="1"></body></html>`;
    const m = await deliver(`${head('Bob Smith <bob@client-b.test>', 'Portal asks for a plugin')}Content-Type: multipart/mixed; boundary="h"\n\n--h\nContent-Type: multipart/related; boundary="r"\n\n--r\nContent-Type: text/html; charset=utf-8\n\n${html}\n--r--\n--h\nContent-Type: application/pdf; name="screen.pdf"\nContent-Disposition: attachment; filename="screen.pdf"\nContent-Transfer-Encoding: base64\n\n${b64(PDF)}\n--h--\n`);
    const ticket = await ticketOf(m);
    expect(ticket.description).toMatch(/^The portal asks me to click here and then here; the help page is on our site\./);
    for (const bad of [/javascript/i, /vbscript/i, /data:/i, /tracker/, /open\.gif/, /https?:/, /color:red/]) expect(ticket.description).not.toMatch(bad);
    expect(await attachmentsOf(m)).toEqual(['screen.pdf']);
  });

  describe('every message leaves a trace in the inbound log', () => {
    it('records why automatic mail was ignored, and admins search the log by reason and words', async () => {
      const auto = await deliver(`${head('Bob Smith <bob@client-b.test>', 'Out of office: Till')}Auto-Submitted: auto-replied\nContent-Type: text/plain\n\nI am away until Monday.\n`);
      expect(auto).toMatchObject({ status: 'ignored', reason: 'auto_reply', detail: 'Auto-Submitted: auto-replied' });
      const list = await deliver(`${head('News <news@vendor.test>', 'Vendor newsletter')}List-Id: <news.vendor.test>\nContent-Type: text/plain\n\nNews.\n`);
      expect(list).toMatchObject({ status: 'ignored', reason: 'bulk', detail: 'List-Id: <news.vendor.test>' });
      const loop = await deliver(`${head('support@desk.test', 'Loop')}Content-Type: text/plain\n\nEcho.\n`);
      expect(loop).toMatchObject({ status: 'ignored', reason: 'loop', detail: 'From: support@desk.test' });

      const found = (await admin.get('/api/v1/email/messages?reason=auto_reply,bulk&q=vendor')).body.items;
      expect(found.map((x: any) => x.id)).toEqual([list.id]);
      expect((await admin.get('/api/v1/email/messages?status=ignored&reason=loop')).body.items.map((x: any) => x.id)).toEqual([loop.id]);
      expect((await admin.get('/api/v1/email/messages?q=%25')).body.items).toEqual([]);
      expect((await admin.get('/api/v1/email/messages?status=nonsense')).status).toBe(400);
    });

    it('refuses the log to staff who are not admins and to clients', async () => {
      expect((await staff.get('/api/v1/email/messages?reason=duplicate')).status).toBe(403);
      expect((await (await t.login('it@client-a.test')).get('/api/v1/email/messages?reason=duplicate')).status).toBe(403);
    });

    it('quarantines MIME nested too deep or with too many parts, with the reason', async () => {
      let body = 'Content-Type: text/plain\n\nbottom\n';
      for (let i = 0; i < 40; i++) body = `Content-Type: multipart/mixed; boundary="n${i}"\n\n--n${i}\n${body}--n${i}--\n`;
      const deep = await deliver(`${head('Bob Smith <bob@client-b.test>', 'Deep')}${body}`);
      expect(deep).toMatchObject({ status: 'quarantined', reason: 'mime_too_complex', ticketId: null, reasonText: { en: expect.stringMatching(/nested/), ru: expect.stringMatching(/вложенных/) } });
      const parts = Array.from({ length: 600 }, (_, i) => `--w\nContent-Type: text/plain\n\npart ${i}\n`).join('');
      const wide = await deliver(`${head('Bob Smith <bob@client-b.test>', 'Wide')}Content-Type: multipart/mixed; boundary="w"\n\n${parts}--w--\n`);
      expect(wide).toMatchObject({ status: 'quarantined', reason: 'mime_too_complex', detail: expect.stringMatching(/500 MIME parts/) });
    });
  });
});
