import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checksEveryScreen, ensureChromium, launch, personContext, PHONE } from './support/browser';
import { PASSWORD } from './support/session';

/** What the requester's phone may load for the sign-in screen and for her list (issue 13): JavaScript, all scripts together. */
const LIMIT = { rawBytes: 250_000, gzipBytes: 80_000 };

/**
 * The light portal: the sign-in screen and the requester's list load React and a small string table
 * only. Every script the page fetches counts (the entry, its imports, what it loads on the way).
 */
describe('the light portal in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** A fresh phone-sized browser (empty cache) in `lang`, recording the scripts its pages fetch. */
  async function cold(lang: 'en' | 'ru') {
    const context = await personContext(browser, app.url, errors, PHONE);
    await context.addInitScript(`if (location.protocol.startsWith('http')) localStorage.setItem('tierdesk.lang', '${lang}')`);
    const page = await context.newPage();
    const scripts: { url: string; raw: number; gzip: number }[] = [];
    const reading: Promise<void>[] = [];
    let recording = true;
    page.on('response', (r) => {
      if (!recording) return;
      if (r.request().resourceType() !== 'script' && !/\.m?js(\?|$)/.test(r.url())) return;
      reading.push(r.body().then((body) => void scripts.push({ url: r.url(), raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length })));
    });
    /** The scripts fetched so far (all read before the page goes on); what comes after is not recorded. */
    const fetched = async () => {
      recording = false;
      await Promise.all(reading);
      return scripts;
    };
    return { page, fetched, close: () => context.close() };
  }

  /** The scripts' bytes, raw and gzipped, against the limits. */
  function withinLimits(scripts: { url: string; raw: number; gzip: number }[], what: string) {
    expect(scripts.length, what).toBeGreaterThan(0);
    const list = scripts.map((s) => `${new URL(s.url).pathname} ${s.raw} / ${s.gzip}`).join(', ');
    expect(scripts.reduce((n, s) => n + s.raw, 0), `${what}: ${list}`).toBeLessThanOrEqual(LIMIT.rawBytes);
    expect(scripts.reduce((n, s) => n + s.gzip, 0), `${what}: ${list}`).toBeLessThanOrEqual(LIMIT.gzipBytes);
  }

  const signInAs = async (page: Page, email: string) => {
    await page.getByLabel(/^(E-mail|Электронная почта)/).fill(email);
    await page.getByLabel(/^(Password|Пароль)/).fill(PASSWORD);
    await page.locator('button[type=submit]').click();
  };

  for (const lang of ['en', 'ru'] as const) {
    it(`loads at most ${LIMIT.rawBytes / 1000} KB of JavaScript (${LIMIT.gzipBytes / 1000} KB gzipped) for sign-in and the requester's list (${lang})`, async () => {
      const signIn = await cold(lang);
      await signIn.page.goto('/sign-in');
      await signIn.page.locator('button[type=submit]:enabled').waitFor();
      await signIn.page.waitForLoadState('networkidle');
      withinLimits(await signIn.fetched(), 'sign-in');
      await signInAs(signIn.page, 'alice@client-a.test');
      await signIn.page.waitForURL(/\/requests$/);
      await signIn.page.locator('main a[href^="/tickets/TD-"]').first().waitFor();
      await signIn.close();

      // Her list opened cold with her session (as from a bookmark), in a fresh cache, in her language.
      const list = await cold(lang);
      const api = list.page.context().request;
      const session = (await (await api.post('/api/v1/auth/login', { data: { email: 'alice@client-a.test', password: PASSWORD } })).json()) as { csrfToken: string; user: { role: string } };
      expect(session.user.role).toBe('requester');
      expect((await api.patch('/api/v1/me', { data: { locale: lang }, headers: { 'x-csrf-token': session.csrfToken } })).status()).toBe(200);
      await list.page.goto('/requests');
      await list.page.locator('main a[href^="/tickets/TD-"]').first().waitFor();
      await list.page.waitForLoadState('networkidle');
      withinLimits(await list.fetched(), "the requester's list");
      expect(await list.page.evaluate<string>('document.documentElement.lang')).toBe(lang);
      await list.close();
    }, 90_000);
  }

  checksEveryScreen(errors);
});
