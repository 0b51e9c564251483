/**
 * The write path: requests created (POST /tickets as a requester) and answered (a public reply and
 * an internal note by an agent), at concurrency 1 and 16, over HTTP to one in-process Tierdesk on a
 * fresh database holding a backlog of requests, against the no-op ping route measured in the same
 * run. Also prints the statements each operation sends to the database (counted by a Kysely log
 * hook), the cost the write path was cut by, and the server's CPU per request (its process's user and
 * system time over the run: on a loaded machine a steadier figure than requests per second). Returns
 * one object per measurement; progress on stderr.
 *
 * Env: BENCH_SECONDS (per measurement, default 5); BENCH_WRITES_BACKLOG (requests seeded first,
 * default 20000); BENCH_DATABASE_URL (postgres://…: a fresh schema there, dropped afterwards;
 * otherwise SQLite in a temporary DATA_DIR).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { buildTierdesk, type Tierdesk } from '../src/app.js';
import { loadConfig } from '../src/core/config/config.js';
import { countStatements } from '../src/core/db/connect.js';
import { seedDemo } from '../src/demo/seed.js';
import { createApiToken, toActor } from '../src/modules/identity/auth.service.js';
import { findUserByEmail } from '../src/modules/identity/identity.repo.js';
import { createTicket, SYSTEM_ACTOR } from '../src/modules/tickets/index.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BACKLOG = Number(process.env.BENCH_WRITES_BACKLOG ?? 20_000);
/** Requests the replies and notes go to, round robin, so that concurrent answers rarely meet on one. */
const ANSWERED = 64;
// The reply on PostgreSQL: four times the ~100 per second it started from (issue 19).
const TARGETS = { createPostgres: 500, createSqlite: 1000, replyPostgresFactor: 4, replyPostgresBefore: 100 };
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/**
 * autocannon in a child process (its CPU off the server's process, so that the server's own CPU per
 * request can be measured), cycling through `paths`.
 */
const LOADER = `
const autocannon = require(process.argv[1]);
process.on('message', async ({ paths, ...opts }) => {
  const ms = [];
  let i = 0;
  const run = autocannon({ ...opts, requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }] });
  run.on('response', (_client, _status, _bytes, time) => ms.push(time));
  const r = await run;
  ms.sort((a, b) => a - b);
  const at = (p) => (ms.length ? Number(ms[Math.ceil((p / 100) * ms.length) - 1].toFixed(2)) : null);
  const completed = r.requests.total; // the main thread of its process: the aggregated result
  process.send({ rps: Math.round((completed / r.duration) * 10) / 10, p50: at(50), p99: at(99), errors: r.errors, non2xx: r.non2xx, completed });
});`;

interface Target {
  name: string;
  method: 'GET' | 'POST';
  paths: string[];
  token?: string;
  body?: unknown;
}
type Measured = { rps: number; p50: number; p99: number; errors: number; non2xx: number; completed: number; cpuMs: number };

const headers = (t: Target) => ({ ...(t.token && { authorization: `Bearer ${t.token}` }), ...(t.body !== undefined && { 'content-type': 'application/json' }) });

async function pgQuery(url: string, query: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(query).finally(() => c.end());
}

