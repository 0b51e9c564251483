import type { Action } from '../../contracts/actions.js';
import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Forbidden, Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext, Db } from '../db.js';
import { assertPlaceholders, getCanned } from '../canned/index.js';
import { findUserById, isManager, isStaff, STAFF_ROLES, type Actor } from '../identity/index.js';
import { findCategory } from '../tickets/index.js';
import * as repo from './macros.repo.js';

export interface MacroInput {
  name: string;
  actions: Action[];
  /** Shared with the whole staff (managers and admins only); otherwise the author's own. */
  shared?: boolean;
}

/** Macros are the staff's tool: client-side people never see them. */
function assertStaffOnly(actor: Actor) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff use macros');
}

/** A macro the actor may apply (their own or a shared one), or NotFound. */
export async function loadMacro(db: Db, actor: Actor, id: string) {
  assertStaffOnly(actor);
  const row = await repo.findMacro(db, id);
  if (!row || (row.owner_id !== null && row.owner_id !== actor.id)) throw new NotFound('Macro');
  return row;
}

export const macroActions = (row: repo.MacroRow) => JSON.parse(row.actions) as Action[];

/**
 * Checks what the actions name, so that a macro fails when it is saved rather than when it is
 * applied: canned replies the macro's users may use, known placeholders, categories, staff.
 */
async function checkActions(app: AppContext, actor: Actor, actions: Action[], shared: boolean) {
  for (const [i, a] of actions.entries()) {
    const field = `actions.${i}`;
    if (a.type === 'reply') {
      const canned = await getCanned(app, actor, a.cannedReplyId).catch(() => undefined);
      if (!canned) throw new Invalid('No such canned reply', `${field}.cannedReplyId`);
      if (shared && canned.owner_id !== null) throw new Invalid('A shared macro can only reply with a shared canned reply', `${field}.cannedReplyId`);
    }
    if (a.type === 'note') assertPlaceholders(a.body, `${field}.body`);
    if (a.type === 'category' && a.categoryId && !(await findCategory(app.db, a.categoryId))) throw new Invalid('No such category', `${field}.categoryId`);
    if (a.type === 'assignee' && a.assigneeId && a.assigneeId !== 'me') {
      const u = await findUserById(app.db, a.assigneeId);
      if (!u || !u.active || !(STAFF_ROLES as readonly string[]).includes(u.role)) throw new Invalid('No such staff member', `${field}.assigneeId`);
    }
  }
}

/** Shared macros are changed by managers and admins; personal ones by their owner. */
function assertMayChange(actor: Actor, row: repo.MacroRow) {
  if (row.owner_id === null ? !isManager(actor) : row.owner_id !== actor.id)
    throw new Forbidden('Only a manager changes shared macros, and only its owner a personal one');
}

export async function listMacros(app: AppContext, actor: Actor) {
  assertStaffOnly(actor);
  return repo.listVisible(app.db, actor.id);
}

export async function createMacro(app: AppContext, actor: Actor, input: MacroInput) {
  assertStaffOnly(actor);
  if (input.shared && !isManager(actor)) throw new Forbidden('Only a manager or an administrator makes shared macros');
  await checkActions(app, actor, input.actions, !!input.shared);
  const now = app.clock.now().toISOString();
  const id = newId();
  await inTransaction(app.db, async (trx) => {
    await repo.insertMacro(trx, {
      id,
      name: input.name,
      owner_id: input.shared ? null : actor.id,
      actions: JSON.stringify(input.actions),
      usage_count: 0,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, { entityType: 'macro', entityId: id, actorId: actor.id, action: 'created', after: { ...input } });
  });
  return id;
}

export async function updateMacro(app: AppContext, actor: Actor, id: string, patch: Partial<MacroInput>) {
  const row = await loadMacro(app.db, actor, id);
  assertMayChange(actor, row);
  const shared = patch.shared ?? row.owner_id === null;
  if (shared !== (row.owner_id === null) && !isManager(actor)) throw new Forbidden('Only a manager or an administrator shares macros');
  const actions = patch.actions ?? macroActions(row);
  await checkActions(app, actor, actions, shared);
  await inTransaction(app.db, async (trx) => {
    await repo.updateMacro(trx, id, {
      name: patch.name ?? row.name,
      actions: JSON.stringify(actions),
      owner_id: shared ? null : actor.id,
      updated_at: app.clock.now().toISOString(),
    });
    await recordAudit(trx, { entityType: 'macro', entityId: id, actorId: actor.id, action: 'updated', before: { name: row.name, actions: macroActions(row) }, after: { ...patch } });
  });
  return id;
}

export async function deleteMacro(app: AppContext, actor: Actor, id: string) {
  const row = await loadMacro(app.db, actor, id);
  assertMayChange(actor, row);
  await inTransaction(app.db, async (trx) => {
    await repo.deleteMacro(trx, id);
    await recordAudit(trx, { entityType: 'macro', entityId: id, actorId: actor.id, action: 'deleted', before: { name: row.name } });
  });
}
