/**
 * `npm run bench`: Tierdesk in-process on a fresh database holding 100 000 requests, measured with
 * autocannon against the no-op ping route as the baseline. One JSON line per measurement on stdout,
 * then one line with the targets; progress on stderr.
 *
 * Then the other parts (see PARTS): deadlines, the timer scheduler, e-mail intake, knowledge-base
 * search, reports, the web bundle, a major incident's update fan-out and automation rules.
 *
 * Env: BENCH_PARTS (comma list, default all); BENCH_SECONDS (per measurement, default 5); BENCH_DATABASE_URL (postgres://…: a fresh schema
 * there, dropped afterwards; otherwise SQLite in a temporary DATA_DIR).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { sql, type Insertable } from 'kysely';
import pg from 'pg';
import { buildTierdesk, type Tierdesk } from '../src/app.js';
import { loadConfig } from '../src/core/config/config.js';
import type { DialectName } from '../src/core/db/connect.js';
import { advanceSequence } from '../src/core/db/counters.js';
import { seedDemo } from '../src/demo/seed.js';
import type { Db } from '../src/modules/db.js';
import { createApiToken, toActor } from '../src/modules/identity/auth.service.js';
import { findUserByEmail } from '../src/modules/identity/identity.repo.js';
import { priorityFor } from '../src/modules/tickets/priority.js';
import { CHANNELS, LEVELS, STATUSES, TICKET_TYPES, type TicketTables } from '../src/modules/tickets/tickets.tables.js';
import { prng } from './prng.js';

const TICKETS = 100_000;
const ROWS_PER_INSERT = 500; // 24 columns × 500 = 12 000 parameters, under both engines' limits
const ROWS_PER_TRANSACTION = 10_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Math.min(1, SECONDS);
const CONCURRENCIES = [1, 16] as const;
const DAY = 86_400_000;
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const out = (obj: unknown) => process.stdout.write(`${JSON.stringify(obj)}\n`);

/** Inserts `count` requests spread over the demo organizations, requesters and the past year. */
async function seedTickets(db: Db, dialect: DialectName, count: number) {
  const rnd = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const users = await db.selectFrom('users').select(['id', 'role', 'organization_id', 'line']).execute();
  const clients = users.filter((u) => u.organization_id);
  const agents = users.filter((u) => u.role === 'agent');
  const categories = (await db.selectFrom('categories').select('id').execute()).map((c) => c.id);
  const max = await db.selectFrom('tickets').select((eb) => eb.fn.max('number').as('n')).executeTakeFirst();
  const first = Number(max?.n ?? 0) + 1;
  const now = Date.now();
  const iso = (ms: number) => new Date(Math.min(ms, now)).toISOString();

  const row = (number: number): Insertable<TicketTables['tickets']> => {
    const requester = pick(clients);
    const created = now - Math.floor(rnd() * 365 * DAY);
    // A realistic backlog: requests older than a month are almost all closed.
    const status = now - created < 30 * DAY ? pick(STATUSES) : rnd() < 0.97 ? 'closed' : 'resolved';
    const agent = status === 'new' ? null : pick(agents);
    const [impact, urgency] = [pick(LEVELS), pick(LEVELS)];
    const resolved = status === 'resolved' || status === 'closed' ? created + rnd() * 5 * DAY : null;
    const closed = status === 'closed' ? resolved! + rnd() * 3 * DAY : null;
    return {
      id: crypto.randomUUID(),
      number,
      type: pick(TICKET_TYPES),
      subject: `Bench request ${number}: ${pick(['printer', 'VPN', 'mailbox', 'password', 'laptop', '1C'])} problem`,
      description: `Generated for the benchmark. ${'Lorem ipsum dolor sit amet. '.repeat(1 + Math.floor(rnd() * 8))}`,
      requester_id: requester.id,
      organization_id: requester.organization_id!,
      channel: pick(CHANNELS),
      category_id: rnd() < 0.8 ? pick(categories) : null,
      impact,
      urgency,
      priority: priorityFor(impact, urgency),
      status,
      line: agent?.line ?? 'L1',
      group_id: null,
      assignee_id: agent?.id ?? null,
      version: agent ? 2 + Math.floor(rnd() * 5) : 1,
      created_by: requester.id,
      created_at: iso(created),
      updated_at: iso(closed ?? resolved ?? created + rnd() * 2 * DAY),
      first_response_at: agent ? iso(created + rnd() * 4 * 3_600_000) : null,
      resolved_at: resolved === null ? null : iso(resolved),
      closed_at: closed === null ? null : iso(closed),
      reopened_count: 0,
    };
  };

  for (let start = 0; start < count; start += ROWS_PER_TRANSACTION) {
    const end = Math.min(start + ROWS_PER_TRANSACTION, count);
    await db.transaction().execute(async (trx) => {
      for (let i = start; i < end; i += ROWS_PER_INSERT)
        await trx.insertInto('tickets').values(Array.from({ length: Math.min(ROWS_PER_INSERT, end - i) }, (_, k) => row(first + i + k))).execute();
    });
  }
  // New requests must get numbers after these: move the sequence past them.
  await advanceSequence(db, dialect, 'ticket_number', first + count - 1);
}

