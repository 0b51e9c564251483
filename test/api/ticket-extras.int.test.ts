import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { recipientsOf } from '../../src/modules/notifications/recipients.js';
import { findTicketById } from '../../src/modules/tickets/index.js';
import { useTestApp, type TestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const T = '/api/v1/tickets';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x01, 0x02, 0xfe, 0xff]);

interface Upload {
  name: string;
  type: string;
  data: Buffer | string;
}

/** A comment as the web app sends it with files: multipart/form-data. */
function commentForm(body: string, internal: boolean, ...files: Upload[]) {
  const form = new FormData();
  form.set('body', body);
  form.set('internal', String(internal));
  for (const f of files) form.append('file', new Blob([typeof f.data === 'string' ? f.data : new Uint8Array(f.data)], { type: f.type }), f.name);
  return form;
}

/** The raw bytes of a download (the test Client reads bodies as text). */
async function download(t: TestApp, c: Client, url: string) {
  const res = await fetch(t.base + url, { headers: c.cookie ? { cookie: c.cookie } : {} });
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(bytes.toString()) : undefined;
  return { status: res.status, bytes, json, headers: res.headers };
}

/** A request with a body sent exactly as given, as the signed-in client. */
async function sendRaw(t: TestApp, c: Client, method: string, url: string, body: string, contentType: string) {
  const res = await fetch(t.base + url, {
    method,
    headers: { cookie: c.cookie!, 'x-csrf-token': c.csrf!, 'content-type': contentType },
    body,
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: JSON.parse(text) };
}

/** Every stored file under the data folder's attachments. */
function storedFiles(t: TestApp): string[] {
  const root = path.join(t.dataDir, 'attachments');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
}

const userId = async (t: TestApp, email: string) =>
  (await t.td.app.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;

describe.each(DATABASES)('requests API extras (%s)', (kind) => {
  const t = useTestApp(kind);
  let alice: Client, itA: Client, l1: Client, l2: Client, manager: Client, admin: Client;
  const ids = {} as Record<'alice' | 'dmitry' | 'bob' | 'l1' | 'l2' | 'orgA' | 'orgB', string>;

  beforeAll(async () => {
    alice = await t.login('alice@client-a.test');
    itA = await t.login('it@client-a.test');
    l1 = await t.login('l1@demo.test');
    l2 = await t.login('l2@demo.test');
    manager = await t.login('manager@demo.test');
    admin = await t.login('admin@demo.test');
    for (const [key, email] of [['alice', 'alice@client-a.test'], ['dmitry', 'dmitry@client-a.test'], ['bob', 'bob@client-b.test'], ['l1', 'l1@demo.test'], ['l2', 'l2@demo.test']] as const)
      ids[key] = await userId(t, email);
    ids.orgA = (await alice.get('/api/v1/me')).body.organizationId;
    ids.orgB = (await t.login('bob@client-b.test').then((b) => b.get('/api/v1/me'))).body.organizationId;
  });

  const newTicket = async (subject = `Extras ${randomUUID()}`) => {
    const r = await alice.post(T, { subject, description: 'Something is broken.' });
    expect(r.status).toBe(201);
    return r.body as { id: string; number: string; version: number };
  };
  const timelineOf = async (id: string, c: Client = l1) => (await c.get(`${T}/${id}/timeline`)).body.items as any[];

  describe('attachments', () => {
    it('a public reply carries a file the requester downloads byte for byte', async () => {
      const ticket = await newTicket();
      const r = await l1.post(`${T}/${ticket.id}/comments`, commentForm('Screenshot of the error', false, { name: 'error screen.png', type: 'image/png', data: PNG }));
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ kind: 'reply', internal: false, body: 'Screenshot of the error' });
      const [att] = r.body.attachments;
      expect(att).toEqual({ id: expect.any(String), filename: 'error screen.png', contentType: 'image/png', size: PNG.length, url: `${T}/${ticket.id}/attachments/${att.id}` });

      const entry = (await timelineOf(ticket.id, alice)).find((e) => e.id === r.body.id);
      expect(entry.attachments).toEqual([att]);

      const d = await download(t, alice, att.url);
      expect(d.status).toBe(200);
      expect(d.bytes.equals(PNG)).toBe(true);
      expect(d.headers.get('content-type')).toBe('image/png');
      // A raster image may be shown in the browser, in a sandbox that runs nothing.
      expect(d.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''error%20screen.png`);
      expect(d.headers.get('x-content-type-options')).toBe('nosniff');
      expect(d.headers.get('content-security-policy')).toContain('sandbox');
    });

    it('an XML file (which a browser would run as a document) is only ever downloaded, as bytes', async () => {
      const ticket = await newTicket();
      const xml = '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(document.cookie)</script></html>';
      for (const [name, type] of [['page.xml', 'text/xml'], ['data.xml', 'application/xml']] as const) {
        const r = await alice.post(`${T}/${ticket.id}/comments`, commentForm('A file', false, { name, type, data: xml }));
        expect(r.status).toBe(201);
        const d = await download(t, l1, r.body.attachments[0].url);
        expect(d.status).toBe(200);
        expect(d.bytes.toString()).toBe(xml);
        expect(d.headers.get('content-type'), name).toBe('application/octet-stream');
        expect(d.headers.get('content-disposition'), name).toBe(`attachment; filename*=UTF-8''${name}`);
        expect(d.headers.get('x-content-type-options')).toBe('nosniff');
        expect(d.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
      }
    });

    it('the requester attaches a file herself; its non-ASCII name survives', async () => {
      const ticket = await newTicket();
      const text = 'Журнал ошибок\nline 2\n';
      const r = await alice.post(`${T}/${ticket.id}/comments`, commentForm('Вот журнал', false, { name: 'журнал.txt', type: 'text/plain', data: text }));
      expect(r.status).toBe(201);
      expect(r.body.attachments).toEqual([expect.objectContaining({ filename: 'журнал.txt', contentType: 'text/plain', size: Buffer.byteLength(text) })]);
      const d = await download(t, l1, r.body.attachments[0].url);
      expect(d.status).toBe(200);
      expect(d.bytes.toString()).toBe(text);
      expect(d.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('журнал.txt')}`);
    });

    it("an internal note's file is 404 for the requester and 200 for staff", async () => {
      const ticket = await newTicket();
      const r = await l1.post(`${T}/${ticket.id}/comments`, commentForm('Admin password is in the vault', true, { name: 'secret.txt', type: 'text/plain', data: 'internal only' }));
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ kind: 'note', internal: true });
      const url = r.body.attachments[0].url;

      const denied = await download(t, alice, url);
      expect(denied.status).toBe(404);
      expect(denied.json).toMatchObject({ statusCode: 404, error: 'not_found' });
      expect(denied.bytes.toString()).not.toContain('internal only');
      expect(JSON.stringify(await timelineOf(ticket.id, alice))).not.toContain('secret.txt');

      const staff = await download(t, l2, url);
      expect(staff.status).toBe(200);
      expect(staff.bytes.toString()).toBe('internal only');
    });

    const refused: { what: string; file: Upload; says: RegExp }[] = [
      { what: 'a type not accepted (x-msdownload)', file: { name: 'setup.exe', type: 'application/x-msdownload', data: 'MZ...' }, says: /setup\.exe.*not accepted/ },
      { what: 'a type not accepted (text/html)', file: { name: 'page.html', type: 'text/html', data: '<script>alert(1)</script>' }, says: /page\.html.*not accepted/ },
      { what: 'a .png whose bytes are not PNG', file: { name: 'fake.png', type: 'image/png', data: 'GIF89a not a png' }, says: /fake\.png.*not image\/png/ },
      { what: 'an executable declared as octet-stream', file: { name: 'tool.bin', type: 'application/octet-stream', data: Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1') }, says: /tool\.bin.*programs/ },
      { what: 'an ELF executable declared as text', file: { name: 'notes.txt', type: 'text/plain', data: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1]) }, says: /notes\.txt.*programs/ },
      { what: 'an empty file', file: { name: 'empty.txt', type: 'text/plain', data: '' }, says: /empty\.txt.*empty/ },
    ];
    it.each(refused)('refuses $what with 400 naming the file, adding nothing', async ({ file, says }) => {
      const ticket = await newTicket();
      const before = { timeline: (await timelineOf(ticket.id)).length, files: storedFiles(t).length };
      const r = await alice.post(`${T}/${ticket.id}/comments`, commentForm('Here you go', false, { name: 'fine.txt', type: 'text/plain', data: 'ok' }, file));
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ statusCode: 400, error: 'invalid', details: [expect.objectContaining({ path: 'files' })] });
      expect(r.body.message).toMatch(says);
      expect((await timelineOf(ticket.id)).length).toBe(before.timeline);
      expect(storedFiles(t).length).toBe(before.files);
    });

    it('refuses an internal note with files from the requester, storing nothing', async () => {
      const ticket = await newTicket();
      const files = storedFiles(t).length;
      const r = await alice.post(`${T}/${ticket.id}/comments`, commentForm('sneaky', true, { name: 'a.txt', type: 'text/plain', data: 'x' }));
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('forbidden');
      expect(storedFiles(t).length).toBe(files);
    });
  });

  describe('attachments larger than ATTACHMENT_MAX_BYTES', () => {
    const small = useTestApp(kind, { ATTACHMENT_MAX_BYTES: '1000' });

    it('accepts a file of exactly the limit and refuses a larger one with a JSON 4xx, adding nothing', async () => {
      const staff = await small.login('l1@demo.test');
      const requester = await small.login('alice@client-a.test');
      const ticket = (await requester.post(T, { subject: 'Big file', description: 'x' })).body;
      const entries = async () => (await staff.get(`${T}/${ticket.id}/timeline`)).body.items.length as number;

      const atLimit = await requester.post(`${T}/${ticket.id}/comments`, commentForm('at the limit', false, { name: 'ok.txt', type: 'text/plain', data: 'a'.repeat(1000) }));
      expect(atLimit.status).toBe(201);
      expect(atLimit.body.attachments[0].size).toBe(1000);

      const before = { entries: await entries(), files: storedFiles(small).length };
      for (const size of [1001, 64 * 1024]) {
        const r = await requester.post(`${T}/${ticket.id}/comments`, commentForm('too big', false, { name: 'big.log', type: 'text/plain', data: 'b'.repeat(size) }));
        expect(r.status, `${size} bytes`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${size} bytes`).toBeLessThan(500);
        expect(r.headers.get('content-type')).toContain('application/json');
        expect(r.body).toMatchObject({ statusCode: r.status, error: expect.any(String), message: expect.any(String) });
      }
      expect(await entries()).toBe(before.entries);
      expect(storedFiles(small).length).toBe(before.files);
      expect(JSON.stringify((await staff.get(`${T}/${ticket.id}/timeline`)).body)).not.toContain('too big');
    });
  });

  describe('list filters', () => {
    const M = `lst${randomUUID().slice(0, 8)}`;
    const tk = {} as Record<'printer' | 'share' | 'percent' | 'hundred', { id: string; number: string; updatedAt: string }>;
    const names = (items: any[]) => items.map((x) => x.subject).sort();
    const list = async (c: Client, query: string) => {
      const r = await c.get(`${T}?${query}`);
      expect(r.status, `${query}: ${JSON.stringify(r.body)}`).toBe(200);
      return r.body.items as any[];
    };
    const mine = (query: string) => list(l1, `q=${encodeURIComponent(M)}&limit=200&${query}`);
    const SUBJ = {
      printer: `Сломался ПРИНТЕР на складе ${M}`,
      share: `Shared folder a_b is gone ${M}`,
      percent: `Disk 100% full ${M}`,
      hundred: `Disk 100 full ${M}`,
    };

    beforeAll(async () => {
      const create = async (body: object) => {
        const r = await l1.post(T, { description: 'x', ...body });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return r.body;
      };
      // printer: alice, incident, P1, new, unassigned, L1.
      const printer = await create({ subject: SUBJ.printer, requesterId: ids.alice, priority: 'P1' });
      // A new request may be assigned automatically; this one is to stay in the queue.
      expect((await l1.patch(`${T}/${printer.id}`, { assigneeId: null })).body).toMatchObject({ status: 'new', assigneeId: null });
      // share: alice, service request, P4, open, taken by l1, tagged.
      const share = await create({ subject: SUBJ.share, requesterId: ids.alice, type: 'service_request', priority: 'P4' });
      await l1.post(`${T}/${share.id}/take`);
      expect((await l1.patch(`${T}/${share.id}`, { tags: [`Net-${M}`, 'vpn'] })).body.tags).toEqual([`net-${M}`.toLowerCase(), 'vpn']);
      // percent: bob (client B), P2, resolved, on L2 with l2.
      const percent = await create({ subject: SUBJ.percent, requesterId: ids.bob, priority: 'P2' });
      expect((await l1.patch(`${T}/${percent.id}`, { line: 'L2', assigneeId: ids.l2, status: 'resolved', reason: 'Needs an engineer' })).body).toMatchObject({ line: 'L2', assigneeId: ids.l2, status: 'resolved' });
      // hundred: bob, P3, pending the customer, assigned to l1.
      const hundred = await create({ subject: SUBJ.hundred, requesterId: ids.bob, priority: 'P3' });
      await l1.patch(`${T}/${hundred.id}`, { assigneeId: ids.l1, status: 'pending_customer' });
      for (const [key, tkt] of Object.entries({ printer, share, percent, hundred }))
        tk[key as keyof typeof tk] = (await l1.get(`${T}/${tkt.id}`)).body;
    });

    it.each([
      ['status (a comma list)', 'status=new,resolved', ['printer', 'percent']],
      ['priority (a comma list)', 'priority=P1,P2', ['printer', 'percent']],
      ['line', 'line=L2', ['percent']],
      ['type', 'type=service_request', ['share']],
      ['assigneeId=none', 'assigneeId=none', ['printer']],
      ['assigneeId=me', 'assigneeId=me', ['share', 'hundred']],
      ['assigneeId (an id)', 'ASSIGNEE_L2', ['percent']],
      ['organizationId', 'ORG_B', ['percent', 'hundred']],
      ['requesterId', 'REQUESTER_ALICE', ['printer', 'share']],
      ['tag', `tag=net-${M}`, ['share']],
      ['tag, in another case', `tag=NET-${M.toUpperCase()}`, ['share']],
      ['status and priority together', 'status=open,pending_customer&priority=P3,P4', ['share', 'hundred']],
    ] as const)('filters by %s', async (_what, query, expected) => {
      const q = query.replace('ASSIGNEE_L2', `assigneeId=${ids.l2}`).replace('ORG_B', `organizationId=${ids.orgB}`).replace('REQUESTER_ALICE', `requesterId=${ids.alice}`);
      expect(names(await mine(q))).toEqual(expected.map((k) => SUBJ[k]).sort());
    });

    it('each filter holds over the whole list, not only over this test\'s requests', async () => {
      const check = async (query: string, holds: (x: any) => boolean, least: number) => {
        const items = await list(l1, `limit=200&${query}`);
        expect(items.length, query).toBeGreaterThanOrEqual(least);
        expect(items.filter((x) => !holds(x)), query).toEqual([]);
      };
      await check('status=new,resolved', (x) => ['new', 'resolved'].includes(x.status), 2);
      await check('priority=P1', (x) => x.priority === 'P1', 1);
      await check('assigneeId=me', (x) => x.assigneeId === ids.l1, 2);
      await check('assigneeId=none', (x) => x.assigneeId === null, 1);
      await check('line=L2', (x) => x.line === 'L2', 1);
      await check(`organizationId=${ids.orgA}`, (x) => x.organizationId === ids.orgA, 2);
      await check(`requesterId=${ids.bob}`, (x) => x.requesterId === ids.bob, 2);
      await check('type=service_request', (x) => x.type === 'service_request', 1);
    });

    it('q matches a substring of the subject, case-insensitively, Cyrillic too', async () => {
      const q = async (text: string) => names(await list(l1, `limit=200&q=${encodeURIComponent(text)}`));
      expect(await q(`принтер на складе ${M}`)).toEqual([SUBJ.printer]);
      expect(await q(`ПРИНТЕР НА СКЛАДЕ ${M.toUpperCase()}`)).toEqual([SUBJ.printer]);
      expect(await q(`сломался`)).toContain(SUBJ.printer);
      expect(await q(`SHARED FOLDER A_B IS GONE ${M}`)).toEqual([SUBJ.share]);
      expect(await q(M.toUpperCase())).toEqual(Object.values(SUBJ).sort());
    });

    it('q matches words and the starts of words: % and _ separate words and are never wildcards', async () => {
      const q = async (text: string) => names(await list(l1, `limit=200&q=${encodeURIComponent(text)}`));
      expect(await q(`100% full ${M}`)).toEqual([SUBJ.hundred, SUBJ.percent].sort());
      expect(await q(`Dis%ull ${M}`)).toEqual([]);
      expect(await q(`folder a_b is gone ${M}`)).toEqual([SUBJ.share]);
      expect(await q(`fold_r ${M}`)).toEqual([]);
      // Nothing to search for: no request, rather than every one.
      expect(await q(`%`)).toEqual([]);
      expect(await q(`_`)).toEqual([]);
    });

    it('updatedSince includes requests changed at or after the instant, in any offset', async () => {
      const at = Date.parse(tk.share.updatedAt);
      const iso = (ms: number, offsetHours = 0) => {
        if (!offsetHours) return new Date(ms).toISOString();
        const sign = offsetHours > 0 ? '+' : '-';
        const hh = String(Math.abs(offsetHours)).padStart(2, '0');
        return new Date(ms + offsetHours * 3_600_000).toISOString().replace('Z', `${sign}${hh}:00`);
      };
      const has = async (since: string) => (await mine(`updatedSince=${encodeURIComponent(since)}`)).some((x) => x.id === tk.share.id);
      expect(await has(iso(at))).toBe(true);
      expect(await has(iso(at + 1))).toBe(false);
      expect(await has(iso(at, 3))).toBe(true);
      expect(await has(iso(at + 1, 3))).toBe(false);
      expect(await has(iso(at, -5))).toBe(true);
      expect(await has(iso(at + 1, -5))).toBe(false);
      // Whole seconds, without milliseconds: the second the request changed in is included.
      expect(await has(iso(Math.floor(at / 1000) * 1000).replace('.000Z', 'Z'))).toBe(true);
      expect(await has(iso(at - 60_000))).toBe(true);
      const all = await mine(`updatedSince=${encodeURIComponent(iso(at))}`);
      expect(all.every((x) => Date.parse(x.updatedAt) >= at)).toBe(true);
    });

    it.each([
      ['status', 'status=bogus'],
      ['status', 'status=open,bogus'],
      ['priority', 'priority=P9'],
      ['limit', 'limit=0'],
      ['limit', 'limit=201'],
      ['limit', 'limit=abc'],
      ['updatedSince', 'updatedSince=yesterday'],
      ['assigneeId', 'assigneeId=someone'],
      ['organizationId', 'organizationId=client-a'],
      ['type', 'type=bug'],
      ['line', 'line=L9'],
      ['sort', 'sort=subject'],
      ['tag', 'tag=no%20spaces'],
      ['cursor', 'cursor=garbage!!'],
      ['cursor', `cursor=${Buffer.from('not json').toString('base64url')}`],
      ['cursor', `cursor=${Buffer.from('{"a":1}').toString('base64url')}`],
      ['cursor', `cursor=${Buffer.from('[1]').toString('base64url')}`],
      ['cursor', `cursor=${Buffer.from('[{"a":1},"x"]').toString('base64url')}`],
      ['cursor', `cursor=${Buffer.from('["not a date","x"]').toString('base64url')}`],
      ['cursor', `sort=number&cursor=${Buffer.from('["seven","x"]').toString('base64url')}`],
    ])('refuses an invalid %s (%s) with 400 naming it', async (field, query) => {
      const r = await l1.get(`${T}?${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.statusCode).toBe(400);
      expect(r.body.error).toMatch(/^(validation_failed|invalid)$/);
      expect(r.body.message).toContain(field);
      expect(r.body.details.map((d: any) => d.path)).toContain(field);
    });

    it.each(['-created', 'created', '-updated', 'updated', 'number', '-number'] as const)(
      'walks every visible request with limit 7, sorted by %s, without duplicates or gaps',
      async (sort) => {
        const field = sort.replace('-', '') as 'created' | 'updated' | 'number';
        const key = (x: any) => (field === 'number' ? Number(x.number.slice(3)) : Date.parse(field === 'created' ? x.createdAt : x.updatedAt));
        const seen: any[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const r: any = await l1.get(`${T}?sort=${sort}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          expect(r.status).toBe(200);
          expect(r.body.items.length).toBeLessThanOrEqual(7);
          if (r.body.nextCursor) expect(r.body.items).toHaveLength(7);
          seen.push(...r.body.items);
          cursor = r.body.nextCursor;
          expect(++pages).toBeLessThan(100);
        } while (cursor);

        const all = await t.td.app.db.selectFrom('tickets').select('id').execute();
        expect(all.length).toBeGreaterThan(14);
        const ids_ = seen.map((x) => x.id);
        expect(new Set(ids_).size).toBe(ids_.length);
        expect([...ids_].sort()).toEqual(all.map((r) => r.id).sort());
        // In order: by the sort field, then by id, in the sort's direction.
        const dir = sort.startsWith('-') ? -1 : 1;
        for (let i = 1; i < seen.length; i++) {
          const [a, b] = [seen[i - 1], seen[i]];
          const cmp = key(a) === key(b) ? (a.id < b.id ? -1 : 1) : key(a) < key(b) ? -1 : 1;
          expect(cmp * dir, `${sort}: ${JSON.stringify([a, b].map((x) => [x.number, x.createdAt, x.updatedAt, x.id]))}`).toBe(-1);
        }
      },
    );

    it('a requester pages through her own requests only', async () => {
      const seen: any[] = [];
      let cursor: string | null = null;
      do {
        const r: any = await alice.get(`${T}?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status).toBe(200);
        seen.push(...r.body.items);
        cursor = r.body.nextCursor;
      } while (cursor);
      const hers = await t.td.app.db.selectFrom('tickets').select('id').where('requester_id', '=', ids.alice).execute();
      expect(seen.map((x) => x.id).sort()).toEqual(hers.map((r) => r.id).sort());
      expect(seen.every((x) => x.requester.id === ids.alice)).toBe(true);
    });
  });

  describe('links', () => {
    let a: any, b: any, c: any, d: any;
    const linksOf = async (x: { id: string }) => (await l1.get(`${T}/${x.id}`)).body.links.map((l: any) => ({ kind: l.kind, ticket: l.ticket.id })) as { kind: string; ticket: string }[];

    beforeAll(async () => {
      [a, b, c, d] = await Promise.all(['Link A', 'Link B', 'Link C', 'Link D'].map((s) => newTicket(`${s} ${randomUUID()}`)));
    });

    it('duplicate_of is seen as duplicated_by from the other request', async () => {
      const r = await l1.post(`${T}/${a.id}/links`, { ticket: b.number, kind: 'duplicate_of' });
      expect(r.status).toBe(201);
      expect(r.body.links).toEqual([{ id: expect.any(String), kind: 'duplicate_of', ticket: { id: b.id, number: b.number, subject: expect.stringContaining('Link B'), status: 'new' } }]);
      expect(await linksOf(b)).toEqual([{ kind: 'duplicated_by', ticket: a.id }]);
    });

    it('parent_of is seen as child_of, and child_of as parent_of', async () => {
      expect((await l1.post(`${T}/${a.id}/links`, { ticket: c.id, kind: 'parent_of' })).status).toBe(201);
      expect(await linksOf(c)).toEqual([{ kind: 'child_of', ticket: a.id }]);
      const r = await l1.post(`${T}/${c.id}/links`, { ticket: d.id, kind: 'child_of' });
      expect(r.status).toBe(201);
      expect(r.body.links).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'child_of', ticket: expect.objectContaining({ id: d.id }) })]));
      expect(await linksOf(d)).toEqual([{ kind: 'parent_of', ticket: c.id }]);
      // The same link stated from the other end.
      const again = await l1.post(`${T}/${c.id}/links`, { ticket: a.id, kind: 'child_of' });
      expect(again.status).toBe(409);
      expect(again.body.error).toBe('already_exists');
    });

    it('related is related from both ends, and stating it from the other end is the same link', async () => {
      expect((await l2.post(`${T}/${b.id}/links`, { ticket: d.id, kind: 'related' })).status).toBe(201);
      expect(await linksOf(b)).toContainEqual({ kind: 'related', ticket: d.id });
      expect(await linksOf(d)).toContainEqual({ kind: 'related', ticket: b.id });
      const reverse = await l1.post(`${T}/${d.id}/links`, { ticket: b.id, kind: 'related' });
      expect(reverse.status).toBe(409);
      expect(reverse.body.error).toBe('already_exists');
      expect((await linksOf(d)).filter((l) => l.ticket === b.id)).toEqual([{ kind: 'related', ticket: b.id }]);
    });

    it('refuses a self-link (400), the same link twice (409) and an unknown request (400)', async () => {
      for (const ref of [a.id, a.number]) {
        const self = await l1.post(`${T}/${a.id}/links`, { ticket: ref, kind: 'related' });
        expect(self.status).toBe(400);
        expect(self.body).toMatchObject({ error: 'invalid', details: [{ path: 'ticket' }] });
      }
      const twice = await l1.post(`${T}/${a.id}/links`, { ticket: b.id, kind: 'duplicate_of' });
      expect(twice.status).toBe(409);
      expect(twice.body).toMatchObject({ statusCode: 409, error: 'already_exists' });
      for (const ref of ['TD-999999', randomUUID()]) {
        const unknown = await l1.post(`${T}/${a.id}/links`, { ticket: ref, kind: 'related' });
        expect(unknown.status).toBe(400);
        expect(unknown.body).toMatchObject({ error: 'invalid', details: [{ path: 'ticket' }] });
      }
      const badKind = await l1.post(`${T}/${a.id}/links`, { ticket: b.id, kind: 'blocks' });
      expect(badKind.status).toBe(400);
      expect(badKind.body.message).toContain('kind');
      expect((await linksOf(a)).filter((l) => l.ticket === b.id)).toEqual([{ kind: 'duplicate_of', ticket: b.id }]);
    });

    it('refuses parent and duplicate links that would make a loop (409 link_cycle), of two requests and of three', async () => {
      const [p, q, r] = (await Promise.all(["Loop P", "Loop Q", "Loop R"].map((x) => newTicket(`${x} ${randomUUID()}`)))) as [Awaited<ReturnType<typeof newTicket>>, Awaited<ReturnType<typeof newTicket>>, Awaited<ReturnType<typeof newTicket>>];
      const loop = (res: { status: number; body: any }, way: string[]) => {
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ statusCode: 409, error: 'link_cycle', details: { cycle: way } });
        expect(res.body.message).toContain(way.join(' → '));
      };
      // Two: P is the parent of Q, so Q cannot be the parent of P (stated either way round).
      expect((await l1.post(`${T}/${p.id}/links`, { ticket: q.id, kind: 'parent_of' })).status).toBe(201);
      loop(await l1.post(`${T}/${q.id}/links`, { ticket: p.id, kind: 'parent_of' }), [q.number, p.number, q.number]);
      loop(await l1.post(`${T}/${p.id}/links`, { ticket: q.id, kind: 'child_of' }), [q.number, p.number, q.number]);
      // Three: P above Q above R; R cannot be above P.
      expect((await l1.post(`${T}/${r.id}/links`, { ticket: q.id, kind: 'child_of' })).status).toBe(201);
      loop(await l1.post(`${T}/${r.id}/links`, { ticket: p.id, kind: 'parent_of' }), [r.number, p.number, q.number, r.number]);
      // Duplicates: P a duplicate of Q, Q of R; neither Q nor R may then be a duplicate of P.
      expect((await l1.post(`${T}/${p.id}/links`, { ticket: q.id, kind: 'duplicate_of' })).status).toBe(201);
      loop(await l1.post(`${T}/${q.id}/links`, { ticket: p.id, kind: 'duplicate_of' }), [q.number, p.number, q.number]);
      expect((await l1.post(`${T}/${q.id}/links`, { ticket: r.id, kind: 'duplicate_of' })).status).toBe(201);
      loop(await l1.post(`${T}/${r.id}/links`, { ticket: p.id, kind: 'duplicate_of' }), [r.number, p.number, q.number, r.number]);
      // Related links have no direction, so no loop; other kinds do not count against each other.
      expect((await l1.post(`${T}/${r.id}/links`, { ticket: p.id, kind: 'related' })).status).toBe(201);
      expect(await linksOf(r)).toEqual(expect.arrayContaining([{ kind: 'child_of', ticket: q.id }, { kind: 'duplicated_by', ticket: q.id }, { kind: 'related', ticket: p.id }]));
      expect((await linksOf(p)).filter((l) => l.ticket === r.id)).toEqual([{ kind: 'related', ticket: r.id }]);
    });

    it('deletes a link from either end; an unknown link is 404', async () => {
      const link = (await l1.get(`${T}/${a.id}`)).body.links.find((l: any) => l.ticket.id === b.id);
      // From b's side: the link is b's too.
      const r = await l1.delete(`${T}/${b.id}/links/${link.id}`);
      expect(r.status).toBe(200);
      expect(r.body.links.map((l: any) => l.ticket.id)).not.toContain(a.id);
      expect((await linksOf(a)).map((l) => l.ticket)).not.toContain(b.id);
      const gone = await l1.delete(`${T}/${a.id}/links/${link.id}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ statusCode: 404, error: 'not_found' });
      // A link that exists, addressed through a request it does not join.
      const cd = (await l1.get(`${T}/${c.id}`)).body.links.find((l: any) => l.ticket.id === d.id);
      const wrong = await l1.delete(`${T}/${b.id}/links/${cd.id}`);
      expect(wrong.status).toBe(404);
      expect(await linksOf(c)).toContainEqual({ kind: 'child_of', ticket: d.id });
      const audit = (await manager.get(`${T}/${b.id}/audit`)).body.items.map((x: any) => x.action);
      expect(audit).toContain('unlinked');
    });
  });

  describe('watchers', () => {
    it('staff add an agent; the IT manager adds a colleague; nobody from another company; removal', async () => {
      const ticket = await newTicket();
      const watcherIds = (body: any) => body.watchers.map((w: any) => w.id).sort();
      const itAId = await userId(t, 'it@client-a.test');

      const agent = await l1.post(`${T}/${ticket.id}/watchers`, { userId: ids.l2 });
      expect(agent.status).toBe(200);
      expect(watcherIds(agent.body)).toEqual([itAId, ids.l2].sort());

      const colleague = await itA.post(`${T}/${ticket.id}/watchers`, { userId: ids.dmitry });
      expect(colleague.status).toBe(200);
      expect(colleague.body.watchers).toContainEqual({ id: ids.dmitry, name: 'Dmitry Sokolov' });

      for (const c of [itA, l1]) {
        const outsider = await c.post(`${T}/${ticket.id}/watchers`, { userId: ids.bob });
        expect(outsider.status).toBe(400);
        expect(outsider.body).toMatchObject({ error: 'invalid', details: [{ path: 'userId' }] });
      }
      const staffByClient = await itA.post(`${T}/${ticket.id}/watchers`, { userId: ids.l1 });
      expect(staffByClient.status).toBe(400);
      const nobody = await l1.post(`${T}/${ticket.id}/watchers`, { userId: randomUUID() });
      expect(nobody.status).toBe(400);
      const byRequester = await alice.post(`${T}/${ticket.id}/watchers`, { userId: ids.dmitry });
      expect(byRequester.status).toBe(403);
      expect(byRequester.body.error).toBe('forbidden');
      expect(watcherIds((await l1.get(`${T}/${ticket.id}`)).body)).toEqual([itAId, ids.l2, ids.dmitry].sort());

      // A colleague who watches the request may read it (the notices about it come to them too).
      const dmitry = await t.login('dmitry@client-a.test');
      expect((await dmitry.get(`${T}/${ticket.id}`)).status).toBe(200);
      expect((await dmitry.get(`${T}/${ticket.id}/timeline`)).status).toBe(200);
      expect((await dmitry.get(`${T}?limit=100`)).body.items.map((x: any) => x.id)).toContain(ticket.id);
      const told = await recipientsOf(t.td.app.db, (await findTicketById(t.td.app.db, ticket.id))!, ['watchers'], null);
      expect(told.map((r) => r.user.id)).toContain(ids.dmitry);

      const removed = await itA.delete(`${T}/${ticket.id}/watchers/${ids.dmitry}`);
      expect(removed.status).toBe(200);
      // No longer watching: neither the request nor its notices.
      expect((await dmitry.get(`${T}/${ticket.id}`)).status).toBe(404);
      expect((await dmitry.get(`${T}?limit=100`)).body.items.map((x: any) => x.id)).not.toContain(ticket.id);
      const toldAfter = await recipientsOf(t.td.app.db, (await findTicketById(t.td.app.db, ticket.id))!, ['watchers'], null);
      expect(toldAfter.map((r) => r.user.id)).not.toContain(ids.dmitry);
      expect(watcherIds(removed.body)).toEqual([itAId, ids.l2].sort());
      const removedAgent = await l1.delete(`${T}/${ticket.id}/watchers/${ids.l2}`);
      expect(watcherIds(removedAgent.body)).toEqual([itAId]);
      const again = await l1.delete(`${T}/${ticket.id}/watchers/${ids.l2}`);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ statusCode: 404, error: 'not_found' });
    });
  });

  describe('audit', () => {
    it('a manager reads the before and after of a priority change; an agent may not', async () => {
      const ticket = await newTicket();
      expect((await l1.patch(`${T}/${ticket.id}`, { priority: 'P1' })).body.priority).toBe('P1');
      for (const reader of [manager, admin]) {
        const r = await reader.get(`${T}/${ticket.number}/audit`);
        expect(r.status).toBe(200);
        const change = r.body.items.find((x: any) => x.action === 'updated');
        expect(change).toMatchObject({ actorId: ids.l1, before: { priority: 'P3' }, after: { priority: 'P1' } });
        expect(r.body.items.find((x: any) => x.action === 'created')).toMatchObject({ actorId: ids.alice, before: null, after: { requesterId: ids.alice } });
      }
      for (const c of [l1, alice]) {
        const denied = await c.get(`${T}/${ticket.id}/audit`);
        expect(denied.status).toBe(403);
        expect(denied.body).toMatchObject({ statusCode: 403, error: 'forbidden' });
        expect(denied.body.items).toBeUndefined();
      }
    });
  });

  describe('the reopen window', () => {
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    /** A request of alice's, resolved (and closed, if asked) `days` ago. */
    const settled = async (days: number, closed = false) => {
      const ticket = await newTicket();
      expect((await l1.patch(`${T}/${ticket.id}`, { status: closed ? 'closed' : 'resolved' })).status).toBe(200);
      await t.td.app.db
        .updateTable('tickets')
        .set({ resolved_at: daysAgo(days), ...(closed && { closed_at: daysAgo(days) }) })
        .where('id', '=', ticket.id)
        .execute();
      return ticket;
    };

    it('refuses reopening after the window with 409 reopen_window_passed, for the requester and staff', async () => {
      expect(t.config.reopenWindowDays).toBe(14);
      for (const closed of [false, true]) {
        const ticket = await settled(20, closed);
        const r = await alice.post(`${T}/${ticket.id}/reopen`);
        expect(r.status).toBe(409);
        expect(r.body).toMatchObject({ statusCode: 409, error: 'reopen_window_passed', message: expect.stringContaining('14 days') });
        const staff = await l1.patch(`${T}/${ticket.id}`, { status: 'open' });
        expect(staff.status).toBe(409);
        expect(staff.body.error).toBe('reopen_window_passed');
        expect((await l1.get(`${T}/${ticket.id}`)).body).toMatchObject({ status: closed ? 'closed' : 'resolved', reopenedCount: 0 });
      }
    });

    it("a requester's reply after the window leaves the request resolved", async () => {
      const ticket = await settled(20);
      const r = await alice.post(`${T}/${ticket.id}/comments`, { body: 'It broke again' });
      expect(r.status).toBe(201);
      expect((await l1.get(`${T}/${ticket.id}`)).body.status).toBe('resolved');
    });

    it('reopens within the window', async () => {
      const ticket = await settled(13);
      const r = await alice.post(`${T}/${ticket.id}/reopen`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'open', resolvedAt: null });
      expect((await l1.get(`${T}/${ticket.id}`)).body.reopenedCount).toBe(1);
    });
  });

  describe('robustness', () => {
    it('a malformed JSON body is a 400 JSON error', async () => {
      for (const [method, url] of [['POST', T], ['PATCH', `${T}/TD-000001`], ['POST', `${T}/TD-000001/comments`]] as const) {
        const r = await sendRaw(t, l1, method, url, '{"subject": "x", ', 'application/json');
        expect(r.status, url).toBe(400);
        expect(r.contentType).toContain('application/json');
        expect(r.body).toMatchObject({ statusCode: 400, error: expect.any(String), message: expect.any(String) });
      }
    });

    it('a body of the wrong content type is a 4xx JSON error and creates nothing', async () => {
      const count = async () => Number((await t.td.app.db.selectFrom('tickets').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      for (const [body, type] of [
        ['subject=x&description=y', 'application/x-www-form-urlencoded'],
        ['<ticket><subject>x</subject></ticket>', 'application/xml'],
        ['subject: x', 'text/plain'],
      ]) {
        const r = await sendRaw(t, alice, 'POST', T, body!, type!);
        expect(r.status, type).toBeGreaterThanOrEqual(400);
        expect(r.status, type).toBeLessThan(500);
        expect(r.body).toMatchObject({ statusCode: r.status, error: expect.any(String) });
      }
      expect(await count()).toBe(before);
    });

    it('an unknown route is a 404 JSON error', async () => {
      for (const [method, url] of [['GET', '/api/v1/nothing-here'], ['DELETE', T], ['GET', `${T}/TD-000001/unknown`]] as const) {
        const r = await l1.request(method, url);
        expect(r.status).toBe(404);
        expect(r.body).toMatchObject({ statusCode: 404, error: 'not_found', message: expect.stringContaining(url) });
      }
    });

    /** A body that is often close to valid, so that the checks behind validation are reached too. */
    const roughly = <T>(valid: fc.Arbitrary<T>) => fc.oneof(valid, fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }));
    const someText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.constant(' '), fc.constant('nul\u0000'));
    const ticketish = (personIds: () => string[]) =>
      fc.record(
        {
          subject: roughly(someText),
          description: roughly(someText),
          type: roughly(fc.constantFrom('incident', 'service_request', 'change', 'problem')),
          status: roughly(fc.constantFrom('new', 'open', 'pending_customer', 'pending_vendor', 'resolved', 'closed')),
          priority: roughly(fc.constantFrom('P1', 'P2', 'P3', 'P4')),
          impact: roughly(fc.constantFrom('high', 'medium', 'low')),
          line: roughly(fc.constantFrom('L1', 'L2', 'L3')),
          requesterId: roughly(fc.oneof(fc.uuid(), fc.constantFrom(...personIds()))),
          assigneeId: roughly(fc.oneof(fc.uuid(), fc.constant(null), fc.constantFrom(...personIds()))),
          organizationId: roughly(fc.uuid()),
          categoryId: roughly(fc.oneof(fc.uuid(), fc.constant(null))),
          groupId: roughly(fc.oneof(fc.uuid(), fc.constant(null))),
          tags: roughly(fc.array(someText, { maxLength: 3 })),
          version: roughly(fc.integer()),
          reason: roughly(someText),
        },
        { requiredKeys: [] },
      );
    const anyBody = () => fc.oneof(fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }), ticketish(() => [ids.alice, ids.bob, ids.l1, ids.l2, ids.dmitry]));

    it('never answers 5xx to arbitrary JSON sent to POST /tickets and PATCH /tickets/{id}', async () => {
      const target = await newTicket();
      await fc.assert(
        fc.asyncProperty(anyBody(), fc.constantFrom('alice', 'l1'), fc.constantFrom('POST', 'PATCH'), async (body, who, method) => {
          const c = who === 'alice' ? alice : l1;
          const url = method === 'POST' ? T : `${T}/${target.id}`;
          const r = await c.request(method, url, body);
          expect(r.status, `${method} as ${who}: ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).toBeLessThan(500);
          expect(typeof r.body).toBe('object');
          if (r.status >= 400) expect(r.body).toMatchObject({ statusCode: r.status, error: expect.any(String), message: expect.any(String) });
          else expect(r.body).toMatchObject({ id: expect.any(String), number: expect.stringMatching(/^TD-\d{6}$/) });
        }),
        { numRuns: 60 },
      );
    });

    it('refuses text with a NUL character (which PostgreSQL cannot store) with 400 naming the field', async () => {
      const target = await newTicket();
      const before = (await timelineOf(target.id)).length;
      for (const [c, method, url, body, field] of [
        [alice, 'POST', T, { subject: 'a\u0000b', description: 'x' }, 'body.subject'],
        [alice, 'POST', T, { subject: 'ok', description: 'line\u0000' }, 'body.description'],
        [l1, 'PATCH', `${T}/${target.id}`, { tags: ['ok', 'n\u0000l'] }, 'body.tags.1'],
        [alice, 'POST', `${T}/${target.id}/comments`, { body: 'nul\u0000' }, 'body.body'],
        [alice, 'POST', `${T}/${target.id}/comments`, commentForm('nul\u0000', false), 'body.body'],
        [l1, 'GET', `${T}?q=${encodeURIComponent('a\u0000')}`, undefined, 'querystring.q'],
      ] as const) {
        const r = await c.request(method, url, body);
        expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(r.body).toMatchObject({ statusCode: 400, error: 'validation_failed', message: `${field}: the NUL character is not allowed` });
      }
      expect((await timelineOf(target.id)).length).toBe(before);
      expect((await l1.get(`${T}/${target.id}`)).body.tags).toEqual([]);
    });
  });

  describe('the API document and health', () => {
    it('GET /api/v1/openapi.json is an OpenAPI 3 document of the API', async () => {
      const r = await t.anonymous().get('/api/v1/openapi.json');
      expect(r.status).toBe(200);
      expect(r.body.openapi).toMatch(/^3\./);
      expect(r.body.info).toMatchObject({ title: 'Tierdesk API', version: expect.any(String) });
      expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/v1/tickets', '/api/v1/tickets/{id}/comments', '/api/v1/auth/login']));
      expect(Object.keys(r.body.paths['/api/v1/tickets'])).toEqual(expect.arrayContaining(['get', 'post']));
    });

    it('GET /api/v1/health says ok', async () => {
      const r = await t.anonymous().get('/api/v1/health');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'ok', database: kind });
    });
  });
});
