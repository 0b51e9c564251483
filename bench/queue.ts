/**
 * The agent's queue on SQLite (the embedded default) over 100 000 requests with their SLA clocks,
 * bulk-inserted: the L1 line queue sorted due first, with filters; search (the list with `q=` and
 * filters); a queue's count and a search's. Each against the unfiltered first page of the list in
 * the same run, over HTTP with an API token, at concurrency 16, with the process's peak resident memory
 * meanwhile (the load generator's thread included). One JSON object per measurement;
 * `npx tsx bench/queue.ts` prints them, `benchQueue()` returns them.
 *
 * Env: QUEUE_BENCH_TICKETS (default 100 000; smaller while developing), QUEUE_BENCH_SECONDS (per
 * measurement, default 5).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Insertable } from 'kysely';
import { buildTierdesk } from '../src/app.js';
import { loadConfig } from '../src/core/config/config.js';
import type { DialectName } from '../src/core/db/connect.js';
import { advanceSequence } from '../src/core/db/counters.js';
import { seedDemo } from '../src/demo/seed.js';
import type { Db } from '../src/modules/db.js';
import { createApiToken, toActor } from '../src/modules/identity/auth.service.js';
import { findUserByEmail } from '../src/modules/identity/identity.repo.js';
import { addComment, refreshSlaDue } from '../src/modules/tickets/index.js';
import { priorityFor } from '../src/modules/tickets/priority.js';
import { CHANNELS, LEVELS, TICKET_TYPES, type TicketTables } from '../src/modules/tickets/tickets.tables.js';
import { prng } from './prng.js';

const TICKETS = Number(process.env.QUEUE_BENCH_TICKETS ?? 100_000);
const SECONDS = Number(process.env.QUEUE_BENCH_SECONDS ?? 5);
const BATCH = 500;
const DAY = 86_400_000;
const MINUTE = 60_000;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

type Clock = Record<string, unknown>;

/**
 * Requests over the past year (older than a month almost all closed), and the clocks the SLA
 * engine keeps for them: open ones running (paused while pending), closed ones stopped.
 */
export async function seed(db: Db, count: number, dialect: DialectName = 'sqlite') {
  const rnd = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const users = await db.selectFrom('users').select(['id', 'role', 'organization_id', 'line']).execute();
  const clients = users.filter((u) => u.organization_id);
  const agents = users.filter((u) => u.role === 'agent');
  const first =
    Number(
      (
        await db
          .selectFrom('tickets')
          .select((eb) => eb.fn.max('number').as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    ) + 1;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const words = [
    'printer',
    'VPN',
    'mailbox',
    'password',
    'laptop',
    '1C',
    'принтер',
    'почта',
    'пароль',
    'сканер',
    'monitor',
    'scanner',
  ];
  for (let start = 0; start < count; start += BATCH * 20) {
    await db.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(start + BATCH * 20, count); i += BATCH) {
        const tickets: Insertable<TicketTables['tickets']>[] = [];
        const clocks: Clock[] = [];
        for (let k = i; k < Math.min(i + BATCH, count); k++) {
          const requester = pick(clients);
          const created = now - Math.floor(rnd() * 365 * DAY);
          const open = now - created < 30 * DAY && rnd() < 0.7;
          const status = open
            ? pick(['new', 'open', 'open', 'pending_customer', 'pending_vendor'] as const)
            : rnd() < 0.97
              ? 'closed'
              : 'resolved';
          const agent = status === 'new' ? null : pick(agents);
          const [impact, urgency] = [pick(LEVELS), pick(LEVELS)];
          const id = crypto.randomUUID();
          const line = agent?.line ?? 'L1';
          tickets.push({
            id,
            number: first + k,
            type: pick(TICKET_TYPES),
            subject: `${pick(words)} ${pick(words)}: request ${first + k} from the ${pick(['3rd floor', 'warehouse', 'shop', 'office'])}`,
            description: 'Generated for the benchmark.',
            requester_id: requester.id,
            organization_id: requester.organization_id!,
            channel: pick(CHANNELS),
            category_id: null,
            impact,
            urgency,
            priority: priorityFor(impact, urgency),
            status,
            line,
            group_id: null,
            assignee_id: agent?.id ?? null,
            version: 1,
            created_by: requester.id,
            created_at: iso(created),
            updated_at: iso(Math.min(now, created + rnd() * 2 * DAY)),
            first_response_at: agent ? iso(created + rnd() * 4 * 3_600_000) : null,
            resolved_at: open ? null : iso(created + DAY),
            closed_at: status === 'closed' ? iso(created + 2 * DAY) : null,
            reopened_count: 0,
          });
          const paused = status === 'pending_customer' || status === 'pending_vendor';
          const clock = (metric: string, target: number, used: number) => {
            const state = !open ? 'stopped' : paused ? 'paused' : 'running';
            const deadline = state === 'running' ? iso(now + (target - used) * MINUTE) : null;
            clocks.push({
              ticket_id: id,
              metric,
              state,
              cycle: 1,
              line: metric === 'line' ? line : null,
              calendar_id: null,
              target_minutes: target,
              consumed_minutes: used,
              segment_started_at: state === 'running' ? iso(now) : null,
              deadline,
              started_at: iso(created),
              stopped_at: state === 'stopped' ? iso(created + DAY) : null,
              met: state === 'stopped' ? 1 : null,
              warned_75: used >= 0.75 * target ? 1 : 0,
              warned_90: used >= 0.9 * target ? 1 : 0,
              breached_at: state !== 'stopped' && used > target ? iso(now - MINUTE) : null,
              updated_at: iso(now),
            });
          };
          const age = Math.min(3000, (now - created) / MINUTE);
          clock('resolution', 1440, rnd() * age);
          if (!agent) clock('first_response', 120, rnd() * Math.min(age, 180));
          if (line === 'L1') clock('line', 15, rnd() * 20);
        }
        await trx.insertInto('tickets').values(tickets).execute();
        await trx
          .insertInto('sla_clocks')
          .values(clocks as never)
          .execute();
        // What the SLA engine keeps beside its clocks: each request's due instant.
        await refreshSlaDue(trx, tickets.map((t) => t.id));
      }
    });
  }
  await advanceSequence(db, dialect, 'ticket_number', first + count - 1);
}

