import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTierdesk, type Tierdesk } from '../../src/app.js';
import { loadConfig } from '../../src/core/config/config.js';
import { openDatabase } from '../../src/core/db/connect.js';
import { appliedMigrations, SchemaTooNew } from '../../src/core/db/migrate.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { allMigrations } from '../../src/modules/migrations.js';
import { runCli } from '../support/cli.js';
import { Client } from '../support/client.js';
import { createPgSchema, DATABASES, urlInSchema, type DbKind } from '../support/databases.js';

const fixtures = path.resolve(__dirname, '../fixtures/upgrade');
const FIXTURE_SCHEMA = 'tierdesk_upgrade_fixture';

/** A database as the previous release left it (see test/fixtures/upgrade/README.md), and the CLI's view of it. */
async function previousRelease(kind: DbKind) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-upgrade-'));
  if (kind === 'sqlite') {
    fs.writeFileSync(path.join(dataDir, 'tierdesk.db'), zlib.gunzipSync(fs.readFileSync(path.join(fixtures, 'sqlite.db.gz'))));
    const databaseUrl = `sqlite:${path.join(dataDir, 'tierdesk.db')}`;
    return { dataDir, databaseUrl, env: { DATA_DIR: dataDir, DATABASE_URL: '' }, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const s = await createPgSchema();
  // The dump names its schema everywhere; here it goes into the test's own. psql's \ commands are left out.
  const dump = fs
    .readFileSync(path.join(fixtures, 'postgres.sql'), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('\\'))
    .join('\n')
    .replaceAll(`CREATE SCHEMA ${FIXTURE_SCHEMA};`, '')
    .replaceAll(`${FIXTURE_SCHEMA}.`, `${s.schema}.`);
  const c = new pg.Client({ connectionString: s.url });
  await c.connect();
  try {
    await c.query(dump);
  } finally {
    await c.end();
  }
  const databaseUrl = urlInSchema(s.url, s.schema);
  return {
    dataDir,
    databaseUrl,
    env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
    drop: async () => {
      await s.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function applied(databaseUrl: string) {
  const h = openDatabase(databaseUrl);
  try {
    return await appliedMigrations(h.db, h.dialect);
  } finally {
    await h.close();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe.each(DATABASES)('upgrading from the previous release (%s)', (kind) => {
  it('migrate --dry-run lists what would run and changes nothing; the app then migrates and works on the old data', async () => {
    const prev = await previousRelease(kind);
    cleanups.push(prev.drop);
    const before = await applied(prev.databaseUrl);
    expect(before.length).toBeGreaterThan(20);
    const pending = allMigrations.map((m) => m.name).filter((n) => !before.includes(n));
    expect(pending.length).toBeGreaterThan(0);

    const dry = await runCli(['migrate', '--dry-run'], prev.env);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`${pending.length} migrations would run`);
    for (const name of pending) expect(dry.stdout).toContain(name);
    for (const name of before) expect(dry.stdout).not.toContain(name);
    expect(await applied(prev.databaseUrl)).toEqual(before);

    // Behind: a serve of today's version migrates it and starts.
    const td = await buildTierdesk(loadConfig({ DATA_DIR: prev.dataDir, LOG_LEVEL: 'silent', DATABASE_URL: prev.databaseUrl }), { logger: pino({ level: 'silent' }) });
    cleanups.unshift(() => td.close());
    expect((await applied(prev.databaseUrl)).length).toBe(allMigrations.length);
    const base = await listen(td);
    const l1 = await signIn(base, 'l1@demo.test');
    const list = await l1.get('/api/v1/tickets?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(10);
    const someone = list.body.items[0];
    expect((await l1.get(`/api/v1/tickets/${someone.id}/timeline`)).status).toBe(200);
    // The requests made before are in the search index, and keep the due instant of their clocks.
    const word = (someone.subject as string).match(/[\p{L}\p{N}]{3,}/u)![0];
    const found = await l1.get(`/api/v1/tickets?q=${encodeURIComponent(word)}&limit=200`);
    expect(found.body.items.map((i: { id: string }) => i.id)).toContain(someone.id);
    const withClock = (list.body.items as { id: string; sla: { state: string; metric: string; dueAt: string } | null }[]).filter((i) => i.sla?.state === 'running');
    expect(withClock.length).toBeGreaterThan(0);
    const dueFirst = (await l1.get('/api/v1/tickets?sort=due&limit=200')).body.items as { id: string; sla: { dueAt: string } | null }[];
    expect(dueFirst.slice(0, withClock.length).map((i) => i.sla?.dueAt)).toEqual(withClock.map((i) => i.sla!.dueAt).sort());
    // Knowledge-base pages written before draft and review are published (the client side still reads them).
    const pages = (await l1.get('/api/v1/kb/pages?limit=500')).body.items as { status: string }[];
    expect(pages.length).toBeGreaterThan(0);
    expect(new Set(pages.map((p) => p.status))).toEqual(new Set(['published']));
    const alice = await signIn(base, 'alice@client-a.test');
    const created = await alice.post('/api/v1/tickets', { subject: 'After the upgrade', description: 'The printer again' });
    expect(created.status).toBe(201);
    expect((await l1.get(`/api/v1/tickets/${created.body.id}`)).body.subject).toBe('After the upgrade');

    const again = await runCli(['migrate', '--dry-run'], prev.env);
    expect(again.stdout).toContain('up to date');
  }, 240_000);

  it('a version refuses to start on a database migrated by a newer one, naming the migrations it does not know', async () => {
    const prev = await previousRelease(kind);
    cleanups.push(prev.drop);
    const h = openDatabase(prev.databaseUrl);
    try {
      await h.db.insertInto('kysely_migration' as never).values({ name: '2099-01-01-00-from-the-future', timestamp: new Date().toISOString() } as never).execute();
    } finally {
      await h.close();
    }
    const before = await applied(prev.databaseUrl);
    if (kind === 'sqlite') {
      const serve = await runCli(['serve'], { ...prev.env, PORT: '0' });
      expect(serve.code).toBe(1);
      expect(serve.stderr).toContain('2099-01-01-00-from-the-future');
      expect(serve.stderr).toContain('newer Tierdesk');
    } else {
      await expect(buildTierdesk(loadConfig({ DATA_DIR: prev.dataDir, LOG_LEVEL: 'silent', DATABASE_URL: prev.databaseUrl }), { logger: pino({ level: 'silent' }) })).rejects.toThrow(SchemaTooNew);
    }
    const dry = await runCli(['migrate', '--dry-run'], prev.env);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain('2099-01-01-00-from-the-future');
    // Nothing was migrated on the way.
    expect(await applied(prev.databaseUrl)).toEqual(before);
  }, 240_000);
});

async function listen(td: Tierdesk) {
  await td.http.listen({ port: 0, host: '127.0.0.1' });
  const address = td.http.server.address();
  return typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
}

async function signIn(base: string, email: string) {
  const c = new Client(base);
  const r = await c.post('/api/v1/auth/login', { email, password: DEMO_PASSWORD });
  expect(r.status).toBe(200);
  c.csrf = r.body.csrfToken;
  return c;
}
