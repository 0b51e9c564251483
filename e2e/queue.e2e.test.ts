import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checksEveryScreen, DESKTOP, ensureChromium, launch, PHONE, shoot } from './support/browser';
import { badgesWhole, rows as queueRows, sideways } from './support/queue';
import { russian, signer } from './support/session';

/**
 * The queue in Russian beyond the agent's walk (agent-walk.e2e.test.ts: the line queue's badges at
 * both sizes, filters in the address, the SLA sort): the requester's list with whole badges at
 * 1280×800 and on a phone, j / k / x / Enter, a saved view with its count.
 */
describe('the queue in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let page: Page;

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.stop();
  });

  const rows = () => queueRows(page);

  it('an L1 agent signs in and switches to Russian', async () => {
    page = await signer(browser, app.url, errors, contexts).signIn('l1@demo.test');
    await russian(page);
  }, 60_000);

  it("shows the requester's list in Russian with whole badges, at 1280×800 and on a phone", async () => {
    const alice = await signer(browser, app.url, errors, contexts).signIn('alice@client-a.test');
    await russian(alice);
    const agent = page;
    page = alice;
    try {
      for (const size of [DESKTOP, PHONE]) {
        await page.setViewportSize(size);
        await page.goto('/requests');
        await rows().first().waitFor();
        await badgesWhole(page, false);
        expect(await sideways(page), `${size.width}px`).toEqual({ page: 0, table: 0 });
      }
      await shoot(page, 'requests-ru');
    } finally {
      page = agent;
    }
  }, 60_000);

  it('moves with j and k, selects with x for the bulk bar, opens with Enter', async () => {
    await page.goto('/queues/line');
    await rows().nth(1).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(() => rows().nth(1).getAttribute('data-active')).toBe('true');
    await page.keyboard.press('k');
    await expect.poll(() => rows().nth(0).getAttribute('data-active')).toBe('true');
    await page.keyboard.press('x');
    await expect.poll(() => rows().nth(0).getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('bulk-bar').getByText('Выбрано: 1').waitFor();
    await shoot(page, 'queue-selected-ru');
    const number = (await rows().nth(0).getAttribute('data-number'))!;
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/tickets/${number}$`));
  }, 60_000);

  it('saves the filters as a view, shown with its count', async () => {
    await page.goto('/queues/line?priority=P1,P2,P3,P4');
    await rows().first().waitFor();
    // With filters in the address, the filter panel is open already.
    expect(await page.getByRole('button', { name: 'Фильтры', exact: true }).getAttribute('aria-expanded')).toBe('true');
    await page.getByLabel('Название представления').fill('Моя линия, все приоритеты');
    await page.getByRole('button', { name: 'Сохранить как представление' }).click();
    await page.waitForURL(/\/queues\/views\?.*view=/);
    const view = page.locator('[data-view="Моя линия, все приоритеты"]');
    await view.waitFor();
    const count = await page.getByTestId('queue-count').innerText();
    await expect.poll(async () => `Заявок: ${(await view.innerText()).split('\n').pop()}`).toBe(count);
    await shoot(page, 'queue-view-ru');
  }, 60_000);

  checksEveryScreen(errors);
});
