import type { DomainEvent } from '../../core/events/events.js';
import { cancelTimers, scheduleTimers, type DueTimer, type TimerSpec } from '../../core/jobs/timers.js';
import type { AppContext, Db } from '../db.js';
import { countSla } from '../../core/observability/metrics.js';
import { findOrganization, findOrganizationOnce, findPlan, type Line } from '../identity/index.js';
import { findTicketById, type TicketRow } from '../tickets/index.js';
import type { CalendarSpec } from './business-time.js';
import { getCalendarSpec } from './calendars.service.js';
import {
  consumedAt,
  pauseClock,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  thresholdAt,
  type Clock,
  type Metric,
} from './clock.js';
import * as repo from './sla.repo.js';

const ALWAYS_OPEN: CalendarSpec = { timeZone: 'UTC', alwaysOpen: true };
export const WARNING_SHARES = [0.75, 0.9] as const;
/** The share of a line's time budget at which the assigned agent is warned. */
export const LINE_WARNING_SHARE = 0.75;

/** What governs a request's clocks: its contract's calendar and the policy for its priority and type. */
export interface Terms {
  calendarId: string | null;
  cal: CalendarSpec;
  policy?: repo.PolicyRow;
  pauseOnVendor: boolean;
  /** Targets the request carries of its own (a catalog item's), over the policy's. */
  own?: OwnTargets;
}

/** Business minutes; null: the policy's target. */
export interface OwnTargets {
  firstResponseMinutes: number | null;
  resolutionMinutes: number | null;
}
/** Where a request's own targets come from (the service catalog registers one). */
export type TargetSource = (db: Db, ticketId: string) => Promise<OwnTargets | undefined>;
const targetSources = new Set<TargetSource>();
export const addTargetSource = (source: TargetSource) => void targetSources.add(source);

async function ownTargets(db: Db, ticketId: string) {
  for (const source of targetSources) {
    const own = await source(db, ticketId);
    if (own) return own;
  }
  return undefined;
}

/** The request's plan and the calendar its working hours follow (the extended one with off-hours support). */
async function planCalendar(db: Db, t: Pick<TicketRow, 'organization_id'>) {
  const org = await findOrganizationOnce(db, t.organization_id);
  const planSla = org?.plan_id ? await repo.findPlanSla(db, org.plan_id) : undefined;
  const offHours = org ? (JSON.parse(org.contract_options) as string[]).includes('off_hours_support') : false;
  return { org, planSla, calendarId: (offHours && planSla?.extended_calendar_id) || planSla?.calendar_id || null };
}

/** The business hours of the request's plan (always open when the plan has no calendar). */
export async function businessCalendarFor(db: Db, t: Pick<TicketRow, 'organization_id'>): Promise<CalendarSpec> {
  const { calendarId } = await planCalendar(db, t);
  return calendarId ? getCalendarSpec(db, calendarId) : ALWAYS_OPEN;
}

export async function termsFor(app: AppContext, db: Db, t: TicketRow): Promise<Terms> {
  const { org, planSla, calendarId } = await planCalendar(db, t);
  return {
    calendarId,
    cal: calendarId ? await getCalendarSpec(db, calendarId) : ALWAYS_OPEN,
    policy: org?.plan_id ? await repo.findPolicy(db, org.plan_id, t.priority, t.type) : undefined,
    pauseOnVendor: Boolean(planSla?.pause_on_vendor),
    own: await ownTargets(db, t.id),
  };
}

/** The target of a metric under the terms; for the line clock, the budget before escalation by time. */
export function targetOf(app: AppContext, terms: Terms, metric: Metric, line: string): number {
  if (metric === 'first_response') return terms.own?.firstResponseMinutes ?? terms.policy?.first_response_minutes ?? 0;
  if (metric === 'resolution') return terms.own?.resolutionMinutes ?? terms.policy?.resolution_minutes ?? 0;
  if (line === 'L1') return terms.policy?.l1_budget_minutes ?? app.config.l1BudgetMinutes;
  if (line === 'L2') return terms.policy?.l2_budget_minutes ?? 0;
  return 0;
}

const toClock = (r: repo.ClockRow): Clock => ({
  state: r.state,
  targetMinutes: Number(r.target_minutes),
  consumedMinutes: Number(r.consumed_minutes),
  segmentStartedAt: r.segment_started_at,
  deadline: r.deadline,
  stoppedAt: r.stopped_at,
  met: r.met === null ? null : Boolean(r.met),
});

