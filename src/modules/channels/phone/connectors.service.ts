import { recordAudit } from '../../../core/audit/audit.js';
import { inTransaction } from '../../../core/db/connect.js';
import { isUniqueViolation } from '../../../core/db/dialect.js';
import { Conflict, Invalid, NotFound } from '../../../core/errors.js';
import { newId, newSecret } from '../../../core/ids/ids.js';
import type { AppContext } from '../../db.js';
import { findOrganization, type Actor } from '../../identity/index.js';
import { assertMayAdministerPhone } from './phone.policy.js';
import * as repo from './phone.repo.js';

export interface ConnectorInput {
  name: string;
  active?: boolean;
  defaultOrganizationId?: string | null;
}

async function assertOrganization(app: AppContext, id: string | null | undefined) {
  if (id && !(await findOrganization(app.db, id))) throw new Invalid('No such organization', 'defaultOrganizationId');
}

async function uniqueName<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('A connector of this name exists already', 'already_exists');
    throw err;
  }
}

export async function listConnectors(app: AppContext, actor: Actor) {
  assertMayAdministerPhone(actor);
  return repo.listConnectors(app.db);
}

export async function getConnector(app: AppContext, actor: Actor, id: string) {
  assertMayAdministerPhone(actor);
  const c = await repo.findConnector(app.db, id);
  if (!c) throw new NotFound('PBX connector');
  return c;
}

/** Creates a connector with a fresh secret, which the caller shows once (it is never shown again). */
export async function createConnector(app: AppContext, actor: Actor, input: ConnectorInput) {
  assertMayAdministerPhone(actor);
  await assertOrganization(app, input.defaultOrganizationId);
  const id = newId();
  const now = app.clock.now().toISOString();
  const secret = newSecret();
  await uniqueName(() =>
    inTransaction(app.db, async (trx) => {
      await repo.insertConnector(trx, {
        id,
        name: input.name,
        secret: app.secrets.seal(secret),
        active: input.active === false ? 0 : 1,
        default_organization_id: input.defaultOrganizationId ?? null,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(trx, { entityType: 'pbx_connector', entityId: id, actorId: actor.id, action: 'created', after: { ...input } });
    }),
  );
  return { ...(await repo.findConnector(app.db, id))!, secret };
}

export async function updateConnector(app: AppContext, actor: Actor, id: string, input: Partial<ConnectorInput>) {
  await getConnector(app, actor, id);
  await assertOrganization(app, input.defaultOrganizationId);
  await uniqueName(() =>
    inTransaction(app.db, async (trx) => {
      await repo.updateConnector(trx, id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        ...(input.defaultOrganizationId !== undefined && { default_organization_id: input.defaultOrganizationId }),
        updated_at: app.clock.now().toISOString(),
      });
      await recordAudit(trx, { entityType: 'pbx_connector', entityId: id, actorId: actor.id, action: 'updated', after: { ...input } });
    }),
  );
  return (await repo.findConnector(app.db, id))!;
}

/** A new secret for the connector; the old one stops working at once. */
export async function rotateSecret(app: AppContext, actor: Actor, id: string) {
  await getConnector(app, actor, id);
  const secret = newSecret();
  await inTransaction(app.db, async (trx) => {
    await repo.updateConnector(trx, id, { secret: app.secrets.seal(secret), updated_at: app.clock.now().toISOString() });
    await recordAudit(trx, { entityType: 'pbx_connector', entityId: id, actorId: actor.id, action: 'secret_rotated' });
  });
  return { ...(await repo.findConnector(app.db, id))!, secret };
}

/** Deletes a connector that has no calls; one with calls is kept for the log (deactivate it instead). */
export async function deleteConnector(app: AppContext, actor: Actor, id: string) {
  await getConnector(app, actor, id);
  if (await repo.connectorHasCalls(app.db, id))
    throw new Conflict('The connector has calls in the log; deactivate it instead', 'connector_in_use');
  await inTransaction(app.db, async (trx) => {
    await repo.deleteConnector(trx, id);
    await recordAudit(trx, { entityType: 'pbx_connector', entityId: id, actorId: actor.id, action: 'deleted' });
  });
}
