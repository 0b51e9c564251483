import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/app.js';
import { ManualClock } from '../../src/core/clock/clock.js';
import { loadConfig } from '../../src/core/config/config.js';
import { runDueTimers } from '../../src/core/jobs/timers.js';
import { seedDemo } from '../../src/demo/seed.js';
import { login } from '../../src/modules/identity/auth.service.js';
import { createTicket } from '../../src/modules/tickets/tickets.service.js';
import { timerHandlers } from '../../src/modules/wiring.js';
import { createPgSchema, DATABASES } from '../support/databases.js';

const START = '2026-11-25T07:00:00.000Z'; // Wednesday 10:00 in Moscow

describe.each(DATABASES)('timers survive a restart (%s)', (kind) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-restart-'));
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('escalates, warns and records the breach once for a request whose timers came due while the desk was down', { timeout: 60_000 }, async () => {
    const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    let pgSchema: string | undefined;
    if (kind === 'postgres') {
      const s = await createPgSchema();
      env.DATABASE_URL = s.url;
      pgSchema = s.schema;
      drop = s.drop;
    }
    const config = loadConfig(env);
    const clock = new ManualClock(START);

    // First run: the demo data and one urgent request, then the process stops.
    const first = await openContext(config, { pgSchema }, clock);
    await seedDemo(first.app);
    const signedIn = await login(first.app, 'alice@client-a.test', 'tierdesk-demo');
    if (signedIn.kind !== 'session') throw new Error('no second factor expected');
    const { actor } = signedIn;
    const id = await createTicket(first.app, actor, { subject: 'Server room is hot', description: 'x', impact: 'high', urgency: 'high' });
    await first.close();

    // Down for two hours; then a new process fires everything that came due, once.
    clock.advanceMinutes(120);
    const second = await openContext(config, { pgSchema }, clock);
    try {
      const handlers = timerHandlers(second.app);
      for (let pass = 0; pass < 20; pass++) {
        const r = await runDueTimers(second.app.db, second.app.dialect, clock, handlers);
        if (r.fired + r.failed + r.retried === 0) break;
      }
      const again = await runDueTimers(second.app.db, second.app.dialect, clock, handlers);
      expect(again).toEqual({ fired: 0, failed: 0, retried: 0 });
      const ticket = await second.app.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      // P1 on Optimized: the 15 minutes at L1 ran out while the desk was down. It moves to L2 when
      // the timer fires, and its L2 budget starts then: the time at L2 is counted from the move.
      expect(ticket.line).toBe('L2');
      const log = await second.app.db.selectFrom('sla_clock_log').select(['metric', 'action']).where('ticket_id', '=', id).orderBy('id').execute();
      const fr = log.filter((l) => l.metric === 'first_response').map((l) => l.action);
      expect(fr).toEqual(['start', 'warning', 'warning', 'breach']);
      expect(log.filter((l) => l.action === 'escalated')).toHaveLength(1);
      const failed = await second.app.db.selectFrom('timers').select('kind').where('failed_at', 'is not', null).execute();
      expect(failed).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
