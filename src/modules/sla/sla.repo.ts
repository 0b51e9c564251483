import type { Insertable, Selectable } from 'kysely';
import { pick, prepare, prepareRows } from '../../core/db/prepared.js';
import type { Db } from '../db.js';
import type { Metric } from './clock.js';
import type { SlaClockTables } from './clocks.tables.js';

export type ClockRow = Selectable<SlaClockTables['sla_clocks']>;
export type PolicyRow = Selectable<SlaClockTables['sla_policies']>;
export type PlanSlaRow = Selectable<SlaClockTables['plan_sla']>;

export const findPlanSla = (db: Db, planId: string) => planSla.first(db, { planId });
const planSla = prepare((db: Db, p: { planId: string }) => db.selectFrom('plan_sla').selectAll().where('plan_id', '=', p.planId));

export const listPolicies = (db: Db, planId: string) =>
  db.selectFrom('sla_policies').selectAll().where('plan_id', '=', planId).orderBy('priority').orderBy('ticket_type').execute();

/** The policy for a priority and type: the type's own if there is one, else the plan's for any type. */
export async function findPolicy(db: Db, planId: string, priority: string, ticketType: string) {
  const rows = await policiesFor.all(db, { planId, priority, ticketType });
  return rows.find((r) => r.ticket_type === ticketType) ?? rows.find((r) => r.ticket_type === '*');
}

const policiesFor = prepare((db: Db, p: { planId: string; priority: string; ticketType: string }) =>
  db.selectFrom('sla_policies').selectAll().where('plan_id', '=', p.planId).where('priority', '=', p.priority).where('ticket_type', 'in', [p.ticketType, '*']),
);

export async function replacePlanSla(db: Db, row: Insertable<SlaClockTables['plan_sla']>, policies: Insertable<SlaClockTables['sla_policies']>[]) {
  await db.deleteFrom('plan_sla').where('plan_id', '=', row.plan_id).execute();
  await db.insertInto('plan_sla').values(row).execute();
  await db.deleteFrom('sla_policies').where('plan_id', '=', row.plan_id).execute();
  if (policies.length) await db.insertInto('sla_policies').values(policies).execute();
}

export const listClocks = (db: Db, ticketId: string) =>
  db.selectFrom('sla_clocks').selectAll().where('ticket_id', '=', ticketId).orderBy('metric').execute();

export const findClock = (db: Db, ticketId: string, metric: Metric) =>
  db.selectFrom('sla_clocks').selectAll().where('ticket_id', '=', ticketId).where('metric', '=', metric).executeTakeFirst();

type ClockValues = SlaClockTables['sla_clocks'];
const CLOCK_COLUMNS = ['ticket_id', 'metric', 'state', 'cycle', 'line', 'calendar_id', 'target_minutes', 'consumed_minutes', 'segment_started_at', 'deadline', 'started_at', 'stopped_at', 'met', 'warned_75', 'warned_90', 'breached_at', 'updated_at'] as const satisfies readonly (keyof ClockValues)[];

export async function saveClocks(db: Db, rows: Insertable<SlaClockTables['sla_clocks']>[]) {
  await upsertClocks.run(
    db,
    rows.map((r) => ({ ...r, line: r.line ?? null, calendar_id: r.calendar_id ?? null, segment_started_at: r.segment_started_at ?? null, deadline: r.deadline ?? null, stopped_at: r.stopped_at ?? null, met: r.met ?? null, breached_at: r.breached_at ?? null })),
  );
}

const upsertClocks = prepareRows((db: Db, rows: ClockValues[]) =>
  db
    .insertInto('sla_clocks')
    .values(rows.map((r) => pick(r, CLOCK_COLUMNS)))
    .onConflict((oc) =>
      oc.columns(['ticket_id', 'metric']).doUpdateSet((eb) => ({
        state: eb.ref('excluded.state'),
        cycle: eb.ref('excluded.cycle'),
        line: eb.ref('excluded.line'),
        calendar_id: eb.ref('excluded.calendar_id'),
        target_minutes: eb.ref('excluded.target_minutes'),
        consumed_minutes: eb.ref('excluded.consumed_minutes'),
        segment_started_at: eb.ref('excluded.segment_started_at'),
        deadline: eb.ref('excluded.deadline'),
        started_at: eb.ref('excluded.started_at'),
        stopped_at: eb.ref('excluded.stopped_at'),
        met: eb.ref('excluded.met'),
        warned_75: eb.ref('excluded.warned_75'),
        warned_90: eb.ref('excluded.warned_90'),
        breached_at: eb.ref('excluded.breached_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    ),
);

export const insertLog = (db: Db, row: Insertable<SlaClockTables['sla_clock_log']>) => db.insertInto('sla_clock_log').values(row).execute();

type LogValues = Omit<SlaClockTables['sla_clock_log'], 'id'>;
const LOG_COLUMNS = ['ticket_id', 'metric', 'action', 'at', 'line', 'calendar_id', 'target_minutes', 'consumed_minutes', 'deadline', 'detail'] as const satisfies readonly (keyof LogValues)[];
const insertLogRows = prepareRows((db: Db, rows: LogValues[]) => db.insertInto('sla_clock_log').values(rows.map((r) => pick(r, LOG_COLUMNS))));

export async function insertLogs(db: Db, rows: Insertable<SlaClockTables['sla_clock_log']>[]) {
  await insertLogRows.run(db, rows.map((r) => ({ ...r, line: r.line ?? null, calendar_id: r.calendar_id ?? null, deadline: r.deadline ?? null })));
}

export const listLog = (db: Db, ticketId: string) =>
  db.selectFrom('sla_clock_log').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();

/** Running clocks with a deadline, soonest first, within an optional organization: an index scan. */
export function nextDeadlines(db: Db, limit: number, organizationId?: string) {
  let q = db
    .selectFrom('sla_clocks as c')
    .innerJoin('tickets as t', 't.id', 'c.ticket_id')
    .select(['c.ticket_id', 'c.metric', 'c.deadline', 'c.breached_at', 't.number', 't.subject', 't.organization_id', 't.line', 't.assignee_id', 't.priority'])
    .where('c.state', '=', 'running')
    .where('c.deadline', 'is not', null)
    .where('c.metric', '!=', 'line');
  if (organizationId) q = q.where('t.organization_id', '=', organizationId);
  return q.orderBy('c.deadline').limit(limit).execute();
}
