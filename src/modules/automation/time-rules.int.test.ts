import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSchema, DATABASES } from '../../../test/support/databases.js';
import { openContext } from '../../app.js';
import { ManualClock } from '../../core/clock/clock.js';
import { loadConfig } from '../../core/config/config.js';
import { seedDemo } from '../../demo/seed.js';
import type { AppContext } from '../db.js';
import { findUserByEmail } from '../identity/identity.repo.js';
import { toActor, type Actor } from '../identity/index.js';
import { addComment, createTicket, SYSTEM_ACTOR, updateTicket } from '../tickets/index.js';
import { createRule } from './automation.service.js';
import { ensureTimeRuleSchedule, loadTimeRules, prefiltersOf, runTimeRules, TIME_RULES_TIMER, timeRulesHandler, type TimeRuleAct, type TimeRuleSpec } from './time-rules.js';
import { runDueTimers } from '../../core/jobs/timers.js';
import { purgeExpired } from '../retention/index.js';
import { timerHandlers } from '../wiring.js';

// Wednesday 25 November 2026, 10:00 in Moscow. Client A's plan runs on Moscow working days
// (09:00–13:00, 14:00–18:00, Monday to Friday), client B's on the extended hours (08:00–22:00 daily).
const START = '2026-11-25T07:00:00.000Z';
const THREE_DAYS = 3 * 480;

