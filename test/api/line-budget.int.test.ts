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
import { useTestApp } from '../support/app.js';
import { createPgSchema, DATABASES } from '../support/databases.js';

// Wednesday 25 November 2026, 10:00 in Moscow: client A's plan works then; 15 business minutes at L1.
const START = '2026-11-25T07:00:00.000Z';

describe.each(DATABASES)('the L1 time budget warning (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  const warningsOf = async (c: any, ticketId: string) =>
    (await c.get('/api/v1/notifications?limit=100')).body.items.filter((n: any) => n.ticketId === ticketId && n.event === 'sla_warning');
  const timeline = async (c: any, id: string) => (await c.get(`/api/v1/tickets/${id}/timeline`)).body.items;
  /** A Russian request at L1, assigned by itself to Lena (L1, Russian). */
  const newRequest = async () => {
    clock.set(START);
    const alice = await t.login('alice@client-a.test');
    const r = await alice.post('/api/v1/tickets', { subject: 'Не работает сканер', description: 'Совсем' });
    expect(r.body.assignee.name).toBe('Lena L1');
    return r.body;
  };

  it('warns the assigned agent at 75 % of the budget, in their language, once', async () => {
    const ticket = await newRequest();
    const lena = await t.login('l1@demo.test');
    const liam = await t.login('l1-en@demo.test');
    clock.advanceMinutes(11); // 73 %
    await t.fireAllTimers();
    expect(await warningsOf(lena, ticket.id)).toEqual([]);
    clock.advanceMinutes(1); // 80 %
    await t.fireAllTimers();
    await t.fireAllTimers();
    const [warning, ...more] = await warningsOf(lena, ticket.id);
    expect(more).toEqual([]);
    expect(warning.title).toBe(`${ticket.number}: израсходовано 75\u00a0% лимита времени на L1`);
    expect(warning.body).toContain('Передайте его дальше сейчас или напишите, почему оставляете');
    // Only the agent who holds it: not the rest of the line.
    expect(await warningsOf(liam, ticket.id)).toEqual([]);
    const log = (await lena.get(`/api/v1/tickets/${ticket.id}/sla/log`)).body.items.filter((l: any) => l.metric === 'line').map((l: any) => l.action);
    expect(log).toEqual(['start', 'warning']);
  });

  it('keeps a request past the budget with the reason on the timeline, and shows it to the manager only', async () => {
    const ticket = await newRequest();
    const lena = await t.login('l1@demo.test');
    const liam = await t.login('l1-en@demo.test');
    const alice = await t.login('alice@client-a.test');
    const manager = await t.login('manager@demo.test');
    const bob = await t.login('bob@client-b.test');
    clock.advanceMinutes(12);
    await t.fireAllTimers();

    expect((await lena.post(`/api/v1/tickets/${ticket.id}/line-budget/keep`, { note: '  ' })).status).toBe(400);
    // Another agent of the line, the requester and another company's person may not decide.
    expect((await liam.post(`/api/v1/tickets/${ticket.id}/line-budget/keep`, { note: 'Mine now' })).status).toBe(403);
    expect((await alice.post(`/api/v1/tickets/${ticket.id}/line-budget/keep`, { note: 'Keep it' })).status).toBe(403);
    expect((await bob.post(`/api/v1/tickets/${ticket.id}/line-budget/keep`, { note: 'Keep it' })).status).toBe(403);
    const kept = await lena.post(`/api/v1/tickets/${ticket.id}/line-budget/keep`, { note: 'Жду звонка клиента, решение почти готово' });
    expect(kept.status).toBe(200);
    expect(kept.body).toEqual({ ticketId: ticket.id, line: 'L1' });
    const entry = (await timeline(lena, ticket.id)).find((e: any) => e.event?.type === 'budget_kept');
    expect(entry.author.name).toBe('Lena L1');
    expect(entry.event.data).toMatchObject({ line: 'L1', reason: 'Жду звонка клиента, решение почти готово' });
    // Internal: the client side does not see it.
    expect((await timeline(alice, ticket.id)).some((e: any) => e.event?.type === 'budget_kept')).toBe(false);

    // Not past the budget yet: not on the manager's list.
    expect((await manager.get('/api/v1/escalation/kept-past-budget')).body.items.map((i: any) => i.ticket.id)).not.toContain(ticket.id);
    clock.advanceMinutes(10); // the budget is used up
    await t.fireAllTimers();
    expect((await lena.get(`/api/v1/tickets/${ticket.id}`)).body.line).toBe('L1');
    const list = await manager.get('/api/v1/escalation/kept-past-budget');
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: any) => i.ticket.id === ticket.id);
    expect(item).toMatchObject({ line: 'L1', agent: { name: 'Lena L1' }, note: 'Жду звонка клиента, решение почти готово', deadline: '2026-11-25T07:15:00.000Z', organizationName: expect.any(String) });
    for (const who of [lena, alice, bob]) expect((await who.get('/api/v1/escalation/kept-past-budget')).status).toBe(403);
  });

  it('escalates now in one click, with the reason worded for each reader', async () => {
    const ticket = await newRequest();
    const lena = await t.login('l1@demo.test');
    const alice = await t.login('alice@client-a.test');
    expect((await alice.post(`/api/v1/tickets/${ticket.id}/line-budget/escalate`)).status).toBe(403);
    clock.advanceMinutes(12);
    const r = await lena.post(`/api/v1/tickets/${ticket.id}/line-budget/escalate`);
    expect(r.status).toBe(200);
    expect(r.body.line).toBe('L2');
    // No budget left to decide on at L1 once the request is at L2 with someone else.
    expect((await lena.post(`/api/v1/tickets/${ticket.id}/line-budget/escalate`)).status).toBe(403);
    const egor = await t.login('l2@demo.test');
    const moved = (await timeline(egor, ticket.id)).find((e: any) => e.event?.type === 'line_changed');
    expect(moved.author.name).toBe('Lena L1');
    expect(moved.event.data).toMatchObject({ from: 'L1', to: 'L2', by: 'hand', reasonCode: 'budget_escalated_early', reasonParams: { line: 'L1' } });
    expect(moved.event.data.reasonText).toBe('Передано исполнителем, когда лимит времени на L1 почти исчерпан');
    const liam = await t.login('l1-en@demo.test');
    const forLiam = (await timeline(liam, ticket.id)).find((e: any) => e.event?.type === 'line_changed');
    expect(forLiam.event.data.reasonText).toBe('Escalated by the assigned agent when the L1 time budget was nearly used up');
  });
});

