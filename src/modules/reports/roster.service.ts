import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { NotFound } from '../../core/errors.js';
import type { AppContext } from '../db.js';
import { findUserById, type Actor } from '../identity/index.js';
import { assertMayPlanStaff } from './reports.policy.js';
import * as repo from './reports.repo.js';
import type { RosterWeek } from './roster.js';

/** The staff with their weekly shifts (empty where none is set). */
export async function listRosters(app: AppContext, actor: Actor) {
  assertMayPlanStaff(actor);
  const rosters = new Map((await repo.listRosters(app.db)).map((r) => [r.user_id, r]));
  const staff = await app.db.selectFrom('users').select(['id', 'name', 'line', 'time_zone']).where('role', '=', 'agent').where('active', '=', 1).orderBy('name').execute();
  return staff.map((u) => ({ user: u, week: rosters.has(u.id) ? (JSON.parse(rosters.get(u.id)!.week) as RosterWeek) : {}, updatedAt: rosters.get(u.id)?.updated_at ?? null }));
}

/** Sets a person's weekly shifts, in their own time zone. */
export async function setRoster(app: AppContext, actor: Actor, userId: string, week: RosterWeek) {
  assertMayPlanStaff(actor);
  const u = await findUserById(app.db, userId);
  if (!u || !['agent', 'manager', 'admin'].includes(u.role)) throw new NotFound('Person');
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    await repo.saveRoster(trx, userId, JSON.stringify(week), now);
    await recordAudit(trx, { entityType: 'roster', entityId: userId, actorId: actor.id, action: 'set', after: { week } });
  });
  return { user: u, week, updatedAt: now };
}
