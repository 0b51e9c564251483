import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildTierdesk } from '../../src/app.js';
import { loadConfig } from '../../src/core/config/config.js';
import { restore } from '../../src/core/backup/backup.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { allMigrations } from '../../src/modules/migrations.js';
import { Client } from '../support/client.js';
import { DATABASES, urlInSchema } from '../support/databases.js';
import { useTestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';

const knownMigrations = allMigrations.map((m) => m.name);
async function pgAdmin(sql: string) {
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** One acknowledged write of the load: a request, a comment on it and the comment's file. */
interface Written {
  ticketId: string;
  comment: string;
  attachmentId: string;
  content: string;
}

async function login(base: string, email: string) {
  const c = new Client(base);
  const r = await c.post('/api/v1/auth/login', { email, password: DEMO_PASSWORD });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status}`);
  c.csrf = r.body.csrfToken;
  return c;
}

/** Writers creating requests with a comment and an attachment each until stopped; returns what was acknowledged. */
function writeLoad(clients: Client[]) {
  const acknowledged: Written[] = [];
  let stopped = false;
  let failure: unknown = null;
  const loops = clients.map(async (c, w) => {
    for (let i = 0; !stopped; i++) {
      const created = await c.post('/api/v1/tickets', { subject: `load ${w}-${i}`, description: 'Written during a backup' });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
      const content = `file ${w}-${i} ${crypto.randomBytes(8).toString('hex')}\n`;
      const comment = `comment ${w}-${i}`;
      const form = new FormData();
      form.set('body', comment);
      form.set('file', new Blob([content], { type: 'text/plain' }), `f-${w}-${i}.txt`);
      const posted = await c.post(`/api/v1/tickets/${created.body.id}/comments`, form);
      if (posted.status !== 201) throw new Error(`comment: ${posted.status} ${JSON.stringify(posted.body)}`);
      acknowledged.push({ ticketId: created.body.id, comment, attachmentId: posted.body.attachments[0].id, content });
    }
  }).map((p) => p.catch((err: unknown) => {
    failure = err;
    stopped = true;
  }));
  return {
    acknowledged,
    /** Whether the writers can go on: a writer's failure stops them all and fails the test. */
    running() {
      if (failure) throw failure;
      return true;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
      if (failure) throw failure;
    },
  };
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
};

describe.each(DATABASES)('backup and restore under write load (%s)', (kind) => {
  const t = useTestApp(kind);

  it('restores into an empty place everything acknowledged before the backup began, consistently', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-backup-'));
    const restoreDb = kind === 'postgres' ? `t_restore_${crypto.randomBytes(5).toString('hex')}` : null;
    try {
      // The running app's own DATA_DIR and DATABASE_URL, as an operator's cron job would have them.
      const schema = kind === 'postgres' ? (await import('kysely').then(({ sql }) => sql<{ s: string }>`select current_schema() as s`.execute(t.td.app.db))).rows[0]!.s : '';
      const sourceEnv = { DATA_DIR: t.dataDir, DATABASE_URL: kind === 'postgres' ? urlInSchema(t.config.databaseUrl, schema) : '' };
      const load = writeLoad([await login(t.base, 'alice@client-a.test'), await login(t.base, 'bob@client-b.test'), await login(t.base, 'carol@client-c.test')]);
      await until(() => load.running() && load.acknowledged.length >= 6);
      const before = [...load.acknowledged];
      const file = path.join(work, 'tierdesk.backup');
      const made = await runCli(['backup', file], sourceEnv);
      const during = load.acknowledged.length;
      // The writers go on for a while after the backup, then stop.
      await until(() => load.running() && load.acknowledged.length >= during + 3);
      await load.stop();
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      expect(made.stdout).toContain('Backup of the');
      expect(fs.readdirSync(work)).toEqual(['tierdesk.backup']);

      // An empty place: a new DATA_DIR, and on PostgreSQL a new database with that schema name.
      const target = path.join(work, 'restored');
      let targetUrl = '';
      if (restoreDb) {
        await pgAdmin(`create database ${restoreDb}`);
        targetUrl = urlInSchema(t.config.databaseUrl.replace(/\/[^/?]+(\?.*)?$/, `/${restoreDb}`), schema);
      }
      const targetEnv = { DATA_DIR: target, DATABASE_URL: targetUrl };
      const restored = await runCli(['restore', file], targetEnv);
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);

      // Restoring again over what is there now is refused unless forced; so is the other engine.
      const again = await runCli(['restore', file], targetEnv);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain('--force');
      const other = { dataDir: path.join(work, 'x'), databaseUrl: kind === 'sqlite' ? 'postgres://127.0.0.1:1/none' : `sqlite:${path.join(work, 'x', 'x.db')}` };
      await expect(restore(other, file, { knownMigrations })).rejects.toThrow(`backup is of a ${kind} database`);
      const forced = await restore({ dataDir: target, databaseUrl: targetUrl || `sqlite:${path.join(target, 'tierdesk.db')}` }, file, { knownMigrations, force: true });
      expect(forced.engine).toBe(kind);

      // Tierdesk on the restored data serves the same requests, comments and files.
      const config = loadConfig({ DATA_DIR: target, LOG_LEVEL: 'silent', ...(targetUrl && { DATABASE_URL: targetUrl }) });
      const td = await buildTierdesk(config, { logger: pino({ level: 'silent' }) });
      try {
        await td.http.listen({ port: 0, host: '127.0.0.1' });
        const address = td.http.server.address();
        const base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
        const agent = await login(base, 'manager@demo.test');
        for (const w of before) {
          const timeline = await agent.get(`/api/v1/tickets/${w.ticketId}/timeline`);
          expect(timeline.status).toBe(200);
          expect(JSON.stringify(timeline.body)).toContain(w.comment);
          const file = await agent.get(`/api/v1/tickets/${w.ticketId}/attachments/${w.attachmentId}`);
          expect(file.status).toBe(200);
          expect(file.body).toBe(w.content);
        }
        // Consistent: whatever of the load is in the copy is whole (each request with its comment and its file).
        const all = await agent.get('/api/v1/tickets?q=load&limit=100');
        const loadTickets = all.body.items.filter((i: { subject: string }) => i.subject.startsWith('load '));
        expect(loadTickets.length).toBeGreaterThanOrEqual(before.length);
        for (const item of loadTickets) {
          const written = load.acknowledged.find((w) => w.ticketId === item.id);
          if (!written) continue; // created, then the writers stopped before its comment was acknowledged
          const timeline = await agent.get(`/api/v1/tickets/${item.id}/timeline`);
          const entry = timeline.body.items.find((e: { body?: string }) => e.body === written.comment);
          if (!entry) continue; // its comment came after the copy
          expect((await agent.get(`/api/v1/tickets/${item.id}/attachments/${written.attachmentId}`)).body).toBe(written.content);
        }
        const alice = await login(base, 'alice@client-a.test');
        expect((await alice.post('/api/v1/tickets', { subject: 'After the restore', description: 'Works' })).status).toBe(201);
      } finally {
        await td.close();
      }
    } finally {
      if (restoreDb) await pgAdmin(`drop database if exists ${restoreDb} with (force)`);
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 240_000);
});
