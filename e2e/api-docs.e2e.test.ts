import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './support/app';
import { ensureChromium, launch, personContext } from './support/browser';

/** The API reference in a real browser: it renders the operations under its own strict CSP. */
describe('the API reference at /api/docs in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureChromium();
    app = await startApp();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows the operations and an example, loading nothing from elsewhere, with no console errors', async () => {
    const context = await personContext(browser, app.url, errors);
    const page = await context.newPage();
    const elsewhere: string[] = [];
    const violations: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(app.url) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto('/api/docs');
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/);
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(50);
    await expect.poll(() => page.title()).toBe('Tierdesk API reference');
    const signIn = page.locator('.opblock-post', { hasText: '/api/v1/auth/login' }).first();
    await signIn.locator('.opblock-summary').click();
    await page.locator('.opblock-body .body-param__example, .opblock-body .example').first().waitFor();
    const example = await page.locator('.opblock-body').first().innerText();
    expect(example).toContain('l1@demo.test');
    expect(elsewhere).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);

  it('had no console errors', () => {
    expect(errors).toEqual([]);
  });
});