/** autocannon in a worker thread (its CPU off the server's event loop), timing every response; as in run.ts. */
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
  parentPort.postMessage({ rps: Math.round((r.totalCompletedRequests / r.duration) * 10) / 10, p50: at(50), p99: at(99), errors: r.errors + r.non2xx + r.timeouts });
});`;

function loadGenerator() {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { autocannon: createRequire(import.meta.url).resolve('autocannon') },
  });
  return {
    measure: (url: string, token: string) =>
      new Promise<{ rps: number; p50: number; p99: number; errors: number; rssMiB: number }>((resolve, reject) => {
        // The process's peak resident memory meanwhile (the load generator's thread included: an upper bound).
        let rss = process.memoryUsage.rss();
        const sampling = setInterval(() => (rss = Math.max(rss, process.memoryUsage.rss())), 250);
        worker.once('error', (err) => {
          clearInterval(sampling);
          reject(err);
        });
        worker.once('message', (m) => {
          clearInterval(sampling);
          worker.removeAllListeners('error');
          resolve({ ...m, rssMiB: Math.round(Math.max(rss, process.memoryUsage.rss()) / 2 ** 20) });
        });
        worker.postMessage({
          url,
          connections: 16,
          duration: SECONDS,
          headers: { authorization: `Bearer ${token}` },
        });
      }),
    stop: () => worker.terminate(),
  };
}

export async function benchQueue(): Promise<object[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-queue-bench-'));
  const td = await buildTierdesk(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0' }));
  const { measure, stop } = loadGenerator();
  try {
    await seedDemo(td.app);
    const t0 = performance.now();
    await seed(td.app.db, TICKETS);
    log(
      `queue bench: seeded ${TICKETS} requests with their clocks in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const base = await td.http.listen({ port: 0, host: '127.0.0.1' });
    const l1 = toActor((await findUserByEmail(td.app.db, 'l1@demo.test'))!);
    const listCacheMs = td.app.config.listCacheMs;
    const { token } = await createApiToken(td.app, l1, 'bench');
    const baseline = {
      name: 'baseline: GET /api/v1/tickets?limit=50 (unfiltered first page, as agent l1)',
      path: '/api/v1/tickets?limit=50',
    };
    const targets = [
      {
        name: 'line queue: L1, new+open, SLA due first',
        path: '/api/v1/tickets?line=L1&status=new,open&sort=due&limit=50',
        targetP99: 20,
      },
      {
        name: 'line queue: L1, new+open, P2+P3, SLA running or at risk, e-mail or web, due first',
        path: '/api/v1/tickets?line=L1&status=new,open&priority=P2,P3&sla=running,at_risk&channel=email,web&sort=due&limit=50',
        targetP99: 20,
      },
      {
        name: 'at risk: SLA at risk or breached, due first',
        path: '/api/v1/tickets?sla=at_risk,breached&sort=due&limit=50',
        targetP99: 20,
      },
      {
        name: 'search: q=printer, open statuses, P3',
        path: '/api/v1/tickets?q=printer&status=new,open,pending_customer&priority=P3&limit=50',
        targetP99: 10,
        targetRps: 2000,
        afresh: true,
      },
      {
        name: 'search: q=printer over all requests',
        path: '/api/v1/tickets?q=printer&limit=50',
        targetP99: 10,
        targetRps: 2000,
        afresh: true,
      },
      {
        name: 'search: q=принт (a Russian prefix), open statuses',
        path: `/api/v1/tickets?q=${encodeURIComponent('принт')}&status=new,open,pending_customer,pending_vendor&limit=50`,
        targetP99: 10,
        targetRps: 2000,
        afresh: true,
      },
      {
        name: 'search: q=TD-<number> (a request number)',
        path: `/api/v1/tickets?q=TD-${String(TICKETS - 7).padStart(6, '0')}&limit=50`,
        targetP99: 10,
        targetRps: 2000,
        afresh: true,
      },
      { name: 'count: L1 line queue', path: '/api/v1/tickets/count?line=L1&status=new,open' },
      { name: 'count: at risk or breached', path: '/api/v1/tickets/count?sla=at_risk,breached' },
      { name: 'count: search q=printer', path: '/api/v1/tickets/count?q=printer' },
      { name: 'count: search q=printer, open statuses, P3', path: '/api/v1/tickets/count?q=printer&status=new,open,pending_customer&priority=P3' },
    ];
    for (const t of [baseline, ...targets]) {
      const res = await fetch(base + t.path, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`${t.name}: ${res.status} ${await res.text()}`);
    }
    log('queue bench: warm-up and baseline');
    await measure(base + baseline.path, token);
    const b = await measure(base + baseline.path, token);
    const out: object[] = [
      {
        name: `queue: ${baseline.name}`,
        tickets: TICKETS,
        concurrency: 16,
        requestsPerSecond: b.rps,
        p50Ms: b.p50,
        p99Ms: b.p99,
        errors: b.errors,
        rssPeakMiB: b.rssMiB,
        listCacheMs,
      },
    ];
    const measured = (t: { name: string; path: string; targetP99?: number; targetRps?: number }, r: Awaited<ReturnType<typeof measure>>) => ({
      name: `queue: ${t.name}`,
      database: 'sqlite',
      tickets: TICKETS,
      concurrency: 16,
      requestsPerSecond: r.rps,
      p50Ms: r.p50,
      p99Ms: r.p99,
      errors: r.errors,
      rssPeakMiB: r.rssMiB,
      listCacheMs: td.app.config.listCacheMs,
      baselineRequestsPerSecond: b.rps,
      baselineP99Ms: b.p99,
      ratioRps: Number((r.rps / b.rps).toFixed(3)),
      ratioP99: Number((r.p99 / b.p99).toFixed(2)),
      ...(t.targetP99 && { targetP99Ms: t.targetP99, metP99: r.p99 <= t.targetP99 }),
      ...(t.targetRps && { targetRps: t.targetRps, metRps: r.rps >= t.targetRps }),
    });
    for (const t of targets) {
      log(`queue bench: ${t.name}`);
      // A search is typed once, so it is measured read at every request; a queue's page and its
      // count are asked for again and again (every agent's screen refreshing), and kept.
      td.app.config.listCacheMs = 'afresh' in t ? 0 : listCacheMs;
      out.push(measured(t, await measure(base + t.path, token)));
    }
    td.app.config.listCacheMs = listCacheMs;
    // The line queue as it is when pages are not kept (LIST_CACHE_MS=0), and while the desk writes
    // (each write makes every page read afresh): an internal note on an open request every 50 ms.
    const line = targets[0]!;
    log('queue bench: line queue, read at every request');
    td.app.config.listCacheMs = 0;
    out.push(measured({ ...line, name: `${line.name}, read at every request (LIST_CACHE_MS=0)` }, await measure(base + line.path, token)));
    td.app.config.listCacheMs = listCacheMs;
    log('queue bench: line queue, while 20 notes a second are written');
    const open = await td.app.db.selectFrom('tickets').select('id').where('status', '=', 'open').limit(200).execute();
    const writes: Promise<unknown>[] = [];
    const writing = setInterval(() => {
      writes.push(addComment(td.app, l1, open[writes.length % open.length]!.id, { body: 'Checked the cable; waiting for the user.', internal: true }));
    }, 50);
    const r = await measure(base + line.path, token);
    clearInterval(writing);
    const failed = (await Promise.allSettled(writes)).filter((w) => w.status === 'rejected').length;
    out.push({ ...measured({ ...line, name: `${line.name}, while 20 notes a second are written` }, r), notesWritten: writes.length - failed, notesFailed: failed });
    return out;
  } finally {
    await stop();
    await td.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const line of await benchQueue()) console.log(JSON.stringify(line));
}
