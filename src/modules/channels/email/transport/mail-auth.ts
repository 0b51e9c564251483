import dns from 'node:dns';
import { createRequire } from 'node:module';
import { lazyRequire } from '../../../../core/lazy.js';

/**
 * Whether a message's From can be trusted: SPF, DKIM, DMARC and ARC, checked by `mailauth`
 * against DNS, or read from the Authentication-Results header of a provider the mailbox trusts.
 *
 * A message passes when DMARC passes, or, for a domain without a DMARC record, when SPF or DKIM
 * passes for a domain aligned with the From domain (the same organizational domain). Everything
 * else fails: DMARC fail (whatever the domain's p=), and no aligned pass where the domain has no
 * DMARC record, DNS errors included. ARC is checked and recorded, never trusted on its own.
 */
export type AuthVerdict = 'pass' | 'fail';

export interface AuthResult {
  verdict: AuthVerdict;
  /** Checked here, or read from a trusted provider's Authentication-Results header. */
  source: 'checked' | 'header';
  /** `spf=pass dkim=none dmarc=fail (p=REJECT) arc=none`, for admins. */
  summary: string;
}

/** A DNS lookup as `dns.promises.resolve` does it (tests answer from memory). */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

const system = new dns.promises.Resolver({ timeout: 3000, tries: 2 });
/** The system's DNS servers, with a bound on each lookup (a slow DNS delays mail, it does not stop it). */
export const systemResolver: DnsResolver = (name, rrtype) => system.resolve(name, rrtype);

/**
 * Remembers answers (and "no such name / no data") for `ttlMs`: a domain's SPF, DMARC and DKIM
 * records are asked for by every message it sends, and a mail storm would ask DNS thousands of times.
 * Other errors (timeouts) are not remembered.
 */
export function cachingResolver(resolver: DnsResolver, ttlMs = 60_000, maxEntries = 10_000): DnsResolver {
  const cache = new Map<string, { until: number; answer: Promise<unknown> }>();
  return (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.answer;
    if (cache.size >= maxEntries) cache.clear();
    const answer = resolver(name, rrtype);
    cache.set(key, { until: now + ttlMs, answer });
    answer.catch((err: { code?: string }) => {
      if (err?.code !== 'ENOTFOUND' && err?.code !== 'ENODATA') cache.delete(key);
    });
    return answer;
  };
}

interface MailauthStatus {
  result?: string;
  comment?: string | boolean;
  aligned?: string | false;
}
interface MailauthResult {
  dkim?: { headerFrom?: string[]; results?: { signingDomain?: string; status?: MailauthStatus }[] };
  spf?: { domain?: string; status?: MailauthStatus } | false;
  dmarc?: { status?: MailauthStatus; p?: string } | false;
  arc?: { status?: MailauthStatus };
}

type GetPublicKey = (type: string, name: string, minBitLength: number | undefined, resolver?: DnsResolver) => Promise<{ publicKey: string; rr: string; modulusLength: number }>;
interface MailauthTools {
  getAlignment(fromDomain: string, domains: string[], strict: boolean): unknown;
  getPublicKey: GetPublicKey;
}

// Required by the first message checked: a process that takes no mail in does not carry them.
const tools = lazyRequire<MailauthTools>('mailauth/lib/tools.js');
const require = createRequire(import.meta.url);
let loaded: { authenticate(input: Buffer, opts: object): Promise<MailauthResult> } | undefined;
const mailauth = () => {
  if (loaded) return loaded;
  // Before mailauth's verifiers are loaded: each takes the function from its tools when it is.
  if (!require.cache[require.resolve('mailauth/lib/dkim/dkim-verifier.js')]) tools().getPublicKey = keepingParsedKeys(tools().getPublicKey);
  return (loaded = require('mailauth') as typeof loaded & object);
};

/**
 * mailauth's reading of a DKIM or ARC key, its parse kept: mailauth makes, checks and exports an
 * RSA key object from the DNS record for every signature it verifies (a sixth of a message's
 * reading), and offers no option to keep it. The record is still asked for at each signature
 * (through the caller's resolver, whose cache keeps the DNS answer for its lifetime); a record of
 * the same text is not parsed again. A record that fails to parse fails each time, as before.
 */
export function keepingParsedKeys(getPublicKey: GetPublicKey, maxEntries = 1000): GetPublicKey {
  const parsed = new Map<string, ReturnType<GetPublicKey>>();
  return async (type, name, minBitLength, resolver) => {
    if (!resolver) return getPublicKey(type, name, minBitLength, resolver);
    const answer = await resolver(name, 'TXT');
    const key = `${type} ${minBitLength ?? ''} ${JSON.stringify(answer)}`;
    let found = parsed.get(key);
    if (!found) {
      if (parsed.size >= maxEntries) parsed.clear();
      found = getPublicKey(type, name, minBitLength, async () => answer);
      parsed.set(key, found);
      found.catch(() => parsed.delete(key));
    }
    return found;
  };
}

/** The domain of the (single) From address, lower case, or null. */
function fromDomainOf(addresses: string[] | undefined): string | null {
  if (!addresses || addresses.length !== 1) return null;
  const at = addresses[0]!.lastIndexOf('@');
  return at > 0 ? addresses[0]!.slice(at + 1).toLowerCase() : null;
}

const aligned = (fromDomain: string | null, domains: string[]) => !!fromDomain && domains.length > 0 && !!tools().getAlignment(fromDomain, domains, false);

/**
 * Checks a message as the SMTP conversation gave it. `trustReceived`: the client is a relay (or
 * the message came from a mailbox), so the sending IP and name come from its Received header.
 */
