/**
 * The queue bench's list, search and count queries alone (the tickets repository, no HTTP, no
 * presenting), one after another over the queue bench's requests: the SQL time of each, as
 * median and p99 in milliseconds (and on SQLite, which runs in the process, the median CPU time:
 * steadier than the clock on a loaded machine). One JSON object per query.
 *
 *   npx tsx bench/queue-sql.ts
 *
 * Env: QUEUE_BENCH_TICKETS (default 100 000); QUEUE_SQL_SECONDS (per query, default 2);
 * QUEUE_SQL_DATABASE_URL (postgres://…: a fresh schema there, dropped afterwards; otherwise SQLite);
 * QUEUE_SQL_DATA_DIR (SQLite: keep the seeded database there and reuse it on the next run);
 * QUEUE_SQL_PG_SCHEMA (PostgreSQL: the same with a schema of this name);
 * QUEUE_SQL_ONLY (a regular expression: only the queries it finds in their names);
 * QUEUE_SQL_PLAN=1 (print each query's plan on stderr: EXPLAIN QUERY PLAN / EXPLAIN ANALYZE).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { buildTierdesk } from '../src/app.js';
import { loadConfig } from '../src/core/config/config.js';
import { seedDemo } from '../src/demo/seed.js';
import type { Db } from '../src/modules/db.js';
import { countTickets, listTickets, type TicketListQuery } from '../src/modules/tickets/tickets.repo.js';
import { seed } from './queue.js';

const TICKETS = Number(process.env.QUEUE_BENCH_TICKETS ?? 100_000);
const SECONDS = Number(process.env.QUEUE_SQL_SECONDS ?? 2);
const PLAN = process.env.QUEUE_SQL_PLAN === '1';
const log = (msg: string) => process.stderr.write(`${msg}\n`);

type Filters = Omit<TicketListQuery, 'sort' | 'direction' | 'limit'>;

async function main() {
  const pgUrl = process.env.QUEUE_SQL_DATABASE_URL;
  const keep = process.env.QUEUE_SQL_DATA_DIR;
  const dataDir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-queue-sql-'));
  const keptSchema = process.env.QUEUE_SQL_PG_SCHEMA;
  const schema = pgUrl ? (keptSchema ?? `bench_${crypto.randomBytes(6).toString('hex')}`) : undefined;
  const pgQuery = async (text: string) => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    return (await client.query(text).finally(() => client.end())).rows;
  };
  const reuse = pgUrl ? keptSchema !== undefined && (await pgQuery(`select 1 from information_schema.schemata where schema_name = '${keptSchema}'`)).length > 0 : keep !== undefined && fs.existsSync(path.join(dataDir, 'tierdesk.db'));
  if (schema && !reuse) await pgQuery(`create schema ${schema}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0', ...(pgUrl && { DATABASE_URL: pgUrl }) });
  const td = await buildTierdesk(config, { db: { pgSchema: schema } });
  const { db, dialect } = td.app;
  try {
    if (!reuse) {
      await seedDemo(td.app);
      const t0 = performance.now();
      await seed(db, TICKETS, dialect);
      log(`queue sql: seeded ${TICKETS} requests on ${dialect} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    // As autovacuum would soon (and after a migration): statistics, and the visibility map index-only scans need.
    if (dialect === 'postgres') await sql`vacuum analyze`.execute(db);
    const now = new Date();
    const sla = (states: NonNullable<Filters['sla']>['states']) => ({
      states,
      now: now.toISOString(),
      riskBefore: new Date(now.getTime() + config.slaAtRiskMinutes * 60_000).toISOString(),
      riskShare: config.slaAtRiskShare,
    });
    const open = ['new', 'open', 'pending_customer', 'pending_vendor'];
    const queries: { name: string; filters: Filters; sort?: TicketListQuery['sort']; direction?: 'asc' | 'desc' }[] = [
      { name: 'list: unfiltered, newest first', filters: {} },
      { name: 'list: L1, new+open, due first', filters: { line: 'L1', statuses: ['new', 'open'] }, sort: 'due', direction: 'asc' },
      {
        name: 'list: L1, new+open, P2+P3, running or at risk, e-mail or web, due first',
        filters: { line: 'L1', statuses: ['new', 'open'], priorities: ['P2', 'P3'], sla: sla(['running', 'at_risk']), channels: ['email', 'web'] },
        sort: 'due',
        direction: 'asc',
      },
      { name: 'list: at risk or breached, due first', filters: { sla: sla(['at_risk', 'breached']) }, sort: 'due', direction: 'asc' },
      { name: 'list: at risk or breached, newest first', filters: { sla: sla(['at_risk', 'breached']) } },
      { name: 'search: q=printer, open statuses, P3', filters: { text: 'printer', statuses: ['new', 'open', 'pending_customer'], priorities: ['P3'] } },
      { name: 'search: q=printer', filters: { text: 'printer' } },
      { name: 'search: q=принт, open statuses', filters: { text: 'принт', statuses: open } },
      { name: 'search: q=printer scanner, P1', filters: { text: 'printer scanner', priorities: ['P1'] } },
      { name: 'search: q=TD-<number>', filters: { text: `TD-${String(TICKETS - 7).padStart(6, '0')}` } },
      { name: 'count: L1 line queue', filters: { line: 'L1', statuses: ['new', 'open'] } },
      { name: 'count: at risk or breached', filters: { sla: sla(['at_risk', 'breached']) } },
      { name: 'count: q=printer', filters: { text: 'printer' } },
      { name: 'count: q=printer, open statuses, P3', filters: { text: 'printer', statuses: ['new', 'open', 'pending_customer'], priorities: ['P3'] } },
      { name: 'count: q=принт, open statuses', filters: { text: 'принт', statuses: open } },
      { name: 'count: all requests', filters: {} },
    ];
    const only = process.env.QUEUE_SQL_ONLY && new RegExp(process.env.QUEUE_SQL_ONLY);
    for (const q of queries.filter((q) => !only || only.test(q.name))) {
      const isCount = q.name.startsWith('count');
      const run = () =>
        isCount
          ? countTickets(db, dialect, {}, { ...q.filters, withLineClock: true })
          : listTickets(db, dialect, {}, { ...q.filters, withLineClock: true, sort: q.sort ?? 'created_at', direction: q.direction ?? 'desc', limit: 51 });
      const first = await run();
      if (PLAN) await explain(td.app.db, dialect, run, q.name);
      const ms: number[] = [];
      const cpu: number[] = [];
      const end = performance.now() + SECONDS * 1000;
      while (performance.now() < end || ms.length < 5) {
        const [t, c] = [performance.now(), process.cpuUsage()];
        await run();
        ms.push(performance.now() - t);
        const used = process.cpuUsage(c);
        cpu.push((used.user + used.system) / 1000);
      }
      ms.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      const at = (p: number, xs = ms) => Number(xs[Math.ceil((p / 100) * xs.length) - 1]!.toFixed(3));
      const result = typeof first === 'number' ? { count: first } : { rows: first.length };
      console.log(JSON.stringify({ name: `queue sql: ${q.name}`, database: dialect, tickets: TICKETS, runs: ms.length, medianMs: at(50), p99Ms: at(99), ...(dialect === 'sqlite' && { medianCpuMs: at(50, cpu) }), ...result }));
    }
  } finally {
    await td.close();
    if (schema && !keptSchema) await pgQuery(`drop schema ${schema} cascade`);
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Prints the plans of the statements `run` sends (Kysely's log would do, but needs the instance). */
async function explain(db: Db, dialect: string, run: () => Promise<unknown>, name: string) {
  type Compiled = { sql: string; parameters: readonly unknown[] };
  const executor = db.getExecutor() as unknown as { executeQuery: (compiled: Compiled, ...rest: unknown[]) => Promise<unknown> };
  const original = executor.executeQuery.bind(executor);
  const seen: Compiled[] = [];
  executor.executeQuery = (compiled, ...rest) => {
    seen.push({ sql: compiled.sql, parameters: compiled.parameters });
    return original(compiled, ...rest);
  };
  try {
    await run();
  } finally {
    executor.executeQuery = original;
  }
  log(`--- ${name}`);
  for (const s of seen) {
    const prefix = dialect === 'postgres' ? 'explain (analyze, buffers off) ' : 'explain query plan ';
    const { rows } = await db.executeQuery({ sql: prefix + s.sql, parameters: s.parameters, query: { kind: 'RawNode' } } as never);
    log(s.sql.replace(/\s+/g, ' ').slice(0, 600));
    for (const r of rows as Record<string, unknown>[]) log(`  ${dialect === 'postgres' ? String(r['QUERY PLAN']) : `${String(r.id)}/${String(r.parent)} ${String(r.detail)}`}`);
  }
}

await main();