const timerKey = (ticketId: string, metric: Metric, what: string) => `sla:${ticketId}:${metric}:${what}`;

type ClockExtra = { cycle?: number; line?: string | null; detail?: Record<string, unknown>; resetWarnings?: boolean };

/** What saving clocks writes, gathered so that several clocks cost one statement per table. */
interface ClockWrites {
  clocks: Parameters<typeof repo.saveClocks>[1];
  logs: Parameters<typeof repo.insertLogs>[1];
  cancels: string[];
  timers: TimerSpec[];
}

async function writeClocks(db: Db, w: ClockWrites) {
  await repo.saveClocks(db, w.clocks);
  await repo.insertLogs(db, w.logs);
  await cancelTimers(db, w.cancels);
  await scheduleTimers(db, w.timers);
}

/** Saves a clock, logs what happened, and sets its timers anew (warnings, breach, or the line budget). */
async function saveClock(app: AppContext, db: Db, t: TicketRow, metric: Metric, terms: Terms, prev: repo.ClockRow | undefined, c: Clock, action: string, extra: ClockExtra = {}) {
  const w: ClockWrites = { clocks: [], logs: [], cancels: [], timers: [] };
  planClock(app, w, t, metric, terms, prev, c, action, extra);
  await writeClocks(db, w);
}

function planClock(
  app: AppContext,
  w: ClockWrites,
  t: TicketRow,
  metric: Metric,
  terms: Terms,
  prev: repo.ClockRow | undefined,
  c: Clock,
  action: string,
  extra: ClockExtra,
) {
  const now = app.clock.now().toISOString();
  const cycle = extra.cycle ?? prev?.cycle ?? 1;
  const reset = extra.resetWarnings || (prev && cycle !== prev.cycle);
  const row = {
    ticket_id: t.id,
    metric,
    state: c.state,
    cycle,
    line: extra.line !== undefined ? extra.line : (prev?.line ?? null),
    calendar_id: terms.calendarId,
    target_minutes: c.targetMinutes,
    consumed_minutes: c.consumedMinutes,
    segment_started_at: c.segmentStartedAt,
    deadline: c.deadline,
    started_at: prev && !extra.cycle ? prev.started_at : now,
    stopped_at: c.stoppedAt,
    met: c.met === null ? null : c.met ? 1 : 0,
    warned_75: reset ? 0 : (prev?.warned_75 ?? 0),
    warned_90: reset ? 0 : (prev?.warned_90 ?? 0),
    breached_at: reset && metric === 'line' ? null : (prev?.breached_at ?? null),
    updated_at: now,
  };
  w.clocks.push(row);
  w.logs.push({
    ticket_id: t.id,
    metric,
    action,
    at: now,
    line: metric === 'line' ? row.line : t.line,
    calendar_id: terms.calendarId,
    target_minutes: c.targetMinutes,
    consumed_minutes: c.consumedMinutes,
    deadline: c.deadline,
    detail: JSON.stringify(extra.detail ?? {}),
  });
  planTimers(w, t.id, metric, row, terms.cal, c, prev === undefined);
}

function planTimers(w: ClockWrites, ticketId: string, metric: Metric, row: { cycle: number; warned_75: number; warned_90: number; breached_at: string | null; line: string | null }, cal: CalendarSpec, c: Clock, isNew: boolean) {
  const timers: TimerSpec[] = [];
  const base = { subjectId: ticketId, payload: { metric, cycle: row.cycle } };
  if (c.state === 'running' && c.deadline) {
    if (metric === 'line') {
      timers.push({ ...base, key: timerKey(ticketId, metric, 'budget'), kind: 'sla.line_budget', dueAt: c.deadline, payload: { ...base.payload, line: row.line } });
      // The agent who holds the request hears at 75 % of a budget that moves it on, while there is time to act.
      const at = row.line && nextLine(row.line) && !row.warned_75 ? thresholdAt(c, cal, LINE_WARNING_SHARE) : null;
      if (at) timers.push({ ...base, key: timerKey(ticketId, metric, 'warn75'), kind: 'sla.line_warning', dueAt: at, payload: { ...base.payload, line: row.line, share: LINE_WARNING_SHARE } });
    } else {
      for (const share of WARNING_SHARES) {
        const warned = share === 0.75 ? row.warned_75 : row.warned_90;
        const at = thresholdAt(c, cal, share);
        if (!warned && at) timers.push({ ...base, key: timerKey(ticketId, metric, share === 0.75 ? 'warn75' : 'warn90'), kind: 'sla.warning', dueAt: at, payload: { ...base.payload, share } });
      }
      if (!row.breached_at) timers.push({ ...base, key: timerKey(ticketId, metric, 'breach'), kind: 'sla.breach', dueAt: c.deadline });
    }
  }
  // Scheduling by key replaces a pending timer; only the ones not scheduled again need cancelling.
  const whats = metric === 'line' ? ['budget', 'warn75'] : ['warn75', 'warn90', 'breach'];
  const kept = new Set(timers.map((x) => x.key));
  if (!isNew) w.cancels.push(...whats.map((x) => timerKey(ticketId, metric, x)).filter((k) => !kept.has(k)));
  w.timers.push(...timers);
}