export async function checkMessage(
  raw: Buffer,
  at: { ip?: string; helo?: string; sender?: string; trustReceived?: boolean; mta: string; resolver: DnsResolver },
): Promise<AuthResult> {
  let r: MailauthResult;
  try {
    r = await mailauth().authenticate(raw, {
      ip: at.trustReceived ? undefined : at.ip,
      helo: at.trustReceived ? undefined : at.helo,
      // A relay keeps the envelope sender; a mailbox has it in Return-Path (`sender` unset).
      sender: at.sender || undefined,
      trustReceived: at.trustReceived ?? false,
      mta: at.mta,
      resolver: at.resolver,
      disableBimi: true,
    });
  } catch (err) {
    return { verdict: 'fail', source: 'checked', summary: `error (${err instanceof Error ? err.message : String(err)})`.slice(0, 500) };
  }
  const fromDomain = fromDomainOf(r.dkim?.headerFrom);
  const dkimPass = (r.dkim?.results ?? []).filter((d) => d.status?.result === 'pass' && d.signingDomain).map((d) => d.signingDomain!);
  const spf = r.spf || undefined;
  const spfPass = spf?.status?.result === 'pass' && spf.domain ? [spf.domain] : [];
  const dmarc = r.dmarc || undefined;
  const dmarcResult = dmarc?.status?.result ?? 'none';
  const dkimResult = dkimPass.length ? 'pass' : ((r.dkim?.results ?? []).find((d) => d.status?.result && d.status.result !== 'none')?.status?.result ?? 'none');
  const summary = [
    `spf=${spf?.status?.result ?? 'none'}`,
    `dkim=${dkimResult}`,
    `dmarc=${dmarcResult}${dmarc?.p ? ` (p=${dmarc.p.toUpperCase()})` : ''}`,
    `arc=${r.arc?.status?.result ?? 'none'}`,
  ].join(' ');
  let verdict: AuthVerdict;
  if (dmarcResult === 'pass') verdict = 'pass';
  else if (dmarcResult === 'fail') verdict = 'fail';
  else verdict = aligned(fromDomain, dkimPass) || aligned(fromDomain, spfPass) ? 'pass' : 'fail';
  return { verdict, source: 'checked', summary };
}

/** The `method=result` pairs of one Authentication-Results header, with their properties. */
function parseResults(value: string): { authservId: string; results: { method: string; result: string; props: Record<string, string> }[] } {
  // Comments in parentheses carry nothing we rely on.
  const text = value.replace(/\([^()]*\)/g, ' ');
  const [head, ...parts] = text.split(';');
  const authservId = (head ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const results = parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [first, ...rest] = p.split(/\s+/);
      const [method, result] = (first ?? '').toLowerCase().split('=');
      const props: Record<string, string> = {};
      for (const kv of rest) {
        const eq = kv.indexOf('=');
        if (eq > 0) props[kv.slice(0, eq).toLowerCase()] = kv.slice(eq + 1).replace(/^"|"$/g, '').toLowerCase();
      }
      return { method: method ?? '', result: result ?? '', props };
    });
  return { authservId, results };
}

/** The domain part of an address or `@domain` (header.i, smtp.mailfrom). */
const domainOf = (v: string | undefined) => (v ? (v.includes('@') ? v.slice(v.lastIndexOf('@') + 1) : v) : '');

/**
 * The verdict a trusted provider wrote (the topmost Authentication-Results header with its
 * authserv-id; providers remove such headers that arrive from outside). No such header: fail.
 */
export function fromTrustedHeader(raw: Buffer, authservId: string): AuthResult {
  const head = raw.toString('latin1', 0, Math.min(raw.length, 256 * 1024)).split(/\r?\n\r?\n/, 1)[0] ?? '';
  // Unfold, then read each field.
  const fields = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const from = fields.find((f) => /^from:/i.test(f));
  const fromDomain = from ? (/@([^\s>,;"]+)/.exec(from)?.[1]?.toLowerCase() ?? null) : null;
  const id = authservId.trim().toLowerCase();
  const header = fields
    .filter((f) => /^authentication-results:/i.test(f))
    .map((f) => parseResults(f.slice(f.indexOf(':') + 1)))
    .find((h) => h.authservId === id);
  if (!header) return { verdict: 'fail', source: 'header', summary: `no Authentication-Results of ${id}` };
  const first = (method: string) => header.results.find((r) => r.method === method);
  const dmarc = first('dmarc');
  const spf = first('spf');
  const dkimPass = header.results.filter((r) => r.method === 'dkim' && r.result === 'pass').map((r) => r.props['header.d'] || domainOf(r.props['header.i'])).filter(Boolean);
  const spfPass = spf?.result === 'pass' ? [domainOf(spf.props['smtp.mailfrom'])].filter(Boolean) : [];
  const summary = [
    `spf=${spf?.result ?? 'none'}`,
    `dkim=${dkimPass.length ? 'pass' : (first('dkim')?.result ?? 'none')}`,
    `dmarc=${dmarc?.result ?? 'none'}`,
    `arc=${first('arc')?.result ?? 'none'}`,
    `(${id})`,
  ].join(' ');
  let verdict: AuthVerdict;
  if (dmarc?.result === 'pass') verdict = 'pass';
  else if (dmarc?.result === 'fail') verdict = 'fail';
  else verdict = aligned(fromDomain, dkimPass) || aligned(fromDomain, spfPass) ? 'pass' : 'fail';
  return { verdict, source: 'header', summary };
}
