import { inTransaction } from '../../core/db/connect.js';
import { recordAudit } from '../../core/audit/audit.js';
import { Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import { type AppContext, within } from '../db.js';
import { assertAdmin, assertStaff, isStaff, type Actor } from '../identity/index.js';
import { findTicketById, loadTicket } from '../tickets/index.js';
import { addBusinessMinutes, HORIZON_YEARS, NoWorkingTime } from './business-time.js';
import { getCalendarSpec } from './calendars.service.js';
import { consumedAt } from './clock.js';
import * as repo from './sla.repo.js';
import { calendarLookup, timeLeft } from './time-left.js';
import { retargetAll, termsFor, toClock } from './sla.engine.js';
import type { Metric } from './clock.js';

export interface PolicyInput {
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  ticketType?: string;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  l1BudgetMinutes: number;
  l2BudgetMinutes?: number;
}

export interface PlanSlaInput {
  calendarId: string | null;
  extendedCalendarId?: string | null;
  pauseOnVendor?: boolean;
  policies: PolicyInput[];
}

export async function getPlanSla(app: AppContext, actor: Actor, planId: string) {
  assertStaff(actor);
  if (!(await app.db.selectFrom('plans').select('id').where('id', '=', planId).executeTakeFirst())) throw new NotFound('Plan');
  const [settings, policies] = await Promise.all([repo.findPlanSla(app.db, planId), repo.listPolicies(app.db, planId)]);
  return { planId, settings: settings ?? null, policies };
}

/**
 * Replaces a plan's SLA (calendars and targets). The running clocks of the plan's open requests
 * take the new targets at once; the time they used so far stays.
 */
export async function setPlanSla(app: AppContext, actor: Actor, planId: string, input: PlanSlaInput) {
  assertAdmin(actor);
  if (!(await app.db.selectFrom('plans').select('id').where('id', '=', planId).executeTakeFirst())) throw new NotFound('Plan');
  for (const [field, id] of [['calendarId', input.calendarId], ['extendedCalendarId', input.extendedCalendarId]] as const)
    if (id && !(await app.db.selectFrom('calendars').select('id').where('id', '=', id).executeTakeFirst())) throw new Invalid('No such calendar', field);
  const keys = input.policies.map((p) => `${p.priority}/${p.ticketType ?? '*'}`);
  if (new Set(keys).size !== keys.length) throw new Invalid('Two policies for the same priority and type', 'policies');
  await assertWithinHorizon(app, input);
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    await repo.replacePlanSla(
      trx,
      { plan_id: planId, calendar_id: input.calendarId, extended_calendar_id: input.extendedCalendarId ?? null, pause_on_vendor: input.pauseOnVendor ? 1 : 0, updated_at: now },
      input.policies.map((p) => ({
        id: newId(),
        plan_id: planId,
        priority: p.priority,
        ticket_type: p.ticketType ?? '*',
        first_response_minutes: p.firstResponseMinutes,
        resolution_minutes: p.resolutionMinutes,
        l1_budget_minutes: p.l1BudgetMinutes,
        l2_budget_minutes: p.l2BudgetMinutes ?? 0,
        updated_at: now,
      })),
    );
    await recordAudit(trx, { entityType: 'plan', entityId: planId, actorId: actor.id, action: 'sla_changed', after: { ...input } });
    const open = await trx
      .selectFrom('tickets as t')
      .innerJoin('organizations as o', 'o.id', 't.organization_id')
      .select('t.id')
      .where('o.plan_id', '=', planId)
      .where('t.status', 'not in', ['resolved', 'closed'])
      .execute();
    const w = within(app, trx);
    for (const { id } of open) {
      const t = (await findTicketById(trx, id))!;
      const clocks = new Map((await repo.listClocks(trx, id)).map((r) => [r.metric, r]));
      await retargetAll(w, trx, t, await termsFor(w, trx, t), clocks, { plan: planId });
    }
  });
  return getPlanSla(app, actor, planId);
}

const POLICY_MINUTES = ['firstResponseMinutes', 'resolutionMinutes', 'l1BudgetMinutes', 'l2BudgetMinutes'] as const;

/**
 * Refuses a target or budget that the plan's calendars cannot supply within the deadline search
 * horizon (e.g. 525 600 minutes on a 5×8 calendar), naming the field: such a value would give every
 * request of the plan a clock without a deadline.
 */
async function assertWithinHorizon(app: AppContext, input: PlanSlaInput) {
  const from = app.clock.now();
  for (const calendarId of [input.calendarId, input.extendedCalendarId]) {
    if (!calendarId) continue;
    const spec = await getCalendarSpec(app.db, calendarId);
    input.policies.forEach((p, i) => {
      for (const field of POLICY_MINUTES) {
        const minutes = p[field] ?? 0;
        if (minutes <= 0) continue;
        try {
          addBusinessMinutes(spec, from, minutes);
        } catch (err) {
          if (!(err instanceof NoWorkingTime)) throw err;
          throw new Invalid(`policies.${i}.${field}: ${minutes} minutes is more working time than the calendar has in ${HORIZON_YEARS} years`, `policies.${i}.${field}`);
        }
      }
    });
  }
}

const CLIENT_METRICS: Metric[] = ['first_response', 'resolution'];

/**
 * A request's clocks as the viewer may see them: targets, deadlines, time left or overdue, paused
 * or running, met or not. The line budget is internal.
 */
export async function ticketSla(app: AppContext, actor: Actor, idOrNumber: string) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  const terms = await termsFor(app, app.db, t);
  const now = app.clock.now();
  const rows = await repo.listClocks(app.db, t.id);
  return {
    ticket: t,
    calendarId: terms.calendarId,
    // The same figure as in the queue and on the dashboard: the clock due first.
    timeLeft: await timeLeft(rows, calendarLookup(app.db), now, isStaff(actor)),
    clocks: rows
      .filter((r) => isStaff(actor) || CLIENT_METRICS.includes(r.metric))
      .map((r) => {
        const c = toClock(r);
        const used = consumedAt(c, terms.cal, now);
        const target = c.targetMinutes;
        return {
          metric: r.metric,
          state: r.state,
          line: r.line,
          targetMinutes: target || null,
          usedMinutes: Math.round(used * 100) / 100,
          leftMinutes: target ? Math.round((target - used) * 100) / 100 : null,
          deadline: r.deadline,
          overdue: target > 0 && used > target,
          breachedAt: r.breached_at,
          met: r.met === null ? null : Boolean(r.met),
          startedAt: r.started_at,
          stoppedAt: r.stopped_at,
        };
      }),
  };
}

/** The clock log, for staff and the client's IT manager (not requesters): every start, pause, resume, stop, change. */
export async function ticketSlaLog(app: AppContext, actor: Actor, idOrNumber: string) {
  if (actor.role === 'requester') throw new NotFound('Clock log');
  const t = await loadTicket(app.db, actor, idOrNumber);
  const rows = await repo.listLog(app.db, t.id);
  return { ticket: t, rows: rows.filter((r) => isStaff(actor) || r.metric !== 'line') };
}

/** Running clocks soonest to breach: staff see all, a client IT manager the company's. */
export async function nextBreaches(app: AppContext, actor: Actor, limit: number) {
  if (!isStaff(actor) && actor.role !== 'client_manager') throw new NotFound('List');
  return repo.nextDeadlines(app.db, limit, isStaff(actor) ? undefined : actor.organizationId!);
}
