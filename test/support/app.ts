import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { buildTierdesk, type Tierdesk } from '../../src/app.js';
import type { Clock } from '../../src/core/clock/clock.js';
import { loadConfig, type Config } from '../../src/core/config/config.js';
import { runDueTimers } from '../../src/core/jobs/timers.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.js';
import { timerHandlers } from '../../src/modules/wiring.js';
import { Client } from './client.js';
import { createPgSchema, type DbKind } from './databases.js';

export interface TestApp {
  td: Tierdesk;
  base: string;
  config: Config;
  /** A client signed in as one of the demo people (see DEMO_LOGINS). */
  login(email: string, password?: string): Promise<Client>;
  anonymous(): Client;
  /** A client authenticated by a new API token of a demo person (sessions expire as a test clock moves on). */
  tokenClient(email: string, password?: string): Promise<Client>;
  /** One pass of the scheduler over the timers due by the app's clock, as the worker runs it. */
  fireTimers(): Promise<TimerPass>;
  /** Passes of the scheduler until no timer is due (timers may set others that are due at once). */
  fireAllTimers(): Promise<void>;
  dataDir: string;
  /** The PostgreSQL schema of the app's database (undefined on SQLite), for opening it a second time. */
  pgSchema?: string;
}

type TimerPass = Awaited<ReturnType<typeof runDueTimers>>;

/**
 * A listening Tierdesk on a fresh database of the given kind, with the demo data set, for the
 * tests of one `describe`; torn down (database and files) after them.
 */
export function useTestApp(kind: DbKind, env: Record<string, string> = {}, options: { demo?: boolean; clock?: Clock } = {}) {
  const ctx = {} as TestApp;
  let dropSchema: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-test-'));
    let pgSchema: string | undefined;
    let databaseUrl: string | undefined;
    if (kind === 'postgres') {
      const s = await createPgSchema();
      pgSchema = s.schema;
      databaseUrl = s.url;
      dropSchema = s.drop;
    }
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      VALIDATE_RESPONSES: '1',
      AUTH_CACHE_SECONDS: '0',
      ...(databaseUrl && { DATABASE_URL: databaseUrl }),
      ...env,
    });
    const td = await buildTierdesk(config, { db: { pgSchema, poolSize: 4 }, logger: pino({ level: 'silent' }), clock: options.clock });
    if (options.demo !== false) await seedDemo(td.app);
    await td.http.listen({ port: 0, host: '127.0.0.1' });
    const address = td.http.server.address();
    const base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
    Object.assign(ctx, {
      td,
      base,
      config,
      dataDir,
      pgSchema,
      anonymous: () => new Client(base),
      async login(email: string, password = DEMO_PASSWORD) {
        const c = new Client(base);
        const r = await c.post('/api/v1/auth/login', { email, password });
        if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
        c.csrf = r.body.csrfToken;
        return c;
      },
      async tokenClient(email: string, password?: string) {
        const b = new Client(base);
        b.bearer = (await (await ctx.login(email, password)).post('/api/v1/me/tokens', { name: 'test' })).body.token;
        return b;
      },
      fireTimers: () => runDueTimers(td.app.db, td.app.dialect, td.app.clock, timerHandlers(td.app)),
      async fireAllTimers() {
        for (;;) {
          const r = await ctx.fireTimers();
          if (r.fired + r.failed === 0) return;
        }
      },
    });
  });
  afterAll(async () => {
    await ctx.td?.close();
    await dropSchema?.();
    if (ctx.dataDir) fs.rmSync(ctx.dataDir, { recursive: true, force: true });
  });
  return ctx;
}
