import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret, newSecret } from '../../src/core/ids/ids.js';
import { createHttpServer, type HttpServer } from '../../src/core/http/server.js';
import { serveWebApp } from '../../src/core/http/static.js';
import { landingPage } from '../../src/landing.js';
import { insertSatisfactionToken } from '../../src/modules/notifications/notifications.repo.js';
import { ROOT } from '../../e2e/support/app.js';
import { useTestApp } from '../support/app.js';
import { cspProblems } from '../support/csp.js';
import { DATABASES } from '../support/databases.js';

const IMAGE_HOSTS = ['img.example.com'];
const isHtml = (h: Headers) => /^text\/html\b/.test(h.get('content-type') ?? '');

describe('the policy check itself', () => {
  it('finds a missing or weakened policy', () => {
    expect(cspProblems(null)).toEqual(['no Content-Security-Policy']);
    const strict = "default-src 'self'; script-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    expect(cspProblems(strict)).toEqual([]);
    expect(cspProblems(strict.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"))).toEqual(["script-src allows 'unsafe-inline'"]);
    expect(cspProblems(strict.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"))).toEqual(["script-src allows 'unsafe-eval'"]);
    expect(cspProblems(strict.replace("script-src 'self'; ", ''))).toEqual([]);
    expect(cspProblems(strict.replace("default-src 'self'; script-src 'self'; ", ''))).toEqual(['no script-src nor default-src']);
    expect(cspProblems(strict.replace("img-src 'self' data:", 'img-src *'))).toEqual(['img-src allows *']);
    expect(cspProblems(strict.replace("; frame-ancestors 'none'", ''))).toEqual(["frame-ancestors is missing, not 'none'"]);
    expect(cspProblems(strict.replace("base-uri 'none'", "base-uri 'self'"))).toEqual(["base-uri is 'self', not 'none'"]);
  });
});

describe('the web app and the landing page', () => {
  let http: HttpServer;
  let base = '';
  let dist = '';
  beforeAll(async () => {
    // A built web app as Vite writes it: index.html loading hashed assets, a top-level icon.
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-dist-'));
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'assets/index-abc.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div><script type="module" crossorigin src="/assets/index-abc.js"></script>');
    http = await createHttpServer({ logger: pino({ level: 'silent' }), maxFileBytes: 1024, trustProxy: false, validateResponses: true, title: 't', version: '0' });
    await serveWebApp(http, landingPage, { dist, imageHosts: IMAGE_HOSTS });
    // Any other HTML a route writes without a policy of its own gets the strictest one.
    http.get('/api/v1/some-html', async (_req, reply) => reply.type('text/html').send('<p>hi</p>'));
    base = await http.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await http.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it.each(['/', '/tickets/TD-000042', '/kb/01HX?edit=1', '/admin/settings', '/reset-password?token=abc', '/portal/new', '/no/such/screen', '/api/v1/some-html'])(
    '%s is HTML with a strict policy',
    async (url) => {
      const r = await fetch(base + url);
      expect(r.status).toBe(200);
      expect(isHtml(r.headers)).toBe(true);
      expect(cspProblems(r.headers.get('content-security-policy'), IMAGE_HOSTS)).toEqual([]);
    },
  );

  it('lets the web app show images from the configured hosts, and styles inline for Mantine', async () => {
    const csp = (await fetch(`${base}/`)).headers.get('content-security-policy')!;
    expect(csp).toContain("img-src 'self' data: blob: https://img.example.com");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("script-src 'self';");
  });

  it('the web app\'s page has no inline script (Vite keeps it that way), so the policy needs no exception', () => {
    const source = fs.readFileSync(path.join(ROOT, 'web/index.html'), 'utf8');
    const scripts = [...source.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe('');
    }
    expect(source).not.toMatch(/\son[a-z]+=/i);
  });

  it('the landing page (no web app built) allows no script and only its own style, by a fresh nonce', async () => {
    const bare = await createHttpServer({ logger: pino({ level: 'silent' }), maxFileBytes: 1024, trustProxy: false, validateResponses: true, title: 't', version: '0' });
    await serveWebApp(bare, landingPage, { dist: path.join(dist, 'missing') });
    const nonces = [];
    for (let i = 0; i < 2; i++) {
      const r = await bare.inject({ url: '/' });
      const csp = String(r.headers['content-security-policy']);
      expect(cspProblems(csp)).toEqual([]);
      expect(csp).toContain("script-src 'none'");
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
      expect(r.body).toContain(`<style nonce="${nonce}">`);
      expect(r.body).not.toMatch(/style="/);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
    await bare.close();
  });
});

describe.each(DATABASES)('every HTML response of the app (%s)', (kind) => {
  const t = useTestApp(kind, { KB_IMAGE_HOSTS: IMAGE_HOSTS.join(',') });

  /** A resolved request of Bob's and a rating link for it (as the resolution e-mail carries). */
  async function ratingLink() {
    const bob = await t.login('bob@client-b.test');
    const ticket = (await bob.post('/api/v1/tickets', { subject: 'Printer', description: 'Jammed' })).body;
    expect((await (await t.login('l1-en@demo.test')).patch(`/api/v1/tickets/${ticket.id}`, { status: 'resolved' })).status).toBe(200);
    const token = newSecret();
    const now = t.td.app.clock.now();
    await insertSatisfactionToken(t.td.app.db, {
      token_hash: hashSecret(token),
      ticket_id: ticket.id,
      user_id: ticket.requester.id,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
    });
    return { bob, ticket, path: `/api/v1/satisfaction/${token}` };
  }

  it('the rating pages (form, thanks, invalid link, request open again) have a strict policy, in both languages', async () => {
    const { bob, ticket, path: link } = await ratingLink();
    const form = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const responses = [
      await fetch(`${t.base}${link}?rating=4`),
      await fetch(`${t.base}${link}?rating=4`, { headers: { 'accept-language': 'ru' } }),
      await fetch(`${t.base}${link}`, form('rating=5&comment=ok')),
      await fetch(`${t.base}/api/v1/satisfaction/${'x'.repeat(43)}?rating=4`),
      await fetch(`${t.base}/api/v1/satisfaction/${'x'.repeat(43)}`, form('rating=4')),
    ];
    expect((await bob.post(`/api/v1/tickets/${ticket.id}/reopen`)).status).toBe(200);
    responses.push(await fetch(`${t.base}${link}?rating=4`));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 404, 409]);
    for (const r of responses) {
      expect(isHtml(r.headers)).toBe(true);
      expect(cspProblems(r.headers.get('content-security-policy'))).toEqual([]);
      const nonce = /'nonce-([^']+)'/.exec(r.headers.get('content-security-policy')!)![1]!;
      expect(await r.text()).toContain(`<style nonce="${nonce}">`);
    }
  });

  it('/ (the web app or, unbuilt, the landing page) has a strict policy', async () => {
    const r = await fetch(`${t.base}/`);
    expect(isHtml(r.headers)).toBe(true);
    expect(cspProblems(r.headers.get('content-security-policy'), IMAGE_HOSTS)).toEqual([]);
  });

  it('every GET route of the API, tried by a signed-in admin and by nobody: any HTML it answers has a strict policy', async () => {
    const admin = await t.login('admin@demo.test');
    const doc = (await admin.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const gets = Object.entries(doc.paths).filter(([, ops]) => 'get' in ops).map(([p]) => p);
    expect(gets.length).toBeGreaterThan(50);
    let html = 0;
    for (const p of gets) {
      const url = `${p.replace(/\{[^}]+\}/g, 'x'.repeat(43))}?rating=3`;
      for (const headers of [{ cookie: admin.cookie! }, {}] as Record<string, string>[]) {
        // A redirect (single sign-on) is no page: where it leads is checked with the web app's screens.
        const r = await fetch(t.base + url, { headers, redirect: 'manual' });
        expect(r.status, url).toBeLessThan(500);
        // Headers are enough (and the live-updates stream never ends).
        await r.body?.cancel();
        if (!isHtml(r.headers)) continue;
        html++;
        expect(cspProblems(r.headers.get('content-security-policy')), url).toEqual([]);
      }
    }
    // The rating link's page at least (an unknown link: its 404 page).
    expect(html).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
