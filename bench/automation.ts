/**
 * Automation rules, two measurements, SQLite always and PostgreSQL too when BENCH_DATABASE_URL is set:
 *
 * - Creating a request (the service a POST goes through, with its rules run in its transaction)
 *   with 200 enabled event rules, 10 of which match, against creating it with none enabled, in the
 *   same run, in alternating blocks. Target: ratio ≤ 1.5.
 * - One time-rule pass (what the worker's timer runs each minute) over 100 000 open requests, in
 *   the steady state: what came due before was acted on by the earlier passes, and
 *   BENCH_AUTOMATION_DUE requests (default 20) came due in the last minute. Target: ≤ 1 s. The
 *   baseline is the same pass over 1 000 open requests with as many due.
 *
 * `npx tsx bench/automation.ts`, or through `npm run bench` (BENCH_PARTS=automation).
 * Env: BENCH_AUTOMATION_CREATES (requests per block, default 50), BENCH_AUTOMATION_DUE.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql, type Insertable } from 'kysely';
import pg from 'pg';
import { openContext } from '../src/app.js';
import { ManualClock } from '../src/core/clock/clock.js';
import { loadConfig } from '../src/core/config/config.js';
import { advanceSequence } from '../src/core/db/counters.js';
import { seedDemo } from '../src/demo/seed.js';
import type { AppContext } from '../src/modules/db.js';
import { toActor, type Actor } from '../src/modules/identity/index.js';
import { findUserByEmail } from '../src/modules/identity/identity.repo.js';
import { createRule } from '../src/modules/automation/automation.service.js';
import { forgetRules } from '../src/modules/automation/rule-cache.js';
import { cutoffGroups, loadTimeRules, RECENT_MS, runTimeRules, timeRuleAct, type TimeRuleSpec } from '../src/modules/automation/time-rules.js';
import { findCandidates } from '../src/modules/automation/time-rules.repo.js';
import { createTicket } from '../src/modules/tickets/index.js';
import type { TicketTables } from '../src/modules/tickets/tickets.tables.js';
import { prng } from './prng.js';

const CREATES = Number(process.env.BENCH_AUTOMATION_CREATES ?? 50);
const BLOCKS = 4;
const DUE = Number(process.env.BENCH_AUTOMATION_DUE ?? 20);
const OPEN = 100_000;
const BASELINE_OPEN = 1_000;
const ROWS_PER_INSERT = 400; // 24 columns × 400 = 9 600 parameters, under both engines' limits
// Wednesday 3 June 2026, 12:00 in Moscow: a working day, so business time moves with the wall clock.
const T0 = new Date('2026-06-03T09:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

async function pgQuery(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** A fresh Tierdesk (demo data and its rules) on `database`, at T0 by a manual clock. */
async function fresh(database: 'sqlite' | 'postgres') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-bench-automation-'));
  const pgUrl = database === 'postgres' ? process.env.BENCH_DATABASE_URL! : undefined;
  const schema = pgUrl ? `bench_${crypto.randomBytes(4).toString('hex')}` : undefined;
  if (pgUrl) await pgQuery(pgUrl, `create schema ${schema}`);
  const clock = new ManualClock(new Date(T0.getTime() - 40 * DAY));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0', ...(pgUrl && { DATABASE_URL: pgUrl }) });
  const ctx = await openContext(config, { pgSchema: schema }, clock);
  await seedDemo(ctx.app);
  clock.set(T0);
  return {
    app: ctx.app,
    clock,
    async close() {
      await ctx.close();
      if (schema) await pgQuery(pgUrl!, `drop schema if exists ${schema} cascade`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const actorFor = async (app: AppContext, email: string): Promise<Actor> => toActor((await findUserByEmail(app.db, email))!);

const setEnabled = async (app: AppContext, enabled: boolean) => {
  await app.db.updateTable('automation_rules').set({ enabled: enabled ? 1 : 0 }).where('kind', '=', 'event').execute();
  forgetRules(app);
};

/** 200 event rules on ticket.created: 190 whose conditions miss, 10 that match and set fields. */
async function eventRules(app: AppContext, manager: Actor) {
  const misses = [
    (i: number) => ({ all: [{ field: 'ticket.subject' as const, op: 'contains' as const, value: `no-such-word-${i}` }] }),
    (i: number) => ({ all: [{ field: 'requester.email' as const, op: 'is' as const, value: `nobody-${i}@example.test` }] }),
    (i: number) => ({ all: [{ field: 'ticket.priority' as const, op: 'is' as const, value: 'P1' }, { field: 'ticket.tags' as const, op: 'is' as const, value: `tag-${i}` }] }),
    (i: number) => ({ any: [{ field: 'ticket.body' as const, op: 'matches' as const, value: `^error ${i}\\b` }] }),
  ];
  for (let i = 0; i < 190; i++)
    await createRule(app, manager, { name: `Bench miss ${i}`, kind: 'event', events: ['ticket.created'], conditions: misses[i % misses.length]!(i), actions: [{ type: 'tags', add: [`miss-${i}`] }] });
  for (let i = 0; i < 10; i++)
    await createRule(app, manager, {
      name: `Bench match ${i}`,
      kind: 'event',
      events: ['ticket.created'],
      conditions: { all: [{ field: 'ticket.subject', op: 'contains', value: 'printer' }] },
      actions: i % 2 ? [{ type: 'tags', add: [`printer-${i}`] }] : [{ type: 'priority', priority: 'P3' }],
    });
}

async function benchCreate(database: 'sqlite' | 'postgres'): Promise<object> {
  const env = await fresh(database);
  try {
    const { app } = env;
    const [alice, manager] = [await actorFor(app, 'alice@client-a.test'), await actorFor(app, 'manager@demo.test')];
    await eventRules(app, manager);
    const create = async (n: number) => {
      if (app.dialect === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(app.db);
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await createTicket(app, alice, { subject: 'The printer on the 3rd floor jams', description: 'Paper is stuck in tray 2.' });
      return performance.now() - t0;
    };
    const enabled = await app.db.selectFrom('automation_rules').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'event').executeTakeFirstOrThrow();
    // Warm both ways, then alternate blocks so that neither side gets the quieter minutes.
    await setEnabled(app, false);
    await create(CREATES);
    await setEnabled(app, true);
    await create(CREATES);
    const ms = { none: 0, rules: 0 };
    for (let b = 0; b < BLOCKS; b++) {
      for (const side of b % 2 ? (['rules', 'none'] as const) : (['none', 'rules'] as const)) {
        await setEnabled(app, side === 'rules');
        ms[side] += await create(CREATES);
      }
    }
    const n = CREATES * BLOCKS;
    const [perRule, perNone] = [ms.rules / n, ms.none / n];
    log(`automation create (${database}): ${perRule.toFixed(2)} ms with ${enabled.n} event rules, ${perNone.toFixed(2)} ms with none`);
    const ratio = Number((perRule / perNone).toFixed(3));
    return {
      name: `automation: create a request with ${Number(enabled.n)} enabled event rules (10 matching) (${database})`,
      msPerCreate: Number(perRule.toFixed(2)),
      baselineMsPerCreate: Number(perNone.toFixed(2)),
      baseline: 'the same creates with no event rule enabled, same run, alternating blocks',
      creates: n,
      ratio,
      target: { ratio: 1.5, met: ratio <= 1.5 },
    };
  } finally {
    await env.close();
  }
}

/** `count` open requests over the demo's requesters, with their times: as 30 days of a busy desk leave them. */
async function seedOpen(app: AppContext, count: number) {
  const rnd = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const users = await app.db.selectFrom('users').select(['id', 'role', 'organization_id', 'line']).execute();
  const clients = users.filter((u) => u.organization_id && u.role === 'requester');
  const agents = users.filter((u) => u.role === 'agent');
  const max = await app.db.selectFrom('tickets').select((eb) => eb.fn.max('number').as('n')).executeTakeFirst();
  const first = Number(max?.n ?? 0) + 1;
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const tickets: Insertable<TicketTables['tickets']>[] = [];
    const times: { ticket_id: string; status: string; status_since: string; unassigned_since: string | null; awaiting_reply_since: string | null }[] = [];
    for (let i = start; i < Math.min(start + ROWS_PER_INSERT, count); i++) {
      const requester = pick(clients);
      const created = T0.getTime() - 2 * MINUTE - Math.floor(rnd() * 30 * DAY);
      const status = pick(['new', 'open', 'open', 'pending_customer', 'pending_vendor'] as const);
      const agent = status === 'new' && rnd() < 0.5 ? null : pick(agents);
      const since = created + Math.floor(rnd() * (T0.getTime() - 2 * MINUTE - created));
      const id = crypto.randomUUID();
      tickets.push({
        id,
        number: first + i,
        type: 'incident',
        subject: `Bench open request ${i}`,
        description: 'Generated for the automation benchmark.',
        requester_id: requester.id,
        organization_id: requester.organization_id!,
        channel: 'email',
        category_id: null,
        impact: 'medium',
        urgency: 'medium',
        priority: 'P3',
        status,
        line: agent?.line ?? 'L1',
        group_id: null,
        assignee_id: agent?.id ?? null,
        version: 2,
        created_by: requester.id,
        created_at: iso(created),
        updated_at: iso(since),
        first_response_at: status === 'new' ? null : iso(since),
        resolved_at: null,
        closed_at: null,
        reopened_count: 0,
      });
      times.push({ ticket_id: id, status, status_since: iso(since), unassigned_since: agent ? null : iso(created), awaiting_reply_since: status === 'open' ? iso(since) : null });
    }
    await app.db.transaction().execute(async (trx) => {
      await trx.insertInto('tickets').values(tickets).execute();
      await trx.insertInto('automation_ticket_times').values(times).execute();
    });
  }
  await advanceSequence(app.db, app.dialect, 'ticket_number', first + count - 1);
}

/** Marks what each rule would have found due a minute ago as done, as the earlier passes left it. */
async function settle(app: AppContext, rules: TimeRuleSpec[], at: Date) {
  for (const rule of rules) {
    const due = await findCandidates(app.db, { ruleId: rule.id, field: rule.time.field, groups: await cutoffGroups(app.db, rule, at), prefilters: rule.prefilters, limit: 10_000_000 });
    for (let i = 0; i < due.length; i += 500)
      await app.db
        .insertInto('automation_time_runs')
        .values(due.slice(i, i + 500).map((d) => ({ rule_id: rule.id, ticket_id: d.ticketId, period_start: d.periodStart, at: at.toISOString() })))
        .execute();
  }
}

/** DUE requests at client A that came due in the last minute under the demo's 3-business-day reminder. */
async function plantDue(app: AppContext, rules: TimeRuleSpec[]) {
  const reminder = rules.find((r) => r.time.field === 'pending_customer' && r.rule?.actions.some((a) => a.type === 'reply'));
  if (!reminder) throw new Error('the demo reminder rule is missing');
  const alice = await actorFor(app, 'alice@client-a.test');
  const [group] = (await cutoffGroups(app.db, reminder, T0)).filter((g) => !g.organizationIds || g.organizationIds.includes(alice.organizationId!));
  const since = new Date(Date.parse(group!.cutoff) - 30_000).toISOString();
  const rows = await app.db.selectFrom('tickets').select('id').where('requester_id', '=', alice.id).where('status', 'not in', ['resolved', 'closed']).limit(DUE).execute();
  if (rows.length < DUE) throw new Error(`only ${rows.length} open requests of alice to plant`);
  const ids = rows.map((r) => r.id);
  await app.db.updateTable('tickets').set({ status: 'pending_customer' }).where('id', 'in', ids).execute();
  await app.db.updateTable('automation_ticket_times').set({ status: 'pending_customer', status_since: since }).where('ticket_id', 'in', ids).execute();
  await app.db.deleteFrom('automation_time_runs').where('ticket_id', 'in', ids).execute();
}

async function timePass(database: 'sqlite' | 'postgres', open: number) {
  const env = await fresh(database);
  try {
    const { app } = env;
    const t0 = performance.now();
    await seedOpen(app, open);
    if (app.dialect === 'postgres') await sql`vacuum analyze`.execute(app.db);
    const manager = await actorFor(app, 'manager@demo.test');
    // Besides the demo's reminder and auto-close: the quick ones, on wall time.
    await createRule(app, manager, { name: 'Bench unassigned 10 min', kind: 'time', time: { field: 'unassigned', minutes: 10, business: false }, actions: [{ type: 'note', body: 'Nobody has taken this for 10 minutes.' }] });
    await createRule(app, manager, { name: 'Bench no reply 4 h', kind: 'time', time: { field: 'no_staff_reply', minutes: 240, business: false }, conditions: { all: [{ field: 'ticket.priority', op: 'in', value: ['P1', 'P2'] }] }, actions: [{ type: 'note', body: 'No answer for 4 hours.' }] });
    const rules = await loadTimeRules(app.db);
    await settle(app, rules, new Date(T0.getTime() - MINUTE));
    await plantDue(app, rules);
    if (app.dialect === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(app.db);
    log(`automation time pass (${database}): ${open} open requests ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const started = performance.now();
    const r = await runTimeRules(app, await loadTimeRules(app.db), timeRuleAct, { recentMs: RECENT_MS });
    const ms = performance.now() - started;
    if (r.acted < DUE) throw new Error(`the pass acted on ${r.acted} requests, expected at least ${DUE}`);
    // The hourly full sweep, right after: nothing more is due, it reads every period past its cutoff.
    const swept = performance.now();
    await runTimeRules(app, await loadTimeRules(app.db), timeRuleAct);
    return { ms, sweepMs: performance.now() - swept, rules: rules.length, ...r };
  } finally {
    await env.close();
  }
}

async function benchTimePass(database: 'sqlite' | 'postgres'): Promise<object> {
  const base = await timePass(database, BASELINE_OPEN);
  const full = await timePass(database, OPEN);
  log(`automation time pass (${database}): ${full.ms.toFixed(0)} ms over ${OPEN}, ${base.ms.toFixed(0)} ms over ${BASELINE_OPEN}`);
  return {
    name: `automation: one time-rule pass (${full.rules} rules) over ${OPEN} open requests, ${full.acted} due (${database})`,
    ms: Math.round(full.ms),
    target: { ms: 1000, met: full.ms <= 1000 },
    baselineMs: Math.round(base.ms),
    baseline: `the same pass over ${BASELINE_OPEN} open requests with as many due, same run`,
    ratio: Number((full.ms / base.ms).toFixed(3)),
    fullSweepMs: Math.round(full.sweepMs),
    fullSweep: 'the hourly pass that reads every period past its cutoff (late matches), over the same requests',
  };
}

/** Both measurements on SQLite (and PostgreSQL when BENCH_DATABASE_URL is set). */
export async function benchAutomation(): Promise<object[]> {
  const out: object[] = [];
  for (const database of ['sqlite', ...(process.env.BENCH_DATABASE_URL ? ['postgres' as const] : [])] as const) {
    out.push(await benchCreate(database));
    out.push(await benchTimePass(database));
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const line of await benchAutomation()) console.log(JSON.stringify(line));
}