export async function benchWrites(): Promise<object[]> {
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const database = pgUrl ? 'postgres' : 'sqlite';
  const schema = pgUrl ? `bench_w_${crypto.randomBytes(6).toString('hex')}` : undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-bench-writes-'));
  const loader = spawn(process.execPath, ['-e', LOADER, createRequire(import.meta.url).resolve('autocannon')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const results: object[] = [];
  let failed: ((err: Error) => void) | undefined;
  let td: Tierdesk | undefined;
  try {
    if (schema) await pgQuery(pgUrl!, `create schema ${schema}`);
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0', ...(pgUrl && { DATABASE_URL: pgUrl }) });
    td = await buildTierdesk(config, { db: { pgSchema: schema, poolSize: 16 } });
    const app = td.app;
    await seedDemo(app);
    const alice = toActor((await findUserByEmail(app.db, 'alice@client-a.test'))!);
    const agent = toActor((await findUserByEmail(app.db, 'l1@demo.test'))!);
    const t0 = performance.now();
    // The backlog through the service itself, concurrently (as the group commit takes them on SQLite).
    for (let i = 0; i < BACKLOG; i += 200)
      await Promise.all(Array.from({ length: Math.min(200, BACKLOG - i) }, (_, k) =>
        createTicket(app, SYSTEM_ACTOR, { subject: `Backlog ${i + k}`, description: 'Seeded for the write bench.', requesterId: alice.id }, 'token')));
    log(`seeded ${BACKLOG} requests on ${database} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const base = await td.http.listen({ port: 0, host: '127.0.0.1' });
    const [aliceToken, agentToken] = [(await createApiToken(app, alice, 'bench')).token, (await createApiToken(app, agent, 'bench')).token];
    const answered: string[] = [];
    for (let i = 0; i < ANSWERED; i++) {
      const id = await createTicket(app, alice, { subject: `Answered ${i}`, description: 'Replied to by the bench.' }, 'token');
      // Taken and answered once: the measured replies are the follow-ups of a request in work.
      await fetch(`${base}/api/v1/tickets/${id}/take`, { method: 'POST', headers: { authorization: `Bearer ${agentToken}` } });
      await fetch(`${base}/api/v1/tickets/${id}/comments`, { method: 'POST', headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ body: 'Looking into it.' }) });
      answered.push(`/api/v1/tickets/${id}/comments`);
    }

    const ping: Target = { name: 'baseline: GET /api/v1/ping (no auth, no DB)', method: 'GET', paths: ['/api/v1/ping'] };
    const targets: Target[] = [
      ping,
      { name: 'create: POST /api/v1/tickets as requester alice', method: 'POST', paths: ['/api/v1/tickets'], token: aliceToken, body: { subject: 'Printer jam on the 3rd floor', description: 'Paper is stuck in tray 2 and the display shows E-204.' } },
      { name: 'reply: POST /api/v1/tickets/:id/comments (public) as agent l1', method: 'POST', paths: answered, token: agentToken, body: { body: 'Please try tray 1 meanwhile; a technician comes at 3 pm.' } },
      { name: 'note: POST /api/v1/tickets/:id/comments (internal) as agent l1', method: 'POST', paths: answered, token: agentToken, body: { body: 'Toner ordered, arrives tomorrow.', internal: true } },
    ];

    // Statements per operation: one of each, alone, counted by the database's log hook.
    const statements = new Map<string, number>();
    for (const t of targets) {
      const { count, result } = await countStatements(() => fetch(base + t.paths[0], { method: t.method, headers: headers(t), ...(t.body !== undefined && { body: JSON.stringify(t.body) }) }));
      if (!result.ok) throw new Error(`${t.name}: ${result.status} ${await result.text()}`);
      statements.set(t.name, count);
    }

    const measured = new Map<string, Measured>();
    loader.on('error', (err) => failed?.(err));
    loader.on('exit', (code) => failed?.(new Error(`the load generator exited (${code})`)));
    const run = (t: Target, connections: number, duration: number) =>
      new Promise<Measured>((resolve, reject) => {
        failed = reject;
        // The server's CPU (user + system) over the run, per request: unlike requests per second,
        // hardly moved by what else the machine runs.
        const cpu = process.cpuUsage();
        loader.once('message', (m: Omit<Measured, 'cpuMs'>) => {
          const used = process.cpuUsage(cpu);
          resolve({ ...m, cpuMs: (used.user + used.system) / 1000 });
        });
        loader.send({ url: base, paths: t.paths, method: t.method, headers: headers(t), connections, duration, ...(t.body !== undefined && { body: JSON.stringify(t.body) }) });
      });
    for (const t of targets) {
      await run(t, 16, Math.min(1, SECONDS));
      for (const concurrency of [1, 16]) {
        log(`measuring ${SECONDS} s at concurrency ${concurrency}: ${t.name}`);
        const r = await run(t, concurrency, SECONDS);
        measured.set(`${t.name}@${concurrency}`, r);
        const b = measured.get(`${ping.name}@${concurrency}`)!;
        if (r.errors || r.non2xx) log(`  ! ${r.errors} errors, ${r.non2xx} non-2xx`);
        const line = {
          part: 'writes',
          name: t.name,
          database,
          concurrency,
          statements: statements.get(t.name),
          requestsPerSecond: r.rps,
          serverCpuMsPerRequest: r.completed ? Number((r.cpuMs / r.completed).toFixed(3)) : null,
          p50Ms: r.p50,
          p99Ms: r.p99,
          errors: r.errors,
          non2xx: r.non2xx,
          baselineRequestsPerSecond: b.rps,
          ratioRps: Number((r.rps / b.rps).toFixed(3)),
        };
        results.push(line);
      }
    }
    const [create, reply, note] = targets.slice(1).map((t) => measured.get(`${t.name}@16`)!);
    const target = pgUrl ? TARGETS.createPostgres : TARGETS.createSqlite;
    const summary = {
      part: 'writes',
      database,
      targets: {
        createRpsC16: { value: create!.rps, target, met: create!.rps >= target },
        replyToNoteRpsC16: { value: Number((reply!.rps / note!.rps).toFixed(3)) },
        ...(pgUrl && { replyRpsC16: { value: reply!.rps, target: TARGETS.replyPostgresFactor * TARGETS.replyPostgresBefore, met: reply!.rps >= TARGETS.replyPostgresFactor * TARGETS.replyPostgresBefore } }),
      },
    };
    results.push(summary);
    return results;
  } finally {
    failed = undefined;
    loader.kill();
    await td?.close();
    if (schema) await pgQuery(pgUrl!, `drop schema if exists ${schema} cascade`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href)
  benchWrites().then((lines) => lines.forEach((l) => console.log(JSON.stringify(l)))).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
