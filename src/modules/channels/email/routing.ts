import type { AppContext } from '../../db.js';
import { createPerson, findOrganization, findOrganizationByDomain, findUserByEmail, type Locale, type UserRow } from '../../identity/index.js';
import { SYSTEM_ACTOR } from '../../tickets/index.js';
import type { ReasonCode } from './email.messages.js';
import type { MailboxRow } from './email.repo.js';
import type { InboundMail } from './parse.js';

/** Who a message is from: a person of the desk (found, or just created: `created`), or why there is none. */
export type SenderDecision = { user: UserRow; created: boolean } | { refused: ReasonCode };

/**
 * Finds the person who sent a message by their address. An unknown sender belongs to the
 * organization that owns their e-mail domain, else to the mailbox's organization, else (a mailbox
 * routing by sender) to its walk-in organization; that organization's policy creates them as a requester or refuses them. A known person always writes
 * as themselves, in their own organization, whatever mailbox they wrote to.
 */
export async function findOrCreateSender(app: AppContext, mail: InboundMail, mailbox: MailboxRow | null, locale: Locale): Promise<SenderDecision> {
  const from = mail.from!;
  const known = await findUserByEmail(app.db, from.address);
  if (known) return known.active ? { user: known, created: false } : { refused: 'sender_inactive' };

  const domain = from.address.split('@')[1]!;
  const fallback = mailbox?.organization_id ?? mailbox?.walk_in_organization_id;
  const org = (await findOrganizationByDomain(app.db, domain)) ?? (fallback ? await findOrganization(app.db, fallback) : undefined);
  if (!org) return { refused: 'unknown_organization' };
  if (org.unknown_sender_policy === 'refuse') return { refused: 'unknown_sender_refused' };
  const name = from.name.replace(/^["']|["']$/g, '').trim().slice(0, 120) || from.address.split('@')[0]!.slice(0, 120);
  const user = await createPerson(app, SYSTEM_ACTOR, {
    email: from.address,
    name,
    role: 'requester',
    organizationId: org.id,
    locale,
    languages: [locale],
  });
  return { user, created: true };
}