/** The ticket events that move clocks. */
export const CLOCK_EVENTS = ['ticket.created', 'ticket.replied', 'ticket.status_changed', 'ticket.priority_changed', 'ticket.line_changed'];

const RUNNING_STATUSES = new Set(['new', 'open']);

/** Whether the clocks of a request in this status run (pending_vendor only where the plan says so). */
const runsIn = (status: string, terms: Terms) => RUNNING_STATUSES.has(status) || (status === 'pending_vendor' && !terms.pauseOnVendor);

/**
 * Keeps a request's SLA clocks in step with what happens to it; runs inside the transaction of
 * the change, so clocks, their log and their timers commit with it.
 */
export async function onTicketEvent(app: AppContext, db: Db, e: DomainEvent) {
  if (e.type === 'ticket.replied' && !e.data?.firstResponse) return;
  const t = await findTicketById(db, e.subjectId);
  if (!t) return;
  const now = app.clock.now();
  const data = (e.data ?? {}) as Record<string, unknown>;
  const terms = await termsFor(app, db, t);
  // A new request has no clocks yet.
  const clocks = new Map(e.type === 'ticket.created' ? [] : (await repo.listClocks(db, t.id)).map((r) => [r.metric, r]));
  const each = async (fn: (metric: Metric, row: repo.ClockRow) => Promise<void>) => {
    for (const [metric, row] of clocks) await fn(metric, row);
  };

  switch (e.type) {
    case 'ticket.created': {
      const w: ClockWrites = { clocks: [], logs: [], cancels: [], timers: [] };
      const run = runsIn(t.status, terms);
      for (const metric of ['first_response', 'resolution', 'line'] as const) {
        const started = startClock(targetOf(app, terms, metric, t.line), terms.cal, now);
        const c = run ? started : pauseClock(started, terms.cal, now);
        planClock(app, w, t, metric, terms, undefined, c, 'start', { line: metric === 'line' ? t.line : null, detail: { priority: t.priority, policyId: terms.policy?.id ?? null, ...(!run && { paused: t.status }) } });
      }
      await writeClocks(db, w);
      return;
    }
    case 'ticket.replied': {
      const fr = clocks.get('first_response');
      if (data.firstResponse && fr && fr.state !== 'stopped')
        await saveClock(app, db, t, 'first_response', terms, fr, stopClock(toClock(fr), terms.cal, now), 'stop', { detail: { reason: 'first public reply' } });
      return;
    }
    case 'ticket.status_changed': {
      const from = String(data.from);
      const to = String(data.to);
      if (to === 'resolved' || to === 'closed') {
        await each(async (m, r) => {
          if (r.state !== 'stopped') await saveClock(app, db, t, m, terms, r, stopClock(toClock(r), terms.cal, now), 'stop', { detail: { status: to } });
        });
      } else if (from === 'resolved' || from === 'closed') {
        // A reopen: resolution goes on from the time it had used; the line's time starts afresh.
        const res = clocks.get('resolution');
        if (res) await saveClock(app, db, t, 'resolution', terms, res, resumeClock(toClock(res), terms.cal, now), 'reopen', { cycle: res.cycle + 1 });
        const line = clocks.get('line');
        await saveClock(app, db, t, 'line', terms, line, startClock(targetOf(app, terms, 'line', t.line), terms.cal, now), 'start', { cycle: (line?.cycle ?? 0) + 1, line: t.line, detail: { reason: 'reopened' } });
      } else {
        const run = runsIn(to, terms);
        await each(async (m, r) => {
          if (run && r.state === 'paused') await saveClock(app, db, t, m, terms, r, resumeClock(toClock(r), terms.cal, now), 'resume', { detail: { status: to } });
          if (!run && r.state === 'running') await saveClock(app, db, t, m, terms, r, pauseClock(toClock(r), terms.cal, now), 'pause', { detail: { status: to } });
        });
      }
      return;
    }
    case 'ticket.priority_changed':
      await retargetAll(app, db, t, terms, clocks, { priority: t.priority });
      return;
    case 'ticket.line_changed': {
      const prev = clocks.get('line');
      if (prev && prev.state !== 'stopped')
        await saveClock(app, db, t, 'line', terms, prev, stopClock(toClock(prev), terms.cal, now), 'stop', { detail: { to: t.line } });
      const stopped = await repo.findClock(db, t.id, 'line');
      const fresh = startClock(targetOf(app, terms, 'line', t.line), terms.cal, now);
      const c = runsIn(t.status, terms) ? fresh : pauseClock(fresh, terms.cal, now);
      await saveClock(app, db, t, 'line', terms, stopped, c, 'escalated', {
        cycle: (stopped?.cycle ?? 0) + 1,
        line: t.line,
        detail: { from: data.from, to: data.to, by: data.by ?? 'hand', reason: data.reason ?? null },
      });
      return;
    }
  }
}

