/**
 * The year report over 1 000 000 requests on SQLite: the time of the whole report (volume by month,
 * times with percentiles, SLA, escalations, lines, satisfaction, time per organization and agent),
 * with its ratio to a plain count(*) of the same requests in the same run. Target: ≤ 1 s.
 *
 * `npx tsx bench/reports.ts` (one JSON line per measurement on stdout), or `benchReports()` from
 * `npm run bench`; progress on stderr. The data is generated inside SQLite (deterministic, in batches of
 * BATCH requests a transaction): the requests of 2025, their report rows and flow (received,
 * resolved, closed, reopened, escalated, handed off) and one work entry each.
 * Env: BENCH_REPORT_REQUESTS (default 1 000 000), BENCH_REPORT_ROUNDS (measured runs, the median
 * is reported; default 5).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { openContext } from '../src/app.js';
import { ManualClock } from '../src/core/clock/clock.js';
import { loadConfig } from '../src/core/config/config.js';
import { seedDemo } from '../src/demo/seed.js';
import type { Db } from '../src/modules/db.js';
import { buildReport } from '../src/modules/reports/report.service.js';

const REQUESTS = Number(process.env.BENCH_REPORT_REQUESTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_REPORT_ROUNDS ?? 5);
const BATCH = 100_000;
const TARGET_MS = 1000;
/** The data covers 2025 (UTC); the clock stands in the middle of January 2026. */
const YEAR_START = Date.parse('2025-01-01T00:00:00.000Z') / 1000;
const YEAR_SECONDS = 365 * 86_400;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/**
 * Generates requests first…last in SQL. `h` is a multiplicative hash of the request's number, the
 * source of every "random" choice; `st` its status (0 new … 4 closed; the last weeks' still open).
 */