describe.each(DATABASES)('time rules (%s)', (kind) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-time-rules-'));
  const clock = new ManualClock(START);
  let drop: (() => Promise<void>) | undefined;
  let env: Record<string, string>;
  let pgSchema: string | undefined;
  let ctx: Awaited<ReturnType<typeof openContext>>;
  let app: AppContext;
  const people: Record<string, Actor> = {};

  beforeAll(async () => {
    env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    if (kind === 'postgres') {
      const s = await createPgSchema();
      env.DATABASE_URL = s.url;
      pgSchema = s.schema;
      drop = s.drop;
    }
    ctx = await openContext(loadConfig(env), { pgSchema }, clock);
    app = ctx.app;
    await seedDemo(app);
    for (const email of ['alice@client-a.test', 'bob@client-b.test', 'l1@demo.test', 'manager@demo.test'])
      people[email.split('@')[0]!] = toActor((await findUserByEmail(app.db, email))!);
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const times = (id: string) => app.db.selectFrom('automation_ticket_times').selectAll().where('ticket_id', '=', id).executeTakeFirstOrThrow();
  const notes = async (a: AppContext, id: string, body: string) =>
    (await a.db.selectFrom('timeline_entries').select('id').where('ticket_id', '=', id).where('kind', '=', 'note').where('body', '=', body).execute()).length;
  /** An act that leaves a note by the desk on the request: a second run on one period would show as a second note. */
  const noteAct =
    (body: string, matches: (id: string) => boolean = () => true): TimeRuleAct =>
    async (a, _rule, id) => {
      if (!matches(id)) return false;
      await addComment(a, SYSTEM_ACTOR, id, { body, internal: true });
      return true;
    };
  /** A stored time rule (disabled: the tests run their passes with their own acts), as a pass sees it. */
  const rule = async (name: string, field: TimeRuleSpec['time']['field'], minutes: number, business: boolean, organizationId: string | null = null): Promise<TimeRuleSpec> => {
    const time = { field, minutes, business };
    const id = await createRule(app, people.manager!, { name, kind: 'time', enabled: false, organizationId, time, actions: [{ type: 'note', body: name }] });
    return { id, organizationId, time, prefilters: [] };
  };
  const newRequest = (who: Actor, subject: string) => createTicket(app, who, { subject, description: 'For the time rules.' });
  /** A request nobody has: new ones are given to an agent of their line on creation. */
  const unassignedRequest = async (who: Actor, subject: string) => {
    const id = await newRequest(who, subject);
    await updateTicket(app, people.manager!, id, { assigneeId: null });
    return id;
  };
  const pendingCustomer = async (id: string) => {
    const agent = people.l1!;
    await updateTicket(app, agent, id, { assigneeId: agent.id, status: 'open' });
    await addComment(app, agent, id, { body: 'Could you send a screenshot?', internal: false });
    await updateTicket(app, agent, id, { status: 'pending_customer' });
  };

  it('keeps since when each request is in its status, unassigned and waiting for a reply', async () => {
    clock.set(START);
    const id = await newRequest(people.alice!, 'Times follow the request');
    // A new request is given to an agent of its line on creation.
    expect(await times(id)).toMatchObject({ status: 'new', status_since: START, unassigned_since: null, awaiting_reply_since: START });
    await updateTicket(app, people.manager!, id, { assigneeId: null });
    expect((await times(id)).unassigned_since).toBe(START);
    clock.advanceMinutes(5);
    const agent = people.l1!;
    await updateTicket(app, agent, id, { assigneeId: agent.id, status: 'open' });
    expect(await times(id)).toMatchObject({ status: 'open', status_since: clock.now().toISOString(), unassigned_since: null, awaiting_reply_since: START });
    clock.advanceMinutes(5);
    await addComment(app, agent, id, { body: 'Please check the cable.', internal: false });
    await updateTicket(app, agent, id, { status: 'pending_customer' });
    const pendingAt = clock.now().toISOString();
    expect(await times(id)).toMatchObject({ status: 'pending_customer', status_since: pendingAt, awaiting_reply_since: null });
    clock.advanceMinutes(5);
    // The requester answers: open again, and now waiting for the desk.
    await addComment(app, people.alice!, id, { body: 'Still broken.', internal: false });
    expect(await times(id)).toMatchObject({ status: 'open', status_since: clock.now().toISOString(), awaiting_reply_since: clock.now().toISOString() });
    await updateTicket(app, agent, id, { assigneeId: null });
    expect((await times(id)).unassigned_since).toBe(clock.now().toISOString());
  });

  it("finds requests pending for 3 business days by each organization's calendar, and acts once per period", async () => {
    clock.set(START);
    const a = await newRequest(people.alice!, 'Pending at client A');
    const b = await newRequest(people.bob!, 'Pending at client B');
    await pendingCustomer(a);
    await pendingCustomer(b);
    const r = await rule('remind-3bd', 'pending_customer', THREE_DAYS, true);
    const act = noteAct('Reminder (3 business days)');
    const onlyThese = (id: string) => id === a || id === b;
    const pass = () => runTimeRules(app, [r], async (x, y, id) => onlyThese(id) && act(x, y, id));

    // Thursday 19:59: client B's 1 440 minutes of 08:00–22:00 end Thursday 20:00; A's not before Monday 10:00.
    clock.set('2026-11-26T16:59:00.000Z');
    await pass();
    expect([await notes(app, a, 'Reminder (3 business days)'), await notes(app, b, 'Reminder (3 business days)')]).toEqual([0, 0]);
    clock.set('2026-11-26T17:00:00.000Z');
    await pass();
    expect([await notes(app, a, 'Reminder (3 business days)'), await notes(app, b, 'Reminder (3 business days)')]).toEqual([0, 1]);
    // The weekend does not count for client A.
    clock.set('2026-11-30T06:59:00.000Z');
    await pass();
    expect(await notes(app, a, 'Reminder (3 business days)')).toBe(0);
    clock.set('2026-11-30T07:00:00.000Z');
    await pass();
    await pass();
    expect([await notes(app, a, 'Reminder (3 business days)'), await notes(app, b, 'Reminder (3 business days)')]).toEqual([1, 1]);

    // A new period: the requester answers, the desk asks again; three more business days, once more.
    await addComment(app, people.alice!, a, { body: 'Here it is.', internal: false });
    await updateTicket(app, people.l1!, a, { status: 'pending_customer' });
    await pass();
    expect(await notes(app, a, 'Reminder (3 business days)')).toBe(1);
    clock.set('2026-12-03T07:00:00.000Z');
    await pass();
    expect(await notes(app, a, 'Reminder (3 business days)')).toBe(2);
  });

  it('counts wall time when told, and keeps to the organization of a scoped rule', async () => {
    clock.set(START);
    const a = await unassignedRequest(people.alice!, 'Nobody took this one');
    const b = await unassignedRequest(people.bob!, 'Nor this one');
    const clientA = (await app.db.selectFrom('tickets').select('organization_id').where('id', '=', a).executeTakeFirstOrThrow()).organization_id;
    const r = await rule('unassigned-10', 'unassigned', 10, false, clientA);
    const act = noteAct('Unassigned for 10 minutes', (id) => id === a || id === b);
    clock.advanceMinutes(9);
    expect((await runTimeRules(app, [r], act)).acted).toBe(0);
    clock.advanceMinutes(1);
    await runTimeRules(app, [r], act);
    expect([await notes(app, a, 'Unassigned for 10 minutes'), await notes(app, b, 'Unassigned for 10 minutes')]).toEqual([1, 0]);
  });

  it('claims nothing when the other conditions do not hold, and acts once they do', async () => {
    clock.set(START);
    const id = await newRequest(people.alice!, 'Waiting for a first answer');
    const r = await rule('no-reply-60', 'no_staff_reply', 60, false);
    let ready = false;
    const act = noteAct('No reply for an hour', (x) => x === id && ready);
    clock.advanceMinutes(61);
    await runTimeRules(app, [r], act);
    expect(await notes(app, id, 'No reply for an hour')).toBe(0);
    ready = true;
    await runTimeRules(app, [r], act);
    await runTimeRules(app, [r], act);
    expect(await notes(app, id, 'No reply for an hour')).toBe(1);
    // A staff reply ends the wait; the requester's next message starts another.
    await addComment(app, people.l1!, id, { body: 'On it.', internal: false });
    clock.advanceMinutes(120);
    await runTimeRules(app, [r], act);
    expect(await notes(app, id, 'No reply for an hour')).toBe(1);
    await addComment(app, people.alice!, id, { body: 'Any news?', internal: false });
    clock.advanceMinutes(59);
    await runTimeRules(app, [r], act);
    expect(await notes(app, id, 'No reply for an hour')).toBe(1);
    clock.advanceMinutes(1);
    await runTimeRules(app, [r], act);
    expect(await notes(app, id, 'No reply for an hour')).toBe(2);
  });

  it('does not act again after a restart, and acts on what came due while the desk was down', async () => {
    // The first is resolved a day before the second (and before the demo's), so a pass takes it first.
    clock.set('2026-11-24T07:00:00.000Z');
    const first = await newRequest(people.alice!, 'Resolved before the restart');
    await updateTicket(app, people.l1!, first, { assigneeId: people.l1!.id, status: 'resolved' });
    clock.set(START);
    const second = await newRequest(people.alice!, 'Resolved later');
    await updateTicket(app, people.l1!, second, { assigneeId: people.l1!.id, status: 'resolved' });
    const r = await rule('resolved-7d', 'resolved', 7 * 24 * 60, false);
    const mine = (id: string) => id === first || id === second;
    const act = noteAct('Resolved a week ago', mine);
    clock.advanceMinutes(7 * 24 * 60);
    // The pass is cut short after the first request (as a process killed mid-pass).
    await runTimeRules(app, [r], act, { limit: 1 });
    expect([await notes(app, first, 'Resolved a week ago'), await notes(app, second, 'Resolved a week ago')]).toEqual([1, 0]);

    await ctx.close();
    ctx = await openContext(loadConfig(env), { pgSchema }, clock);
    app = ctx.app;
    await runTimeRules(app, [r], act);
    await runTimeRules(app, [r], act);
    expect([await notes(app, first, 'Resolved a week ago'), await notes(app, second, 'Resolved a week ago')]).toEqual([1, 1]);
  });

  it("narrows in SQL by what the rule's conditions imply, without regard to case as they compare", async () => {
    clock.set(START);
    const urgent = await unassignedRequest(people.alice!, 'Urgent and unassigned');
    const routine = await unassignedRequest(people.alice!, 'Routine and unassigned');
    await updateTicket(app, people.manager!, urgent, { priority: 'P1' });
    await updateTicket(app, people.manager!, routine, { priority: 'P4' });
    const r = { ...(await rule('unassigned-p1', 'unassigned', 5, false)), prefilters: prefiltersOf({ all: [{ field: 'ticket.priority', op: 'is', value: 'p1' }], none: [{ field: 'ticket.status', op: 'in', value: ['Closed'] }] }) };
    const seen: string[] = [];
    clock.advanceMinutes(5);
    await runTimeRules(app, [r], async (_a, _r, id) => {
      seen.push(id);
      return false;
    });
    expect(seen).toContain(urgent);
    expect(seen).not.toContain(routine);
  });

  it('seeds the demo rules, named in both languages', async () => {
    const rules = await app.db.selectFrom('automation_rules').select(['name', 'kind', 'time', 'enabled']).where('name', 'like', '% / %').orderBy('position').execute();
    expect(rules.map((r) => [r.name.split(' / ')[1], r.kind, r.time && JSON.parse(r.time), r.enabled])).toEqual([
      ['Monitoring mail → P2 incident', 'event', null, 1],
      ['Remind after 3 business days pending', 'time', { field: 'pending_customer', minutes: 1440, business: true }, 1],
      ['Close after 7 business days pending', 'time', { field: 'pending_customer', minutes: 3360, business: true }, 1],
      ['P1 out of hours → SMS to the on-call L2', 'event', null, 1],
    ]);
    expect(rules.every((r) => /[а-я]/i.test(r.name.split(' / ')[0]!))).toBe(true);
  });

  it('runs a pass on its durable timer each minute, over the enabled time rules, once per period across a restart', async () => {
    clock.set(START);
    const id = await unassignedRequest(people.bob!, 'Left alone on the timer');
    const stored = await rule('unassigned-timer', 'unassigned', 30, false);
    await app.db.updateTable('automation_rules').set({ enabled: 1 }).where('id', '=', stored.id).execute();
    const act: TimeRuleAct = async (a, spec, ticketId) => spec.id === stored.id && ticketId === id && noteAct('Timer pass')(a, spec, ticketId);
    const fire = async (a: AppContext) => {
      const handlers = { ...timerHandlers(a), [TIME_RULES_TIMER.kind]: timeRulesHandler(a, loadTimeRules, act) };
      for (;;) {
        const r = await runDueTimers(a.db, a.dialect, clock, handlers);
        expect(r.failed + r.retried).toBe(0);
        if (!r.fired) break;
      }
    };
    const passes = async (a: AppContext) =>
      (await a.db.selectFrom('timers').select('id').where('key', '=', TIME_RULES_TIMER.key).where('fired_at', 'is not', null).execute()).length;
    const pending = async (a: AppContext) =>
      (await a.db.selectFrom('timers').select('due_at').where('key', '=', TIME_RULES_TIMER.key).where('fired_at', 'is', null).where('failed_at', 'is', null).execute()).map((t) => t.due_at);
    await ensureTimeRuleSchedule(app);
    const [due] = await pending(app);
    clock.set(due!);
    clock.advanceMinutes(30);
    const before = await passes(app);
    await fire(app);
    expect(await passes(app)).toBe(before + 1);
    expect(await notes(app, id, 'Timer pass')).toBe(1);
    // The next pass is set a minute on; nothing is due again at once.
    expect(await pending(app)).toEqual([new Date(clock.now().getTime() + 60_000).toISOString()]);
    await fire(app);
    expect(await passes(app)).toBe(before + 1);

    // A restart: the schedule is kept, not doubled, and the next pass does not act again.
    await ctx.close();
    ctx = await openContext(loadConfig(env), { pgSchema }, clock);
    app = ctx.app;
    expect(await pending(app)).toHaveLength(1);
    clock.advanceMinutes(1);
    await fire(app);
    expect(await passes(app)).toBe(before + 2);
    expect(await notes(app, id, 'Timer pass')).toBe(1);
    await app.db.updateTable('automation_rules').set({ enabled: 0 }).where('id', '=', stored.id).execute();
  });

  // Two pools need a server: SQLite has one writer by construction.
  if (kind === 'postgres')
    it('acts once per request when two workers run the same pass at once', async () => {
      clock.set(START);
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) ids.push(await unassignedRequest(i % 2 ? people.alice! : people.bob!, `Unassigned ${i}`));
      const mine = new Set(ids);
      const r = await rule('unassigned-race', 'unassigned', 15, false);
      const act = noteAct('Raced', (id) => mine.has(id));
      clock.advanceMinutes(15);
      const other = await openContext(loadConfig(env), { pgSchema }, clock);
      try {
        const [x, y] = await Promise.all([runTimeRules(app, [r], act), runTimeRules(other.app, [r], act)]);
        expect(x.acted + y.acted).toBe(ids.length);
      } finally {
        await other.close();
      }
      for (const id of ids) expect(await notes(app, id, 'Raced')).toBe(1);
    });

  it('purges ledger rows older than 90 days whose period has ended, never one still running', async () => {
    clock.set(START);
    const ended = await newRequest(people.alice!, 'Ledger: answered');
    const waiting = await newRequest(people.alice!, 'Ledger: still pending');
    const closedUnassigned = await unassignedRequest(people.bob!, 'Ledger: closed unassigned');
    await pendingCustomer(ended);
    await pendingCustomer(waiting);
    const pending = await rule('ledger-pending', 'pending_customer', 60, false);
    const unassigned = await rule('ledger-unassigned', 'unassigned', 60, false);
    const mine = new Set([ended, waiting, closedUnassigned]);
    const pass = () => runTimeRules(app, [pending, unassigned], noteAct('Ledger note', (id) => mine.has(id)));
    clock.advanceMinutes(60);
    await pass();
    for (const id of mine) expect(await notes(app, id, 'Ledger note'), id).toBe(1);
    // The requester answers (that period is over); the unassigned one is closed while nobody has it.
    await addComment(app, people.alice!, ended, { body: 'Here is the screenshot.', internal: false });
    await updateTicket(app, people.manager!, closedUnassigned, { status: 'closed' });
    const ledger = async () =>
      (await app.db.selectFrom('automation_time_runs').select(['rule_id', 'ticket_id']).where('rule_id', 'in', [pending.id, unassigned.id]).execute())
        .map((r) => `${r.rule_id === pending.id ? 'pending' : 'unassigned'}:${r.ticket_id}`)
        .sort();
    const all = [`pending:${ended}`, `pending:${waiting}`, `unassigned:${closedUnassigned}`].sort();
    expect(await ledger()).toEqual(all);

    // 89 days on: too young, whatever their period.
    clock.advanceMinutes(89 * 24 * 60);
    await purgeExpired(app);
    expect(await ledger()).toEqual(all);
    // 91 days on: only the ended period goes.
    clock.advanceMinutes(2 * 24 * 60);
    expect((await purgeExpired(app)).automationTimeRuns).toBeGreaterThanOrEqual(1);
    expect(await ledger()).toEqual([`pending:${waiting}`, `unassigned:${closedUnassigned}`].sort());
    // What is still running is not acted on again.
    await pass();
    for (const id of mine) expect(await notes(app, id, 'Ledger note'), id).toBe(1);
  });
});
