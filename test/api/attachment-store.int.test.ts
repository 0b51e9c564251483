import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTierdesk, type Tierdesk } from '../../src/app.js';
import { loadConfig } from '../../src/core/config/config.js';
import { keyFilePath } from '../../src/core/crypto/secrets.js';
import { CHUNK_BYTES } from '../../src/core/storage/database-files.js';
import { moveFiles } from '../../src/core/storage/files.js';
import { openFileStores } from '../../src/core/storage/stores.js';
import { useTestApp, type TestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { sendRaw, useSmtpListener } from '../support/email.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'bin/tierdesk');
const T = '/api/v1/tickets';
const P = '/api/v1/kb/pages';

/** A text file of random bytes, larger than several database chunks and not a multiple of one. */
const bigFile = () => Buffer.concat([Buffer.from('log\n'), crypto.randomBytes(5 * CHUNK_BYTES + 12_345)]);

function form(file: Buffer, name = 'trace.log', fields: Record<string, string> = {}) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  f.append('file', new Blob([new Uint8Array(file)], { type: 'text/plain' }), name);
  return f;
}

async function download(base: string, c: Client, url: string) {
  const headers: Record<string, string> = {};
  if (c.cookie) headers.cookie = c.cookie;
  if (c.bearer) headers.authorization = `Bearer ${c.bearer}`;
  const res = await fetch(base + url, { headers });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every file under the data folder's attachments. */
function filesOnDisk(dataDir: string): string[] {
  const dir = path.join(dataDir, 'attachments');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
}

const storedRows = async (t: TestApp) => (await t.td.app.db.selectFrom('stored_files').select(['key', 'size', 'chunks']).execute()).map((r) => ({ ...r, size: Number(r.size) }));

/** A request with one big file on its reply: the request and the attachment's URL. */
async function requestWithFile(alice: Client, file: Buffer) {
  const ticket = (await alice.post(T, { subject: `Logs ${crypto.randomUUID()}`, description: 'The log is attached' })).body;
  const r = await alice.post(`${T}/${ticket.id}/comments`, form(file, 'trace.log', { body: 'Here is the log' }));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.attachments[0].url as string;
}

/** The database URL a separate process (the CLI) needs to reach the test app's database. */
async function databaseUrlOf(t: TestApp) {
  if (t.td.app.dialect === 'sqlite') return `sqlite:${path.join(t.dataDir, 'tierdesk.db')}`;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(t.td.app.db);
  return `${process.env.TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${rows[0]!.schema}`)}`;
}

function runCli(t: TestApp, databaseUrl: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(cli, args, { encoding: 'utf8', env: { ...process.env, DATA_DIR: t.dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', TIERDESK_DEMO: '0', ...env } });
}

describe.each(DATABASES)('attachment stores (%s)', (kind) => {
  describe.each(['disk', 'database'] as const)('ATTACHMENT_STORE=%s', (store) => {
    const t = useTestApp(kind, { ATTACHMENT_STORE: store });
    const smtp = useSmtpListener(t);
    let alice: Client, bob: Client, l2: Client;
    beforeAll(async () => {
      [alice, bob, l2] = await Promise.all([t.login('alice@client-a.test'), t.login('bob@client-b.test'), t.login('l2@demo.test')]);
    });

    it('a request attachment of several chunks is stored there and comes back byte for byte; another organization is refused', async () => {
      const file = bigFile();
      const url = await requestWithFile(alice, file);
      const d = await download(t.base, alice, url);
      expect(d.status).toBe(200);
      expect(d.bytes.equals(file)).toBe(true);
      expect((await download(t.base, bob, url)).status).toBe(404);
      const rows = await storedRows(t);
      if (store === 'database') {
        expect(rows).toContainEqual(expect.objectContaining({ size: file.length, chunks: Math.ceil(file.length / CHUNK_BYTES) }));
        expect(filesOnDisk(t.dataDir)).toEqual([]);
      } else {
        expect(rows).toEqual([]);
        expect(filesOnDisk(t.dataDir).length).toBeGreaterThan(0);
      }
    });

    it('an attachment of an e-mail too (stored inside the intake transaction), and the raw message', async () => {
      const file = bigFile();
      const subject = `Mailed log ${crypto.randomUUID()}`;
      const raw = await new MailComposer({
        from: 'Alice Petrova <alice@client-a.test>',
        to: 'support@desk.test',
        subject,
        text: 'The log is attached.',
        attachments: [{ filename: 'trace.log', content: file, contentType: 'text/plain' }],
      }).compile().build();
      const answer = await sendRaw(smtp.port, raw, { from: 'alice@client-a.test', to: ['support@desk.test'] });
      expect(answer, answer.response).toMatchObject({ ok: true, code: 250 });
      const ticket = (await alice.get(`${T}?q=${encodeURIComponent(subject)}`)).body.items[0];
      expect(ticket?.subject).toBe(subject);
      const entries = (await alice.get(`${T}/${ticket.id}/timeline`)).body.items;
      const att = entries.flatMap((e: { attachments: { url: string; filename: string }[] }) => e.attachments).find((a: { filename: string }) => a.filename === 'trace.log');
      expect((await download(t.base, alice, att.url)).bytes.equals(file)).toBe(true);
      const rawKey = (await t.td.app.db.selectFrom('email_messages').select('raw_file_key').where('subject', '=', subject).executeTakeFirstOrThrow()).raw_file_key;
      const rows = await storedRows(t);
      expect(rows.some((r) => r.key === rawKey)).toBe(store === 'database');
    });

    it('a knowledge base attachment too, and deleting it removes the stored file', async () => {
      const page = (await l2.post(P, { title: `Log page ${crypto.randomUUID()}`, body: 'See the log' })).body;
      const file = bigFile();
      const up = await l2.post(`${P}/${page.id}/attachments`, form(file));
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      const url = up.body.items[0].url;
      expect((await download(t.base, l2, url)).bytes.equals(file)).toBe(true);
      const before = (await storedRows(t)).length + filesOnDisk(t.dataDir).length;
      expect((await l2.delete(url)).status).toBe(200);
      expect((await storedRows(t)).length + filesOnDisk(t.dataDir).length).toBe(before - 1);
      expect((await download(t.base, l2, url)).status).toBe(404);
    });
  });

  describe('tierdesk attachments move', () => {
    const t = useTestApp(kind, { ATTACHMENT_STORE: 'disk' });
    let alice: Client;
    const files: { url: string; data: Buffer }[] = [];
    beforeAll(async () => {
      alice = await t.login('alice@client-a.test');
      for (let i = 0; i < 3; i++) {
        const data = bigFile();
        files.push({ url: await requestWithFile(alice, data), data });
      }
    });
    const allIdentical = async () => {
      for (const f of files) expect((await download(t.base, alice, f.url)).bytes.equals(f.data)).toBe(true);
    };
    const stores = () => openFileStores('disk', t.dataDir, t.td.app.db).stores;

    it('moves every file into the database (the CLI), then again finds nothing to move; files stay readable meanwhile', async () => {
      const url = await databaseUrlOf(t);
      const r = runCli(t, url, ['attachments', 'move', '--to', 'database']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Moved 3 files (${files.reduce((n, f) => n + f.data.length, 0)} bytes) to the database; 0 were already there.`);
      expect(filesOnDisk(t.dataDir)).toEqual([]);
      expect(await storedRows(t)).toHaveLength(3);
      // This app still writes to disk, and reads what is now in the database.
      await allIdentical();
      const again = runCli(t, url, ['attachments', 'move', '--to', 'database']);
      expect(again.stdout).toContain('Moved 0 files (0 bytes) to the database; 0 were already there.');
      const bad = runCli(t, url, ['attachments', 'move', '--to', 'cloud']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('attachments move --to database|disk');
    }, 120_000);

    it('moves them back to disk, carrying on after an interrupted run', async () => {
      const { disk, database } = stores();
      const keys = (await storedRows(t)).map((r) => r.key);
      // An earlier run copied the first file and stopped before removing it from the database...
      await disk.write(keys[0]!, database.open(keys[0]!));
      // ...and left a partial file beside the second one.
      const partial = path.join(t.dataDir, 'attachments', keys[1]!.slice(0, 2), `${keys[1]}.partial-dead`);
      fs.writeFileSync(partial, 'half');
      const r = await moveFiles(database, disk);
      expect(r).toMatchObject({ moved: 2, alreadyThere: 1 });
      expect(await storedRows(t)).toEqual([]);
      expect(await t.td.app.db.selectFrom('stored_file_chunks').select('seq').execute()).toEqual([]);
      expect(filesOnDisk(t.dataDir).filter((n) => !n.includes('.partial'))).toHaveLength(3);
      await allIdentical();
    });

    it('writing into the database replaces the chunks an interrupted write left behind', async () => {
      const { disk, database } = stores();
      const key = (await disk.keys()[Symbol.asyncIterator]().next()).value as string;
      await t.td.app.db.insertInto('stored_file_chunks').values({ file_key: key, seq: 0, data: Buffer.from('stale') }).execute();
      expect(await database.has(key)).toBe(false);
      const r = await moveFiles(disk, database);
      expect(r).toMatchObject({ moved: 3, alreadyThere: 0 });
      await allIdentical();
    });
  });

  describe('a second serve host on the same database with another DATA_DIR', () => {
    const t = useTestApp(kind, { ATTACHMENT_STORE: 'database' });
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-other-host-'));
    let other: Tierdesk;
    let otherBase = '';
    beforeAll(async () => {
      const databaseUrl = await databaseUrlOf(t);
      const [url, schema] = kind === 'postgres' ? [process.env.TEST_DATABASE_URL!, decodeURIComponent(databaseUrl.split('search_path%3D')[1]!)] : [databaseUrl, undefined];
      // Hosts of one install share the key its stored secrets are sealed with (TIERDESK_SECRET_KEY in production).
      const secretKey = fs.readFileSync(keyFilePath(t.dataDir), 'utf8').trim();
      const config = loadConfig({ DATA_DIR: otherDir, DATABASE_URL: url, ATTACHMENT_STORE: 'database', LOG_LEVEL: 'silent', AUTH_CACHE_SECONDS: '0', TIERDESK_SECRET_KEY: secretKey });
      other = await buildTierdesk(config, { db: { pgSchema: schema, poolSize: 2 }, logger: pino({ level: 'silent' }) });
      await other.http.listen({ port: 0, host: '127.0.0.1' });
      const a = other.http.server.address();
      otherBase = typeof a === 'object' && a ? `http://127.0.0.1:${a.port}` : '';
    });
    afterAll(async () => {
      await other?.close();
      fs.rmSync(otherDir, { recursive: true, force: true });
    });

    it('serves an attachment uploaded through the first', async () => {
      const alice = await t.tokenClient('alice@client-a.test');
      const bob = await t.tokenClient('bob@client-b.test');
      const file = bigFile();
      const url = await requestWithFile(alice, file);
      const d = await download(otherBase, alice, url);
      expect(d.status).toBe(200);
      expect(d.bytes.equals(file)).toBe(true);
      expect((await download(otherBase, bob, url)).status).toBe(404);
      expect(filesOnDisk(otherDir)).toEqual([]);
    });
  });
});