describe.each(DATABASES)('reasons written by the desk (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });

  it('stores codes with parameters, names people, and words the reason in the reader\'s language; old English rows too', async () => {
    const alice = await t.login('alice@client-a.test');
    const lena = await t.login('l1@demo.test'); // Russian
    const liam = await t.login('l1-en@demo.test'); // English
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'Не печатает принтер', description: 'x' })).body;
    const assigned = (await (await lena.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items).find((e: any) => e.event?.type === 'assignee_changed');
    expect(assigned.event.data).toMatchObject({
      by: 'auto',
      reasonCode: 'auto_assigned',
      reasonParams: { line: 'L1' },
      toName: 'Lena L1',
      reason: 'Available L1 agent with the fewest open requests',
      reasonText: 'Свободный специалист L1 с наименьшим числом открытых обращений',
    });
    expect(assigned.event.data.fromName).toBeUndefined();

    // The budget used up moves it to L2 by time: the reason as a code, worded per reader.
    clock.advanceMinutes(16);
    await t.fireAllTimers();
    const moved = (await (await liam.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items).find((e: any) => e.event?.type === 'line_changed');
    expect(moved.event.data).toMatchObject({ from: 'L1', to: 'L2', by: 'time', reasonCode: 'line_budget_used', reasonParams: { line: 'L1', minutes: 15 } });
    expect(moved.event.data.reasonText).toBe('The L1 time budget of 15 business minutes was used up');
    const inRussian = (await (await lena.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items).find((e: any) => e.event?.type === 'line_changed');
    expect(inRussian.event.data.reasonText).toBe('Исчерпан лимит времени на L1: 15 раб. мин');

    // A row written before codes were stored, with only the English text, is recognized.
    await t.td.app.db
      .insertInto('timeline_entries')
      .values({ ticket_id: ticket.id, kind: 'event', author_id: null, body: '', event_type: 'line_changed', data: JSON.stringify({ from: 'L2', to: 'L3', by: 'time', reason: 'The L2 time budget of 240 business minutes was used up' }), created_at: clock.now().toISOString() })
      .execute();
    const old = (await (await lena.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items).filter((e: any) => e.event?.type === 'line_changed').at(-1);
    expect(old.event.data).toMatchObject({ reasonCode: 'line_budget_used', reasonParams: { line: 'L2', minutes: 240 }, reasonText: 'Исчерпан лимит времени на L2: 240 раб. мин' });

    // The e-mail to the Russian-speaking L2 engineer gives the reason in Russian.
    const mails = await t.td.app.db.selectFrom('mail_outbox').select(['to_address', 'text_body']).execute();
    const toEgor = mails.filter((m: any) => m.to_address === 'l2@demo.test').map((m: any) => String(m.text_body));
    expect(toEgor.some((b) => b.includes('Причина: Исчерпан лимит времени на L1: 15 раб. мин'))).toBe(true);
  });
});

describe.each(DATABASES)('the L1 budget warning survives a restart (%s)', (kind) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-budget-restart-'));
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fires the warning set before the restart, once, after it', { timeout: 60_000 }, async () => {
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
    const first = await openContext(config, { pgSchema }, clock);
    await seedDemo(first.app);
    const signedIn = await login(first.app, 'alice@client-a.test', 'tierdesk-demo');
    if (signedIn.kind !== 'session') throw new Error('no second factor expected');
    const id = await createTicket(first.app, signedIn.actor, { subject: 'Не работает сканер', description: 'x' });
    await first.close();

    clock.advanceMinutes(12);
    const second = await openContext(config, { pgSchema }, clock);
    try {
      const handlers = timerHandlers(second.app);
      for (let pass = 0; pass < 20; pass++) {
        const r = await runDueTimers(second.app.db, second.app.dialect, clock, handlers);
        if (r.fired + r.failed + r.retried === 0) break;
      }
      const ticket = await second.app.db.selectFrom('tickets').select(['line', 'assignee_id']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(ticket.line).toBe('L1');
      const notices = await second.app.db.selectFrom('notifications').select(['user_id', 'event']).where('ticket_id', '=', id).where('event', '=', 'sla_warning').execute();
      expect(notices).toEqual([{ user_id: ticket.assignee_id, event: 'sla_warning' }]);
    } finally {
      await second.close();
    }
  });
});
