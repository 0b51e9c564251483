import { recordAudit } from '../../../core/audit/audit.js';
import { inTransaction } from '../../../core/db/connect.js';
import { isUniqueViolation } from '../../../core/db/dialect.js';
import { Conflict, Invalid, NotFound } from '../../../core/errors.js';
import { newId } from '../../../core/ids/ids.js';
import type { AppContext } from '../../db.js';
import { findOrganization, type Actor } from '../../identity/index.js';
import { assertMayAdministerMail } from './email.policy.js';
import * as repo from './email.repo.js';
import type { AuthPolicy, DoneAction } from './email.tables.js';

/** A desk address as an admin configures it. `imap` set: polled over IMAP; otherwise relayed by SMTP. */
export interface MailboxInput {
  address: string;
  name?: string;
  organizationId?: string | null;
  active?: boolean;
  walkInOrganizationId?: string | null;
  authPolicy?: AuthPolicy;
  trustedAuthservId?: string | null;
  imap?: {
    host: string;
    port: number;
    secure: boolean;
    user: string;
    password?: string;
    folder: string;
    doneAction: DoneAction;
    moveTo?: string | null;
  } | null;
}

export async function listMailboxes(app: AppContext, actor: Actor) {
  assertMayAdministerMail(actor);
  return repo.listMailboxes(app.db);
}

export async function getMailbox(app: AppContext, actor: Actor, id: string) {
  assertMayAdministerMail(actor);
  const m = await repo.findMailbox(app.db, id);
  if (!m) throw new NotFound('Mailbox');
  return m;
}

async function assertOrganization(app: AppContext, id: string | null | undefined, field = 'organizationId') {
  if (id && !(await findOrganization(app.db, id))) throw new Invalid('No such organization', field);
}

/** The audit trail never holds the IMAP password. */
const forAudit = (input: Partial<MailboxInput>) => ({ ...input, ...(input.imap && { imap: { ...input.imap, password: input.imap.password ? '***' : undefined } }) });

const imapColumns = (imap: NonNullable<MailboxInput['imap']>, keepPassword: string | null) => ({
  kind: 'imap' as const,
  imap_host: imap.host,
  imap_port: imap.port,
  imap_secure: imap.secure ? 1 : 0,
  imap_user: imap.user,
  imap_password: imap.password ?? keepPassword,
  imap_folder: imap.folder,
  done_action: imap.doneAction,
  move_to: imap.doneAction === 'move' ? (imap.moveTo ?? null) : null,
});
const smtpColumns = {
  kind: 'smtp' as const,
  imap_host: null,
  imap_port: null,
  imap_secure: 0,
  imap_user: null,
  imap_password: null,
  imap_folder: 'INBOX',
  done_action: 'flag' as const,
  move_to: null,
};

async function unique<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('The address is already taken', 'already_exists');
    throw err;
  }
}

export async function createMailbox(app: AppContext, actor: Actor, input: MailboxInput) {
  assertMayAdministerMail(actor);
  await assertOrganization(app, input.organizationId);
  await assertOrganization(app, input.walkInOrganizationId, 'walkInOrganizationId');
  if (input.imap && !input.imap.password) throw new Invalid('An IMAP mailbox needs its password', 'imap.password');
  const id = newId();
  const now = app.clock.now().toISOString();
  await unique(() =>
    inTransaction(app.db, async (trx) => {
      await repo.insertMailbox(trx, {
        id,
        address: input.address.trim().toLowerCase(),
        name: input.name ?? input.address,
        organization_id: input.organizationId ?? null,
        walk_in_organization_id: input.walkInOrganizationId ?? null,
        auth_policy: input.authPolicy ?? 'quarantine',
        trusted_authserv_id: input.trustedAuthservId?.toLowerCase() ?? null,
        active: input.active === false ? 0 : 1,
        ...(input.imap ? imapColumns(input.imap, null) : smtpColumns),
        poll_owner: null,
        poll_lease_until: null,
        last_polled_at: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(trx, { entityType: 'email_mailbox', entityId: id, actorId: actor.id, action: 'created', after: forAudit(input) });
    }),
  );
  return (await repo.findMailbox(app.db, id))!;
}

export async function updateMailbox(app: AppContext, actor: Actor, id: string, input: Partial<MailboxInput>) {
  const before = await getMailbox(app, actor, id);
  await assertOrganization(app, input.organizationId);
  await assertOrganization(app, input.walkInOrganizationId, 'walkInOrganizationId');
  if (input.imap && !input.imap.password && !before.imap_password) throw new Invalid('An IMAP mailbox needs its password', 'imap.password');
  await unique(() =>
    inTransaction(app.db, async (trx) => {
      await repo.updateMailbox(trx, id, {
        ...(input.address !== undefined && { address: input.address.trim().toLowerCase() }),
        ...(input.name !== undefined && { name: input.name }),
        ...(input.organizationId !== undefined && { organization_id: input.organizationId }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        ...(input.walkInOrganizationId !== undefined && { walk_in_organization_id: input.walkInOrganizationId }),
        ...(input.authPolicy !== undefined && { auth_policy: input.authPolicy }),
        ...(input.trustedAuthservId !== undefined && { trusted_authserv_id: input.trustedAuthservId?.toLowerCase() ?? null }),
        ...(input.imap === null && smtpColumns),
        ...(input.imap && imapColumns(input.imap, before.imap_password)),
        // A changed account is polled afresh: whoever polled the old one lets go at its next renewal.
        ...(input.imap !== undefined && { last_error: null }),
        updated_at: app.clock.now().toISOString(),
      });
      await recordAudit(trx, { entityType: 'email_mailbox', entityId: id, actorId: actor.id, action: 'updated', after: forAudit(input) });
    }),
  );
  return (await repo.findMailbox(app.db, id))!;
}

export async function deleteMailbox(app: AppContext, actor: Actor, id: string) {
  await getMailbox(app, actor, id);
  await inTransaction(app.db, async (trx) => {
    await repo.deleteMailbox(trx, id);
    await recordAudit(trx, { entityType: 'email_mailbox', entityId: id, actorId: actor.id, action: 'deleted' });
  });
}

/**
 * The demo's desk address: support@desk.test, routing by sender; senders of no client's domain
 * become requesters of the walk-in organization. The demo's domains publish no SPF, DKIM or DMARC
 * (they are not in DNS), so its people's mail is taken in marked as from an unverified sender.
 */
export async function seedDemoMailboxes(app: AppContext, admin: Actor, walkInOrganizationId: string) {
  return createMailbox(app, admin, { address: 'support@desk.test', name: 'Service desk', organizationId: null, walkInOrganizationId, authPolicy: 'accept_unverified' });
}
