import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Forbidden, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext } from '../db.js';
import { isManager, type Actor } from '../identity/index.js';
import { assertMayWork } from './tickets.policy.js';
import * as repo from './views.repo.js';

export interface ViewInput {
  name: string;
  query: string;
  columns?: string[];
  shared: boolean;
}

/** Only a manager shares a view with everyone; a shared view is changed by managers only. */
function assertMayShare(actor: Actor, shared: boolean) {
  if (shared && !isManager(actor)) throw new Forbidden('Only a service desk manager may share a view with everyone');
}

function assertMayChange(actor: Actor, v: repo.ViewRow) {
  if (v.owner_id === actor.id && !v.shared) return;
  if (v.shared && isManager(actor)) return;
  throw new Forbidden(v.shared ? 'Only a service desk manager may change a shared view' : 'This view is someone else’s');
}

/** The staff member's own views and the shared ones (client users have none). */
export async function listViews(app: AppContext, actor: Actor) {
  assertMayWork(actor);
  return repo.listVisible(app.db, actor.id);
}

async function load(app: AppContext, actor: Actor, id: string) {
  assertMayWork(actor);
  const v = await repo.findView(app.db, id);
  if (!v || (!v.shared && v.owner_id !== actor.id)) throw new NotFound('View');
  return v;
}

export async function getView(app: AppContext, actor: Actor, id: string) {
  await load(app, actor, id);
  return (await repo.listVisible(app.db, actor.id, id))[0]!;
}

export async function createView(app: AppContext, actor: Actor, input: ViewInput) {
  assertMayWork(actor);
  assertMayShare(actor, input.shared);
  const id = newId();
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    await repo.insertView(trx, {
      id,
      owner_id: actor.id,
      name: input.name,
      query: input.query,
      columns: input.columns ? JSON.stringify(input.columns) : null,
      shared: input.shared ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    if (input.shared) await recordAudit(trx, { entityType: 'queue_view', entityId: id, actorId: actor.id, action: 'created', after: { ...input } });
  });
  return getView(app, actor, id);
}

export async function updateView(app: AppContext, actor: Actor, id: string, patch: Partial<ViewInput>) {
  const v = await load(app, actor, id);
  assertMayChange(actor, v);
  if (patch.shared !== undefined) assertMayShare(actor, patch.shared);
  await repo.updateView(app.db, id, {
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.query !== undefined && { query: patch.query }),
    ...(patch.columns !== undefined && { columns: JSON.stringify(patch.columns) }),
    ...(patch.shared !== undefined && { shared: patch.shared ? 1 : 0 }),
    updated_at: app.clock.now().toISOString(),
  });
  return getView(app, actor, id);
}

export async function deleteView(app: AppContext, actor: Actor, id: string) {
  const v = await load(app, actor, id);
  assertMayChange(actor, v);
  await repo.deleteView(app.db, id);
}
