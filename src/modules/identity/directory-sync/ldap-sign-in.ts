import type { AppContext } from '../../db.js';
import type { UserRow } from '../identity.repo.js';
import * as repo from './directory.repo.js';
import { bindAs, findDn } from './ldap.js';

/**
 * Checks a password against the person's organization's directory, when that organization signs in
 * with LDAP: a bind as the person. Undefined when it does not (the local password applies); false
 * when the directory cannot be reached (never a silent fallback to the local password).
 */
export async function directoryPasswordCheck(app: AppContext, user: UserRow | undefined, password: string): Promise<boolean | undefined> {
  if (!user?.organization_id) return undefined;
  const source = await repo.findSource(app.db, user.organization_id);
  if (!source || !source.enabled || !source.ldap_sign_in) return undefined;
  try {
    const ldap = repo.toLdapSource(app.secrets, source);
    const dn = (await repo.findLink(app.db, user.id))?.dn ?? (await findDn(ldap, user.email));
    if (!dn) return false;
    return await bindAs(source.url, dn, password);
  } catch {
    return false;
  }
}
