import { Client, InvalidCredentialsError } from 'ldapts';

/** How Tierdesk reaches an organization's directory. */
export interface LdapSource {
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  filter: string;
  attributes: { name: string; email: string; phone: string | null; locale: string | null };
  managerGroupDn: string | null;
}

/** One person as the directory has them. */
export interface DirectoryEntry {
  dn: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  locale: string | null;
  /** Whether they are in the manager group (null: no manager group is configured). */
  manager: boolean | null;
}

const TIMEOUT_MS = 15_000;

/** Escapes a value for an LDAP filter (RFC 4515). */
export const escapeFilter = (v: string) => v.replace(/[\\*()\0]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);

const first = (v: unknown): string | null => {
  const x = Array.isArray(v) ? v[0] : v;
  if (x === undefined || x === null) return null;
  const s = (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)).trim();
  return s || null;
};

/** Compares DNs loosely (case, spaces after commas), as directories write them differently. */
export const sameDn = (a: string, b: string) => a.replace(/\s*,\s*/g, ',').toLowerCase() === b.replace(/\s*,\s*/g, ',').toLowerCase();

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS });
  try {
    return await fn(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Reads every person the source's filter selects under its base DN (as the service account). */
export async function readDirectory(s: LdapSource): Promise<DirectoryEntry[]> {
  return withClient(s.url, async (c) => {
    await c.bind(s.bindDn, s.bindPassword);
    const a = s.attributes;
    const wanted = [a.name, a.email, ...(a.phone ? [a.phone] : []), ...(a.locale ? [a.locale] : [])];
    const { searchEntries } = await c.search(s.baseDn, { scope: 'sub', filter: s.filter, attributes: wanted, paged: true });
    let managers: string[] | null = null;
    if (s.managerGroupDn) {
      const group = await c.search(s.managerGroupDn, { scope: 'base', attributes: ['member', 'uniqueMember'] });
      const g = group.searchEntries[0];
      const list = (v: unknown) => (Array.isArray(v) ? v : v ? [v] : []).map((x) => String(x));
      managers = g ? [...list(g.member), ...list(g.uniqueMember)] : [];
    }
    return searchEntries.map((e) => ({
      dn: e.dn,
      email: first(e[a.email])?.toLowerCase() ?? null,
      name: first(e[a.name]),
      phone: a.phone ? first(e[a.phone]) : null,
      locale: a.locale ? first(e[a.locale]) : null,
      manager: managers ? managers.some((m) => sameDn(m, e.dn)) : null,
    }));
  });
}

/** The DN of the person with this address, found as the service account; null when not there. */
export async function findDn(s: LdapSource, email: string): Promise<string | null> {
  return withClient(s.url, async (c) => {
    await c.bind(s.bindDn, s.bindPassword);
    const filter = `(&${s.filter}(${s.attributes.email}=${escapeFilter(email)}))`;
    const { searchEntries } = await c.search(s.baseDn, { scope: 'sub', filter, attributes: ['dn'], sizeLimit: 2 });
    return searchEntries.length === 1 ? searchEntries[0]!.dn : null;
  });
}

/** Whether the password is the person's: a bind as them succeeds. An empty password never is. */
export async function bindAs(url: string, dn: string, password: string): Promise<boolean> {
  if (!password) return false;
  try {
    await withClient(url, (c) => c.bind(dn, password));
    return true;
  } catch (err) {
    if (err instanceof InvalidCredentialsError) return false;
    throw err;
  }
}
