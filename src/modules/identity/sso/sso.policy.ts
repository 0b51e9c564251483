import { DomainError } from '../../../core/errors.js';
import type { Db } from '../../db.js';
import * as repo from './sso.repo.js';

/** Password sign-in refused: this person's organization signs in with SSO only. */
export class SsoRequired extends DomainError {
  constructor(url: string) {
    super('Your organization signs in with single sign-on; use the SSO button', 'sso_required', { url });
  }
}

export const startUrl = (providerId: string, email?: string) =>
  `/api/v1/auth/sso/${providerId}/start${email ? `?login_hint=${encodeURIComponent(email)}` : ''}`;

export const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();

/** The organization that owns an e-mail domain. */
export const organizationOfDomain = (db: Db, domain: string) =>
  db.selectFrom('organization_domains').select('organization_id').where('domain', '=', domain.toLowerCase()).executeTakeFirst().then((r) => r?.organization_id);

/** The enabled IdP that signs in this address: its organization's, or the staff IdP by domain. */
export async function providerForEmail(db: Db, email: string) {
  const domain = domainOf(email);
  const orgId = await organizationOfDomain(db, domain);
  if (orgId) {
    const p = await repo.findProviderOf(db, orgId);
    return p?.enabled ? p : undefined;
  }
  const staff = await repo.findProviderOf(db, null);
  return staff?.enabled && (JSON.parse(staff.email_domains) as string[]).includes(domain) ? staff : undefined;
}

/**
 * Refuses a password sign-in when the person's IdP has turned password sign-in off: by the
 * address's domain (before the password is even checked) and by the person's own organization.
 */
export async function assertPasswordSignIn(db: Db, email: string, user?: { organization_id: string | null }) {
  let p = await providerForEmail(db, email);
  if (!p && user?.organization_id) {
    const own = await repo.findProviderOf(db, user.organization_id);
    if (own?.enabled) p = own;
  }
  if (p && p.password_sign_in === 0) throw new SsoRequired(startUrl(p.id, email));
}