/** The bench's METRICS_TOKEN, for the scrape target. */
const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** One statement on PostgreSQL over a connection of its own (to create and drop the schema). */
async function pgQuery(url: string, query: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(query).finally(() => c.end());
}

interface Target {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  /** The caller's API token; none for the baseline, which must not touch the database. */
  token?: string;
  body?: unknown;
}

/** One measurement: requests per second, latency percentiles (ms), failures. */
type Measured = { rps: number; p50: number; p99: number; errors: number; non2xx: number; statusCodeStats: unknown };

/** The request autocannon repeats (and the one-off check before it). */
const request = (t: Target) => ({
  method: t.method ?? 'GET',
  headers: { ...(t.token && { authorization: `Bearer ${t.token}` }), ...(t.body !== undefined && { 'content-type': 'application/json' }) },
  ...(t.body !== undefined && { body: JSON.stringify(t.body) }),
});

/**
 * The load generator runs autocannon in a worker thread, so that its CPU time is not spent on the
 * server's event loop, and times every response itself (autocannon's histogram keeps whole ms, and
 * off the main thread returns no aggregates). Plain JavaScript: tsx does not reach workers on Node 20.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannon);
parentPort.on('message', async (opts) => {
  const ms = [];
  const run = autocannon(opts);
  run.on('response', (_client, _status, _bytes, time) => ms.push(time));
  const r = await run;
  ms.sort((a, b) => a - b);
  const at = (p) => (ms.length ? Number(ms[Math.ceil((p / 100) * ms.length) - 1].toFixed(2)) : null);
  const rps = Math.round((r.totalCompletedRequests / r.duration) * 10) / 10;
  parentPort.postMessage({ rps, p50: at(50), p99: at(99), errors: r.errors, non2xx: r.non2xx, statusCodeStats: r.statusCodeStats });
});`;

function loadGenerator() {
  const worker = new Worker(WORKER, { eval: true, workerData: { autocannon: createRequire(import.meta.url).resolve('autocannon') } });
  let failed: ((err: Error) => void) | undefined;
  worker.on('error', (err) => failed?.(err));
  return {
    run: (base: string, t: Target, connections: number, duration: number) =>
      new Promise<Measured>((resolve, reject) => {
        failed = reject;
        worker.once('message', resolve);
        worker.postMessage({ url: base + t.path, connections, duration, ...request(t) });
      }),
    stop: () => worker.terminate(),
  };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-bench-'));
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const database = pgUrl ? 'postgres' : 'sqlite';
  const schema = pgUrl ? `bench_${crypto.randomBytes(6).toString('hex')}` : undefined;
  const load = loadGenerator();
  let td: Tierdesk | undefined;
  try {
    if (schema) await pgQuery(pgUrl!, `create schema ${schema}`);
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0', METRICS_TOKEN: BENCH_METRICS_TOKEN, ...(pgUrl && { DATABASE_URL: pgUrl }) });
    td = await buildTierdesk(config, { db: { pgSchema: schema } });
    const app = td.app;
    await seedDemo(app);
    const t0 = performance.now();
    await seedTickets(app.db, app.dialect, TICKETS);
    // As autovacuum would soon: statistics, and the visibility map that index-only scans need.
    if (app.dialect === 'postgres') await sql`vacuum analyze tickets`.execute(app.db);
    log(`seeded ${TICKETS} requests on ${database} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const base = await td.http.listen({ port: 0, host: '127.0.0.1' });
    const tokenFor = async (email: string) => {
      const actor = toActor((await findUserByEmail(app.db, email))!);
      return { actor, token: (await createApiToken(app, actor, 'bench')).token };
    };
    const [alice, agent] = [await tokenFor('alice@client-a.test'), await tokenFor('l1@demo.test')];
    const count = async (requesterId?: string) => {
      let q = app.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n'));
      if (requesterId) q = q.where('requester_id', '=', requesterId);
      return Number((await q.executeTakeFirstOrThrow()).n);
    };
    const [all, own] = [await count(), await count(alice.actor.id)];
    // Her first demo request: one with watchers and a timeline, as real ones have.
    const read = await app.db.selectFrom('tickets').select(['id', 'number']).where('requester_id', '=', alice.actor.id).orderBy('number').executeTakeFirstOrThrow();

    const ping: Target = { name: 'baseline: GET /api/v1/ping (no auth, no DB)', path: '/api/v1/ping' };
    const body = { subject: 'Printer jam on the 3rd floor', description: 'Paper is stuck in tray 2 and the display shows E-204.' };
    const create: Target = { name: 'create: POST /api/v1/tickets as requester alice (API token)', method: 'POST', path: '/api/v1/tickets', token: alice.token, body };
    const detail: Target = { name: `read: GET /api/v1/tickets/:id as requester alice (her request #${read.number})`, path: `/api/v1/tickets/${read.id}`, token: alice.token };
    const list = (who: string, token: string): Target => ({ name: `list: GET /api/v1/tickets?limit=50 as ${who}`, path: '/api/v1/tickets?limit=50', token });
    // A Prometheus scrape, its database gauges read over what the creates above left in the outbox.
    const scrape: Target = { name: 'scrape: GET /metrics (timers due, outbox backlog, dead letters read at scrape)', path: '/metrics', token: BENCH_METRICS_TOKEN };
    const targets = [ping, create, detail, list(`requester alice (first page of her ${own})`, alice.token), list(`agent l1 (first page of all ${all})`, agent.token), scrape];
    for (const t of targets) {
      const res = await fetch(base + t.path, request(t));
      if (!res.ok) throw new Error(`${t.name}: ${res.status} ${await res.text()}`);
    }

    const measured = new Map<string, Measured>();
    for (const target of targets) {
      log(`warm-up ${WARMUP_SECONDS} s: ${target.name}`);
      await load.run(base, target, 16, WARMUP_SECONDS);
      for (const concurrency of CONCURRENCIES) {
        log(`measuring ${SECONDS} s at concurrency ${concurrency}: ${target.name}`);
        const r = await load.run(base, target, concurrency, SECONDS);
        measured.set(`${target.name}@${concurrency}`, r);
        const b = measured.get(`${ping.name}@${concurrency}`)!;
        if (r.errors || r.non2xx) log(`  ! ${r.errors} errors, ${r.non2xx} non-2xx; status codes: ${JSON.stringify(r.statusCodeStats)}`);
        out({
          name: target.name,
          database,
          concurrency,
          requestsPerSecond: r.rps,
          p50Ms: r.p50,
          p99Ms: r.p99,
          errors: r.errors,
          non2xx: r.non2xx,
          baselineRequestsPerSecond: b.rps,
          baselineP50Ms: b.p50,
          baselineP99Ms: b.p99,
          ratioRps: Number((r.rps / b.rps).toFixed(3)),
          ratioP99: Number((r.p99 / b.p99).toFixed(2)),
        });
      }
    }

    const at = (t: Target, c: number) => measured.get(`${t.name}@${c}`)!;
    const createRps = at(create, 16).rps;
    const readP99 = Math.max(...CONCURRENCIES.map((c) => at(detail, c).p99));
    const createRatio = Number((createRps / at(ping, 16).rps).toFixed(3));
    out({
      targets: {
        createRpsC16: { value: createRps, target: 2000, met: createRps >= 2000 },
        readP99Ms: { value: readP99, target: 5, met: readP99 <= 5 },
        createRatioC16: { value: createRatio, target: 0.25, met: createRatio >= 0.25 },
      },
    });
  } finally {
    await load.stop();
    await td?.close();
    if (schema) await pgQuery(pgUrl!, `drop schema if exists ${schema} cascade`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The other measurements, each a module of its own (also runnable alone with `npx tsx bench/<file>`). */
