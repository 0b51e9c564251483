import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { signer } from './support/session';

/** Draft and review of issue 13 in a real browser, in Russian: L1 writes a draft and submits it, L3 publishes it. */
describe('knowledge base draft and review in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const title = `Черновик ${Date.now()}`;
  let pageUrl = '';

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

  async function russian(email: string): Promise<Page> {
    const page = await signer(browser, app.url, errors, contexts).signIn(email);
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
    await page.locator('label', { hasText: /^RU$/ }).first().click();
    await saved;
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('ru');
    return page;
  }

  it('L1 saves a new page as a draft, then submits it for review', async () => {
    const l1 = await russian('l1@demo.test');
    await l1.goto('/kb/new');
    await l1.getByLabel(/Заголовок/).first().fill(title);
    await l1.getByRole('textbox', { name: /Текст/ }).first().fill('Перезапустите службу печати.');
    await l1.getByTestId('kb-save-draft').waitFor();
    await checkScreen(l1, '90-kb-new-draft');
    await l1.getByTestId('kb-save-draft').click();
    await l1.waitForURL(/\/kb\/[0-9a-f-]{36}$/);
    pageUrl = new URL(l1.url()).pathname;
    await expect.poll(() => l1.getByTestId('kb-status').textContent()).toBe('Черновик');
    await l1.getByTestId('kb-unpublished').waitFor();
    expect(await l1.getByTestId('kb-status-published').count()).toBe(0);
    await checkScreen(l1, '91-kb-draft');
    await l1.getByTestId('kb-status-review').click();
    await expect.poll(() => l1.getByTestId('kb-status').textContent()).toBe('На проверке');
    await l1.goto('/kb');
    const row = l1.getByRole('link', { name: title }).locator('xpath=..');
    await expect.poll(() => row.getByTestId('kb-status').textContent()).toBe('На проверке');
    await checkScreen(l1, '93-kb-list-review');
  }, 120_000);

  it('L3 publishes it', async () => {
    const l3 = await russian('l3@demo.test');
    await l3.goto(pageUrl);
    await expect.poll(() => l3.getByTestId('kb-status').textContent()).toBe('На проверке');
    await checkScreen(l3, '92-kb-in-review');
    await l3.getByTestId('kb-status-published').click();
    await expect.poll(() => l3.getByTestId('kb-status').textContent()).toBe('Опубликована');
    expect(await l3.getByTestId('kb-unpublished').count()).toBe(0);
  }, 120_000);

  checksEveryScreen(errors);
});