async function generate(db: Db, first: number, last: number, total: number) {
  const lit = (n: number) => sql.lit(n);
  const seq = sql`with recursive seq(n) as (select ${lit(first)} union all select n + 1 from seq where n < ${lit(last)})`;
  const base = sql`select n, h, st, cs, cs + 600 + (h % 28800) as rs, p, ml from (
    select n, h, case when n > ${lit(Math.floor(total * 0.945))} then h % 5 else case when h % 100 < 97 then 4 else 3 end end as st,
      ${lit(YEAR_START)} + (n * ${lit(YEAR_SECONDS - 86_400)}) / ${lit(total)} + (h % 600) as cs, h % 4 as p,
      case when h % 100 < 88 then 1 when h % 100 < 97 then 2 else 3 end as ml
    from (select n, (n * 2654435761) % 1000003 as h from seq))`;
  const iso = (s: unknown) => sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${s}, 'unixepoch')`;
  const id = sql`printf('00000000-0000-4000-8000-%012d', g.n)`;
  await db.transaction().execute(async (trx) => {
    await sql`${seq} insert into tickets (id, number, type, subject, description, requester_id, organization_id, channel, category_id, impact, urgency, priority,
        status, line, group_id, assignee_id, version, created_by, created_at, updated_at, first_response_at, resolved_at, closed_at, reopened_count)
      select ${id}, 1000000 + g.n, case g.n % 4 when 0 then 'incident' when 1 then 'service_request' when 2 then 'change' else 'problem' end,
        'Bench request ' || g.n, 'Generated for the report benchmark.', c.requester_id, c.organization_id,
        case g.n % 5 when 0 then 'web' when 1 then 'email' when 2 then 'sms' when 3 then 'phone' else 'api' end, null, 'medium', 'medium', 'P' || (g.p + 1),
        case g.st when 0 then 'new' when 1 then 'open' when 2 then 'pending_customer' when 3 then 'resolved' else 'closed' end,
        'L' || g.ml, null, a.id, 3, c.requester_id, ${iso(sql`g.cs`)}, ${iso(sql`g.rs`)}, ${iso(sql`g.cs + 300`)},
        case when g.st >= 3 then ${iso(sql`g.rs`)} end, case when g.st = 4 then ${iso(sql`g.rs + 86400`)} end, 0
      from (${base}) g join bench_clients c on c.i = g.n % (select count(*) from bench_clients) join bench_agents a on a.i = g.h % (select count(*) from bench_agents)`.execute(trx);
    await sql`${seq} insert into report_requests (ticket_id, organization_id, plan_id, channel, type, category_id, group_id, assignee_id, priority, line, status, max_line,
        created_ms, resolved_ms, fr_ms, fr_minutes, fr_met, fr_breached_ms, res_minutes, res_met, res_breached_ms, l1_minutes, l2_minutes, l3_minutes, rating, updated_at)
      select t.id, t.organization_id, c.plan_id, t.channel, t.type, null, null, t.assignee_id, t.priority, t.line, t.status, g.ml, g.cs * 1000,
        case when g.st >= 3 then g.rs * 1000 end,
        case when g.st >= 1 then (g.cs + 60 + (g.h % 120) * 60) * 1000 end, case when g.st >= 1 then 1 + (g.h % 120) end,
        case when g.st >= 1 then (1 + (g.h % 120)) <= 60 end, case when 1 + (g.h % 120) > 60 then (g.cs + 3600) * 1000 end,
        case when g.st >= 3 then (g.rs - g.cs) / 60.0 end, case when g.st >= 3 then (g.rs - g.cs) <= 14400 end,
        case when g.st >= 3 and g.rs - g.cs > 14400 then (g.cs + 14400) * 1000 end,
        case when g.ml = 1 then (g.rs - g.cs) / 60.0 else 15 end, case when g.ml >= 2 then (g.rs - g.cs) / 60.0 - 15 else 0 end, 0,
        case when g.st >= 3 and g.h % 10 < 3 then 1 + g.h % 5 end, t.created_at
      from (${base}) g join tickets t on t.id = ${id} join bench_clients c on c.i = g.n % (select count(*) from bench_clients)`.execute(trx);
    const flow = (kind: string, at: unknown, when: unknown) =>
      sql`${seq} insert into report_flow (ticket_id, kind, at_ms) select ${id}, ${kind}, (${at}) * 1000 from (${base}) g where ${when}`.execute(trx);
    await flow('received', sql`g.cs`, sql`1 = 1`);
    await flow('resolved', sql`g.rs`, sql`g.st >= 3`);
    await flow('closed', sql`g.rs + 86400`, sql`g.st = 4`);
    await flow('reopened', sql`g.rs + 60`, sql`g.st >= 3 and g.h % 100 = 7`);
    await flow('resolved', sql`g.rs + 120`, sql`g.st >= 3 and g.h % 100 = 7`);
    await flow('escalated_time', sql`g.cs + 900`, sql`g.ml >= 2 and g.h % 3 <> 0`);
    await flow('escalated_hand', sql`g.cs + 600`, sql`g.ml >= 2 and g.h % 3 = 0`);
    await flow('escalated_difficulty', sql`g.cs`, sql`g.h % 50 = 1`);
    await flow('handed_off', sql`g.cs + 3600`, sql`g.ml = 3 and g.h % 2 = 0`);
    await sql`${seq} insert into work_entries (id, ticket_id, organization_id, agent_id, started_at, minutes, activity, billable, note, source, week_start, flagged, created_by, created_at, updated_at)
      select ${id}, t.id, t.organization_id, t.assignee_id, ${iso(sql`g.cs + 300`)}, 5 + g.h % 90, 'remote', case when g.h % 5 = 0 then 0 else 1 end, '', 'manual',
        date(g.cs + 10800, 'unixepoch', '-6 days', 'weekday 1'), null, t.assignee_id, t.created_at, t.created_at
      from (${base}) g join tickets t on t.id = ${id}`.execute(trx);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the report benchmark on SQLite and returns the results (one object per measurement). */
export async function benchReports(): Promise<object[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-bench-reports-'));
  const clock = new ManualClock('2026-01-15T09:00:00.000Z');
  const { app, close } = await openContext(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0' }), {}, clock);
  try {
    await seedDemo(app);
    await sql`create temp table bench_clients as select row_number() over (order by u.id) - 1 as i, u.id as requester_id, u.organization_id, o.plan_id
      from users u join organizations o on o.id = u.organization_id where u.role = 'requester'`.execute(app.db);
    await sql`create temp table bench_agents as select row_number() over (order by id) - 1 as i, id from users where role = 'agent'`.execute(app.db);
    const t0 = performance.now();
    for (let first = 1; first <= REQUESTS; first += BATCH) {
      await generate(app.db, first, Math.min(first + BATCH - 1, REQUESTS), REQUESTS);
      log(`generated ${Math.min(first + BATCH - 1, REQUESTS)} requests (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    // As a running server's database would be: statistics gathered, the write-ahead log checkpointed.
    await sql`analyze`.execute(app.db);
    await sql`pragma wal_checkpoint(truncate)`.execute(app.db);
    const rows = async (table: 'tickets' | 'report_flow' | 'work_entries') => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(app.db)).rows[0]!.n);
    const [tickets, flow, work] = [await rows('tickets'), await rows('report_flow'), await rows('work_entries')];
    log(`${tickets} requests, ${flow} flow rows, ${work} work entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const input = { period: 'year' as const, date: '2025-06-30', timeZone: 'UTC' };
    const run = () => buildReport(app, app.db, input, { client: false, locale: 'en' });
    const count = () => sql`select count(*) from tickets`.execute(app.db);
    const first = await run(); // warms the cache and the statement cache
    await count();
    if (first.volume.received < REQUESTS * 0.99) throw new Error(`The year report counted ${first.volume.received} requests`);
    const reportMs: number[] = [];
    const countMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      let s = performance.now();
      await run();
      reportMs.push(performance.now() - s);
      s = performance.now();
      await count();
      countMs.push(performance.now() - s);
      log(`round ${i + 1}: report ${reportMs.at(-1)!.toFixed(0)} ms, count ${countMs.at(-1)!.toFixed(1)} ms`);
    }
    const r = median(reportMs);
    const c = median(countMs);
    const results = [
      {
        name: `year report over ${tickets} requests (all sections, by month)`,
        database: 'sqlite',
        requests: tickets,
        flowRows: flow,
        workEntries: work,
        reportMs: Number(r.toFixed(1)),
        countMs: Number(c.toFixed(2)),
        ratioToCount: Number((r / c).toFixed(1)),
        rounds: ROUNDS,
        target: TARGET_MS,
        met: r <= TARGET_MS,
        received: first.volume.received,
        resolved: first.volume.resolved,
        firstResponseMedianMinutes: first.times.firstResponse.medianMinutes,
      },
    ];
    return results;
  } finally {
    await close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  benchReports()
    .then((results) => {
      for (const x of results) process.stdout.write(`${JSON.stringify(x)}\n`);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