/**
 * New targets or a new calendar after the priority, the policy, the plan or the contract changed:
 * the time used so far stays (counted on the calendar it ran under), the rest runs on the new terms.
 */
export async function retargetAll(app: AppContext, db: Db, t: TicketRow, terms: Terms, clocks: Map<Metric, repo.ClockRow>, detail: Record<string, unknown>) {
  const now = app.clock.now();
  for (const [metric, row] of clocks) {
    const target = targetOf(app, terms, metric, row.line ?? t.line);
    const calendarChanged = row.calendar_id !== terms.calendarId;
    if (row.state === 'stopped' || (target === Number(row.target_minutes) && !calendarChanged)) continue;
    let c = toClock(row);
    if (calendarChanged && c.state === 'running') {
      const oldCal = row.calendar_id ? await getCalendarSpec(db, row.calendar_id) : ALWAYS_OPEN;
      c = resumeClock(pauseClock(c, oldCal, now), terms.cal, now);
    }
    await saveClock(app, db, t, metric, terms, row, retargetClock(c, terms.cal, now, target), 'target_changed', {
      detail: { ...detail, from: Number(row.target_minutes), to: target, ...(calendarChanged && { calendarFrom: row.calendar_id, calendarTo: terms.calendarId }) },
    });
  }
}

/** A request's targets may have changed (e.g. it was ordered from the catalog): its clocks take them. */
export async function refreshTargets(app: AppContext, db: Db, ticketId: string, detail: Record<string, unknown>) {
  const t = await findTicketById(db, ticketId);
  if (!t) return;
  const clocks = new Map((await repo.listClocks(db, ticketId)).map((r) => [r.metric, r]));
  await retargetAll(app, db, t, await termsFor(app, db, t), clocks, detail);
}

/**
 * Holds a request's running clocks whatever its status (e.g. while a change waits for approval), or
 * lets them run again where its status runs them; `detail` says why, in the clock log.
 */
export async function holdClocks(app: AppContext, db: Db, ticketId: string, hold: boolean, detail: Record<string, unknown>) {
  const t = await findTicketById(db, ticketId);
  if (!t) return;
  const now = app.clock.now();
  const terms = await termsFor(app, db, t);
  for (const r of await repo.listClocks(db, ticketId)) {
    if (hold && r.state === 'running') await saveClock(app, db, t, r.metric, terms, r, pauseClock(toClock(r), terms.cal, now), 'pause', { detail });
    if (!hold && r.state === 'paused' && runsIn(t.status, terms)) await saveClock(app, db, t, r.metric, terms, r, resumeClock(toClock(r), terms.cal, now), 'resume', { detail });
  }
}

