import { listAudit, recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Forbidden, Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext, Db } from '../db.js';
import { findUserById, isManager, isStaff, type Actor } from '../identity/index.js';
import { loadTicket } from '../tickets/index.js';
import { checkContractHours } from './contract-hours.service.js';
import { weekStartOf } from './local-time.js';
import type { Activity, TimesheetStatus } from './timetracking.tables.js';
import { agentFor, assertMayChangeWeek, assertMayTrackOnTicket, assertMayTrackTime } from './work.policy.js';
import * as repo from './work.repo.js';

export interface EntryInput {
  startedAt: string;
  minutes: number;
  activity: Activity;
  billable?: boolean;
  note?: string;
  agentId?: string;
}

export type EntryPatch = Partial<Omit<EntryInput, 'agentId'>>;

/** The status of an agent's week; a week nobody submitted is open. */
export async function weekStatus(db: Db, agentId: string, weekStart: string): Promise<TimesheetStatus> {
  return (await repo.findTimesheet(db, agentId, weekStart))?.status ?? 'open';
}

/** An active member of the staff, whose time zone places their work in weeks. */
export async function findAgent(db: Db, agentId: string, field = 'agentId') {
  const agent = await findUserById(db, agentId);
  if (!agent || !agent.active || !['agent', 'manager', 'admin'].includes(agent.role)) throw new Invalid('No such member of the staff', field);
  return agent;
}

/** Work cannot end in the future: it is recorded after it was done (a running timer covers the present). */
function assertInPast(app: AppContext, startedAt: string, minutes: number) {
  if (new Date(startedAt).getTime() + minutes * 60_000 > app.clock.now().getTime())
    throw new Invalid('The work would end in the future', 'startedAt');
}

/** Changes to counted, billable work may cross a contract-hours threshold. */
async function afterBillableChange(app: AppContext, trx: Db, e: Pick<repo.EntryRow, 'organization_id' | 'started_at' | 'billable' | 'flagged'>) {
  if (e.billable && !e.flagged) await checkContractHours(app, trx, e.organization_id, e.started_at);
}

