import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * A real OpenID provider for tests (`oidc-provider`, the certified implementation) on a free
 * loopback port: one confidential client, and accounts the test defines. Its sign-in page signs in
 * at once as the account named by `signInAs` (what a person would type there).
 */
export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The people the IdP knows, by subject. */
  accounts: Map<string, Record<string, unknown>>;
  /** The subject the next sign-in page signs in. */
  signInAs: string;
  stop(): Promise<void>;
}

export async function startIdp(opts: { redirectUris: string[]; clientId?: string; clientSecret?: string }, into = {} as TestIdp): Promise<TestIdp> {
  // Imported here: the package warns about its runtime on load, and only these tests need it.
  const { default: Provider } = await import('oidc-provider');
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ctx: TestIdp = Object.assign(into, {
    issuer,
    clientId: opts.clientId ?? 'tierdesk',
    clientSecret: opts.clientSecret ?? 'a-client-secret-of-some-length-0123456789',
    accounts: new Map(),
    signInAs: '',
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: ctx.clientId,
        client_secret: ctx.clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'locale'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // The ID token carries the profile claims (the client reads them from it, not from userinfo).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      const claims = ctx.accounts.get(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...claims }) };
    },
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => { if (process.env.IDP_DEBUG) console.error('IDP', err); });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void handle(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name === 'login') {
          await provider.interactionFinished(req, res, { login: { accountId: ctx.signInAs } }, { mergeWithLastSubmission: false });
          return;
        }
        const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
    })();
  });
  return ctx;
}

/** A test IdP for the tests of one `describe`. */
export function useIdp(opts: () => { redirectUris: string[] }) {
  const ctx = {} as TestIdp;
  beforeAll(async () => void (await startIdp(opts(), ctx)));
  afterAll(async () => ctx.stop?.());
  return ctx;
}

/**
 * A browser for a sign-in that crosses sites: follows redirects by hand, keeping each site's
 * cookies, and stops at the first URL `stopAt` accepts (or a non-redirect answer).
 */
export class Browser {
  private jars = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string) {
    return this.jars.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string) {
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    jar.set(name, value);
    this.jars.set(origin, jar);
  }

  async get(url: string): Promise<Response> {
    const u = new URL(url);
    const jar = this.jars.get(u.origin);
    const headers: Record<string, string> = {};
    if (jar?.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(u, { redirect: 'manual', headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.jars.get(u.origin)?.delete(name);
      else this.setCookie(u.origin, name, value);
    }
    return res;
  }

  /** Follows redirects from `url` until `stopAt(next)` is true; returns that URL (or throws). */
  async follow(url: string, stopAt: (u: URL) => boolean, max = 20): Promise<URL> {
    let current = new URL(url);
    for (let i = 0; i < max; i++) {
      const res = await this.get(current.href);
      const location = res.headers.get('location');
      if (!location || res.status < 300 || res.status >= 400) throw new Error(`No redirect from ${current.href}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer().catch(() => undefined);
      current = new URL(location, current);
      if (stopAt(current)) return current;
    }
    throw new Error('Too many redirects');
  }
}
