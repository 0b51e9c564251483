/** What a policy may allow scripts from: the app's own files, nothing, or a nonce/hash. */
const SCRIPT_OK = /^('self'|'none'|'nonce-[A-Za-z0-9+/=_-]+'|'sha(256|384|512)-[A-Za-z0-9+/=]+')$/;

/** A policy's directives by name, each with its sources. */
export function parsePolicy(header: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/**
 * Everything that makes a page's Content-Security-Policy missing or weaker than Tierdesk's rule: scripts
 * only from the app (or by nonce/hash), never inline or eval; no plugins, no <base>, no framing; images
 * only from the app itself (data:, blob:) and the allowed hosts. Empty when the policy is strict.
 */
export function cspProblems(header: string | null | undefined, imageHosts: readonly string[] = []): string[] {
  if (!header) return ['no Content-Security-Policy'];
  const p = parsePolicy(header);
  const problems: string[] = [];
  const effective = (name: string) => p.get(name) ?? p.get('default-src');
  const scripts = effective('script-src');
  if (!scripts) problems.push('no script-src nor default-src');
  else for (const s of scripts) if (!SCRIPT_OK.test(s)) problems.push(`script-src allows ${s}`);
  for (const s of p.get('default-src') ?? []) if (!["'self'", "'none'"].includes(s)) problems.push(`default-src allows ${s}`);
  for (const name of ['object-src', 'base-uri', 'frame-ancestors']) {
    const v = name === 'object-src' ? effective(name) : p.get(name);
    if (v?.join(' ') !== "'none'") problems.push(`${name} is ${v?.join(' ') ?? 'missing'}, not 'none'`);
  }
  const allowedImages = new Set(["'self'", "'none'", 'data:', 'blob:', ...imageHosts.map((h) => `https://${h}`)]);
  for (const s of effective('img-src') ?? []) if (!allowedImages.has(s)) problems.push(`img-src allows ${s}`);
  return problems;
}
