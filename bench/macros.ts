/**
 * Macros: one macro (canned reply, status, priority, tags, internal note) applied to 100 requests
 * in one bulk call, through the same services as the API. The baseline, in the same run: the same
 * changes made one at a time by hand (a reply, a note, then one change of fields per request).
 * SQLite always, PostgreSQL too when BENCH_DATABASE_URL is set. `npx tsx bench/macros.ts` prints them.
 *
 * Env: BENCH_MACRO_TICKETS (requests per measurement, default 100).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { openContext } from '../src/app.js';
import { loadConfig } from '../src/core/config/config.js';
import { seedDemo } from '../src/demo/seed.js';
import type { AppContext } from '../src/modules/db.js';
import { createCanned, renderCanned } from '../src/modules/canned/canned.service.js';
import { toActor, type Actor } from '../src/modules/identity/index.js';
import { findUserByEmail } from '../src/modules/identity/identity.repo.js';
import { applyToMany } from '../src/modules/macros/bulk.service.js';
import { createMacro } from '../src/modules/macros/macros.service.js';
import { addComment, createTicket, listTags, updateTicket } from '../src/modules/tickets/index.js';

const TICKETS = Number(process.env.BENCH_MACRO_TICKETS ?? 100);
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

const actorFor = async (app: AppContext, email: string): Promise<Actor> => toActor((await findUserByEmail(app.db, email))!);

async function newTickets(app: AppContext, requester: Actor, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await createTicket(app, requester, { subject: `Bench macro ${i}`, description: 'The printer prints blank pages.' }));
  return ids;
}

async function benchOne(database: 'sqlite' | 'postgres'): Promise<object> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-bench-macros-'));
  const pgUrl = database === 'postgres' ? process.env.BENCH_DATABASE_URL! : undefined;
  const schema = pgUrl ? `bench_${crypto.randomBytes(4).toString('hex')}` : undefined;
  if (pgUrl) await pgQuery(pgUrl, `create schema ${schema}`);
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0', ...(pgUrl && { DATABASE_URL: pgUrl }) });
  const ctx = await openContext(config, { pgSchema: schema });
  try {
    const app = ctx.app;
    await seedDemo(app);
    const [alice, agent, manager] = [await actorFor(app, 'alice@client-a.test'), await actorFor(app, 'l1@demo.test'), await actorFor(app, 'manager@demo.test')];
    const cannedId = await createCanned(app, manager, { name: 'Need details', bodyEn: 'Dear {{requester.firstName}}, about {{ticket.number}}…', bodyRu: '{{requester.firstName}}, по {{ticket.number}}…', shared: true });
    const note = 'Asked {{requester.name}} for details';
    const macroId = await createMacro(app, manager, {
      name: 'Ask for details',
      shared: true,
      actions: [
        { type: 'reply', cannedReplyId: cannedId },
        { type: 'note', body: note },
        { type: 'status', status: 'pending_customer' },
        { type: 'priority', priority: 'P3' },
        { type: 'tags', add: ['details'] },
      ],
    });
    const byHand = async (ids: string[]) => {
      for (const id of ids) {
        await addComment(app, agent, id, { body: (await renderCanned(app, agent, cannedId, id)).text, internal: false });
        await addComment(app, agent, id, { body: note, internal: true });
        await updateTicket(app, agent, id, { status: 'pending_customer', priority: 'P3', tags: [...(await listTags(app.db, id)), 'details'] });
      }
    };
    const time = async (fn: () => Promise<unknown>) => {
      // Each side starts from a checkpointed WAL, so neither pays for the inserts made before it.
      if (app.dialect === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(app.db);
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    // Warm the caches and the JIT both ways, then measure each on fresh requests.
    await applyToMany(app, agent, { tickets: await newTickets(app, alice, TICKETS), macroId });
    await byHand(await newTickets(app, alice, TICKETS));
    const [forMacro, forHand] = [await newTickets(app, alice, TICKETS), await newTickets(app, alice, TICKETS)];
    let applied = 0;
    const macroMs = await time(async () => {
      applied = (await applyToMany(app, agent, { tickets: forMacro, macroId })).applied;
    });
    if (applied !== TICKETS) throw new Error(`the macro was applied to ${applied} of ${TICKETS} requests`);
    const handMs = await time(() => byHand(forHand));
    log(`macros (${database}): ${TICKETS} requests, bulk ${macroMs.toFixed(0)} ms, by hand ${handMs.toFixed(0)} ms`);
    return {
      name: `macros: one macro (reply, note, status, priority, tags) on ${TICKETS} requests in one call (${database})`,
      ms: Math.round(macroMs),
      target: { ms: 1000, met: macroMs <= 1000 },
      baselineMs: Math.round(handMs),
      baseline: 'the same changes made one at a time through the same services, same run',
      ratio: Number((macroMs / handMs).toFixed(3)),
    };
  } finally {
    await ctx.close();
    if (schema) await pgQuery(pgUrl!, `drop schema if exists ${schema} cascade`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The macro benchmark on SQLite (and PostgreSQL when BENCH_DATABASE_URL is set). */
export async function benchMacros(): Promise<object[]> {
  const out: object[] = [];
  for (const database of ['sqlite', ...(process.env.BENCH_DATABASE_URL ? ['postgres' as const] : [])] as const) out.push(await benchOne(database));
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const line of await benchMacros()) console.log(JSON.stringify(line));
}