const PARTS: Record<string, () => Promise<object[]>> = {
  deadlines: async () => (await import('./deadlines.js')).benchDeadlines(),
  scheduler: async () => (await import('./scheduler.js')).benchScheduler(),
  'email-intake': async () => (await import('./email-intake.js')).benchEmailIntake(),
  writes: async () => (await import('./writes.js')).benchWrites(),
  'email-content': async () => (await import('./email-content.js')).benchEmailContent(),
  'kb-search': async () => (await import('./kb-search.js')).benchKbSearch(),
  reports: async () => (await import('./reports.js')).benchReports(),
  'web-bundle': async () => (await import('./web-bundle.js')).benchWebBundle(),
  'web-tti': async () => (await import('./web-tti.js')).benchWebTti(),
  attachments: async () => (await import('./attachments.js')).benchAttachments(),
  'major-fanout': async () => (await import('./major-fanout.js')).benchMajorFanout(),
  'scale-out': async () => (await import('./scale-out.js')).benchScaleOut(),
  soak: async () => (await import('./soak.js')).benchSoak(),
  macros: async () => (await import('./macros.js')).benchMacros(),
  queue: async () => (await import('./queue.js')).benchQueue(),
  automation: async () => (await import('./automation.js')).benchAutomation(),
};

/** Parts that run only when BENCH_PARTS names them: the soak takes half an hour. */
const ON_REQUEST = new Set(['soak']);

/** BENCH_PARTS=api,deadlines,… runs only those (default: all but ON_REQUEST). */
async function all() {
  const wanted = (process.env.BENCH_PARTS ?? ['api', ...Object.keys(PARTS).filter((p) => !ON_REQUEST.has(p))].join(',')).split(',');
  if (wanted.includes('api')) await main();
  for (const [name, run] of Object.entries(PARTS)) {
    if (!wanted.includes(name)) continue;
    console.error(`bench part: ${name}`);
    for (const line of await run()) console.log(JSON.stringify(line));
  }
}

all().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
