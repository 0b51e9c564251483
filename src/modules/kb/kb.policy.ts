import { Forbidden } from '../../core/errors.js';
import type { Db } from '../db.js';
import { isManager, isStaff, type Actor } from '../identity/index.js';

/**
 * Who may read and write what in the knowledge base. Staff read every space and write pages; the
 * client side reads the public spaces (for all clients, or for their own organization among the
 * chosen ones) and nothing else: a page it may not read answers 404, as if it did not exist.
 */

/** The spaces an actor may read: undefined for staff (all of them), else the ids of the visible ones. */
export async function readableSpaceIds(db: Db, actor: Actor): Promise<string[] | undefined> {
  if (isStaff(actor)) return undefined;
  if (!actor.organizationId) throw new Forbidden('This account belongs to no organization');
  const orgId = actor.organizationId;
  const rows = await db
    .selectFrom('kb_spaces')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('visibility', '=', 'public'),
        eb.and([
          eb('visibility', '=', 'organizations'),
          eb.exists(eb.selectFrom('kb_space_organizations as so').select('so.space_id').whereRef('so.space_id', '=', 'kb_spaces.id').where('so.organization_id', '=', orgId)),
        ]),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** Whether a space (by id) is among the readable ones (undefined: all). */
export const mayRead = (readable: string[] | undefined, spaceId: string) => readable === undefined || readable.includes(spaceId);

/** Whether a page is readable: staff (readable undefined) any page, the client side published pages of its spaces. */
export const mayReadPage = (readable: string[] | undefined, page: { space_id: string; status: string }) =>
  readable === undefined || (page.status === 'published' && readable.includes(page.space_id));

/** Writing pages, their attachments and links to requests: the provider's staff. */
export function assertMayEdit(actor: Actor) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff may change the knowledge base');
}

/** Creating spaces and choosing who reads them: service desk managers and admins. */
export function assertMayManageSpaces(actor: Actor) {
  if (!isManager(actor)) throw new Forbidden('Only a service desk manager may manage knowledge base spaces');
}

/** Deleting a page: its owner, or a manager. */
export function assertMayDelete(actor: Actor, ownerId: string | null) {
  assertMayEdit(actor);
  if (!isManager(actor) && ownerId !== actor.id) throw new Forbidden('Only the owner of the page or a manager may delete it');
}

/** Writing up a resolved request as a solution article: L2 and L3 (who solved it), or a manager. */
export function assertMayCaptureSolution(actor: Actor) {
  assertMayEdit(actor);
  if (!isManager(actor) && actor.line !== 'L2' && actor.line !== 'L3')
    throw new Forbidden('Only L2 and L3 engineers (or a manager) write solution articles from requests');
}

/** Publishing a page (or taking it back to draft): the L3 leading specialists, or a manager. */
export function assertMayPublish(actor: Actor) {
  assertMayEdit(actor);
  if (!isManager(actor) && actor.line !== 'L3') throw new Forbidden('Only an L3 specialist or a manager may publish a page or take it back');
}