/** The plan or the contract options of an organization changed: its open requests take the new terms. */
export async function onOrganizationChanged(app: AppContext, db: Db, e: DomainEvent) {
  const open = await db
    .selectFrom('tickets')
    .select('id')
    .where('organization_id', '=', e.subjectId)
    .where('status', 'not in', ['resolved', 'closed'])
    .execute();
  for (const { id } of open) {
    const t = (await findTicketById(db, id))!;
    const clocks = new Map((await repo.listClocks(db, id)).map((r) => [r.metric, r]));
    await retargetAll(app, db, t, await termsFor(app, db, t), clocks, { organization: e.subjectId });
  }
}

/** Timer: a share of a target is used up; warn once per cycle (the event notifies the people concerned). */
export async function onWarning(app: AppContext, db: Db, timer: DueTimer) {
  const { metric, cycle, share } = timer.payload as { metric: Metric; cycle: number; share: number };
  const row = await repo.findClock(db, timer.subjectId, metric);
  const column = share === 0.75 ? 'warned_75' : 'warned_90';
  if (!row || row.state !== 'running' || row.cycle !== cycle || row[column]) return;
  await db.updateTable('sla_clocks').set({ [column]: 1 }).where('ticket_id', '=', row.ticket_id).where('metric', '=', metric).execute();
  countSla('warning', await logTimer(app, db, row, 'warning', { share }));
  await app.events.append(db, { type: 'sla.warning', subjectType: 'ticket', subjectId: row.ticket_id, actorId: null, data: { metric, share } });
}

/**
 * Timer: 75 % of the line's time budget is used up; warn once per cycle. The event tells the
 * assigned agent (in the app and live on screen), who may escalate now or say why they keep it.
 */
export async function onLineWarning(app: AppContext, db: Db, timer: DueTimer) {
  const { cycle, share } = timer.payload as { cycle: number; share: number };
  const row = await repo.findClock(db, timer.subjectId, 'line');
  if (!row || row.state !== 'running' || row.cycle !== cycle || row.warned_75) return;
  await db.updateTable('sla_clocks').set({ warned_75: 1 }).where('ticket_id', '=', row.ticket_id).where('metric', '=', 'line').execute();
  await logTimer(app, db, row, 'warning', { share });
  await app.events.append(db, { type: 'sla.budget_warning', subjectType: 'ticket', subjectId: row.ticket_id, actorId: null, data: { line: row.line, share, cycle, deadline: row.deadline } });
}

/** Timer: a target is used up; record the breach once (the event tells the people concerned, managers too). */
export async function onBreach(app: AppContext, db: Db, timer: DueTimer) {
  const { metric, cycle } = timer.payload as { metric: Metric; cycle: number };
  const row = await repo.findClock(db, timer.subjectId, metric);
  if (!row || row.state !== 'running' || row.cycle !== cycle || row.breached_at) return;
  await db.updateTable('sla_clocks').set({ breached_at: timer.dueAt }).where('ticket_id', '=', row.ticket_id).where('metric', '=', metric).execute();
  countSla('breach', await logTimer(app, db, row, 'breach', {}));
  await app.events.append(db, { type: 'sla.breached', subjectType: 'ticket', subjectId: row.ticket_id, actorId: null, data: { metric } });
}

/** Logs a warning or breach on the clock; returns the code of the client's plan, for the metrics. */
async function logTimer(app: AppContext, db: Db, row: repo.ClockRow, action: string, detail: Record<string, unknown>): Promise<string | null> {
  const t = (await findTicketById(db, row.ticket_id))!;
  const terms = await termsFor(app, db, t);
  await repo.insertLog(db, {
    ticket_id: row.ticket_id,
    metric: row.metric,
    action,
    at: app.clock.now().toISOString(),
    line: t.line,
    calendar_id: row.calendar_id,
    target_minutes: Number(row.target_minutes),
    consumed_minutes: consumedAt(toClock(row), terms.cal, app.clock.now()),
    deadline: row.deadline,
    detail: JSON.stringify(detail),
  });
  const org = await findOrganization(db, t.organization_id);
  return org?.plan_id ? ((await findPlan(db, org.plan_id))?.code ?? null) : null;
}

/** The line a request goes to when its budget at `line` is used up, if any. */
export const nextLine = (line: string): Line | undefined => (line === 'L1' ? 'L2' : line === 'L2' ? 'L3' : undefined);

export { toClock };
