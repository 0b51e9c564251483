import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { isUniqueViolation } from '../../core/db/dialect.js';
import { Conflict, Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext } from '../db.js';
import { findOrganization, type Actor } from '../identity/index.js';
import { assertMayManageSpaces, mayRead, readableSpaceIds } from './kb.policy.js';
import * as repo from './kb.repo.js';
import type { SpaceVisibility } from './kb.tables.js';

/** Spaces: internal for the staff, public for every client, or for chosen client companies. */

export interface SpaceInput {
  key: string;
  name: string;
  nameRu?: string;
  description?: string;
  visibility: SpaceVisibility;
  organizationIds?: string[];
}

async function assertOrganizations(app: AppContext, ids: string[] | undefined) {
  for (const id of ids ?? []) if (!(await findOrganization(app.db, id))) throw new Invalid(`No such organization ${id}`, 'organizationIds');
}

/** The spaces the actor may read. */
export async function listSpaces(app: AppContext, actor: Actor) {
  return repo.listSpaces(app.db, await readableSpaceIds(app.db, actor));
}

export async function getSpace(app: AppContext, actor: Actor, id: string) {
  const readable = await readableSpaceIds(app.db, actor);
  const space = await repo.findSpace(app.db, id);
  if (!space || !mayRead(readable, id)) throw new NotFound('Space');
  return space;
}

export const spaceOrganizations = (app: AppContext, id: string) => repo.spaceOrganizations(app.db, id);

export async function createSpace(app: AppContext, actor: Actor, input: SpaceInput) {
  assertMayManageSpaces(actor);
  await assertOrganizations(app, input.organizationIds);
  const id = newId();
  const now = app.clock.now().toISOString();
  try {
    await inTransaction(app.db, async (trx) => {
      await repo.insertSpace(trx, {
        id,
        key: input.key,
        name: input.name,
        name_ru: input.nameRu ?? null,
        description: input.description ?? '',
        visibility: input.visibility,
        is_default: 0,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      });
      if (input.visibility === 'organizations') await repo.replaceSpaceOrganizations(trx, id, [...new Set(input.organizationIds ?? [])]);
      await recordAudit(trx, { entityType: 'kb_space', entityId: id, actorId: actor.id, action: 'created', after: { ...input } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`A space with the key ${input.key} already exists`, 'key_taken');
    throw err;
  }
  return (await repo.findSpace(app.db, id))!;
}

/** Changes a space; who may read it takes effect at once for every page in it. */
export async function updateSpace(app: AppContext, actor: Actor, id: string, input: Partial<Omit<SpaceInput, 'key'>>) {
  assertMayManageSpaces(actor);
  const space = await repo.findSpace(app.db, id);
  if (!space) throw new NotFound('Space');
  if (space.is_default && input.visibility && input.visibility !== 'internal') throw new Invalid('The default space stays internal', 'visibility');
  await assertOrganizations(app, input.organizationIds);
  const visibility = input.visibility ?? space.visibility;
  await inTransaction(app.db, async (trx) => {
    await repo.updateSpace(trx, id, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.nameRu !== undefined && { name_ru: input.nameRu }),
      ...(input.description !== undefined && { description: input.description }),
      visibility,
      updated_at: app.clock.now().toISOString(),
    });
    if (visibility !== 'organizations') await repo.replaceSpaceOrganizations(trx, id, []);
    else if (input.organizationIds) await repo.replaceSpaceOrganizations(trx, id, [...new Set(input.organizationIds)]);
    await recordAudit(trx, { entityType: 'kb_space', entityId: id, actorId: actor.id, action: 'updated', before: { visibility: space.visibility }, after: { ...input } });
  });
  return (await repo.findSpace(app.db, id))!;
}