/** Records work on a request, for oneself or (a manager) for someone else. */
export async function createEntry(app: AppContext, actor: Actor, ticketRef: string, input: EntryInput) {
  assertMayTrackOnTicket(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  const agentId = agentFor(actor, input.agentId);
  const agent = await findAgent(app.db, agentId);
  const startedAt = new Date(input.startedAt).toISOString();
  assertInPast(app, startedAt, input.minutes);
  const week = weekStartOf(startedAt, agent.time_zone);
  assertMayChangeWeek(actor, agentId, await weekStatus(app.db, agentId, week));
  const now = app.clock.now().toISOString();
  const row: repo.EntryRow = {
    id: newId(),
    ticket_id: t.id,
    organization_id: t.organization_id,
    agent_id: agentId,
    started_at: startedAt,
    minutes: input.minutes,
    activity: input.activity,
    billable: input.billable === false ? 0 : 1,
    note: input.note ?? '',
    source: 'manual',
    week_start: week,
    flagged: null,
    created_by: actor.id,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(app.db, async (trx) => {
    await repo.insertEntry(trx, row);
    await recordAudit(trx, { entityType: 'work_entry', entityId: row.id, actorId: actor.id, action: 'created', after: auditFields(row) });
    await afterBillableChange(app, trx, row);
  });
  return row.id;
}

const auditFields = (e: Partial<repo.EntryRow>) => {
  const { id: _id, created_at: _c, updated_at: _u, ...rest } = e;
  return rest;
};

/** An entry the actor may change, or why not. */
async function loadForChange(app: AppContext, actor: Actor, id: string) {
  assertMayTrackTime(actor);
  const e = await repo.findEntry(app.db, id);
  if (!e) throw new NotFound('Work entry');
  if (!isManager(actor) && e.agent_id !== actor.id) throw new Forbidden("Only a manager may change another person's time");
  return e;
}

/**
 * Changes an entry. Stating the duration (`minutes`) confirms a flagged entry, which is counted from
 * then on. Moving it to another week needs that week open too.
 */
export async function updateEntry(app: AppContext, actor: Actor, id: string, patch: EntryPatch) {
  const e = await loadForChange(app, actor, id);
  const agent = await findAgent(app.db, e.agent_id);
  const oldStatus = await weekStatus(app.db, e.agent_id, e.week_start);
  assertMayChangeWeek(actor, e.agent_id, oldStatus);
  const startedAt = patch.startedAt ? new Date(patch.startedAt).toISOString() : e.started_at;
  const minutes = patch.minutes ?? e.minutes;
  if (patch.startedAt !== undefined || patch.minutes !== undefined) assertInPast(app, startedAt, minutes);
  const week = weekStartOf(startedAt, agent.time_zone);
  const newStatus = week === e.week_start ? oldStatus : await weekStatus(app.db, e.agent_id, week);
  assertMayChangeWeek(actor, e.agent_id, newStatus);
  const next: Partial<repo.EntryRow> = {
    started_at: startedAt,
    minutes,
    week_start: week,
    ...(patch.activity !== undefined && { activity: patch.activity }),
    ...(patch.billable !== undefined && { billable: patch.billable ? 1 : 0 }),
    ...(patch.note !== undefined && { note: patch.note }),
    ...(patch.minutes !== undefined && { flagged: null }),
  };
  const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => e[k as keyof repo.EntryRow] !== v)) as Partial<repo.EntryRow>;
  if (!Object.keys(changed).length) return e.id;
  const before = Object.fromEntries(Object.keys(changed).map((k) => [k, e[k as keyof repo.EntryRow]]));
  const lockedWeek = oldStatus !== 'open' || newStatus !== 'open';
  await inTransaction(app.db, async (trx) => {
    await repo.updateEntry(trx, e.id, { ...changed, updated_at: app.clock.now().toISOString() });
    await recordAudit(trx, { entityType: 'work_entry', entityId: e.id, actorId: actor.id, action: 'updated', before, after: { ...changed, ...(lockedWeek && { lockedWeek: true }) } });
    await afterBillableChange(app, trx, { ...e, ...changed });
  });
  return e.id;
}

export async function deleteEntry(app: AppContext, actor: Actor, id: string) {
  const e = await loadForChange(app, actor, id);
  const status = await weekStatus(app.db, e.agent_id, e.week_start);
  assertMayChangeWeek(actor, e.agent_id, status);
  await inTransaction(app.db, async (trx) => {
    await repo.deleteEntry(trx, e.id);
    await recordAudit(trx, { entityType: 'work_entry', entityId: e.id, actorId: actor.id, action: 'deleted', before: auditFields(e), after: status !== 'open' ? { lockedWeek: true } : null });
  });
}

/** The work recorded on a request (staff only). */
export async function listTicketEntries(app: AppContext, actor: Actor, ticketRef: string) {
  assertMayTrackOnTicket(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  return repo.listTicketEntries(app.db, t.id);
}

export async function getEntry(app: AppContext, actor: Actor, id: string) {
  if (!isStaff(actor)) throw new NotFound('Work entry');
  const e = await repo.findEntry(app.db, id);
  if (!e) throw new NotFound('Work entry');
  return e;
}

/** An entry the caller has just written, to answer with. */
export async function readWritten(app: AppContext, id: string) {
  const e = await repo.findEntry(app.db, id);
  if (!e) throw new NotFound('Work entry');
  return e;
}

/** The audit trail of an entry: its agent or a manager. */
export async function entryAudit(app: AppContext, actor: Actor, id: string) {
  const e = await getEntry(app, actor, id);
  if (!isManager(actor) && e.agent_id !== actor.id) throw new Forbidden("Only a manager may read another person's audit trail");
  return listAudit(app.db, 'work_entry', id);
}
