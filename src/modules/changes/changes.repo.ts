import type { Insertable, Updateable } from 'kysely';
import type { DialectName } from '../../core/db/connect.js';
import type { Db } from '../db.js';
import type { ApprovalState, ChangeTables } from './changes.tables.js';

export const findChange = (db: Db, ticketId: string, lockOn?: DialectName) => {
  const q = db.selectFrom('changes').selectAll().where('ticket_id', '=', ticketId);
  // On PostgreSQL two approvers deciding at once take turns on the change's row (SQLite has one writer).
  return (lockOn === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
};

export const insertChange = (db: Db, row: Insertable<ChangeTables['changes']>) => db.insertInto('changes').values(row).execute();

export const updateChange = (db: Db, ticketId: string, set: Updateable<ChangeTables['changes']>) =>
  db.updateTable('changes').set(set).where('ticket_id', '=', ticketId).execute();

export const insertApproval = (db: Db, row: Insertable<ChangeTables['change_approvals']>) => db.insertInto('change_approvals').values(row).execute();

export const listApprovals = (db: Db, ticketId: string) =>
  db.selectFrom('change_approvals').selectAll().where('ticket_id', '=', ticketId).orderBy('step').orderBy('created_at').orderBy('id').execute();

export const listApprovalsWithNames = (db: Db, ticketId: string) =>
  db
    .selectFrom('change_approvals as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .selectAll('a')
    .select('u.name as user_name')
    .where('a.ticket_id', '=', ticketId)
    .orderBy('a.step')
    .orderBy('u.name')
    .execute();

export const findApproval = (db: Db, id: string) => db.selectFrom('change_approvals').selectAll().where('id', '=', id).executeTakeFirst();

export const recordDecision = (db: Db, id: string, set: Pick<Updateable<ChangeTables['change_approvals']>, 'decision' | 'comment' | 'via' | 'decided_at'>) =>
  db.updateTable('change_approvals').set(set).where('id', '=', id).where('decision', 'is', null).execute();

export const insertLink = (db: Db, row: Insertable<ChangeTables['change_approval_links']>) => db.insertInto('change_approval_links').values(row).execute();

export const findLink = (db: Db, tokenHash: string) =>
  db.selectFrom('change_approval_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();

export const findPlanSettings = (db: Db, planId: string) =>
  db.selectFrom('change_plan_settings').selectAll().where('plan_id', '=', planId).executeTakeFirst();

export const upsertPlanSettings = (db: Db, row: Insertable<ChangeTables['change_plan_settings']>) =>
  db
    .insertInto('change_plan_settings')
    .values(row)
    .onConflict((oc) => oc.column('plan_id').doUpdateSet({ client_approval: row.client_approval, provider_approval: row.provider_approval, pause_sla: row.pause_sla, updated_at: row.updated_at }))
    .execute();

export function activeUsers(db: Db, who: { organizationId?: string; role: 'client_manager' | 'manager' }) {
  let q = db.selectFrom('users').selectAll().where('role', '=', who.role).where('active', '=', 1);
  if (who.organizationId) q = q.where('organization_id', '=', who.organizationId);
  return q.orderBy('name').execute();
}

/** The approvals waiting for a person: their row undecided on the step now open. */
export const pendingApprovals = (db: Db, userId: string) =>
  db
    .selectFrom('change_approvals as a')
    .innerJoin('changes as c', (j) => j.onRef('c.ticket_id', '=', 'a.ticket_id').onRef('c.current_step', '=', 'a.step'))
    .innerJoin('tickets as t', 't.id', 'a.ticket_id')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .select(['t.id as ticket_id', 't.number', 't.subject', 'o.name as organization_name', 'c.risk', 'c.window_start', 'c.window_end', 'a.step', 'a.kind', 'a.created_at'])
    .where('a.user_id', '=', userId)
    .where('a.decision', 'is', null)
    .where('c.approval_state', '=', 'pending')
    .orderBy('a.created_at', 'desc')
    .execute();

/** Changes whose window overlaps [from, to), in the given approval states. */
export function calendar(db: Db, q: { from: string; to: string; organizationId?: string; states: ApprovalState[] }) {
  let query = db
    .selectFrom('changes as c')
    .innerJoin('tickets as t', 't.id', 'c.ticket_id')
    .innerJoin('organizations as o', 'o.id', 'c.organization_id')
    .select(['t.id as ticket_id', 't.number', 't.subject', 't.status', 'c.organization_id', 'o.name as organization_name', 'c.risk', 'c.window_start', 'c.window_end', 'c.approval_state'])
    .where('c.window_start', '<', q.to)
    .where('c.window_end', '>', q.from)
    .where('c.approval_state', 'in', q.states);
  if (q.organizationId) query = query.where('c.organization_id', '=', q.organizationId);
  return query.orderBy('c.window_start').orderBy('t.number').limit(1000).execute();
}
